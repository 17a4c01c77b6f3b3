"""Voices the speaker uses, as wrappers that are voices themselves (in the style of livekit's FallbackAdapter).

- `Normalized(voice)`: numbers, prices and symbols spelled out for the voice (voice.normalize).
- `FallbackVoice(main, fallback)`: a line in a language the main voice lacks goes to the fallback; a line the
  main voice fails on is said again by the fallback (`on_fallback` hears of it: the audit log records it).
- `ClauseStream(voice)`: a line someone waits for is voiced a clause at a time, the first clause first, so it
  starts playing while the rest is voiced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from voice.clauses import first_clause
from voice.normalize import normalize
from voice.tts.base import TTSBackend, TTSCapabilities
from voice.types import Speech

log = logging.getLogger(__name__)


def speaks(voice: TTSBackend, lang: str) -> bool:
    """Whether a voice speaks `lang` (one that does not say which languages it speaks is taken to speak all)."""
    langs = getattr(getattr(voice, "capabilities", None), "languages", None)
    return langs is None or lang.split("-")[0].lower() in langs or lang in langs


class Normalized(TTSBackend):
    """A voice that is given its text spelled out for speaking (prices, numbers, symbols)."""

    def __init__(self, voice: TTSBackend) -> None:
        self.voice = voice
        self.name = getattr(voice, "name", "")
        caps = getattr(voice, "capabilities", None)
        if caps is not None:
            self.capabilities = caps

    def synthesize(self, text: str, lang: str) -> Speech:
        return self.voice.synthesize(normalize(text, lang), lang)


class FallbackVoice(TTSBackend):
    """The main voice, and the fallback where the main voice lacks the language or fails on a line."""

    def __init__(self, main: TTSBackend, fallback: TTSBackend,
                 on_fallback: Callable[[Exception, str], None] | None = None) -> None:
        self.main, self.fallback, self.on_fallback = main, fallback, on_fallback
        self.name = getattr(main, "name", "")
        caps = getattr(main, "capabilities", None)
        fb = getattr(fallback, "capabilities", None)
        if caps is not None:
            langs = caps.languages + tuple(x for x in (fb.languages if fb else ()) if x not in caps.languages)
            self.capabilities = TTSCapabilities(languages=langs, timeline=caps.timeline, sample_rate=caps.sample_rate)

    def synthesize(self, text: str, lang: str) -> Speech:
        if not speaks(self.main, lang) and speaks(self.fallback, lang):
            return self.fallback.synthesize(text, lang)  # a viewer's language the main voice lacks
        try:
            return self.main.synthesize(text, lang)
        except Exception as e:
            log.warning("voice failed (%s); retrying the line with the fallback voice", e)
            if self.on_fallback is not None:
                self.on_fallback(e, text)  # on record before the fallback says it
            return self.fallback.synthesize(text, lang)


class ClauseStream:
    """Voices a line in parts: its first clause, then the rest (voiced while the first plays)."""

    def __init__(self, voice: TTSBackend) -> None:
        self.voice = voice

    def stream(self, text: str, lang: str) -> Iterator[Speech]:
        head, tail = first_clause(text)
        yield self.voice.synthesize(head, lang)
        if tail:
            yield self.voice.synthesize(tail, lang)


def one_part(voice: TTSBackend, text: str, lang: str) -> Iterator[Speech]:
    """A line voiced whole."""
    yield voice.synthesize(text, lang)
