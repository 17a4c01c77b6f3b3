"""Starting the console: a busy port or a bad console setting stops the show with a clear message."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import yaml

import assets


def _run(tmp_path: Path, console: dict[str, object]) -> subprocess.CompletedProcess[str]:
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "model": {"kind": "none"},
           "comments": {"stdin": True}, "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [360, 640]},
           "audit_log": str(tmp_path / "audit.jsonl"), "console": console, "minutes": 0.2}
    (tmp_path / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "show.cli", "run", str(tmp_path / "show.yaml")], input="",
                          capture_output=True, text=True, timeout=300)


def test_a_busy_console_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = _run(tmp_path, {"port": port})
    assert r.returncode == 2, r.stderr[-2000:]
    assert f"console 127.0.0.1:{port}: cannot listen" in r.stderr and "Traceback" not in r.stderr
    assert "operator console:" not in r.stdout


def test_bad_console_settings_name_the_field(tmp_path: Path) -> None:
    r = _run(tmp_path, {"port": "eighty", "token": "short"})
    assert r.returncode == 2
    assert "console.port" in r.stderr and "console.token" in r.stderr and "Traceback" not in r.stderr
