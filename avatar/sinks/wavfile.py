"""The programme's sound as a WAV file (e.g. the show's audio beside its MP4), with RIFF INFO metadata."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, as_pcm, register
from avatar.sinks.encode import metadata_text
from voice.wav import WavWriter


@register("wav")
class WavFileSink(VideoSink):
    """Writes every audio slice of the programme, in order, to a 16-bit mono WAV file; frames are ignored.

    `metadata` (editable until close) goes into the file's RIFF INFO chunk."""

    name = "wav"
    capabilities = SinkCapabilities(video=False, audio=True, live=False)

    def __init__(self, path: str | Path, metadata: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._writer: WavWriter | None = None

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = WavWriter(self.path, sample_rate, metadata_text(self.metadata))
        except OSError as e:
            raise SinkError(f"{self.path}: cannot write ({e.strerror or e})") from e

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        if self._writer is None:
            raise SinkError(f"{self.path}: open() the sink first")
        try:
            self._writer.write(as_pcm(pcm))
        except OSError as e:
            raise SinkError(f"{self.path}: cannot write ({e.strerror or e})") from e

    def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.info = metadata_text(self.metadata)
            writer.close()
