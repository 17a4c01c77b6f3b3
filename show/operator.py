"""Start the operator console for a running show: the preview tap, the ShowControl and the web server.

The address and the token are printed once, when the console starts.
"""

from __future__ import annotations

import logging
import socket
import sys
from dataclasses import dataclass

from console.auth import LOOPBACK, new_token
from console.runner import ConsoleError, ConsoleServer
from console.server import create_console_app
from dialogue.errors import InputError
from show.config import ShowConfig
from show.control import ShowControl
from show.runtime import Brain
from show.tap import PreviewTap

log = logging.getLogger(__name__)


@dataclass
class ConsoleHandle:
    control: ShowControl
    server: ConsoleServer
    url: str
    token: str

    def close(self) -> None:
        """The show is over: the console says so, then stops serving."""
        self.control.ended = True
        self.server.close()


def wants_console(cfg: ShowConfig) -> bool:
    """A console for a live comment source, or when SHOW.yaml asks for one explicitly (e.g. a replay)."""
    if not cfg.console.enabled:
        return False
    return cfg.comments.replay is None or "enabled" in cfg.console.model_fields_set


def _lan_address() -> str:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            return str(s.getsockname()[0])
    except OSError:
        return "THIS-MACHINE"


def start_console(cfg: ShowConfig, brain: Brain, *, print_to=sys.stdout) -> ConsoleHandle:  # type: ignore[no-untyped-def]
    """Tap the programme, serve the console, print its address and token once. Call before Program.start."""
    c = cfg.console
    tap = PreviewTap()
    brain.program.sinks.append(tap)
    control = ShowControl(brain, tap, audit_path=cfg.audit_log)
    token = c.token or new_token()
    app = create_console_app(control, token=token, bind_host=c.host, preview_fps=c.preview_fps,
                             idle_prompt_s=c.idle_prompt_s, idle_answer_s=c.idle_answer_s)
    server = ConsoleServer(app, c.host, c.port)
    try:
        url = server.start()
    except ConsoleError as e:
        brain.program.sinks.remove(tap)
        raise InputError("console", str(e)) from None
    shown = "set in SHOW.yaml (console.token)" if c.token else token
    print(f"operator console: {url}/  token: {shown}", file=print_to, flush=True)
    if c.host not in LOOPBACK:
        port = url.rsplit(":", 1)[1]
        print(f"warning: the console listens on {c.host} (the LAN): open http://{_lan_address()}:{port}/ "
              f"from another device; anyone on this network with the token can run the show",
              file=sys.stderr, flush=True)
    brain.audit.append("console_start", {"url": url, "host": c.host, "token_from": "config" if c.token else "generated"})
    return ConsoleHandle(control, server, url, token)
