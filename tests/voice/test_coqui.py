"""Coqui TTS through the real `TTS(model_path=..., config_path=...)` path, on a tiny random VITS.

No Coqui weights can be downloaded here, so the test builds a small VITS from a config, saves it
like a trained model directory, and loads it back through the backend. Needs the full setup.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.voice.vits import SAMPLE_RATE, make_tiny_vits
from voice.errors import VoiceModelError


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_vits(tmp_path_factory.mktemp("coqui") / "tiny-vits")


def test_synthesises_from_a_local_model(tiny_vits: Path) -> None:
    from voice.tts.base import create

    tts = create("coqui", model_dir=tiny_vits)
    caps = tts.capabilities
    assert caps.sample_rate == SAMPLE_RATE and caps.timeline is False and caps.languages == ("en",)
    speech = tts.synthesize("hello there, this is a test.", "en")
    assert speech.pcm.dtype == np.int16 and speech.pcm.ndim == 1
    assert speech.sample_rate == SAMPLE_RATE
    assert len(speech.pcm) > SAMPLE_RATE // 10
    assert np.abs(speech.pcm).max() > 100 and speech.pcm.std() > 10  # a random voice, but not silence
    assert speech.phonemes == [] and speech.visemes == []
    assert speech.voice == "coqui:tiny-vits"
    with pytest.raises(ValueError, match="speaks"):
        tts.synthesize("你好", "zh")


def test_checkpoint_file_path_is_accepted(tiny_vits: Path) -> None:
    from voice.tts.coqui import CoquiTTS

    assert CoquiTTS(model_dir=tiny_vits / "model.pth").synthesize("ok.", "en").duration_s > 0


def test_bad_model_directories_name_the_file(tiny_vits: Path, tmp_path: Path) -> None:
    from voice.tts.coqui import CoquiTTS

    with pytest.raises(VoiceModelError, match="directory not found"):
        CoquiTTS(model_dir=tmp_path / "missing")
    (tmp_path / "noconfig").mkdir()
    with pytest.raises(VoiceModelError) as err:
        CoquiTTS(model_dir=tmp_path / "noconfig")
    assert err.value.path.endswith("config.json")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((tiny_vits / "config.json").read_text())
    (broken / "model.pth").write_bytes(b"not a checkpoint" * 64)
    with pytest.raises(VoiceModelError) as err:
        CoquiTTS(model_dir=broken)
    assert err.value.path == str(broken / "model.pth")


def test_missing_coqui_gives_the_install_hint(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.pth").write_bytes(b"x")
    code = (
        "import sys\nsys.modules['TTS'] = None  # as if coqui-tts were not installed\n"
        "from voice.errors import VoiceUnavailableError\nfrom voice.tts.coqui import CoquiTTS\n"
        f"try:\n    CoquiTTS(model_dir={str(tmp_path)!r})\nexcept VoiceUnavailableError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "install with scripts/setup.sh --full" in out
