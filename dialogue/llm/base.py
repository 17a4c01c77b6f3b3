"""One small interface for every language model backend, and a registry filled by a decorator."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class LLMCapabilities:
    languages: tuple[str, ...] | None  # languages it phrases well; None = any
    keeps_prefix_cache: bool  # True if a fixed system prompt is evaluated once, not per call


class LLM(ABC):
    """Chat-style generation that streams text pieces. Synchronous; the caller picks the thread."""

    name: str = ""
    capabilities: LLMCapabilities = LLMCapabilities(languages=None, keeps_prefix_cache=False)

    @abstractmethod
    def stream(self, system: str, user: str, *, max_tokens: int = 64, temperature: float = 0.3,
               stop: tuple[str, ...] = ()) -> Iterator[str]:
        """Yield the reply to `user` under `system` piece by piece as it is generated."""

    def warm(self, system: str) -> None:  # noqa: B027  (optional hook)
        """Evaluate the fixed system prompt ahead of the first comment, where the backend can."""

    def close(self) -> None:  # noqa: B027
        """Release the model."""


_REGISTRY: dict[str, Callable[..., LLM]] = {}


def register(name: str) -> Callable[[Callable[..., LLM]], Callable[..., LLM]]:
    def deco(factory: Callable[..., LLM]) -> Callable[..., LLM]:
        _REGISTRY[name] = factory
        return factory

    return deco


def create(name: str, **options: object) -> LLM:
    import dialogue.llm  # noqa: F401  (fills the registry)

    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown LLM backend {name!r}; choose one of {sorted(_REGISTRY)}") from None
    return factory(**options)
