"""Credentials for the show's web endpoints (the comment ingest and the operator console).

A token travels in the `Authorization: Bearer` header only, never in a URL. Wrong tokens are rate limited per
client address, and every refusal is written to the audit log, a few entries per client however many there are.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)

Record = Callable[[str, dict[str, Any]], object]  # (kind, data) into the show's audit log
REFUSED = "credential_refused"  # the audit entry's kind
Verdict = Literal["ok", "missing", "wrong", "limited"]


def new_token() -> str:
    """A fresh random token (printed once when the show starts)."""
    return secrets.token_urlsafe(18)


def token_ok(expected: str, offered: str | None) -> bool:
    """Constant-time comparison: how much of a guess was right does not show in the answer's timing."""
    return offered is not None and hmac.compare_digest(offered.encode(), expected.encode())


def bearer(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None."""
    auth = headers.get("authorization") or ""
    return auth[7:].strip() if auth[:7].lower() == "bearer " else None


class RateLimit:
    """Token buckets by key: `burst` at once, refilled at `per_s` per second."""

    def __init__(self, burst: float, per_s: float) -> None:
        self.burst, self.per_s = burst, per_s
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, at = self._buckets.get(key, (self.burst, now))
        return min(self.burst, level + (now - at) * self.per_s)

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take `cost` from the key's bucket if it holds that much."""
        now = time.monotonic()
        with self._lock:
            level = self._level(key, now)
            ok = level >= cost
            self._buckets[key] = (level - cost if ok else level, now)
            if len(self._buckets) > 10_000:  # forget idle keys
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
            return ok

    def spent(self, key: str, cost: float = 1.0) -> bool:
        """Whether the key's bucket holds less than `cost` (nothing is taken)."""
        with self._lock:
            return self._level(key, time.monotonic()) < cost


class Refusals:
    """Refused requests counted by client and reason, and written to the audit log at most once per client every
    `every_s`: the first refusal at once, then the counts since the last entry (and what is left at `flush`)."""

    def __init__(self, record: Record | None, where: str, every_s: float = 10.0) -> None:
        self.record, self.where, self.every_s = record, where, every_s
        # client -> [counts by reason not yet written, first and last of them (epoch s), when last written]
        self._pending: dict[str, tuple[dict[str, int], float, float, float]] = {}
        self._lock = threading.Lock()

    async def note(self, client: str, reason: str) -> None:
        entry = self._count(client, reason)
        if entry is not None:
            await run_in_threadpool(self._write, entry)

    def flush(self) -> None:
        """Write what was counted and not yet written (the endpoint is closing)."""
        with self._lock:
            entries = [self._entry(c, *p[:3]) for c, p in self._pending.items() if p[0]]
            self._pending.clear()
        for entry in entries:
            self._write(entry)

    def _count(self, client: str, reason: str) -> dict[str, Any] | None:
        now = time.time()
        with self._lock:
            counts, first, _, written = self._pending.get(client) or ({}, now, now, 0.0)
            if not counts:
                first = now
            counts[reason] = counts.get(reason, 0) + 1
            if now - written < self.every_s:
                self._pending[client] = (counts, first, now, written)
                return None
            self._pending[client] = ({}, now, now, now)
            if len(self._pending) > 10_000:  # forget clients with nothing left to write
                self._pending = {k: v for k, v in self._pending.items() if v[0]}
            return self._entry(client, counts, first, now)

    def _entry(self, client: str, counts: dict[str, int], first: float, last: float) -> dict[str, Any]:
        return {"at": self.where, "client": client, "counts": dict(counts), "first_ts": round(first, 3),
                "last_ts": round(last, 3)}

    def _write(self, entry: dict[str, Any]) -> None:
        if self.record is None:
            return
        try:
            self.record(REFUSED, entry)
        except Exception as e:  # an audit log that cannot take it must not take the endpoint down
            log.warning("refusal not audited (%s): %s", e, entry)


class BearerGuard:
    """One token, sent as `Authorization: Bearer`. Wrong ones are limited per client address (`BURST` at once,
    then `REFILL_PER_S` a second); once a client's bucket is spent, its bearer requests are refused (429) without being
    checked until it refills, the right token's too, so a guesser learns nothing. Both are noted in `refusals`."""

    BURST, REFILL_PER_S = 10, 0.2  # as many wrong tokens as sign-ins, and one more every 5 s

    def __init__(self, token: str, refusals: Refusals) -> None:
        self.token, self.refusals = token, refusals
        self.wrong = RateLimit(self.BURST, self.REFILL_PER_S)

    async def check(self, client: str, headers: Mapping[str, str]) -> Verdict:
        offered = bearer(headers)
        if offered is None:
            return "missing"
        if self.wrong.spent(client):
            await self.refusals.note(client, "rate_limited")
            return "limited"
        if token_ok(self.token, offered):
            return "ok"
        self.wrong.allow(client)
        await self.refusals.note(client, "wrong_token")
        return "wrong"

    @property
    def retry_after_s(self) -> int:
        """When a spent bucket has one guess again."""
        return max(1, round(1 / self.wrong.per_s))
