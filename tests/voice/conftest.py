"""Voice fixtures: the real bundled Piper voice and the real espeak-ng library, loaded once."""

from __future__ import annotations

import numpy as np
import pytest

from voice.tts.espeak import EspeakTTS
from voice.tts.piper import PiperTTS
from voice.types import Speech


@pytest.fixture(scope="session")
def piper() -> PiperTTS:
    return PiperTTS()


@pytest.fixture(scope="session")
def espeak() -> EspeakTTS:
    return EspeakTTS()


class Checks:
    """Timeline and loudness checks shared by the voice tests (a fixture, so no import paths are needed)."""

    @staticmethod
    def rms(speech: Speech, start_s: float, end_s: float) -> float:
        """Root-mean-square level of the speech between two times."""
        a = speech.pcm[int(start_s * speech.sample_rate) : int(end_s * speech.sample_rate)].astype(np.float64)
        return float(np.sqrt(np.mean(a * a))) if len(a) else 0.0

    @staticmethod
    def mean_level(speech: Speech, visemes: set[str], shift_s: float = 0.0) -> float:
        """Duration-weighted RMS over every viseme span of the given kinds (audio read `shift_s` later)."""
        spans = [v for v in speech.visemes if v.viseme in visemes]
        total = sum(v.end_s - v.start_s for v in spans)
        assert total > 0, f"no {visemes} in {[v.viseme for v in speech.visemes]}"
        levels = (Checks.rms(speech, max(0.0, v.start_s + shift_s), v.end_s + shift_s) for v in spans)
        return sum(lv * (v.end_s - v.start_s) for lv, v in zip(levels, spans, strict=True)) / total

    @staticmethod
    def contrast(speech: Speech, shift_s: float = 0.0) -> float:
        """Loudness of open vowels over closed lips: high only when the timeline matches the audio."""
        return Checks.mean_level(speech, {"aa", "E", "O"}, shift_s) / Checks.mean_level(
            speech, {"PP"}, shift_s
        )

    @staticmethod
    def timeline_in_sync(speeches: list[Speech], offset_s: float = 0.04) -> None:
        """The vowel/closure contrast peaks with no shift: the timeline is neither early nor late."""
        at = {
            s: sum(Checks.contrast(sp, s) for sp in speeches) / len(speeches)
            for s in (-offset_s, 0.0, offset_s)
        }
        assert at[0.0] > 1.8, at
        assert at[0.0] > at[-offset_s] and at[0.0] > at[offset_s], at

    @staticmethod
    def timeline_covers(speech: Speech) -> None:
        """Phoneme and viseme spans are ordered, contiguous, and cover the audio from 0 to its end."""
        tol = 1.5 / speech.sample_rate
        for spans in (speech.phonemes, speech.visemes):
            assert spans, "empty timeline"
            assert spans[0].start_s == pytest.approx(0.0, abs=tol)
            assert spans[-1].end_s == pytest.approx(speech.duration_s, abs=0.002)
            for a, b in zip(spans, spans[1:], strict=False):
                assert a.start_s < a.end_s
                assert b.start_s == pytest.approx(a.end_s, abs=tol)


@pytest.fixture(scope="session")
def checks() -> type[Checks]:
    return Checks
