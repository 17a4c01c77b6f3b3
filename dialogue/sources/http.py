"""Comment ingest over HTTP and WebSocket, for a platform connector that pushes viewer comments.

POST /comments and WS /ws/comments take one comment object or a list of them, validated exactly like
a JSONL line; invalid ones become BadComments that are pushed too and reported back, never dropped.

Every request needs the ingest's own token as `Authorization: Bearer TOKEN` (never the operator's console token,
never in the URL). Nothing from a web page is taken: a request with an Origin header that is not allowed is
refused, and a POST body must be `application/json` (what a page may send without asking, text/plain or a form,
is refused). Wrong tokens are rate limited per client address; refusals go to the audit log, aggregated.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, model_validator

from dialogue.errors import InputError
from dialogue.sources.base import SOURCES, CommentSource, SourceContext, SourceSettings
from dialogue.types import Item

if TYPE_CHECKING:
    import uvicorn

    from dialogue.sources.credentials import Record

MAX_BODY_BYTES = 1 << 20  # one request body or WebSocket message
log = logging.getLogger(__name__)

class HttpIngestSource(CommentSource):
    """Runs the ingest app on uvicorn in a background thread; iterating yields what connectors push.

    `start()` (also called by iteration and `with`) binds the port at once, so a busy port fails in
    the caller; `url` then holds the real address (the chosen port when `port=0`).
    """

    name = "http"

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, token: str | None = None, *,
        allowed_origins: tuple[str, ...] = (), record: Record | None = None, max_pending: int = 10_000,
    ) -> None:
        """`token`: what senders must present (None: a new random one, read it from `.token`); `record(kind,
        data)`: the show's audit log, for refused requests; `allowed_origins`: web pages that may push."""
        from dialogue.sources.credentials import new_token
        from dialogue.sources.ingest_app import create_ingest_app

        self.host, self.port, self.token = host, port, token or new_token()
        # Bounded: when the show falls this far behind, senders get 503 "retry later" instead.
        self._queue: queue.Queue[Item] = queue.Queue(maxsize=max_pending)
        self.app = create_ingest_app(self._queue.put_nowait, token=self.token, allowed_origins=allowed_origins,
                                     record=record)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._drained = threading.Event()
        self._lock = threading.Lock()
        self._url: str | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:43123 (only once started)."""
        if self._url is None:
            raise RuntimeError("HttpIngestSource is not started; call start() first")
        return self._url

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint, e.g. ws://127.0.0.1:43123/ws/comments."""
        return "ws" + self.url[4:] + "/ws/comments"

    def start(self, timeout: float = 10.0) -> str:
        """Bind, serve in a background thread, wait until it accepts connections; returns `url`."""
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("HttpIngestSource was closed; create a new one")
            if self._url is not None:
                return self._url
            from dialogue.sources.serving import serve_in_thread

            sock = self._bind()
            served = serve_in_thread(self.app, sock, name="nightshift-ingest", timeout=timeout)
            if served is None:
                raise RuntimeError(f"the comment ingest server did not start on {self.host}:{self.port}")
            server, thread = served
            port = sock.getsockname()[1]
            host = f"[{self.host}]" if ":" in self.host else self.host
            self._server, self._thread, self._url = server, thread, f"http://{host}:{port}"
            log.info("comment ingest listening on %s", self._url)
            return self._url

    def __enter__(self) -> Self:
        self.start()
        return self

    def _bind(self) -> socket.socket:
        where = f"{self.host}:{self.port}"
        try:
            family, kind, proto, _, addr = socket.getaddrinfo(
                self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            sock = socket.socket(family, kind, proto)
        except OSError as e:
            raise InputError(where, f"cannot listen: {e.strerror or e}") from None
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(addr)
        except OSError as e:
            sock.close()
            raise InputError(where, f"cannot listen: {e.strerror or e}") from None
        return sock

    def __iter__(self) -> Iterator[Item]:
        if not self._closed.is_set():
            self.start()
        while True:
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._closed.is_set() and (self._server is None or self._drained.is_set()):
                    return  # closed, the server stopped, and everything it received has been handed out
                continue
            yield item

    def close(self) -> None:
        """Stop the server (open WebSockets get close code 1012); iteration ends once drained."""
        self._closed.set()
        if self._server is None or self._thread is None:
            return
        from dialogue.sources.serving import stop_server

        stop_server(self._server, self._thread)
        self._drained.set()  # no request is being handled any more: what is queued is all there is
        self.app.state.refusals.flush()


class HttpSettings(SourceSettings):
    """`comments: {kind: http, port: 8765}`: a platform connector pushes comments (written `http_port:` before).

    The ingest's own token, sent by the connector as Authorization: Bearer (never the console's): token_env
    names the environment variable that holds it (kept out of SHOW.yaml), or token gives it. Neither: a new
    one each run, printed once at the start.
    """

    claims: ClassVar[tuple[str, ...]] = ("http_port",)
    renamed: ClassVar[dict[str, str]] = {"http_port": "port"}

    kind: Literal["http"] = "http"
    port: int = Field(ge=0, le=65535)  # 0: any free port (printed at the start)
    token: str | None = Field(default=None, min_length=12)
    token_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # web pages that may post comments, as scheme://host:port; none by default (a connector is not a page)
    allowed_origins: list[Annotated[str, Field(pattern=r"^https?://[^/\s]+$")]] = []


    @model_validator(mode="after")
    def _one_token(self) -> HttpSettings:
        if self.token is not None and self.token_env is not None:
            raise ValueError("give token or token_env, not both")
        return self


def open_ingest(*, port: int, token: str | None, token_env: str | None, allowed_origins: list[str],
                context: SourceContext) -> HttpIngestSource:
    """The HTTP/WebSocket ingest, listening, with its own token (never the console's): from the environment
    variable comments.token_env, from comments.token, or a new one. Its address and token are announced once;
    the token is never written to the audit log."""
    told, source = "set in SHOW.yaml (comments.token)", "config"
    if token_env:
        token, told, source = os.environ.get(token_env, ""), f"from ${token_env}", "env"
        if len(token) < 12:
            raise InputError("comments.token_env", f"${token_env} must hold the ingest token (12 characters "
                                                   f"or more); it is {'too short' if token else 'not set'}")
    if token is not None and token in context.reserved_tokens:
        raise InputError("comments.token_env", "the ingest token is the console's: give the ingest its own")
    ingest = HttpIngestSource(port=port, token=token or None, allowed_origins=tuple(allowed_origins),
                              record=context.record)
    url = ingest.start()
    context.announce(f"comment ingest: {url}/comments  token: {told if token else ingest.token}")
    if context.record is not None:
        context.record("ingest_start", {"url": url, "token_from": source if token else "generated",
                                        "allowed_origins": list(allowed_origins)})
    return ingest


SOURCES.register("http", HttpSettings, open_ingest)

_WEB_NAMES = {"IngestAck", "Rejected", "Health", "create_ingest_app", "WS_CLOSE", "WS_TOO_BIG", "NO_TOKEN", "Push"}


def __getattr__(name: str) -> Any:
    # The web stack (FastAPI, uvicorn) loads only when the ingest is built, or its app asked for.
    if name in _WEB_NAMES:
        from dialogue.sources import ingest_app

        return getattr(ingest_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
