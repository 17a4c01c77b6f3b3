"""Coqui TTS from a local model directory (checkpoint + config.json); nothing is ever downloaded.

Coqui gives no phoneme timeline, so `capabilities.timeline` is False and the avatar animates the
mouth from the loudness envelope instead. torch and coqui-tts come with `scripts/setup.sh --full`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Literal

import numpy as np

from core.registry import SettingsPath
from voice.errors import VoiceModelError, VoiceUnavailableError
from voice.normalize import base_lang
from voice.tts.base import VOICES, TTSBackend, TTSCapabilities, VoiceSettings
from voice.types import Speech

log = logging.getLogger(__name__)

_INSTALL_HINT = (
    "Coqui TTS is not installed: install with scripts/setup.sh --full (torch, torchaudio, coqui-tts)"
)
_CHECKPOINT_NAMES = ("model.pth", "best_model.pth", "model_file.pth", "checkpoint.pth")


def find_checkpoint(model_dir: Path) -> Path:
    """The checkpoint in a Coqui model directory: a well-known name, else the only .pth/.pt file."""
    for name in _CHECKPOINT_NAMES:
        if (model_dir / name).is_file():
            return model_dir / name
    found = sorted(p for p in model_dir.iterdir() if p.suffix in (".pth", ".pt") and p.is_file())
    if len(found) == 1:
        return found[0]
    if not found:
        raise VoiceModelError(str(model_dir), "no Coqui checkpoint (.pth) in this directory")
    raise VoiceModelError(
        str(model_dir), f"several checkpoints, name one model.pth: {[p.name for p in found]}"
    )


class CoquiSettings(VoiceSettings):
    """`voice: {kind: coqui, model: folder}`: a local Coqui model folder (or its checkpoint file)."""

    kind: Literal["coqui"] = "coqui"
    model: SettingsPath | None = None
    speaker: str | None = None
    language: str | None = None


class CoquiTTS(TTSBackend):
    """A local Coqui model (e.g. VITS) loaded once; audio only, no timeline."""

    name = "coqui"

    def __init__(
        self,
        *,
        model_dir: str | Path | None = None,
        model: str | Path | None = None,
        speaker: str | None = None,
        language: str | None = None,
    ) -> None:
        model_dir = model_dir or model
        if model_dir is None:
            raise VoiceModelError("--voice-model", "the coqui voice needs a local model directory")
        given = Path(model_dir)
        directory = given.parent if given.is_file() else given  # a checkpoint file names its directory
        if not directory.is_dir():
            raise VoiceModelError(str(directory), "Coqui model directory not found")
        config_path = directory / "config.json"
        if not config_path.is_file():
            raise VoiceModelError(str(config_path), "Coqui model config not found")
        checkpoint = given if given.is_file() else find_checkpoint(directory)
        try:
            from TTS.api import TTS
        except ImportError as e:
            raise VoiceUnavailableError(_INSTALL_HINT) from e
        try:
            self.tts = TTS(model_path=str(checkpoint), config_path=str(config_path), progress_bar=False)
        except Exception as e:  # torch/json/coqpit raise many types for a bad file
            raise VoiceModelError(
                str(checkpoint), f"not a usable Coqui model ({type(e).__name__}: {e})"
            ) from e
        self.model_dir = directory
        self.speaker = speaker
        self.multilingual = bool(self.tts.is_multi_lingual)
        if self.multilingual:
            langs = tuple(sorted({base_lang(x) for x in self.tts.languages or []}))
        else:
            cfg_lang = language or getattr(self.tts.config, "phoneme_language", None) or "en"
            langs = (base_lang(cfg_lang),)
        rate = int(self.tts.synthesizer.output_sample_rate)
        self.capabilities = TTSCapabilities(languages=langs, timeline=False, sample_rate=rate)
        self._lock = threading.Lock()

    def synthesize(self, text: str, lang: str) -> Speech:
        """Speak `text`; the Speech has PCM only (no phoneme or viseme spans)."""
        base = base_lang(lang)
        if base not in self.capabilities.languages:
            raise ValueError(
                f"the Coqui model in {self.model_dir} speaks {self.capabilities.languages}, not {lang!r}"
            )
        kwargs: dict[str, object] = {"split_sentences": False}
        if self.speaker:
            kwargs["speaker"] = self.speaker
        if self.multilingual:
            kwargs["language"] = next(x for x in self.tts.languages if base_lang(x) == base)
        with self._lock:
            wav = self.tts.tts(text, **kwargs)
        audio = np.asarray(wav, dtype=np.float32).reshape(-1)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16)
        return Speech(
            pcm=pcm,
            sample_rate=self.capabilities.sample_rate,
            text=text,
            voice=f"coqui:{self.model_dir.name}",
        )


VOICES.register("coqui", CoquiSettings, CoquiTTS)
