"""Where speech goes: a labelled WAV file, or the sound card (PortAudio through sounddevice)."""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from voice.errors import VoiceUnavailableError
from voice.types import Speech
from voice.wav import WavWriter

log = logging.getLogger(__name__)


class AudioSink(ABC):
    """Receives utterances in order; `close()` finishes the output (file trailer, device drain)."""

    @abstractmethod
    def write(self, speech: Speech) -> None:
        """Output one utterance."""

    @abstractmethod
    def close(self) -> None:
        """Finish; further writes are an error. Safe to call twice."""

    def __enter__(self) -> AudioSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_info(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """Metadata values as text: mappings and lists become JSON (e.g. the AIGC label)."""
    out: dict[str, str] = {}
    for key, value in (metadata or {}).items():
        out[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return out


class WavSink(AudioSink):
    """A 16-bit mono WAV file; `metadata` (editable until close) goes into its RIFF INFO chunk."""

    def __init__(
        self, path: str | Path, metadata: Mapping[str, Any] | None = None, *, sample_rate: int | None = None
    ) -> None:
        self.path = Path(path)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.sample_rate = sample_rate
        self._writer: WavWriter | None = None
        self._closed = False
        if sample_rate:
            self._open(sample_rate)

    def _open(self, rate: int) -> WavWriter:
        self._writer = WavWriter(self.path, rate)
        self.sample_rate = rate
        return self._writer

    @property
    def duration_s(self) -> float:
        """Seconds of audio written so far."""
        return self._writer.frames / self._writer.sample_rate if self._writer else 0.0

    def write(self, speech: Speech) -> None:
        if self._closed:
            raise ValueError(f"{self.path}: sink already closed")
        writer = self._writer or self._open(speech.sample_rate)
        if speech.sample_rate != writer.sample_rate:
            raise ValueError(
                f"{self.path}: speech at {speech.sample_rate} Hz into a {writer.sample_rate} Hz file"
            )
        writer.write(speech.pcm)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        writer = self._writer or self._open(self.sample_rate or 22050)
        writer.info = _as_info(self.metadata)
        writer.close()


def output_devices() -> list[dict[str, Any]]:
    """PortAudio's output devices (empty when there is no sound card or sounddevice is missing)."""
    try:
        import sounddevice as sd
    except (ImportError, OSError):
        return []
    return [dict(d) for d in sd.query_devices() if d.get("max_output_channels", 0) > 0]


class DeviceSink(AudioSink):
    """Plays speech on an audio output device; `write` blocks for about the speech's duration."""

    def __init__(self, device: int | str | None = None) -> None:
        try:
            import sounddevice as sd
        except (ImportError, OSError) as e:  # OSError: the PortAudio library itself is missing
            raise VoiceUnavailableError(
                f"audio output needs sounddevice and PortAudio (Debian: libportaudio2): {e}"
            ) from e
        self._sd = sd
        if not output_devices():
            raise VoiceUnavailableError(
                "no audio output device found: connect one, or write to a WAV file instead "
                "(a headless machine can use an ALSA 'null' PCM in ~/.asoundrc)"
            )
        try:
            info = sd.query_devices(device, kind="output")
        except (ValueError, sd.PortAudioError) as e:
            raise VoiceUnavailableError(f"audio output device {device!r} not usable: {e}") from e
        self.device = device
        self.device_name = str(info["name"])
        self._stream: Any = None
        self._rate: int | None = None
        self._closed = False

    def write(self, speech: Speech) -> None:
        if self._closed:
            raise ValueError("audio device sink already closed")
        if self._stream is None or speech.sample_rate != self._rate:
            self._close_stream()
            try:
                self._stream = self._sd.OutputStream(
                    samplerate=speech.sample_rate, channels=1, dtype="int16", device=self.device
                )
                self._stream.start()
            except self._sd.PortAudioError as e:
                raise VoiceUnavailableError(f"cannot open audio device {self.device_name!r}: {e}") from e
            self._rate = speech.sample_rate
        self._stream.write(speech.pcm.reshape(-1, 1))

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()  # waits until queued audio has played
            finally:
                self._stream.close()
                self._stream = None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._close_stream()
