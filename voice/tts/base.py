"""One small interface for every TTS backend, the settings every voice has in SHOW.yaml, and the registry.

A voice registers itself from its own module (`VOICES.register(name, Settings, Backend)`); the registry
finds every module of `voice.tts` the first time it is asked for a voice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import field_validator

from core.registry import BackendSettings, Registry
from voice.types import Speech


@dataclass(frozen=True)
class TTSCapabilities:
    languages: tuple[str, ...]  # ISO 639-1 codes the backend can speak
    timeline: bool  # True if it returns a phoneme timeline
    sample_rate: int


class TTSBackend(ABC):
    """Text (already normalised) in, Speech out. Synchronous; the caller decides the thread."""

    name: str = ""
    capabilities: TTSCapabilities

    @abstractmethod
    def synthesize(self, text: str, lang: str) -> Speech:
        """Speak one sentence (or a few) and return PCM plus its phoneme/viseme timeline."""


class VoiceSettings(BackendSettings):
    """`voice:` in SHOW.yaml. Each backend adds its own fields (the keyword arguments of its class)."""

    shared = frozenset({"fallback", "synthetic"})

    kind: str = "piper"
    fallback: str = "espeak"  # the voice that takes over when this one fails mid-show
    # true: this model is no real person's voice (e.g. trained on a licensed dataset), so it needs no consent
    # record; the declaration and the file's hash go into the audit log. A record for the file still decides.
    synthetic: bool = False

    @field_validator("fallback")
    @classmethod
    def _known_fallback(cls, v: str) -> str:
        VOICES.get(v)  # UnknownBackend (a ValueError) names the voices there are
        return v

    def languages(self) -> tuple[str, ...] | None:
        """The languages this voice will speak, when that is known without loading it (None: not known)."""
        return None


VOICES: Registry[TTSBackend] = Registry("voice", package="voice.tts", skip=("base",), default="piper")


def register(name: str, settings: type[VoiceSettings] | None = None) -> Callable[[Callable[..., TTSBackend]],
                                                                               Callable[..., TTSBackend]]:
    """Class decorator: the voice called `name` (with no settings: keeps the ones registered under it)."""
    return VOICES.decorator(name, settings)


def create(name: str, **options: object) -> TTSBackend:
    """Build a backend by its registry name (`piper`, `espeak`, `coqui`) with its class's keyword arguments."""
    return VOICES.create(name, **options)


def parse(data: Mapping[str, Any]) -> VoiceSettings:
    """The settings of the voice a SHOW.yaml mapping (or the command line) describes; ValidationError if wrong."""
    settings = VOICES.parse(data)
    assert isinstance(settings, VoiceSettings), f"the {settings.kind} voice's settings are not VoiceSettings"
    return settings


def build(settings: VoiceSettings) -> TTSBackend:
    """The voice SHOW.yaml describes."""
    return VOICES.build(settings)
