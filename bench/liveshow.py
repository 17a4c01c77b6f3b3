"""A real show in a child process (`nightshift run`) with its operator console, for the console's tests and
bench: comments are posted to its ingest endpoint, the audit log is read back, and it ends on SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

import assets

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
_ADDRESS = re.compile(r"operator console: (http://\S+?)/?\s+token: (\S+)")
_INGEST = re.compile(r"comment ingest: (http://\S+?)/comments\s+token: (\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveShow:
    """`nightshift run` on a generated SHOW.yaml: the local demo shop, comments over HTTP, the console on."""

    def __init__(self, folder: Path, **over: Any) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ingest_port = free_port()
        cfg: dict[str, Any] = {
            "catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "model": {"kind": "none"},
            "comments": {"http_port": self.ingest_port}, "audit_log": str(folder / "audit.jsonl"),
            "outputs": {"mp4": str(folder / "show.mp4"), "size": [360, 640]},
            "operator": {"approval": "answers"}, "console": {"port": 0}, "pitch_interval_s": 1000.0, "minutes": 5.0,
        }
        for key, value in over.items():
            if isinstance(value, dict) and isinstance(cfg.get(key), dict):
                cfg[key] = {**cfg[key], **value}
            else:
                cfg[key] = value
        self.audit_path = Path(cfg["audit_log"])
        self.mp4 = Path(cfg["outputs"]["mp4"])
        (folder / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        self.proc: subprocess.Popen[str] | None = None
        self.url = self.token = ""  # the console's
        self.ingest_url = self.ingest_token = ""  # the comment ingest's (printed before the console's)
        self.stdout: list[str] = []

    def start(self, timeout: float = 150.0) -> LiveShow:
        """Start the show and wait for the lines with the ingest's and the console's addresses and tokens."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "show.cli", "run", str(self.folder / "show.yaml")],
                                     stdout=subprocess.PIPE, stderr=(self.folder / "stderr.log").open("w"),
                                     text=True, env=env)
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.stdout.append(line)
            ingest = _INGEST.search(line)
            if ingest:
                self.ingest_url, self.ingest_token = ingest.group(1), ingest.group(2)
            m = _ADDRESS.search(line)
            if m:
                self.url, self.token = m.group(1), m.group(2)
                return self
        self.finish()
        raise RuntimeError(f"the show did not start its console: {self.stderr()[-2000:]}")

    def stderr(self) -> str:
        return (self.folder / "stderr.log").read_text(encoding="utf-8", errors="replace")

    def post(self, *comments: dict[str, Any]) -> None:
        """Viewer comments, as a platform connector would push them (with the ingest's token)."""
        r = httpx.post(f"{self.ingest_url}/comments", json=list(comments), timeout=10,
                       headers={"Authorization": f"Bearer {self.ingest_token}"})
        r.raise_for_status()

    def audit(self) -> list[dict[str, Any]]:
        lines = self.audit_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(x) for x in lines if x.strip()]

    def wait_audit(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
        """The first audit entry matching `pred`, waiting for it to be written."""
        deadline = time.monotonic() + timeout
        while True:
            for e in self.audit():
                if pred(e):
                    return e
            if time.monotonic() > deadline:
                raise TimeoutError("no such audit entry")
            time.sleep(0.1)

    def state(self) -> dict[str, Any]:
        r = httpx.get(f"{self.url}/api/state", headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        r.raise_for_status()
        return dict(r.json())

    def finish(self, timeout: float = 60.0) -> int | None:
        """End the show (SIGTERM: the recording is finished properly); returns its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self.stdout += self.proc.stdout.readlines()
            self.proc.stdout.close()
        return self.proc.returncode


def launch_browser(playwright: Any, *, camera: Path | None = None) -> Any:
    """The system chromium, headless (never a downloaded browser); `camera` is a folder holding fakecam's
    operator.y4m and operator.wav, to be its webcam and microphone (for takeover)."""
    media = [] if camera is None else [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera / 'operator.y4m'}",
        f"--use-file-for-fake-audio-capture={camera / 'operator.wav'}"]  # fmt: skip
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *media])


def sign_in(page: Any, show: LiveShow, name: str) -> None:
    """Open the console and sign in with a name and the show's token."""
    page.goto(show.url + "/")
    page.fill("#name", name)
    page.fill("#token", show.token)
    page.click("#signin-button")
    page.wait_for_selector(f"#operator:has-text('{name}')", timeout=15000)
