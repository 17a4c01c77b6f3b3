"""Where comments come from: a JSONL replay, live stdin, or an HTTP/WebSocket ingest endpoint.

Each source registers itself from its own module; `SOURCES` finds them when first asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialogue.sources.base import SOURCES, CommentSource, SourceContext, SourceSettings, open_source
from dialogue.sources.jsonl import JsonlReplay, comment_from_object, parse_comment_line, read_comments
from dialogue.sources.stdin import StdinSource

if TYPE_CHECKING:
    from dialogue.sources.http import HttpIngestSource
    from dialogue.sources.ingest_app import IngestAck, create_ingest_app

__all__ = [
    "SOURCES",
    "CommentSource",
    "HttpIngestSource",
    "IngestAck",
    "JsonlReplay",
    "SourceContext",
    "SourceSettings",
    "StdinSource",
    "comment_from_object",
    "create_ingest_app",
    "open_source",
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
