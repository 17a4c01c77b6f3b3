"""Shared pieces of the takeover tests: the fake operator (a rendered portrait in front of a 640x480 webcam)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from avatar.sinks import VideoSink

FPS = 25
RATE = 22050
SECONDS = 4.0


def corr(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation over the places where neither series is NaN."""
    ok = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def read_y4m(path: Path) -> list[np.ndarray]:
    """Every frame of a Y4M clip as RGB, decoded by FFmpeg (PyAV)."""
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


class AudioRecorder(VideoSink):
    """Keeps the programme's audio, whole."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        pass

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        self.parts.append(pcm.copy())

    def close(self) -> None:
        pass
