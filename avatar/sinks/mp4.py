"""An MP4 file: H.264 + AAC muxed by PyAV, both streams of equal length, with container metadata tags.

The metadata (e.g. the compliance layer's {"AIGC": json}) is written as MP4 container tags with
`movflags use_metadata_tags`, so ffprobe and `read_mp4_metadata` show them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, as_pcm, register
from avatar.sinks.encode import AvEncoder, metadata_text
from avatar.sinks.fragments import trim_to_whole_fragments
from avatar.types import VideoFrame

log = logging.getLogger(__name__)

WHOLE = "+use_metadata_tags+faststart"  # one index, written at the end and moved to the front: a finished clip
# A long recording is fragmented instead: the index goes out with each fragment (a keyframe's worth of frames)
# rather than being held in memory until the end (~12 MB per hour of programme), and a file cut short (a full
# disk, a killed process) still plays up to its last fragment. `delay_moov` keeps the edit lists (AAC priming).
FRAGMENTED = "+use_metadata_tags+frag_keyframe+delay_moov+default_base_moof"
FRAGMENT_S = 2.0  # a keyframe, and so a fragment, every 2 s: what a cut-short file can lose at most


@register("mp4")
class Mp4Sink(VideoSink):
    """Writes the programme to an MP4 file at a constant frame rate (a dropped frame repeats the one
    before); on close the shorter stream is extended to the longer one."""

    name = "mp4"
    capabilities = SinkCapabilities(video=True, audio=True, live=False)

    def __init__(
        self,
        path: str | Path,
        metadata: Mapping[str, Any] | None = None,
        *,
        preset: str = "veryfast",
        crf: int = 20,
        threads: int = 0,
        origin_s: float = 0.0,
        fragmented: bool = False,
    ) -> None:
        self.path = Path(path)
        self.fragmented = fragmented
        self.origin_s = origin_s  # programme time of the file's first frame (a recording continued later)
        self.metadata = metadata_text(metadata)
        self.preset, self.crf, self.threads = preset, crf, threads
        self._enc: AvEncoder | None = None
        self._closed = False
        self.frames_skipped = 0  # frames whose pts was not after the previous one (not written)

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        if self._enc is not None or self._closed:
            raise SinkError(f"{self.path}: already opened")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SinkError(f"{self.path}: cannot write ({e.strerror or e})") from e
        self._enc = AvEncoder(
            str(self.path),
            fmt="mp4",
            width=width,
            height=height,
            fps=fps,
            sample_rate=sample_rate,
            x264={"preset": self.preset, "crf": str(self.crf)},
            threads=self.threads,
            metadata=self.metadata,
            # a fragment goes to the file as soon as it is cut, not when the write buffer fills
            container_options={"movflags": FRAGMENTED, "flush_packets": "1"} if self.fragmented
            else {"movflags": WHOLE},
            gop=round(fps * FRAGMENT_S) if self.fragmented else None,
            origin_s=self.origin_s,
        )
        try:
            self._enc.container.start_encoding()  # opens the file now: a bad path fails here, not mid-show
        except (OSError, ValueError, self._enc.av_error) as e:
            self._enc = None
            raise SinkError(f"{self.path}: cannot write ({e})") from e

    def _encoder(self) -> AvEncoder:
        if self._closed:
            raise SinkError(f"{self.path}: sink already closed")
        if self._enc is None:
            raise SinkError(f"{self.path}: open() the sink first")
        return self._enc

    def write_video(self, frame: VideoFrame) -> None:
        enc = self._encoder()
        try:
            if not enc.write_video(frame.image, frame.pts_s, fill_gaps=True):
                self.frames_skipped += 1
        except (OSError, enc.av_error) as e:  # disk full, file gone
            raise SinkError(f"{self.path}: cannot write ({e})") from e

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        enc = self._encoder()
        try:
            enc.write_audio(as_pcm(pcm), pts_s)
        except (OSError, enc.av_error) as e:
            raise SinkError(f"{self.path}: cannot write ({e})") from e

    @property
    def duration_s(self) -> float:
        """Seconds written so far (the longer of the two streams)."""
        enc = self._enc
        return 0.0 if enc is None else max(enc.video_end_s, enc.audio_end_s) - enc.origin_s

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        enc = self._enc
        if enc is None:
            return
        try:
            if enc.last_image is not None:
                # Equal lengths: repeat the last picture until the audio ends, then pad audio with silence.
                if enc.audio_end_s > enc.video_end_s + 0.5 / float(enc.fps):
                    last_pts = int(np.ceil((enc.audio_end_s - enc.origin_s) * float(enc.fps) - 1e-6)) - 1
                    enc.write_video(enc.last_image, enc.origin_s + last_pts / float(enc.fps), fill_gaps=True)
                enc.pad_audio_to(enc.video_end_s)
        finally:
            try:
                enc.close()
            finally:
                if self.fragmented:
                    self._trim()
        log.debug("wrote %s: %d frames, %.2f s", self.path, enc.video_frames, enc.video_end_s - enc.origin_s)

    def _trim(self) -> None:
        """A recording stopped mid-fragment (a full disk) is cut back to its last whole fragment, so it plays."""
        try:
            cut = trim_to_whole_fragments(self.path)
        except OSError as e:
            log.error("%s: could not cut back to its last whole fragment: %s", self.path, e)
            return
        if cut:
            log.warning("%s: the last %d bytes (a fragment cut short) were removed", self.path, cut)


def read_mp4_metadata(path: str | Path) -> dict[str, str]:
    """The container tags of an MP4 file (as ffprobe shows them under format.tags)."""
    import av

    try:
        with av.open(str(path)) as container:
            return dict(container.metadata)
    except (av.FFmpegError, OSError) as e:
        raise SinkError(f"{path}: cannot read ({e})") from e
