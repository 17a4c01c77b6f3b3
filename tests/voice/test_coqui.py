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

from voice.errors import VoiceModelError

SAMPLE_RATE = 16000


def make_tiny_vits(directory: Path) -> Path:
    """Write model.pth + config.json of a random VITS small enough to build and run in a second."""
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits, VitsArgs

    torch.manual_seed(0)
    args = VitsArgs(
        hidden_channels=16,
        hidden_channels_ffn_text_encoder=32,
        num_heads_text_encoder=2,
        num_layers_text_encoder=1,
        num_layers_posterior_encoder=1,
        num_layers_flow=1,
        resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3, 5]],
        upsample_rates_decoder=[8, 8, 4],  # product = hop length 256
        upsample_kernel_sizes_decoder=[16, 16, 8],
        upsample_initial_channel_decoder=32,
        init_discriminator=False,
        use_sdp=False,
    )
    chars = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters",
        pad="_",
        eos="",
        bos="",
        blank=None,
        characters="abcdefghijklmnopqrstuvwxyz",
        punctuations=" !,.?-'",
        phonemes=None,
        is_unique=True,
        is_sorted=True,
    )
    config = VitsConfig(
        model_args=args, use_phonemes=False, text_cleaner="basic_cleaners", characters=chars, add_blank=False
    )
    config.audio.sample_rate = SAMPLE_RATE
    config.phoneme_language = "en"
    model = Vits(config)
    directory.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, directory / "model.pth")
    config.save_json(str(directory / "config.json"))
    return directory


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("TTS.api", reason="Coqui TTS comes with scripts/setup.sh --full")
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
