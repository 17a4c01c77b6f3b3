"""A real nginx with the RTMP module on loopback, recording every published stream to FLV files.

Used by the RTMP sink tests (which wrap it in a fixture) and by `nightshift bench avatar`, so it does
not import pytest. Debian packages: nginx, libnginx-mod-rtmp.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

MODULE_CANDIDATES = ("/usr/lib/nginx/modules/ngx_rtmp_module.so",)
MODULE_CONF_GLOB = "/usr/share/nginx/modules-available/*rtmp*.conf"

CONF = """\
load_module {module};
daemon off;
master_process off;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
rtmp {{
    server {{
        listen 127.0.0.1:{port};
        chunk_size 4096;
        application live {{
            live on;
            record all;
            record_unique on;
            record_path {record};
        }}
    }}
}}
"""


def find_rtmp_module() -> str | None:
    """The path of ngx_rtmp_module.so, from the known location or Debian's modules-available snippet."""
    for path in MODULE_CANDIDATES:
        if Path(path).is_file():
            return path
    for conf in glob.glob(MODULE_CONF_GLOB):
        for word in Path(conf).read_text().replace(";", " ").split():
            if word.endswith("ngx_rtmp_module.so"):
                full = word if word.startswith("/") else f"/usr/share/nginx/{word}"
                if Path(full).is_file():
                    return full
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NginxRtmp:
    """One nginx process serving rtmp://127.0.0.1:PORT/live/…; `restart()` keeps port and recordings."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        module = find_rtmp_module()
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if module is None or nginx is None:
            raise RuntimeError("nginx with the RTMP module is not installed (Debian: nginx libnginx-mod-rtmp)")
        self.nginx = nginx
        self.root = Path(root)
        self.record_dir = self.root / "record"
        self.record_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.conf = self.root / "nginx.conf"
        self.conf.write_text(CONF.format(module=module, root=self.root, port=self.port, record=self.record_dir))
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, stream: str = "stream") -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{stream}"

    def start(self, timeout_s: float = 10.0) -> None:
        """Start nginx and wait until the port accepts connections."""
        self.proc = subprocess.Popen(
            [self.nginx, "-p", str(self.root), "-e", str(self.root / "error.log"), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "ab"),  # noqa: SIM115  (owned by the child)
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.root / 'error.log').read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port}")

    def stop(self, timeout_s: float = 10.0) -> None:
        """Fast shutdown (SIGTERM): connections drop at once, as when a server restarts."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def restart(self, down_s: float = 1.0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()

    def recordings(self) -> list[Path]:
        """FLV files recorded so far, oldest first."""
        return sorted(self.record_dir.glob("*.flv"), key=lambda p: (p.stat().st_mtime, p.name))


    def __enter__(self) -> NginxRtmp:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
