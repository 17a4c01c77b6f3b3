"""The one interface every comment source (file replay, stdin, HTTP ingest) implements, the settings every
source has in SHOW.yaml (`comments:`), what the show lends a source when it opens it, and the registry.

A source registers itself from its own module (`SOURCES.register(name, Settings, open_it)`); the registry
finds the modules of `dialogue.sources` the first time it is asked for a source. `open_it` takes the
settings' fields as keywords and `context`, a SourceContext.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from core.registry import BackendSettings, Registry
from dialogue.types import Item


class CommentSource(ABC):
    """A blocking stream of viewer comments; unreadable input arrives as BadComment, never dropped.

    Iteration ends when the source runs out or after `close()` (which may be called from another
    thread). Sources are context managers so a show always closes what it opened.
    """

    name: str = ""

    @abstractmethod
    def __iter__(self) -> Iterator[Item]:
        """Yield comments as they arrive, blocking between them."""

    def close(self) -> None:  # noqa: B027  (optional hook: sources without resources need nothing)
        """Stop the source: a running iteration ends soon after; resources are released."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SourceSettings(BackendSettings):
    """`comments:` in SHOW.yaml. Each source adds its own fields."""

    @property
    def replay(self) -> str | None:
        """The file the comments are replayed from; None for a live source."""
        return None


@dataclass(frozen=True)
class SourceContext:
    """What the show lends a comment source when it opens it."""

    clock: Callable[[], float] | None = None  # the programme's clock, when it runs faster than the wall clock
    record: Callable[[str, dict[str, Any]], object] | None = None  # (kind, data) into the audit log
    announce: Callable[[str], None] = print  # one line for whoever runs the show, printed once
    reserved_tokens: tuple[str, ...] = ()  # tokens a source must never take (the console's)


SOURCES: Registry[CommentSource] = Registry(
    "comment source", package="dialogue.sources", skip=("base", "credentials", "ingest_app", "serving"))


def open_source(settings: SourceSettings, context: SourceContext) -> CommentSource:
    """The comment source SHOW.yaml describes, open."""
    return SOURCES.build(settings, context=context)
