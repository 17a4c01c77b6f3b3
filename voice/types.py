"""Typed results of the voice stage: PCM audio with its phoneme and viseme timeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PhonemeSpan:
    phoneme: str  # IPA as espeak writes it
    start_s: float
    end_s: float


@dataclass(frozen=True)
class VisemeSpan:
    viseme: str  # one of VISEMES
    start_s: float
    end_s: float


# The 15-viseme set (Meta/Oculus naming).
VISEMES = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "I", "O", "U")


@dataclass
class Speech:
    """One synthesised utterance: mono int16 PCM, its rate, and its timeline (may be empty)."""

    pcm: np.ndarray  # int16, shape (n,)
    sample_rate: int
    text: str
    phonemes: list[PhonemeSpan] = field(default_factory=list)
    visemes: list[VisemeSpan] = field(default_factory=list)
    voice: str = ""

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / float(self.sample_rate) if self.sample_rate else 0.0
