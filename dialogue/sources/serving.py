"""uvicorn in a background thread on an already-bound socket: the ingest endpoint and the console share it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


def serve_in_thread(app: Any, sock: socket.socket, *, name: str, timeout: float = 10.0,
                    **config: Any) -> tuple[uvicorn.Server, threading.Thread] | None:
    """Serve `app` on `sock` and wait until it accepts connections; None (socket closed) if it did not start."""
    cfg = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off",
                         timeout_graceful_shutdown=2, **config)
    server = uvicorn.Server(cfg)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            return None
        time.sleep(0.01)
    return server, thread


def stop_server(server: uvicorn.Server | None, thread: threading.Thread | None) -> None:
    """Ask the server to finish its requests and stop; force it after 5 s."""
    if server is None or thread is None:
        return
    server.should_exit = True
    thread.join(timeout=5)
    if thread.is_alive():
        server.force_exit = True
        thread.join(timeout=2)
