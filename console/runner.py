"""Serve the console on uvicorn in a background thread (the show's threads stay as they are)."""

from __future__ import annotations

import logging
import socket
import threading

import uvicorn
from fastapi import FastAPI

from dialogue.sources.serving import serve_in_thread, stop_server

log = logging.getLogger(__name__)


class ConsoleError(RuntimeError):
    """The console cannot listen on its address (the message names it)."""


class ConsoleServer:
    """Binds at once (a busy port fails here, naming the address); `url` is the real address."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 8700) -> None:
        self.app, self.host, self.port = app, host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> str:
        """Listen and serve; returns the base URL, e.g. http://127.0.0.1:8700."""
        where = f"{self.host}:{self.port}"
        try:
            info = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
            sock = socket.socket(info[0], info[1], info[2])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(info[4])
        except OSError as e:
            raise ConsoleError(f"console {where}: cannot listen: {e.strerror or e}") from None
        served = serve_in_thread(self.app, sock, name="nightshift-console", timeout=timeout, ws_max_size=1 << 16)
        if served is None:
            raise ConsoleError(f"console {where}: the server did not start")
        server, thread = served
        port = sock.getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        self._server, self._thread, self.url = server, thread, f"http://{host}:{port}"
        return self.url

    def close(self) -> None:
        """Stop serving (open consoles are disconnected); refused tokens not yet audited are written."""
        stop_server(self._server, self._thread)
        refusals = getattr(self.app.state, "refusals", None)
        if refusals is not None:
            refusals.flush()
