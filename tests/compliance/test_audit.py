"""The audit log's hash chain catches every single-byte change, deletion, insertion and reordering."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from compliance.audit import AuditLog, AuditWriteError, verify


def _small_log(path: Path, n: int = 5) -> bytes:
    log = AuditLog(path)
    for i in range(n):
        log.append("comment", {"id": f"c{i}", "text": f"how much is item {i}? 价格"})
    log.close()
    return path.read_bytes()


def test_intact_log_verifies_and_a_restart_continues_the_chain(tmp_path: Path) -> None:
    p = tmp_path / "audit.jsonl"
    _small_log(p, 3)
    log = AuditLog(p)
    entry = log.append("restart", {})
    log.close()
    assert entry["seq"] == 4
    r = verify(p)
    assert r.ok and r.entries == 4


def test_every_single_byte_change_is_caught(tmp_path: Path) -> None:
    p = tmp_path / "audit.jsonl"
    original = _small_log(p, 4)
    for i in range(len(original)):
        for new in {original[i] ^ 0x01, ord("0") if original[i] != ord("0") else ord("1")}:
            changed = bytearray(original)
            changed[i] = new
            p.write_bytes(bytes(changed))
            r = verify(p)
            assert not r.ok, f"a change of byte {i} went unnoticed"
            assert r.bad_line is not None
    p.write_bytes(original)
    assert verify(p).ok


def test_deletion_insertion_reordering_and_truncation(tmp_path: Path) -> None:
    p = tmp_path / "audit.jsonl"
    lines = _small_log(p, 5).splitlines(keepends=True)
    cases = {
        "deleted middle": lines[:2] + lines[3:],
        "deleted first": lines[1:],
        "inserted copy": lines[:3] + [lines[1]] + lines[3:],
        "swapped": lines[:1] + [lines[2], lines[1]] + lines[3:],
        "removed from the end": lines[:-2],
    }
    for name, content in cases.items():
        p.write_bytes(b"".join(content))
        r = verify(p)
        assert not r.ok, name
    p.write_bytes(b"".join(lines[:2] + lines[3:]))
    assert verify(p).bad_line == 3


def test_cli_exit_codes_name_the_first_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "audit.jsonl"
    data = _small_log(p, 3)
    run = [sys.executable, "-m", "show.cli", "audit", "verify", str(p)]
    ok = subprocess.run(run, capture_output=True, text=True)
    assert ok.returncode == 0 and "3 entries" in ok.stdout
    p.write_bytes(data.replace(b"item 1", b"item 7"))
    bad = subprocess.run(run, capture_output=True, text=True)
    assert bad.returncode == 1 and "line 2" in bad.stdout + bad.stderr
    missing = subprocess.run([*run[:-1], str(tmp_path / "none.jsonl")], capture_output=True, text=True)
    assert missing.returncode == 2


def test_sigkill_mid_stream_leaves_a_log_that_verifies_and_continues(tmp_path: Path) -> None:
    p = tmp_path / "audit.jsonl"
    code = (f"from compliance.audit import AuditLog\nlog = AuditLog({str(p)!r})\n"
            "import sys\nfor i in range(10**9):\n    log.append('tick', {'i': i, 'pad': 'x' * 200})\n"
            "    if i == 50: print('ready', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with p.open("ab") as f:  # the worst case: killed in the middle of writing a line
        f.write(b'{"seq": 99999, "kind": "tru')
    log = AuditLog(p)
    log.append("restart", {})
    log.close()
    r = verify(p)
    assert r.ok, r
    kinds = [json.loads(x)["kind"] for x in p.read_text("utf-8").splitlines()]
    assert kinds[-2:] == ["audit_recovered", "restart"]


def test_listeners_get_each_entry_once_it_is_written(tmp_path: Path, monkeypatch: Any) -> None:
    p = tmp_path / "audit.jsonl"
    log = AuditLog(p)
    seen: list[dict[str, Any]] = []

    def broken(entry: dict[str, Any]) -> None:
        raise RuntimeError("a reader that fails")

    log.subscribe(broken)  # its failure is logged; the entry stays written and the others still hear of it
    stop = log.subscribe(seen.append)
    log.append("comment", {"id": "c1"})
    log.append("gate", {"id": "u1"})

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(AuditWriteError):
        log.append("comment", {"id": "lost"})
    monkeypatch.undo()
    assert [(e["seq"], e["kind"]) for e in seen] == [(1, "comment"), (2, "gate")], "an entry not written is not told"
    assert seen == [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()], "exactly as on disk"
    stop()
    log.append("comment", {"id": "c3"})
    log.close()
    assert len(seen) == 2 and verify(p).ok
