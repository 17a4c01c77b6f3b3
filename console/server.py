"""The console's web app: a sign-in form, the page and its script, and one WebSocket per open console.

Signing in with the token gives a session cookie (a random value per sign-in, revoked by signing out); a script
may send the token as `Authorization: Bearer` instead, never in the URL. Without either a request gets 401 / close
4401; wrong bearer tokens are rate limited per address (429 / close 4429) and audited. A WebSocket's Origin must
be the console's own (close 4403), and so must a sign-out's. Actions arrive as typed messages, are rate limited,
and are carried out by the show (which audits each one with the operator's name).

The state is pushed, not polled: a console gets it whole once, then only the fields that changed, when the show
says something changed (`ShowAPI.view.watch`), at most every `state_gap_s`, and on a slow tick (`state_tick_s`)
for the figures that move by themselves (time on air, level, traces). Nothing is sent when nothing changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketDisconnect

from console import auth
from console.api import ShowAPI
from console.messages import (
    CAMERA_MAGIC,
    CLIENT_MESSAGE,
    MIC_HEADER,
    MIC_MAGIC,
    ActionResult,
    Approve,
    ClientMessage,
    Edit,
    ErrorMsg,
    Pause,
    Reject,
    Result,
    Resume,
    Say,
    SetProduct,
    StateChanges,
    StateMsg,
    Stop,
    Takeover,
    Welcome,
)
from console.preview import FrameEncoder
from dialogue.sources.credentials import BearerGuard, Refusals

log = logging.getLogger(__name__)

MAX_MESSAGE = 16 * 1024
STATIC = {"app.js": "text/javascript", "style.css": "text/css", "i18n.js": "text/javascript",
          "takeover.js": "text/javascript", "mic-worklet.js": "text/javascript", "force.js": "text/javascript"}
SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "same-origin",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; "
                                               "connect-src 'self'; style-src 'self' 'unsafe-inline'; "
                                               "frame-ancestors 'none'"}


def _static(name: str) -> str:
    return (resources.files("console") / "static" / name).read_text(encoding="utf-8")


def _signin_page(error: str = "", status: int = 401) -> Response:
    page = _static("signin.html").replace("{{error}}", html.escape(error))
    return Response(page, status_code=status, media_type="text/html; charset=utf-8",
                    headers={**SECURITY_HEADERS, "WWW-Authenticate": "Bearer"})


def create_console_app(show: ShowAPI, *, token: str, bind_host: str = "127.0.0.1", preview_fps: float = 15.0,
                       state_tick_s: float = 1.0, state_gap_s: float = 0.2, heartbeat_s: float = 5.0,
                       idle_prompt_s: float = 180.0, idle_answer_s: float = 30.0,
                       extra_origins: tuple[str, ...] = ()) -> FastAPI:
    """The console app for one show; `token` signs in (or is sent as a bearer header) on every request.
    `app.state.refusals.flush()` writes the wrong tokens not yet audited (when the console stops)."""
    app = FastAPI(title="Nightshift console", docs_url=None, redoc_url=None, openapi_url=None)
    signins = auth.RateLimit(burst=5, per_s=0.2)
    actions = auth.RateLimit(burst=8, per_s=2.0)
    chatter = auth.RateLimit(burst=60, per_s=30.0)  # heartbeats and frame reports
    encoder = FrameEncoder()

    sessions = auth.Sessions()
    refusals = Refusals(show.record, "console")
    bearers = BearerGuard(token, refusals)
    app.state.refusals = refusals

    async def credential(conn: HTTPConnection) -> str | int:
        """The operator a signed-in request is from ("" for a bearer token), or the status that refuses it."""
        name = sessions.operator(conn.cookies.get(auth.SESSION_COOKIE))
        if name is not None:
            return name
        verdict = await bearers.check(conn.client.host if conn.client else "?", conn.headers)
        return "" if verdict == "ok" else 429 if verdict == "limited" else 401

    def refused(status: int) -> Response:
        if status == 429:
            return JSONResponse({"detail": "too many wrong tokens: wait a minute"}, status_code=429,
                                headers={"Retry-After": str(bearers.retry_after_s)})
        return JSONResponse({"detail": "sign in, or send the token as Authorization: Bearer TOKEN"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.middleware("http")
    async def guard_host(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not auth.host_allowed(request.headers.get("host"), bind_host):
            return JSONResponse({"detail": "unknown host name"}, status_code=421)
        return await call_next(request)

    @app.get("/")
    async def index(request: Request) -> Response:
        who = await credential(request)
        if who == 429:
            return _signin_page("Too many wrong tokens: wait a minute. 口令错误次数过多，请稍候。", status=429)
        if isinstance(who, int):
            return _signin_page()
        return Response(_static("index.html"), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    @app.post("/signin")
    async def signin(request: Request) -> Response:
        client = request.client.host if request.client else "?"
        if not signins.allow(client):
            return _signin_page("Too many attempts: wait a minute. 尝试次数过多，请稍候。", status=429)
        origin = request.headers.get("origin")
        if origin and not auth.origin_ok(origin, request.headers.get("host"), extra_origins):
            return _signin_page("Wrong origin. 来源不符。", status=403)
        form = parse_qs((await request.body())[:4096].decode("utf-8", "replace"))
        name = auth.clean_name((form.get("name") or [""])[0])
        offered = (form.get("token") or [""])[0].strip()
        if not auth.token_ok(token, offered):
            await run_in_threadpool(show.record, "console_signin", {"ok": False, "client": client,
                                                                      "operator": name, "reason": "wrong token"})
            return _signin_page("Wrong token. 口令错误。")
        if name is None:
            return _signin_page("Give your name (letters, digits, spaces; up to 40). 请填写姓名。", status=400)
        await run_in_threadpool(show.record, "console_signin", {"ok": True, "client": client, "operator": name})
        r = RedirectResponse("/", status_code=303)
        r.set_cookie(auth.SESSION_COOKIE, sessions.open(name), httponly=True, samesite="strict", path="/")
        return r

    @app.post("/signout")
    async def signout(request: Request) -> Response:
        client = request.client.host if request.client else "?"
        if not auth.same_origin(request.headers, extra_origins):  # another site's page posting a form here
            await run_in_threadpool(show.record, "console_refused", {"client": client, "reason": "signout origin",
                                                                       "origin": request.headers.get("origin")})
            return JSONResponse({"detail": "sign out from the console's own page"}, status_code=403)
        name = sessions.revoke(request.cookies.get(auth.SESSION_COOKIE))
        if name is not None:
            await run_in_threadpool(show.record, "console_signout", {"client": client, "operator": name})
        r = RedirectResponse("/", status_code=303)
        r.delete_cookie(auth.SESSION_COOKIE, path="/")
        return r

    @app.get("/static/{name}")
    async def static(name: str, request: Request) -> Response:
        who = await credential(request)
        if isinstance(who, int):
            return refused(who)
        if name not in STATIC:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return Response(_static(name), media_type=STATIC[name], headers=SECURITY_HEADERS)

    @app.get("/api/state")
    async def state(request: Request) -> Response:
        who = await credential(request)
        if isinstance(who, int):
            return refused(who)
        snap = await run_in_threadpool(show.snapshot)
        return Response(snap.model_dump_json(), media_type="application/json", headers=SECURITY_HEADERS)

    @app.websocket("/ws")
    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        client = socket.client.host if socket.client else "?"
        who = await credential(socket)
        if isinstance(who, int):
            code = auth.WS_LIMITED if who == 429 else auth.WS_UNAUTHORIZED
            await socket.close(code=code, reason="too many wrong tokens" if who == 429 else "sign in first")
            return
        if not auth.host_allowed(socket.headers.get("host"), bind_host) or not auth.origin_ok(
                socket.headers.get("origin"), socket.headers.get("host"), extra_origins):
            await run_in_threadpool(show.record, "console_refused", {"client": client, "reason": "origin",
                                                                       "origin": socket.headers.get("origin")})
            await socket.close(code=auth.WS_FORBIDDEN, reason="wrong origin")
            return
        operator = who or auth.clean_name(socket.query_params.get("operator"))  # a bearer client names itself
        if not operator:
            await socket.close(code=auth.WS_UNAUTHORIZED, reason="sign in with your name first")
            return
        watch = asyncio.create_task(_close_when_signed_out(socket, sessions, socket.cookies.get(
            auth.SESSION_COOKIE))) if who else None
        session = _Session(socket, show, operator, encoder, actions, chatter)
        try:
            await session.run(Welcome(operator=operator, lang=show.lang, heartbeat_s=heartbeat_s,
                                      idle_prompt_s=idle_prompt_s, idle_answer_s=idle_answer_s,
                                      preview_fps=preview_fps), preview_fps, state_tick_s, state_gap_s)
        finally:
            if watch is not None:
                watch.cancel()

    return app


async def _close_when_signed_out(socket: WebSocket, sessions: auth.Sessions, sid: str | None,
                                 every_s: float = 0.5) -> None:
    """A console whose session was signed out (in another tab, say) is closed: 4401, the page signs in again."""
    while sessions.operator(sid) is not None:
        await asyncio.sleep(every_s)
    with contextlib.suppress(RuntimeError):  # already closed
        await socket.close(code=auth.WS_UNAUTHORIZED, reason="signed out")


class _Session:
    """One open console: pushes frames and state, carries out the operator's messages."""

    def __init__(self, socket: WebSocket, show: ShowAPI, operator: str, encoder: FrameEncoder,
                 actions: auth.RateLimit, chatter: auth.RateLimit) -> None:
        self.socket, self.show, self.operator, self.encoder = socket, show, operator, encoder
        self.actions, self.chatter = actions, chatter
        self._send = asyncio.Lock()
        self._pushing = asyncio.Lock()  # one state push at a time: each is the change from the one before
        self._sent: dict[str, Any] | None = None  # the state as this console has it
        self.key = f"{operator}@{id(socket)}"

    @property
    def driving(self) -> bool:
        """This console (not just this name: one operator may have two open) drives the host now."""
        return self.show.takeover_console == self.key

    async def send_text(self, text: str) -> None:
        async with self._send:
            await self.socket.send_text(text)

    async def run(self, welcome: Welcome, fps: float, tick_s: float, gap_s: float) -> None:
        await run_in_threadpool(self.show.connected, self.operator)
        await self.send_text(welcome.model_dump_json())
        tasks = [asyncio.create_task(self._frames(fps)), asyncio.create_task(self._states(tick_s, gap_s))]
        try:
            await self._receive()
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await run_in_threadpool(self.show.disconnected, self.operator)  # off duty, if it was their last
            if self.driving:  # its camera and mic are gone: hand back
                await run_in_threadpool(self.show.takeover, self.operator, False, self.key)

    async def _frames(self, fps: float) -> None:
        loop = asyncio.get_running_loop()
        last, due = -1, loop.time()
        while True:
            index, pts, image = self.show.frame()
            if image is not None and index != last:
                last = index
                try:
                    data = await run_in_threadpool(self.encoder.encode, index, pts, image, self.show.level())
                except Exception as e:  # one frame that cannot be encoded is skipped, the preview goes on
                    log.warning("preview frame %d not sent: %s", index, e)
                else:
                    async with self._send:
                        await self.socket.send_bytes(data)
            due = max(due + 1.0 / fps, loop.time())  # a steady rate: encoding time is not added to the wait
            await asyncio.sleep(due - loop.time())

    async def _states(self, tick_s: float, gap_s: float) -> None:
        """Push the state when the show says it changed (a burst of changes goes as one), or on the slow tick."""
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:  # on the show's threads
            with contextlib.suppress(RuntimeError):  # the loop is closing: this console is gone
                loop.call_soon_threadsafe(changed.set)

        unwatch = self.show.view.watch(wake)
        try:
            while True:
                changed.clear()
                await self.push_state()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), tick_s)
                await asyncio.sleep(gap_s)
        finally:
            unwatch()

    async def push_state(self) -> None:
        """Send what changed since the last push (the whole state the first time); nothing if nothing did."""
        async with self._pushing:
            try:
                snap = await run_in_threadpool(self.show.snapshot)
            except Exception as e:  # the console stays up; the next state may succeed
                log.warning("console state not available: %s", e)
                return
            mine = snap.model_copy(update={"you_drive": snap.taking_over and self.driving})
            now = mine.model_dump(mode="json")
            if self._sent is None:
                text = StateMsg(state=mine).model_dump_json()
            else:
                changes = {k: v for k, v in now.items() if self._sent.get(k) != v}
                if not changes:
                    return
                text = StateChanges(changes=changes).model_dump_json()
            await self.send_text(text)
            self._sent = now

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.socket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                self._binary(message["bytes"])
                continue
            raw = message.get("text") or ""
            if len(raw) > MAX_MESSAGE:
                await self.socket.close(code=1009, reason="message too big")
                return
            try:
                await self._handle(raw)
            except (WebSocketDisconnect, RuntimeError):
                return

    def _binary(self, data: bytes) -> None:
        """Webcam frames and mic chunks for the takeover driver (see console.messages); others are dropped."""
        magic = data[:4]
        if magic == CAMERA_MAGIC:
            self.show.takeover_video(self.operator, data[4:], self.key)
        elif magic == MIC_MAGIC and len(data) >= MIC_HEADER.size:
            _, rate = MIC_HEADER.unpack_from(data)
            self.show.takeover_audio(self.operator, data[MIC_HEADER.size:], rate, self.key)

    async def _handle(self, raw: str | bytes) -> None:
        try:
            msg = CLIENT_MESSAGE.validate_json(raw)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ())) or "message"
            await self.send_text(ErrorMsg(message=f"bad message: {where}: {first.get('msg')}").model_dump_json())
            return
        op, show = self.operator, self.show
        if msg.type in ("heartbeat", "away", "frame_shown"):
            if not self.chatter.allow(self.key):
                return
            if msg.type == "heartbeat":
                await run_in_threadpool(show.heartbeat, op, msg.confirmed)
            elif msg.type == "away":
                await run_in_threadpool(show.away, op)
            else:
                show.frame_shown(msg.index)
            return
        if msg.type == "stop":  # silence first, on this loop, before anything else (and whatever the rate)
            show.halt()
        if not self.actions.allow(op):
            out = ActionResult(ok=False, message="too many actions: wait a moment")
            await self.send_text(Result(action=msg.type, outcome=out).model_dump_json())
            return
        try:
            out = await run_in_threadpool(self._action(msg))
        except Exception as e:  # a failed action is reported, the console stays up
            log.exception("console action %s failed", msg.type)
            out = ActionResult(ok=False, message=f"failed: {type(e).__name__}: {e}")
        await self.send_text(Result(action=msg.type, outcome=out).model_dump_json())
        await self.push_state()

    def _action(self, msg: ClientMessage) -> Callable[[], ActionResult]:
        """The show's call that carries out an action message (run on a worker thread)."""
        op, show = self.operator, self.show
        match msg:
            case Approve():
                return lambda: show.approve(op, msg.id)
            case Edit():
                return lambda: show.edit(op, msg.id, msg.text, msg.force, msg.reason)
            case Reject():
                return lambda: show.reject(op, msg.id, msg.reason)
            case Say():
                return lambda: show.say(op, msg.text, msg.lang, msg.force, msg.reason)
            case Pause():
                return lambda: show.pause(op)
            case Resume():
                return lambda: show.resume(op)
            case Stop():
                return lambda: show.stop(op)
            case SetProduct():
                return lambda: show.set_product(op, msg.sku)
            case Takeover():
                return lambda: show.takeover(op, msg.on, self.key)
        raise KeyError(msg.type)  # not an action (heartbeats and frame reports are handled before)
