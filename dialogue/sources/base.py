"""The one interface every comment source (file replay, stdin, HTTP ingest) implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from types import TracebackType
from typing import Self

from dialogue.types import BadComment, Comment


class CommentSource(ABC):
    """A blocking stream of viewer comments; unreadable input arrives as BadComment, never dropped.

    Iteration ends when the source runs out or after `close()` (which may be called from another
    thread). Sources are context managers so a show always closes what it opened.
    """

    name: str = ""

    @abstractmethod
    def __iter__(self) -> Iterator[Comment | BadComment]:
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
