"""Helpers for tests that run a real show in a child process and read what it left behind."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import assets

ROOT = Path(__file__).resolve().parents[2]


def write_show(tmp: Path, comments: list[dict[str, Any]], **over: Any) -> Path:
    """A SHOW.yaml for the English demo shop replaying `comments` into tmp/show.mp4, at a small size."""
    tmp.mkdir(parents=True, exist_ok=True)
    replay = tmp / "comments.jsonl"
    replay.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in comments), encoding="utf-8")
    cfg: dict[str, Any] = {
        "catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local",
        "comments": {"replay": str(replay)}, "model": {"kind": "none"},
        "outputs": {"mp4": str(tmp / "show.mp4"), "size": [360, 640]},
        "audit_log": str(tmp / "audit.jsonl"), "minutes": 0.3,
    }
    cfg.update(over)
    path = tmp / "show.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.contextmanager
def running(show: Path, log_dir: Path, **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """`nightshift run SHOW` in a child, its output in log_dir/{stdout,stderr}; killed if still running after."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "stdout").open("wb") as out, (log_dir / "stderr").open("wb") as err:
        p = subprocess.Popen([sys.executable, "-m", "show.cli", "run", str(show)], stdout=out, stderr=err,
                             cwd=ROOT, **popen)
        try:
            yield p
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


def run_to_end(show: Path, timeout: float = 240, **popen: Any) -> tuple[int, str]:
    """Run `nightshift run SHOW` to the end; (exit code, stderr)."""
    r = subprocess.run([sys.executable, "-m", "show.cli", "run", str(show)], capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT, **popen)
    return r.returncode, r.stderr


def entries(log: Path) -> list[dict[str, Any]]:
    """The audit log's entries (whole lines only: a line being written is left out)."""
    if not log.exists():
        return []
    lines = log.read_bytes().split(b"\n")
    return [json.loads(x) for x in lines[:-1] if x]


def of_kind(log: Path, kind: str) -> list[dict[str, Any]]:
    """The data of every audit entry of one kind."""
    return [e["data"] for e in entries(log) if e["kind"] == kind]


def wait_for(what: str, pred: Callable[[], object], timeout: float, proc: subprocess.Popen | None = None) -> None:
    """Poll until `pred()` is true; fail naming `what` on timeout or if the child exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the show exited ({proc.returncode}) before {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def decode_mp4(path: Path) -> tuple[int, np.ndarray, int]:
    """Decode every frame of an MP4: (video frames, mono float audio, audio rate). Raises if unreadable."""
    import av

    frames, audio, rate = 0, [], 0
    with av.open(str(path)) as c:
        assert c.streams.video and c.streams.audio, f"{path} lacks a video or an audio stream"
        for f in c.decode(video=0):
            frames += 1
            assert f.width > 0
    with av.open(str(path)) as c:
        for f in c.decode(audio=0):
            rate = f.sample_rate
            audio.append(f.to_ndarray().astype(np.float32).mean(axis=0))
    return frames, (np.concatenate(audio) if audio else np.zeros(0, np.float32)), rate


def envelope(pcm: np.ndarray, rate: int, hop_s: float = 0.02) -> np.ndarray:
    """RMS loudness every hop_s seconds (for finding a known line inside a recording)."""
    hop = int(rate * hop_s)
    x = np.asarray(pcm, np.float32)
    n = len(x) // hop
    return np.sqrt((x[: n * hop].reshape(n, hop) ** 2).mean(axis=1))


def locate(needle: np.ndarray, hay: np.ndarray) -> tuple[int, float]:
    """Where the envelope `needle` best matches inside `hay`: (offset, normalised correlation)."""
    m = len(needle)
    a = (needle - needle.mean()) / (needle.std() + 1e-9)
    best, at = -1.0, 0
    for i in range(0, len(hay) - m + 1):
        w = hay[i: i + m]
        c = float(np.dot(a, (w - w.mean()) / (w.std() + 1e-9)) / m)
        if c > best:
            best, at = c, i
    return at, best
