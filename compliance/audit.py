"""The audit log: append-only JSONL, each entry hash-chained to the one before (docs/compliance.md §7).

Every line is `{"seq", "ts", "kind", "data", "prev", "hash"}` where `hash` is the SHA-256 of `prev` and
the canonical JSON of the other fields. A sidecar `LOG.head` holds the last sequence number and hash, so
removing lines from the end is caught too. Each entry is flushed and fsynced before `append` returns.

`subscribe` hands each entry, once written, to a reader in the same process (the operator console's audit
panel): nothing needs to read the file back to learn what was recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

GENESIS = "0" * 64


def _digest(prev: str, body: dict[str, Any]) -> str:
    canon = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + canon).encode("utf-8")).hexdigest()


class AuditWriteError(OSError):
    """An entry could not be written (e.g. the disk is full); the log still ends with a whole entry."""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    bad_line: int | None = None  # 1-based
    reason: str = ""


class AuditLog:
    """Appends chained entries; reopening an existing log continues its chain."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._seq, self._prev, recovered = self._recover()
        self._f = self.path.open("ab")
        if recovered:
            self.append("audit_recovered", {"partial_line_sha256": recovered,
                                            "note": "an unfinished last line from a crash was set aside"})

    def _recover(self) -> tuple[int, str, str | None]:
        """The last good (seq, hash); an unterminated last line (a crash mid-write) is moved aside."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return 0, GENESIS, None
        data = self.path.read_bytes()
        partial = None
        if not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            partial = hashlib.sha256(data[cut:]).hexdigest()
            self.path.with_name(self.path.name + ".partial").write_bytes(data[cut:])
            with self.path.open("r+b") as f:
                f.truncate(cut)
            data = data[:cut]
        lines = data.splitlines()
        if not lines:
            return 0, GENESIS, partial
        last = json.loads(lines[-1])
        return int(last["seq"]), str(last["hash"]), partial

    def append(self, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Write one entry durably and return it."""
        with self._lock:
            body: dict[str, Any] = {"seq": self._seq + 1, "ts": round(time.time(), 3), "kind": kind, "data": data or {},
                    "prev": self._prev}
            entry = {**body, "hash": _digest(self._prev, body)}
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
            at = self._f.tell()
            try:
                self._f.write(line.encode("utf-8"))
                self._f.flush()
                os.fsync(self._f.fileno())
            except OSError as e:  # disk full: take back whatever part of the line reached the file
                self._rollback(at)
                raise AuditWriteError(f"{self.path}: cannot append entry {body['seq']} ({e.strerror or e})") from e
            try:
                self._write_head(body["seq"], entry["hash"])
            except OSError as e:  # a head that cannot follow would make a whole log look cut short: take back
                self._rollback(at)
                raise AuditWriteError(f"{self.path}: cannot record entry {body['seq']} in {self.head_path.name} "
                                      f"({e.strerror or e})") from e
            self._seq, self._prev = body["seq"], entry["hash"]
            for fn in self._listeners:  # in the log's order, each entry once it is on disk
                try:
                    fn(entry)
                except Exception:  # a reader's failure never undoes or blocks what was recorded
                    log.exception("an audit-log listener failed")
            return entry

    def subscribe(self, fn: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
        """Call `fn` with every entry appended from now on, after it is written (on the writer's thread, in the
        log's order, while the log is locked: `fn` must be quick and must not append). Returns the unsubscribe."""
        with self._lock:
            self._listeners = [*self._listeners, fn]

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = [f for f in self._listeners if f is not fn]

        return unsubscribe

    def _write_head(self, seq: int, digest: str) -> None:
        """Replace LOG.head atomically; a temporary file that could not be finished is removed."""
        tmp = self.head_path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps({"seq": seq, "hash": digest}), encoding="utf-8")
            os.replace(tmp, self.head_path)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise

    def _rollback(self, size: int) -> None:
        """Cut the file back to `size` bytes: the log keeps only whole entries."""
        with contextlib.suppress(OSError):  # the buffered rest cannot be written either: truncated below
            self._f.close()
        with self.path.open("r+b") as f:
            f.truncate(size)
        self._f = self.path.open("ab")

    def close(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._f.close()


def verify(path: str | Path) -> VerifyResult:
    """Check every line's hash and link; name the first line that fails."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        return VerifyResult(False, 0, None, f"cannot read: {e.strerror or e}")
    prev, seq, before_last = GENESIS, 0, GENESIS
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        return VerifyResult(False, len(lines) - 1, len(lines), "unfinished last line")
    for n, raw in enumerate(lines, start=1):
        try:
            entry = json.loads(raw.decode("utf-8"))
            body = {k: entry[k] for k in ("seq", "ts", "kind", "data", "prev")}
            claimed = entry["hash"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            return VerifyResult(False, n - 1, n, "not a valid audit entry")
        if set(entry) != {"seq", "ts", "kind", "data", "prev", "hash"}:
            return VerifyResult(False, n - 1, n, "unexpected fields")
        if body["seq"] != seq + 1:
            return VerifyResult(False, n - 1, n, f"sequence {body['seq']} where {seq + 1} was expected")
        if body["prev"] != prev:
            return VerifyResult(False, n - 1, n, "does not link to the line before (deleted, inserted or moved)")
        if _digest(prev, body) != claimed:
            return VerifyResult(False, n - 1, n, "content does not match its hash (edited)")
        canon = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        if canon != raw:
            return VerifyResult(False, n - 1, n, "line is not in canonical form (edited)")
        before_last, prev, seq = prev, claimed, body["seq"]
    head = p.with_name(p.name + ".head")
    if head.exists():
        try:
            h = json.loads(head.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            return VerifyResult(False, seq, None, f"{head.name} is unreadable")
        # a crash between writing an entry and updating the head leaves the head one entry behind
        if (h.get("seq"), h.get("hash")) not in ((seq, prev), (seq - 1, before_last)):
            return VerifyResult(False, seq, seq + 1, f"the log ends at entry {seq} but {head.name} records "
                                                     f"entry {h.get('seq')}: lines were removed from the end")
    return VerifyResult(True, seq)
