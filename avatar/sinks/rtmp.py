"""An RTMP push (FLV: H.264 + AAC) that survives server restarts without ever holding up the caller.

Frames go through a bounded queue to a worker thread that encodes and sends them; audio waits in a
timed buffer and is sent in step with the frames. When the connection breaks, the worker drops
frames (and their audio), counts them, and reconnects with exponential backoff; each reconnection
starts a fresh FLV stream whose time zero is its first frame.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, as_pcm, register
from avatar.sinks.encode import AvEncoder
from avatar.types import VideoFrame

log = logging.getLogger(__name__)

_CLOSE = object()
AUDIO_SLACK_S = 0.5  # how far the audio may trail the video before the gap is sent as silence


@dataclass
class RtmpStats:
    """What happened to the frames handed to the sink."""

    frames_in: int = 0
    frames_sent: int = 0
    frames_dropped: int = 0  # queue full, or no connection
    connects: int = 0  # successful connections, the first one included
    gaps_s: list[float] = field(default_factory=list)  # length of each outage, in seconds
    connected: bool = False
    last_error: str = ""


class _AudioBuffer:
    """Audio waiting for its frames, on a sample grid: take or discard everything before a time."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._chunks: collections.deque[tuple[int, np.ndarray]] = collections.deque()
        self._lock = threading.Lock()

    def put(self, pcm: np.ndarray, pts_s: float) -> None:
        with self._lock:
            self._chunks.append((round(pts_s * self.rate), pcm))

    def take_until(self, end_s: float) -> list[tuple[float, np.ndarray]]:
        """Remove and return (pts_s, samples) for every sample before `end_s`."""
        end = round(end_s * self.rate)
        out: list[tuple[float, np.ndarray]] = []
        with self._lock:
            while self._chunks and self._chunks[0][0] < end:
                start, pcm = self._chunks.popleft()
                n = end - start
                if n < len(pcm):
                    self._chunks.appendleft((end, pcm[n:]))
                    pcm = pcm[:n]
                out.append((start / self.rate, pcm))
        return out


@register("rtmp")
class RtmpSink(VideoSink):
    """Pushes the programme to rtmp://host/app/stream; frames during an outage are dropped and counted."""

    name = "rtmp"
    capabilities = SinkCapabilities(video=True, audio=True, live=True)

    def __init__(
        self,
        url: str,
        *,
        video_bit_rate: int = 2_500_000,
        audio_rate: int = 44_100,
        gop_s: float = 2.0,
        queue_s: float = 2.0,
        backoff_s: float = 0.25,
        max_backoff_s: float = 2.0,
        close_timeout_s: float = 5.0,
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://")):
            raise SinkError(f"{url}: not an rtmp:// URL")
        self.url = url
        self.video_bit_rate, self.audio_rate, self.gop_s, self.queue_s = video_bit_rate, audio_rate, gop_s, queue_s
        self.backoff_s, self.max_backoff_s, self.close_timeout_s = backoff_s, max_backoff_s, close_timeout_s
        self.stats = RtmpStats()
        self._lock = threading.Lock()
        self._queue: queue.Queue[object] | None = None
        self._audio: _AudioBuffer | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._size = (0, 0)
        self._fps = 25.0
        self._rate = 0

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        if self._thread is not None or self._closed:
            raise SinkError(f"{self.url}: already opened")
        self._size, self._fps, self._rate = (width, height), float(fps), int(sample_rate)
        self._queue = queue.Queue(maxsize=max(2, round(self.queue_s * fps)))
        self._audio = _AudioBuffer(self._rate)
        self._thread = threading.Thread(target=self._run, name="rtmp-push", daemon=True)
        self._thread.start()

    def write_video(self, frame: VideoFrame) -> None:
        """Queue a frame; never waits: if the worker is behind, the frame is dropped and counted."""
        q = self._ready()
        with self._lock:
            self.stats.frames_in += 1
        try:
            q.put_nowait(frame)
        except queue.Full:
            self._count_drop()

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        self._ready()
        assert self._audio is not None
        self._audio.put(as_pcm(pcm), pts_s)

    def _ready(self) -> queue.Queue[object]:
        if self._closed:
            raise SinkError(f"{self.url}: sink already closed")
        if self._queue is None:
            raise SinkError(f"{self.url}: open() the sink first")
        return self._queue

    def _count_drop(self) -> None:
        with self._lock:
            self.stats.frames_dropped += 1

    def close(self) -> None:
        """Send what is queued, finish the stream, and stop the worker (waits at most close_timeout_s)."""
        if self._closed:
            return
        self._closed = True
        if self._thread is None or self._queue is None:
            return
        deadline = time.monotonic() + self.close_timeout_s
        while time.monotonic() < deadline:
            try:
                self._queue.put(_CLOSE, timeout=0.1)
                break
            except queue.Full:
                continue
        self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._thread.is_alive():
            log.warning("RTMP push to %s did not finish within %.0f s; abandoned", self.url, self.close_timeout_s)

    # -- the worker ----------------------------------------------------------------------------------
    def _connect(self, frame: VideoFrame) -> AvEncoder:
        width, height = self._size
        rate = round(self.video_bit_rate / 1000)
        enc = AvEncoder(
            self.url,
            fmt="flv",
            width=width,
            height=height,
            fps=self._fps,
            sample_rate=self._rate,
            audio_rate=self.audio_rate,
            x264={"preset": "veryfast", "tune": "zerolatency", "maxrate": f"{rate}k", "bufsize": f"{2 * rate}k"},
            video_bit_rate=self.video_bit_rate,
            gop=max(1, round(self.gop_s * self._fps)),
            origin_s=frame.pts_s,
        )
        try:
            self._send(enc, frame)  # the first write opens the connection
        except BaseException:
            enc.abort()
            raise
        return enc

    def _send(self, enc: AvEncoder, frame: VideoFrame) -> None:
        assert self._audio is not None
        end_s = frame.pts_s + 1.0 / self._fps
        for pts_s, pcm in self._audio.take_until(end_s):
            enc.write_audio(pcm, pts_s)
        # Audio may come just after its frame; only audio that is long overdue becomes silence, so the
        # muxer (which interleaves by time) never holds the video back for more than AUDIO_SLACK_S.
        enc.pad_audio_to(end_s - AUDIO_SLACK_S)
        enc.write_video(frame.image, frame.pts_s)

    def _run(self) -> None:
        assert self._queue is not None and self._audio is not None
        enc: AvEncoder | None = None
        next_try = 0.0
        backoff = self.backoff_s
        down_since: float | None = time.monotonic()
        dropped_at_down = 0
        last_end_s: float | None = None
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                break
            assert isinstance(item, VideoFrame)
            frame = item
            last_end_s = frame.pts_s + 1.0 / self._fps
            if enc is None and time.monotonic() >= next_try:
                try:
                    enc = self._connect(frame)
                except Exception as e:  # noqa: BLE001  (any FFmpeg or socket error means: try again later)
                    next_try = time.monotonic() + backoff
                    backoff = min(self.max_backoff_s, backoff * 2)
                    self._note_error(e, connecting=True)
                else:
                    backoff = self.backoff_s
                    with self._lock:
                        self.stats.frames_sent += 1
                        self.stats.connects += 1
                        self.stats.connected = True
                        dropped = self.stats.frames_dropped - dropped_at_down
                        if self.stats.connects > 1 and down_since is not None:
                            gap = time.monotonic() - down_since
                            self.stats.gaps_s.append(gap)
                            log.warning(
                                "RTMP push to %s reconnected after a %.1f s gap; %d frames dropped",
                                self.url, gap, dropped,
                            )
                    down_since = None
                    continue
            if enc is None:
                self._audio.take_until(last_end_s)  # the audio of a dropped frame goes with it
                self._count_drop()
                continue
            try:
                self._send(enc, frame)
            except Exception as e:  # noqa: BLE001
                enc.abort()
                enc = None
                down_since = time.monotonic()
                with self._lock:
                    self.stats.connected = False
                    dropped_at_down = self.stats.frames_dropped
                self._note_error(e, connecting=False)
                self._count_drop()
                next_try = time.monotonic() + backoff
                continue
            with self._lock:
                self.stats.frames_sent += 1
        if enc is not None:
            try:
                if last_end_s is not None:
                    for pts_s, pcm in self._audio.take_until(last_end_s):
                        enc.write_audio(pcm, pts_s)
                    enc.pad_audio_to(enc.video_end_s)
                enc.close()
            except Exception as e:  # noqa: BLE001
                enc.abort()
                log.warning("RTMP push to %s: finishing the stream failed: %s", self.url, e)
        with self._lock:
            self.stats.connected = False

    def _note_error(self, error: Exception, *, connecting: bool) -> None:
        text = f"{type(error).__name__}: {error}"
        with self._lock:
            first = self.stats.last_error != text
            self.stats.last_error = text
        if not connecting:
            log.warning("RTMP push to %s lost (%s); reconnecting", self.url, text)
        elif first:
            log.warning("RTMP push to %s: cannot connect (%s); retrying", self.url, text)
