"""Live comments from standard input (or any byte stream): one JSONL comment per line, as it arrives."""

from __future__ import annotations

import io
import os
import select
import sys
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO, ClassVar, Literal

from pydantic import model_validator

from dialogue.sources.base import SOURCES, CommentSource, SourceContext, SourceSettings
from dialogue.sources.jsonl import parse_comment_line
from dialogue.types import BadComment, Item

MAX_LINE_BYTES = 1 << 20  # same cap as the HTTP ingest body; a line longer than this is one BadComment
_CHUNK = 65536


class StdinSource(CommentSource):
    """Reads JSONL comments from a live stream (default: this process's stdin) until EOF or close().

    Streams backed by a file descriptor are polled with select(), so `close()` from another thread
    ends a blocked iteration within `poll_s`; the stream must not have been read from before.
    """

    name = "stdin"

    def __init__(
        self,
        stream: BinaryIO | None = None,
        *,
        source_name: str = "<stdin>",
        max_line_bytes: int = MAX_LINE_BYTES,
        poll_s: float = 0.1,
    ) -> None:
        self.stream = stream if stream is not None else sys.stdin.buffer
        self.source_name = source_name
        self.max_line_bytes = max_line_bytes
        self.poll_s = poll_s
        self._closed = threading.Event()

    def _pollable_fd(self) -> int | None:
        try:
            fd = self.stream.fileno()
            select.select([fd], [], [], 0)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            return None  # BytesIO and friends, or a platform whose select() takes sockets only
        return fd

    def _chunks(self) -> Iterator[bytes]:
        fd = self._pollable_fd()
        if fd is None:
            read = getattr(self.stream, "read1", None) or self.stream.readline
            while not self._closed.is_set():
                chunk = read(_CHUNK)
                if not chunk:
                    return
                yield chunk
            return
        while not self._closed.is_set():
            ready, _, _ = select.select([fd], [], [], self.poll_s)
            if not ready:
                continue
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                return
            yield chunk

    def __iter__(self) -> Iterator[Item]:
        buf = bytearray()
        lineno = 0
        discarding = False  # inside a line already reported as too long
        for chunk in self._chunks():
            buf += chunk
            while (nl := buf.find(b"\n")) >= 0:
                line = bytes(buf[: nl + 1])
                del buf[: nl + 1]
                if discarding:
                    discarding = False
                    continue
                lineno += 1
                if len(line.rstrip(b"\r\n")) > self.max_line_bytes:
                    item: Item | None = self._too_long(lineno)
                else:
                    item = parse_comment_line(line, lineno, self.source_name)
                if item is not None:
                    if self._closed.is_set():
                        return
                    yield item
            if len(buf) > self.max_line_bytes:
                if not discarding:
                    lineno += 1
                    yield self._too_long(lineno)
                discarding = True
                buf.clear()
        if buf and not discarding and not self._closed.is_set():
            last = parse_comment_line(bytes(buf), lineno + 1, self.source_name)
            if last is not None:
                yield last

    def _too_long(self, lineno: int) -> BadComment:
        return BadComment(
            id=f"line-{lineno}",
            flag="malformed",
            reason=f"{self.source_name} line {lineno}: longer than {self.max_line_bytes} bytes",
        )

    def close(self) -> None:
        """Stop reading; the stream itself stays open (it belongs to the caller)."""
        self._closed.set()


class StdinSettings(SourceSettings):
    """`comments: {kind: stdin}` (written `stdin: true` before): JSONL comments piped into the show."""

    claims: ClassVar[tuple[str, ...]] = ("stdin",)

    kind: Literal["stdin"] = "stdin"

    @model_validator(mode="before")
    @classmethod
    def _old_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict) and "stdin" in data:
            if data["stdin"] is not True:
                raise ValueError("stdin: false names no comment source; write kind: stdin, replay or http")
            data = {k: v for k, v in data.items() if k != "stdin"}
        return data


def open_stdin(*, context: SourceContext) -> StdinSource:
    """This process's standard input."""
    return StdinSource()


SOURCES.register("stdin", StdinSettings, open_stdin)
