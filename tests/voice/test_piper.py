"""The real Piper voice (bundled en_US 'joe'): audio plus a per-phoneme timeline that matches it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from voice.errors import VoiceModelError

if TYPE_CHECKING:
    from conftest import Checks
from voice.tts.base import create
from voice.tts.piper import PiperTTS, bundled_voice, voice_language
from voice.types import VISEMES


def test_sentence_with_lip_closures(piper: PiperTTS, checks: type[Checks]) -> None:
    speech = piper.synthesize("Maybe buy the big blue bag for mom.", "en")
    assert speech.pcm.dtype == np.int16 and speech.pcm.ndim == 1
    assert speech.sample_rate == piper.capabilities.sample_rate == 22050
    assert 1.2 < speech.duration_s < 5.0
    assert np.abs(speech.pcm).max() > 10_000  # real speech, not silence
    checks.timeline_covers(speech)
    names = [p.phoneme for p in speech.phonemes]
    assert names[0] == "^" and names[-1] == "$"
    assert {"b", "m"} <= set(names)
    kinds = [v.viseme for v in speech.visemes]
    assert set(kinds) <= set(VISEMES)
    assert kinds.count("PP") >= 4 and {"aa", "I", "U", "kk"} <= set(kinds)
    # silence is quieter than closed lips, which are quieter than open vowels
    levels = [checks.mean_level(speech, kinds) for kinds in ({"sil"}, {"PP"}, {"aa", "E", "O"})]
    assert levels == sorted(levels), levels


def test_timeline_is_in_sync_with_the_audio(piper: PiperTTS, checks: type[Checks]) -> None:
    texts = [
        "Maybe buy the big blue bag for mom.",
        "My mom made a map of Bombay.",
        "Bob bought a bamboo pipe, maybe.",
    ]
    checks.timeline_in_sync([piper.synthesize(t, "en") for t in texts])


def test_several_sentences_share_one_timeline(piper: PiperTTS, checks: type[Checks]) -> None:
    speech = piper.synthesize("Hello there. This hoodie is grey! Do you like it?", "en")
    checks.timeline_covers(speech)
    assert [p.phoneme for p in speech.phonemes].count("^") == 3  # one chunk per sentence, offsets summed
    assert 2.0 < speech.duration_s < 8.0


def test_language_and_registry(piper: PiperTTS) -> None:
    assert piper.capabilities.languages == ("en",) and piper.capabilities.timeline
    assert voice_language() == "en"
    with pytest.raises(ValueError, match="speaks 'en'"):
        piper.synthesize("你好", "zh")
    assert isinstance(create("piper"), PiperTTS)


def test_user_model_path(tmp_path: Path) -> None:
    model, config = bundled_voice()
    user_model = tmp_path / "my-voice.onnx"
    shutil.copy(model, user_model)
    shutil.copy(config, tmp_path / "my-voice.onnx.json")
    tts = PiperTTS(model=user_model)
    speech = tts.synthesize("Okay.", "en")
    assert speech.duration_s > 0.2 and speech.voice == "piper:my-voice"


def test_missing_or_corrupt_model_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(VoiceModelError) as err:
        PiperTTS(model=tmp_path / "nope.onnx")
    assert err.value.path.endswith("nope.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"this is not an onnx model" * 100)
    shutil.copy(bundled_voice()[1], tmp_path / "bad.onnx.json")
    with pytest.raises(VoiceModelError) as err:
        PiperTTS(model=bad)
    assert err.value.path == str(bad) and "not a usable Piper voice" in err.value.what


def test_a_long_sentence_does_not_keep_its_memory(piper: PiperTTS) -> None:
    """onnxruntime's arena would keep ~800 MB after a 500-character sentence; each run gives it back."""
    from show.memory import trim

    def rss_mb() -> float:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    piper.synthesize("We have the lamp in stock.", "en")
    trim()
    before = rss_mb()
    long = ", ".join(["We have the linen desk lamp in stock, and it ships tomorrow"] * 8) + "."
    speech = piper.synthesize(long, "en")
    assert speech.duration_s > 20 and len(speech.phonemes) > 400
    trim()
    assert rss_mb() - before < 80, f"{rss_mb() - before:.0f} MB kept after one long sentence"
