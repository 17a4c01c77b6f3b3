"""H.264 + AAC into one PyAV container (an MP4 file or an FLV push), with pts from the programme clock.

Shared by the MP4 and RTMP sinks. Video pts count frames at the frame rate; audio pts count samples.
Audio is kept continuous: a gap before a chunk is filled with silence and an overlap is cut, so
the audio track is never stretched or shifted by what happens to the video.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from avatar.sinks.base import SinkError

log = logging.getLogger(__name__)


def metadata_text(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """Metadata values as text: mappings and lists become JSON (e.g. the AIGC label)."""
    out: dict[str, str] = {}
    for key, value in (metadata or {}).items():
        out[str(key)] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return out


class AvEncoder:
    """An open output with one H.264 (yuv420p) and one AAC (mono) stream; `origin_s` is its time zero."""

    def __init__(
        self,
        target: str,
        *,
        width: int,
        height: int,
        fps: float,
        sample_rate: int,
        fmt: str | None = None,
        audio_rate: int | None = None,
        x264: Mapping[str, str] | None = None,
        video_bit_rate: int | None = None,
        audio_bit_rate: int = 128_000,
        gop: int | None = None,
        threads: int = 0,
        metadata: Mapping[str, str] | None = None,
        container_options: Mapping[str, str] | None = None,
        origin_s: float = 0.0,
    ) -> None:
        import av

        if width % 2 or height % 2:
            raise SinkError(f"H.264 yuv420p needs an even frame size, got {width}x{height}")
        self._av = av
        self.av_error: type[Exception] = av.FFmpegError
        self.target = target
        self.fps = Fraction(fps).limit_denominator(1001)
        self.sample_rate = int(sample_rate)
        self.origin_s = float(origin_s)
        try:
            self.container: Any = av.open(
                target, "w", format=fmt, container_options=dict(container_options or {})
            )
        except (av.FFmpegError, OSError) as e:
            raise SinkError(f"{target}: cannot open for writing ({e})") from e
        self.container.metadata.update(dict(metadata or {}))
        options = {"preset": "veryfast", **dict(x264 or {})}
        self.video = self.container.add_stream("libx264", rate=self.fps, options=options)
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        self.video.codec_context.thread_count = threads
        if video_bit_rate:
            self.video.bit_rate = video_bit_rate
        if gop:
            self.video.codec_context.gop_size = gop
        self.audio = self.container.add_stream("aac", rate=audio_rate or self.sample_rate, layout="mono")
        self.audio.bit_rate = audio_bit_rate
        self._video_tb = Fraction(1, 1) / self.fps
        self._audio_tb = Fraction(1, self.sample_rate)
        self.last_video_pts = -1  # in frames since origin
        self.video_frames = 0
        self.audio_samples = 0  # written since origin, silence included
        self.last_image: np.ndarray | None = None
        self._closed = False

    # -- clocks --------------------------------------------------------------------------------------
    @property
    def video_end_s(self) -> float:
        """Programme time at which the last written frame ends."""
        return self.origin_s + (self.last_video_pts + 1) / float(self.fps)

    @property
    def audio_end_s(self) -> float:
        return self.origin_s + self.audio_samples / self.sample_rate

    def frame_pts(self, pts_s: float) -> int:
        return round((pts_s - self.origin_s) * float(self.fps))

    # -- writing -------------------------------------------------------------------------------------
    def write_video(self, image: np.ndarray, pts_s: float, *, fill_gaps: bool = False) -> bool:
        """Encode one RGB frame; False (and nothing written) if its pts is not after the last one.

        With `fill_gaps`, frame slots skipped since the last frame repeat it (constant frame rate, as
        MP4 needs with B-frames: its track duration follows the decode order, not the pts).
        """
        pts = self.frame_pts(pts_s)
        if pts <= self.last_video_pts or pts < 0:
            return False
        if fill_gaps and self.last_image is not None:
            for missing in range(self.last_video_pts + 1, pts):
                self._encode_video(self.last_image, missing)
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"frames must be RGB uint8 (H, W, 3), got {image.dtype} {image.shape}")
        if image.shape[:2] != (self.video.height, self.video.width):
            raise ValueError(
                f"frame of {image.shape[1]}x{image.shape[0]} into a {self.video.width}x{self.video.height} output"
            )
        self._encode_video(image, pts)
        self.last_image = image
        return True

    def _encode_video(self, image: np.ndarray, pts: int) -> None:
        frame = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
        frame.pts, frame.time_base = pts, self._video_tb
        self.container.mux(self.video.encode(frame))
        self.last_video_pts = pts
        self.video_frames += 1

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        """Encode mono int16 samples starting at `pts_s`: silence fills a gap, an overlap is cut."""
        start = round((pts_s - self.origin_s) * self.sample_rate)
        if start > self.audio_samples:
            self._encode_audio(np.zeros(start - self.audio_samples, np.int16))
        elif start < self.audio_samples:
            pcm = pcm[self.audio_samples - start :]
        if len(pcm):
            self._encode_audio(pcm)

    def pad_audio_to(self, end_s: float) -> None:
        """Silence up to `end_s` (no-op if the audio already reaches it)."""
        missing = round((end_s - self.origin_s) * self.sample_rate) - self.audio_samples
        if missing > 0:
            self._encode_audio(np.zeros(missing, np.int16))

    def _encode_audio(self, pcm: np.ndarray) -> None:
        frame = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = self.sample_rate
        frame.pts, frame.time_base = self.audio_samples, self._audio_tb
        self.container.mux(self.audio.encode(frame))
        self.audio_samples += len(pcm)

    # -- finishing -----------------------------------------------------------------------------------
    def close(self) -> None:
        """Flush both encoders and write the trailer."""
        if self._closed:
            return
        self._closed = True
        try:
            for stream in (self.video, self.audio):
                self.container.mux(stream.encode(None))
        finally:
            self.container.close()

    def abort(self) -> None:
        """Drop the output without flushing (the connection is gone)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.container.close()
        except Exception as e:  # noqa: BLE001  (a broken pipe may surface again while closing)
            log.debug("closing a broken output %s: %s", self.target, e)
