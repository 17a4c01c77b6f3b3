"""One small interface for every TTS backend, and a registry filled by a decorator."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

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


_REGISTRY: dict[str, Callable[..., TTSBackend]] = {}


def register(name: str) -> Callable[[Callable[..., TTSBackend]], Callable[..., TTSBackend]]:
    def deco(factory: Callable[..., TTSBackend]) -> Callable[..., TTSBackend]:
        _REGISTRY[name] = factory
        return factory

    return deco


def create(name: str, **options: object) -> TTSBackend:
    """Build a backend by its registry name (`piper`, `espeak`, `coqui`)."""
    import voice.tts  # noqa: F401  (fills the registry)

    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown voice {name!r}; choose one of {sorted(_REGISTRY)}") from None
    return factory(**options)
