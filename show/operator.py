"""Start the operator console for a running show: the preview tap, the ShowControl and the web server.

The address and the token are printed once, when the console starts.
"""

from __future__ import annotations

import logging
import socket
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, TextIO

from tqdm import tqdm

from console.auth import LOOPBACK, new_token
from console.runner import ConsoleError, ConsoleServer
from console.server import create_console_app
from dialogue.errors import InputError
from show.config import ShowConfig
from show.control import ShowControl
from show.runtime import Brain
from show.tap import PreviewTap

if TYPE_CHECKING:
    from avatar.drive import Takeover

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
        self.control.close()


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


def _takeover_driver(brain: Brain) -> Takeover | None:
    """The webcam/mic driver for the console's takeover button; None (the button stays off) if it cannot load."""
    try:
        from avatar.drive import Takeover
        from avatar.types import FaceParams

        driver = Takeover.for_program(brain.program)
        host = brain.program.render(FaceParams())  # MediaPipe loads its models on a face now, not at the click
        for _ in range(2):
            driver.tracker.landmarks(host)
        return driver
    except Exception as e:  # e.g. mediapipe missing: the show runs, without takeover
        log.warning("takeover unavailable: %s", e)
        brain.audit.append("takeover_unavailable", {"error": f"{type(e).__name__}: {e}"[:300]})
        return None


def announce(line: str, file: IO[str] | None = None) -> None:
    """A line the person at the terminal must see and copy (an address and its token): on a line of its own,
    above a progress bar being drawn, never inside it."""
    out = file or sys.stdout
    with tqdm.external_write_mode(file=out):
        print(line, file=out, flush=True)


def start_console(cfg: ShowConfig, brain: Brain, *, print_to: TextIO = sys.stdout) -> ConsoleHandle:
    """Tap the programme, serve the console, print its address and token once. Call before Program.start."""
    c = cfg.console
    tap = PreviewTap()
    brain.program.sinks.append(tap)
    control = ShowControl(brain, tap)
    if c.takeover:
        control.takeover_driver = _takeover_driver(brain)
    token = c.token or new_token()
    app = create_console_app(control, token=token, bind_host=c.host, preview_fps=c.preview_fps,
                             idle_prompt_s=c.idle_prompt_s, idle_answer_s=c.idle_answer_s)
    server = ConsoleServer(app, c.host, c.port)
    try:
        url = server.start()
    except ConsoleError as e:
        brain.program.sinks.remove(tap)
        control.close()
        raise InputError("console", str(e)) from None
    shown = "set in SHOW.yaml (console.token)" if c.token else token
    announce(f"operator console: {url}/  token: {shown}", print_to)
    if c.host not in LOOPBACK:
        port = url.rsplit(":", 1)[1]
        print(f"warning: the console listens on {c.host} (the LAN): open http://{_lan_address()}:{port}/ "
              f"from another device; anyone on this network with the token can run the show",
              file=sys.stderr, flush=True)
    brain.audit.append("console_start", {"url": url, "host": c.host, "token_from": "config" if c.token else "generated"})
    return ConsoleHandle(control, server, url, token)
