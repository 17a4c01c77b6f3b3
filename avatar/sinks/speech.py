"""Whole utterances into a sink of the family, one after another: `nightshift say` into a WAV file, or the sound card.

The programme (avatar.program) hands sinks audio slice by slice on its clock; a plain spoken text has no clock
and no picture, so `SpeechWriter` opens the sink at the first utterance's rate and lays each utterance
after the one before.
"""

from __future__ import annotations

from avatar.sinks.base import VideoSink
from voice.types import Speech

DEFAULT_RATE = 22050  # the rate an output is opened at when nothing was said


class SpeechWriter:
    """Writes utterances in order into `sink`; an utterance at another rate than the first is refused."""

    def __init__(self, sink: VideoSink, *, fps: float = 25.0) -> None:
        self.sink = sink
        self.fps = fps
        self.sample_rate: int | None = None
        self._samples = 0
        self._closed = False

    @property
    def _where(self) -> str:
        return str(getattr(self.sink, "path", "") or self.sink.name or type(self.sink).__name__)

    @property
    def duration_s(self) -> float:
        """Seconds of audio written so far."""
        return self._samples / self.sample_rate if self.sample_rate else 0.0

    def _open(self, rate: int) -> None:
        self.sink.open(0, 0, self.fps, rate)
        self.sample_rate = rate

    def write(self, speech: Speech) -> None:
        """Output one utterance right after the previous one."""
        if self._closed:
            raise ValueError(f"{self._where}: sink already closed")
        if self.sample_rate is None:
            self._open(speech.sample_rate)
        elif speech.sample_rate != self.sample_rate:
            raise ValueError(f"{self._where}: speech at {speech.sample_rate} Hz into a {self.sample_rate} Hz output")
        rate = self.sample_rate or speech.sample_rate
        self.sink.write_audio(speech.pcm, self._samples / rate)
        self._samples += len(speech.pcm)

    def close(self) -> None:
        """Finish the output (a file with nothing said is still written, with its metadata). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self.sample_rate is None:
            self._open(DEFAULT_RATE)
        self.sink.close()

    def __enter__(self) -> SpeechWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
