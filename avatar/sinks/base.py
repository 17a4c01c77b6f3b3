"""One small interface for every video output (window, MP4, RTMP, audio device), and its registry: each sink
registers itself from its own module (`@register(name)`), found the first time a sink is asked for."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from avatar.types import VideoFrame
from core.registry import Registry


class SinkError(RuntimeError):
    """An output cannot be opened or written (no display, no audio device, unwritable file)."""


@dataclass(frozen=True)
class SinkCapabilities:
    video: bool  # shows or stores frames
    audio: bool  # plays or stores audio
    live: bool  # consumes in real time (window, device, RTMP): the player should pace it


class Sink(Protocol):
    """What the programme asks of an output: every `VideoSink` is one, and so is any object with these four
    methods. `capabilities`, `latency_s` and `stats` are optional: the programme and the show look for them."""

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None: ...

    def write_video(self, frame: VideoFrame) -> None: ...

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None: ...

    def close(self) -> None: ...


class VideoSink(ABC):
    """Receives the programme on one clock: frames and audio with their times (pts) in seconds.

    `open` comes first with the picture size, frame rate and audio rate; `write_video` and
    `write_audio` may interleave in any order as long as each stream's own pts increase;
    `close` finishes the output and is safe to call twice.
    """

    name: str = ""
    capabilities: SinkCapabilities = SinkCapabilities(video=True, audio=True, live=False)

    @abstractmethod
    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        """Prepare the output for frames of width×height at `fps`, and mono audio at `sample_rate`."""

    def write_video(self, frame: VideoFrame) -> None:  # noqa: B027  (a sink without video ignores frames)
        """Output one RGB frame at `frame.pts_s`."""

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:  # noqa: B027
        """Output mono int16 audio starting at `pts_s`; a gap before it is silence."""

    @abstractmethod
    def close(self) -> None:
        """Finish (file trailer, drain, disconnect); further writes are an error."""

    def __enter__(self) -> VideoSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SINKS: Registry[VideoSink] = Registry("output", package="avatar.sinks", skip=("base", "encode", "fragments"))


def register(name: str) -> Callable[[Callable[..., VideoSink]], Callable[..., VideoSink]]:
    """Class decorator: make a sink constructible by name through `create`."""
    return SINKS.decorator(name)


def create(name: str, *args: object, **options: object) -> VideoSink:
    """Build a sink by its registry name (`window`, `mp4`, `wav`, `rtmp`, `audio`)."""
    return SINKS.create(name, *args, **options)


def available() -> list[str]:
    """Names of the registered sinks."""
    return SINKS.names()


def as_pcm(pcm: np.ndarray) -> np.ndarray:
    """Mono int16 samples as a 1-D array (accepts (n,) or (n, 1))."""
    a = np.asarray(pcm)
    if a.ndim == 2 and 1 in a.shape:
        a = a.reshape(-1)
    if a.ndim != 1:
        raise ValueError(f"audio must be mono, got shape {a.shape}")
    if a.dtype != np.int16:
        raise ValueError(f"audio must be int16, got {a.dtype}")
    return a
