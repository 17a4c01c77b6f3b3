"""espeak-ng through its C library (ctypes): 100+ languages offline, Mandarin included, with real
per-phoneme timing from the synth callback's phoneme events (IPA names, audio position in ms).

The library is one global engine per process, so every call holds a module lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from voice.errors import VoiceUnavailableError
from voice.normalize import base_lang
from voice.tts.base import VOICES, TTSBackend, TTSCapabilities, VoiceSettings
from voice.types import PhonemeSpan, Speech
from voice.visemes import visemes_from_phonemes

log = logging.getLogger(__name__)

# speak_lib.h (API revision 12)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS = 0x0001
_INIT_PHONEME_IPA = 0x0002
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_EE_OK = 0
_PARAM_RATE, _PARAM_PITCH = 1, 3

# Our language codes -> espeak voice names. Debian's espeak-ng 1.51 `cmn` voice reads Hanzi through
# its English rules ("你" -> "ni three"); `cmn-latn-pinyin` reads them correctly (checked).
_PINYIN = "cmn-latn-pinyin"
_VOICE_FOR_TAG = {
    "en": "en-us",
    "zh": _PINYIN,
    "cmn": _PINYIN,
    "zh-cn": _PINYIN,
    "zh-cmn": _PINYIN,
    "zh-hans": _PINYIN,
}
_ZH_FALLBACK = "cmn"


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms from the start of this synthesis
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated name)* then a 0 byte
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Collector:
    pcm: list[np.ndarray] = field(default_factory=list)
    phonemes: list[tuple[int, str]] = field(default_factory=list)  # (ms, IPA name)


class _Engine:
    """The process-wide espeak-ng library, initialised once in synchronous retrieval mode."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            lib = ctypes.CDLL(name)
        except OSError as e:
            raise VoiceUnavailableError(
                "espeak-ng is not installed: install the Debian package espeak-ng (scripts/setup.sh does)"
            ) from e
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INIT_PHONEME_EVENTS | _INIT_PHONEME_IPA
        )
        if rate <= 0:
            raise VoiceUnavailableError("espeak-ng failed to start (is espeak-ng-data installed?)")
        self.lib = lib
        self.sample_rate = int(rate)
        self.collector: _Collector | None = None
        self._callback = _CALLBACK(self._on_synth)  # keep a reference: C holds only the pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.voices = self._list_voices()
        lib.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
        self.default_rate = lib.espeak_GetParameter(_PARAM_RATE, 0)
        self.default_pitch = lib.espeak_GetParameter(_PARAM_PITCH, 0)

    def _on_synth(self, wav: ctypes._Pointer, n: int, events: ctypes._Pointer) -> int:
        col = self.collector
        if col is None:
            return 0
        if wav and n > 0:
            col.pcm.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type == _EVENT_PHONEME:
                raw = bytes(ev.id.string).split(b"\0", 1)[0]
                col.phonemes.append((ev.audio_position, raw.decode("utf-8", errors="replace")))
            i += 1
        return 0

    def _list_voices(self) -> dict[str, str]:
        """Language tag -> voice identifier, for every voice espeak-ng has."""
        out: dict[str, str] = {}
        arr = self.lib.espeak_ListVoices(None)
        i = 0
        while arr[i]:
            v = arr[i].contents
            ident = (v.identifier or b"").decode()
            pos = v.languages
            while pos and ctypes.string_at(pos, 1) != b"\0":
                lang = ctypes.string_at(pos + 1).decode()
                out.setdefault(lang.lower(), ident)
                pos += 2 + len(lang)
            i += 1
        return out

    def synth(self, text: str, voice: str, rate_wpm: int | None, pitch: int | None) -> _Collector:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise ValueError(f"espeak-ng has no voice {voice!r}")
        # parameters are global: set both every time so one backend's settings never leak to another
        self.lib.espeak_SetParameter(_PARAM_RATE, int(rate_wpm or self.default_rate), 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, int(pitch if pitch is not None else self.default_pitch), 0)
        data = text.encode("utf-8")
        self.collector = col = _Collector()
        try:
            err = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        finally:
            self.collector = None
        if err != _EE_OK:
            raise RuntimeError(f"espeak-ng synthesis failed (error {err})")
        return col


_ENGINE: _Engine | None = None
_LOCK = threading.Lock()


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


class EspeakSettings(VoiceSettings):
    """`voice: {kind: espeak}`: the installed espeak-ng voices, one per language (or `voice:` names one)."""

    kind: Literal["espeak"] = "espeak"
    voice: str | None = None
    rate_wpm: int | None = None
    pitch: int | None = None


class EspeakTTS(TTSBackend):
    """espeak-ng voices by language code (en -> en-us, zh -> Mandarin), with real phoneme timing."""

    name = "espeak"

    def __init__(
        self, *, voice: str | None = None, rate_wpm: int | None = None, pitch: int | None = None
    ) -> None:
        with _LOCK:
            eng = _engine()
        self.voice_override = voice
        self.rate_wpm = rate_wpm
        self.pitch = pitch
        langs = sorted({base_lang(tag) for tag in eng.voices})
        self.capabilities = TTSCapabilities(
            languages=tuple(langs), timeline=True, sample_rate=eng.sample_rate
        )

    def voice_for(self, lang: str) -> str:
        """The espeak voice used for a language tag ('zh' -> 'cmn-latn-pinyin', 'en' -> 'en-us')."""
        if self.voice_override:
            return self.voice_override
        tag = lang.replace("_", "-").lower()
        voices = _engine().voices
        wanted = _VOICE_FOR_TAG.get(tag)
        if wanted and wanted in voices:
            return wanted
        if base_lang(tag) == "zh" and tag not in voices:
            return _ZH_FALLBACK
        for candidate in (tag, base_lang(tag)):
            if candidate in voices:
                return candidate
        raise ValueError(f"espeak-ng has no voice for language {lang!r}")

    def synthesize(self, text: str, lang: str) -> Speech:
        """Speak `text` in `lang`; the timeline comes from espeak's own phoneme events."""
        voice = self.voice_for(lang)
        with _LOCK:
            eng = _engine()
            col = eng.synth(text, voice, self.rate_wpm, self.pitch)
        rate = eng.sample_rate
        pcm = np.concatenate(col.pcm).astype(np.int16) if col.pcm else np.zeros(0, dtype=np.int16)
        total_ms = 1000.0 * len(pcm) / rate
        marks = [(ms, p) for ms, p in col.phonemes if not (p.startswith("(") and p.endswith(")"))]
        phonemes: list[PhonemeSpan] = []
        for k, (ms, p) in enumerate(marks):
            end_ms = marks[k + 1][0] if k + 1 < len(marks) else total_ms
            start_ms = min(ms, total_ms)
            end_ms = min(max(end_ms, start_ms), total_ms)
            if end_ms > start_ms:
                phonemes.append(PhonemeSpan(p, start_ms / 1000.0, end_ms / 1000.0))
        if phonemes and phonemes[0].start_s > 0:  # leading silence before the first phoneme
            phonemes.insert(0, PhonemeSpan("", 0.0, phonemes[0].start_s))
        return Speech(
            pcm=pcm,
            sample_rate=rate,
            text=text,
            phonemes=phonemes,
            visemes=visemes_from_phonemes(phonemes),
            voice=f"espeak:{voice}",
        )


VOICES.register("espeak", EspeakSettings, EspeakTTS)
