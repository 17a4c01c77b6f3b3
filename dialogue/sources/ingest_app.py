"""The comment ingest's web app (FastAPI): POST /comments and WS /ws/comments, behind the ingest's own token.

Loaded only when an HTTP source is built (dialogue.sources.http), never when the sources are listed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Literal

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketDisconnect

from dialogue.sources.credentials import BearerGuard, Record, Refusals
from dialogue.sources.http import MAX_BODY_BYTES
from dialogue.sources.jsonl import comment_from_object, decode_json, json_type
from dialogue.types import BadComment, Item

WS_CLOSE = {401: 4401, 403: 4403, 429: 4429}  # application close codes: the 4xxx range mirrors HTTP
WS_TOO_BIG = 1009  # RFC 6455 "message too big"
NO_TOKEN = "missing or wrong token: send the ingest token as Authorization: Bearer TOKEN"
log = logging.getLogger("dialogue.sources.http")

Push = Callable[[Item], None]


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

    def _deliver(self, item: Item, index: int, ack: IngestAck) -> None:
        try:
            self.push(item)
        except Exception as e:  # the show's queue is full or gone: tell the sender to retry
            log.warning("ingest could not pass on %s: %s", item.id, e)
            reason = f"not taken by the show ({str(e) or type(e).__name__}); retry later"
            ack.rejected.append(Rejected(index=index, id=item.id, flag="unavailable", reason=reason))
            return
        if not isinstance(item, BadComment):
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
