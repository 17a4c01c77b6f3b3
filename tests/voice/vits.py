"""A tiny random VITS saved like a trained Coqui model directory (no Coqui weights are reachable here)."""

from __future__ import annotations

from pathlib import Path

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
