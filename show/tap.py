"""What the console reads off the running show without touching its loop: a programme sink that keeps the
latest frame, the audio level and when silence began."""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from avatar.sinks.base import SinkCapabilities, VideoSink
from avatar.types import VideoFrame

FULL_SCALE = 32768.0


class PreviewTap(VideoSink):
    """A programme sink: the frames and audio that go to every other sink go here too."""

    name = "console-preview"
    capabilities = SinkCapabilities(video=True, audio=True, live=True)

    def __init__(self, history: int = 512) -> None:
        self._lock = threading.Lock()
        self._frame: VideoFrame | None = None
        self._rendered: deque[tuple[int, float]] = deque(maxlen=history)  # (frame index, monotonic)
        self._slices: deque[tuple[float, float, float]] = deque(maxlen=history)  # (monotonic, pts, peak)
        self._level = 0.0

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        self.size = (width, height)

    def write_video(self, frame: VideoFrame) -> None:
        with self._lock:
            self._frame = frame
            self._rendered.append((frame.index, time.monotonic()))

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        x = pcm.astype(np.float32) / FULL_SCALE if len(pcm) else np.zeros(1, np.float32)
        rms, peak = float(np.sqrt(np.mean(x * x))), float(np.max(np.abs(x)))
        with self._lock:
            self._level = 0.6 * self._level + 0.4 * min(1.0, rms * 4.0)
            self._slices.append((time.monotonic(), pts_s, peak))

    def close(self) -> None:
        pass

    def frame(self) -> tuple[int, float, np.ndarray | None]:
        """(index, pts_s, image) of the newest frame, or (-1, 0, None) before the first."""
        with self._lock:
            f = self._frame
        return (f.index, f.pts_s, f.image) if f is not None else (-1, 0.0, None)

    @property
    def level(self) -> float:
        with self._lock:
            return self._level

    def rendered_at(self, index: int) -> float | None:
        """When frame `index` reached the programme's sinks (monotonic), if still remembered."""
        with self._lock:
            for i, t in reversed(self._rendered):
                if i == index:
                    return t
                if i < index:
                    return None
        return None

    def pts_at(self, t: float) -> float | None:
        """The programme time of the audio slice that went out first at or after monotonic time `t`."""
        with self._lock:
            for at, pts, _ in self._slices:
                if at >= t:
                    return pts
        return None

    def first_silence_after(self, t: float) -> tuple[float, float] | None:
        """(monotonic, pts_s) of the first all-silent audio slice written after monotonic time `t`."""
        with self._lock:
            for at, pts, peak in self._slices:
                if at >= t and peak == 0.0:
                    return at, pts
        return None

    def wait_silence(self, t: float, timeout: float = 1.0) -> tuple[float, float] | None:
        """Block until a silent slice after `t` went out (or the timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.first_silence_after(t)
            if found is not None:
                return found
            time.sleep(0.005)
        return None

