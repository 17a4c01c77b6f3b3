"""`nightshift say TEXT --out FILE.wav`: normalise, synthesise sentence by sentence, write a labelled WAV."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from pydantic import ValidationError

from avatar.sinks import SpeechWriter, WavFileSink
from compliance.metadata import aigc_label
from core.registry import UnknownBackend
from core.validation import describe_validation_error
from dialogue.errors import InputError
from voice.errors import VoiceModelError, VoiceUnavailableError
from voice.normalize import base_lang, guess_lang, normalize
from voice.stream import stream_speech
from voice.tts.base import VOICES, TTSBackend, VoiceSettings, parse

log = logging.getLogger("nightshift.say")


def _settings(voice: str, voice_model: str | None) -> VoiceSettings:
    """The settings `--voice` and `--voice-model` describe: the model is the voice's `model`, where it has one."""
    try:
        takes = VOICES.get(voice).settings
    except UnknownBackend as e:
        raise InputError("--voice", str(e)) from None
    fields: dict[str, object] = {"kind": voice}
    if voice_model and takes is not None and "model" in takes.model_fields:
        fields["model"] = voice_model
    elif voice_model:
        log.warning("--voice-model is for a voice with a model file; %s uses its installed voices", voice)
    try:
        return parse(fields)
    except ValidationError as err:
        raise InputError("--voice", "; ".join(describe_validation_error(err))) from None


def choose_voice(voice: str, lang: str, voice_model: str | None) -> str:
    """The backend that will speak: a voice that speaks one language gives way to its fallback for the others."""
    settings = _settings(voice, voice_model)
    try:
        speaks = settings.languages()
    except VoiceModelError as e:
        raise InputError(e.path, e.what) from None
    if speaks is not None and base_lang(lang) not in speaks:
        log.info("the %s voice speaks %s, not %r: using %s instead", voice, ", ".join(speaks), lang, settings.fallback)
        return settings.fallback
    return voice


def _backend(voice: str, voice_model: str | None) -> TTSBackend:
    try:
        return VOICES.build(_settings(voice, voice_model))
    except VoiceModelError as e:
        raise InputError(e.path, e.what) from None
    except VoiceUnavailableError as e:
        raise InputError("--voice", str(e)) from None


def run_say(args: argparse.Namespace) -> int:
    """Speak `args.text` into `args.out` (WAV); returns the exit code."""
    text = (args.text or "").strip()
    if not text:
        raise InputError("TEXT", "nothing to say: the text is empty")
    out = Path(args.out)
    clip = bool(getattr(args, "portrait", None)) or out.suffix.lower() == ".mp4"
    if out.suffix.lower() not in (".wav", ".mp4") or (clip and out.suffix.lower() != ".mp4"):
        raise InputError("--out", f"{out}: write a .wav file, or an .mp4 file for a talking clip")
    lang = args.lang or guess_lang(text)
    voice = choose_voice(args.voice or "piper", lang, args.voice_model)
    backend = _backend(voice, args.voice_model)
    if base_lang(lang) not in backend.capabilities.languages:
        raise InputError("--lang", f"the {voice} voice does not speak {lang!r}")
    if clip:
        return _say_clip(text, out, backend, lang, args.portrait)

    spoken = normalize(text, lang)
    log.debug("normalised: %r", spoken)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        sink = SpeechWriter(WavFileSink(out, {"AIGC": aigc_label("nightshift"), "ISFT": "nightshift",
                                              "INAM": text[:200]}))
    except OSError as e:
        raise InputError("--out", f"{out}: cannot write ({e.strerror or e})") from None
    t0 = time.perf_counter()
    first_audio_s = None
    with sink, stream_speech(backend, spoken, lang) as stream:
        for speech in stream:
            if first_audio_s is None:
                first_audio_s = time.perf_counter() - t0
            sink.write(speech)
    log.info(
        "wrote %s: %.2f s of speech (%s, %s), first audio after %.0f ms",
        out,
        sink.duration_s,
        voice,
        lang,
        1000 * (first_audio_s or 0.0),
    )
    return 0


def _say_clip(text: str, out: Path, backend: TTSBackend, lang: str, portrait: str | None) -> int:
    """A talking, labelled MP4 of the host saying `text`."""
    import assets
    from avatar.clip import render_clip
    from avatar.rig import RigError
    from avatar.sinks.base import SinkError

    face = portrait or str(assets.path("portraits/default.png"))
    try:
        result = render_clip(text, face, out, backend, lang, {"AIGC": aigc_label("nightshift")})
    except RigError as e:
        raise InputError(face, str(e)) from None
    except SinkError as e:
        raise InputError("--out", str(e)) from None
    except ValueError as e:
        raise InputError("TEXT", str(e)) from None
    log.info("wrote %s: %.2f s talking clip (%s, %s), rendered in %.1f s", out, result.duration_s, result.voice,
             lang, result.render_s)
    return 0
