"""espeak-ng through libespeak-ng: English and Mandarin speech with real phoneme timing."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import numpy as np
import pytest

from voice.tts.base import create
from voice.tts.espeak import EspeakTTS
from voice.tts.piper import PiperTTS
from voice.types import Speech

if TYPE_CHECKING:
    from conftest import Checks


def _shape(speech: Speech) -> tuple[list[str], float]:
    """What must not change between two syntheses of one text: the phonemes and when speech ends.

    (espeak carries a little state from call to call: the final pause varies by some ms.)
    """
    sounds = [p for p in speech.phonemes if p.phoneme]
    return [p.phoneme for p in sounds], sounds[-1].end_s


def test_english_timeline(espeak: EspeakTTS, checks: type[Checks]) -> None:
    speech = espeak.synthesize("Maybe buy the big blue bag for mom.", "en")
    assert speech.voice == "espeak:en-us"
    assert speech.pcm.dtype == np.int16 and speech.sample_rate == espeak.capabilities.sample_rate == 22050
    assert 1.0 < speech.duration_s < 5.0
    assert np.abs(speech.pcm).max() > 5_000
    checks.timeline_covers(speech)
    names = [p.phoneme for p in speech.phonemes]
    assert {"b", "m", "ɡ"} <= set(names)
    assert [v.viseme for v in speech.visemes].count("PP") >= 4


def test_english_timeline_is_in_sync(espeak: EspeakTTS, checks: type[Checks]) -> None:
    texts = [
        "Maybe buy the big blue bag for mom.",
        "My mom made a map of Bombay.",
        "Bob bought a bamboo pipe, maybe.",
    ]
    checks.timeline_in_sync([espeak.synthesize(t, "en") for t in texts])


def test_mandarin(espeak: EspeakTTS, checks: type[Checks]) -> None:
    speech = espeak.synthesize("你好，这件衣服八十九元。", "zh")
    assert speech.voice == "espeak:cmn-latn-pinyin"
    assert 1.5 < speech.duration_s < 6.0
    checks.timeline_covers(speech)
    names = {p.phoneme for p in speech.phonemes}
    # Mandarin phonemes (ni hao, zhe jian, yi fu, ba shi jiu yuan), not Hanzi read through English rules
    assert {"n", "χ", "ts.", "tɕ", "p", "s."} <= names
    assert not names & {"θ", "ɹ", "iː"}, names
    kinds = [v.viseme for v in speech.visemes]
    assert {"nn", "CH", "FF", "PP", "aa", "I", "U", "sil"} <= set(kinds)


def test_voices_and_languages(espeak: EspeakTTS) -> None:
    caps = espeak.capabilities
    assert {"en", "zh", "de", "fr", "ja"} <= set(caps.languages) and caps.timeline
    assert espeak.voice_for("en") == "en-us"
    assert espeak.voice_for("en-GB") == "en-gb"
    assert espeak.voice_for("zh-CN") == espeak.voice_for("cmn") == "cmn-latn-pinyin"
    assert espeak.synthesize("Guten Tag", "de").voice == "espeak:de"
    with pytest.raises(ValueError, match="no voice"):
        espeak.synthesize("hi", "xx")
    assert isinstance(create("espeak"), EspeakTTS)


def test_rate_is_per_backend(espeak: EspeakTTS) -> None:
    text = "This sentence has a fixed length."
    normal = espeak.synthesize(text, "en")
    slow = EspeakTTS(rate_wpm=100).synthesize(text, "en")
    assert slow.duration_s > 1.4 * normal.duration_s
    again = espeak.synthesize(text, "en")  # the slow rate must not leak into the global engine state
    assert _shape(again)[1] == pytest.approx(_shape(normal)[1], abs=0.005)


def test_threads_share_the_engine_safely(espeak: EspeakTTS) -> None:
    texts = ["One two three.", "你好。", "Four five six seven.", "Eight."]
    langs = ["en", "zh", "en", "en"]
    expected = [_shape(espeak.synthesize(t, lang)) for t, lang in zip(texts, langs, strict=True)]
    results: dict[int, list[tuple[list[str], float]]] = {i: [] for i in range(4)}

    def work(i: int) -> None:
        for _ in range(3):
            results[i].append(_shape(espeak.synthesize(texts[i], langs[i])))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert len(results[i]) == 3
        for names, duration in results[i]:
            assert names == expected[i][0]  # no mixing of texts between threads
            assert duration == pytest.approx(expected[i][1], abs=0.05)


def test_lives_beside_piper_in_one_process(espeak: EspeakTTS, piper: PiperTTS) -> None:
    """Piper links its own copy of espeak-ng; the two must not disturb each other."""
    before = _shape(espeak.synthesize("Hello there.", "en"))
    assert piper.synthesize("Hello there.", "en").duration_s > 0.3
    after = _shape(espeak.synthesize("Hello there.", "en"))
    assert after[0] == before[0] and after[1] == pytest.approx(before[1], abs=0.005)


def test_missing_library_gives_a_clear_error() -> None:
    code = (
        "import ctypes, ctypes.util\n"
        "ctypes.util.find_library = lambda name: None\n"
        "real = ctypes.CDLL\n"
        "def cdll(name, *a, **k):\n"
        "    if 'espeak' in str(name): raise OSError('cannot open shared object file')\n"
        "    return real(name, *a, **k)\n"
        "ctypes.CDLL = cdll\n"
        "from voice.errors import VoiceUnavailableError\n"
        "from voice.tts.espeak import EspeakTTS\n"
        "try:\n    EspeakTTS()\nexcept VoiceUnavailableError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "install the Debian package espeak-ng" in out
