"""One small interface for every language model backend, the settings every model has in SHOW.yaml, and the
registry. A backend registers itself from its own module; the registry finds the modules of `dialogue.llm`
the first time it is asked for a model. Nothing here needs a backend's libraries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import Field

from core.registry import BackendSettings, Registry


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


class ModelSettings(BackendSettings):
    """`model:` in SHOW.yaml. Each backend adds its own fields."""

    shared = frozenset({"timeout_s", "first_sentence_s"})

    kind: str = "llama_cpp"
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    # a viewer waits for the first words: a model that has not phrased its first checked sentence by then
    # gives way to the catalog's own words (0: wait up to timeout_s)
    first_sentence_s: float = Field(default=0.55, ge=0, le=60)


class NoModelSettings(ModelSettings):
    """`model: {kind: none}`: the catalog's own sentences, no language model."""

    kind: Literal["none"] = "none"


MODELS: Registry[LLM | None] = Registry("model", package="dialogue.llm", skip=("base",), default="llama_cpp")
MODELS.register("none", NoModelSettings, lambda: None)


def register(name: str, settings: type[ModelSettings] | None = None) -> Callable[[Callable[..., LLM]],
                                                                               Callable[..., LLM]]:
    """Class decorator: the backend called `name` (with no settings: keeps the ones registered under it)."""
    return cast(Callable[[Callable[..., LLM]], Callable[..., LLM]], MODELS.decorator(name, settings))


def create(name: str, **options: object) -> LLM:
    """Build a backend by its registry name with its class's keyword arguments."""
    llm = MODELS.create(name, **options)
    if llm is None:
        raise ValueError(f"the {name!r} model is no model")
    return llm


def parse(data: Mapping[str, Any]) -> ModelSettings:
    """The settings of the model a SHOW.yaml mapping describes; ValidationError if wrong."""
    settings = MODELS.parse(data)
    assert isinstance(settings, ModelSettings), f"the {settings.kind} model's settings are not ModelSettings"
    return settings


def build(settings: ModelSettings) -> LLM | None:
    """The language model SHOW.yaml describes (None for `kind: none`)."""
    return MODELS.build(settings)
