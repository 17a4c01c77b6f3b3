"""Where comments come from: a JSONL replay, live stdin, or an HTTP/WebSocket ingest endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialogue.sources.base import CommentSource
from dialogue.sources.jsonl import JsonlReplay, comment_from_object, parse_comment_line, read_comments
from dialogue.sources.stdin import StdinSource

if TYPE_CHECKING:
    from dialogue.sources.http import HttpIngestSource, IngestAck, create_ingest_app

__all__ = [
    "CommentSource",
    "HttpIngestSource",
    "IngestAck",
    "JsonlReplay",
    "StdinSource",
    "comment_from_object",
    "create_ingest_app",
    "parse_comment_line",
    "read_comments",
]

_HTTP_NAMES = {"HttpIngestSource", "IngestAck", "create_ingest_app"}


def __getattr__(name: str) -> Any:
    # The web stack (FastAPI, uvicorn) loads only when the HTTP source is asked for.
    if name in _HTTP_NAMES:
        from dialogue.sources import http

        return getattr(http, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
