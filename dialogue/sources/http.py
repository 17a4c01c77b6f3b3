"""Comment ingest over HTTP and WebSocket, for a platform connector that pushes viewer comments.

POST /comments and WS /ws/comments take one comment object or a list of them, validated exactly like
a JSONL line; invalid ones become BadComments that are pushed too and reported back, never dropped.

Every request needs the ingest's own token as `Authorization: Bearer TOKEN` (never the operator's console token,
never in the URL). Nothing from a web page is taken: a request with an Origin header that is not allowed is
refused, and a POST body must be `application/json` (what a page may send without asking, text/plain or a form,
is refused). Wrong tokens are rate limited per client address; refusals go to the audit log, aggregated.
"""

from __future__ import annotations

import itertools
import logging
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Literal, Self

import uvicorn
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketDisconnect

from dialogue.errors import InputError
from dialogue.sources.base import CommentSource
from dialogue.sources.credentials import BearerGuard, Record, Refusals, new_token
from dialogue.sources.jsonl import comment_from_object, decode_json, json_type
from dialogue.sources.serving import serve_in_thread, stop_server
from dialogue.types import BadComment, Comment

MAX_BODY_BYTES = 1 << 20  # one request body or WebSocket message
WS_CLOSE = {401: 4401, 403: 4403, 429: 4429}  # application close codes: the 4xxx range mirrors HTTP
WS_TOO_BIG = 1009  # RFC 6455 "message too big"
NO_TOKEN = "missing or wrong token: send the ingest token as Authorization: Bearer TOKEN"
log = logging.getLogger(__name__)

Push = Callable[[Comment | BadComment], None]


class Rejected(BaseModel):
    """One item of a request that is not a usable comment (it was still passed on as a BadComment)."""

    index: int  # position in the request's list (0 for a single object or an unreadable body)
    id: str
    flag: str  # "malformed", "bad_encoding", or "unavailable" when the show could not take it
    reason: str


class IngestAck(BaseModel):
    """The answer to every POST /comments and every WebSocket message."""

    type: Literal["ack"] = "ack"
    accepted: list[str] = []
    rejected: list[Rejected] = []


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class _Ingest:
    """Turns one payload into pushed items and the ack that reports them."""

    def __init__(self, push: Push) -> None:
        self.push = push
        self._requests = itertools.count(1)

    def __call__(self, data: bytes | str, kind: str, where: str) -> tuple[IngestAck, bool]:
        """(ack, payload_ok): payload_ok is False when the payload as a whole was unreadable."""
        base_id = f"{kind}-{next(self._requests)}"
        objects: list[object] | None = None
        single = False
        problem, flag = "", "malformed"
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as e:
                problem, flag = f"not UTF-8 (byte {e.start + 1})", "bad_encoding"
        if not problem:
            assert isinstance(data, str)
            obj, json_problem = decode_json(data)
            if json_problem is not None:
                problem = json_problem
            elif isinstance(obj, dict):
                objects, single = [obj], True
            elif isinstance(obj, list):
                objects = obj
            else:
                problem = f"expected a comment object or a list of them, got {json_type(obj)}"
        ack = IngestAck()
        if objects is None:
            self._deliver(BadComment(id=base_id, flag=flag, reason=f"{where}: {problem}"), 0, ack)
            return ack, False
        for i, obj in enumerate(objects):
            item_where = where if single else f"{where} item {i}"
            item = comment_from_object(obj, fallback_id=f"{base_id}.{i}", where=item_where)
            self._deliver(item, i, ack)
        return ack, True

    def _deliver(self, item: Comment | BadComment, index: int, ack: IngestAck) -> None:
        try:
            self.push(item)
        except Exception as e:  # the show's queue is full or gone: tell the sender to retry
            log.warning("ingest could not pass on %s: %s", item.id, e)
            reason = f"not taken by the show ({str(e) or type(e).__name__}); retry later"
            ack.rejected.append(Rejected(index=index, id=item.id, flag="unavailable", reason=reason))
            return
        if isinstance(item, Comment):
            ack.accepted.append(item.id)
        else:
            ack.rejected.append(Rejected(index=index, id=item.id, flag=item.flag, reason=item.reason))


def _too_large() -> JSONResponse:
    return JSONResponse({"detail": f"body larger than {MAX_BODY_BYTES} bytes"}, status_code=413)


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


class _Door:
    """Who may push: no web page (an Origin not allowed), and only with the ingest's token."""

    def __init__(self, token: str, allowed_origins: tuple[str, ...], record: Record | None) -> None:
        self.allowed_origins = allowed_origins
        self.refusals = Refusals(record, "ingest")
        self.guard = BearerGuard(token, self.refusals)

    async def refusal(self, conn: HTTPConnection) -> tuple[int, str] | None:
        """Why a request or WebSocket may not push: (HTTP status, what the sender is told), or None."""
        client = conn.client.host if conn.client else "?"
        origin = conn.headers.get("origin")
        if origin is not None and origin not in self.allowed_origins:
            await self.refusals.note(client, "origin")
            return 403, f"not taken from a web page (Origin: {origin[:100]}); a connector sends no Origin"
        verdict = await self.guard.check(client, conn.headers)
        if verdict == "missing":
            await self.refusals.note(client, "no_token")
        if verdict == "limited":
            return 429, f"too many wrong tokens from {client}: retry in {self.guard.retry_after_s} s"
        return None if verdict == "ok" else (401, NO_TOKEN)

    def answer(self, status: int, detail: str) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        if status == 429:
            headers["Retry-After"] = str(self.guard.retry_after_s)
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def create_ingest_app(push: Push, *, token: str, allowed_origins: tuple[str, ...] = (),
                      record: Record | None = None) -> FastAPI:
    """The ingest web app; `push` is called on the server's event loop for every item, so keep it quick.

    Refused requests are not pushed, the sender is told instead: an Origin not in `allowed_origins` (403 / close
    4403), a missing or wrong token (401 / close 4401), too many wrong tokens from one address (429 / close
    4429), a body that is not application/json (415), over 1 MB (413 / close 1009). `record(kind, data)` writes
    the refusals to the audit log (`app.state.refusals.flush()` writes what is left when the server stops).
    """
    ingest = _Ingest(push)
    door = _Door(token, allowed_origins, record)
    app = FastAPI(title="Nightshift comment ingest", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.refusals = door.refusals

    @app.get("/health")
    async def health() -> Health:
        return Health()

    @app.post("/comments")
    async def post_comments(request: Request) -> JSONResponse:
        refused = await door.refusal(request)
        if refused is not None:
            return door.answer(*refused)
        if not _is_json(request.headers.get("content-type")):
            return JSONResponse({"detail": "send comments as Content-Type: application/json"}, status_code=415)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return _too_large()
        body = bytearray()
        async for chunk in request.stream():  # counted as it arrives: chunked bodies have no length
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _too_large()
        ack, payload_ok = ingest(bytes(body), "http", "POST /comments")
        status = 200 if payload_ok else 400
        if any(r.flag == "unavailable" for r in ack.rejected):
            status = 503
        return JSONResponse(ack.model_dump(mode="json"), status_code=status)

    @app.websocket("/ws/comments")
    async def ws_comments(ws: WebSocket) -> None:
        await ws.accept()
        refused = await door.refusal(ws)
        if refused is not None:
            await ws.close(code=WS_CLOSE[refused[0]], reason=refused[1][:120])  # a close reason fits 123 bytes
            return
        for n in itertools.count(1):
            try:
                message = await ws.receive()
            except WebSocketDisconnect:
                return
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text")
            if data is None:
                data = message.get("bytes") or b""
            size = len(data.encode()) if isinstance(data, str) else len(data)
            if size > MAX_BODY_BYTES:
                await ws.close(code=WS_TOO_BIG, reason=f"message larger than {MAX_BODY_BYTES} bytes")
                return
            ack, _ = ingest(data, "ws", f"websocket message {n}")
            try:
                await ws.send_text(ack.model_dump_json())
            except (WebSocketDisconnect, RuntimeError):
                return

    return app


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
        self.host, self.port, self.token = host, port, token or new_token()
        # Bounded: when the show falls this far behind, senders get 503 "retry later" instead.
        self._queue: queue.Queue[Comment | BadComment] = queue.Queue(maxsize=max_pending)
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

    def __iter__(self) -> Iterator[Comment | BadComment]:
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
        stop_server(self._server, self._thread)
        self._drained.set()  # no request is being handled any more: what is queued is all there is
        self.app.state.refusals.flush()
