"""Who may use the console: the token (cookie, bearer header or query), the Origin and Host checks that keep
other web pages out, and the rate limits on sign-ins and actions."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from urllib.parse import quote, unquote, urlsplit

TOKEN_COOKIE = "ns_token"
OPERATOR_COOKIE = "ns_operator"
WS_UNAUTHORIZED = 4401  # the 4xxx close codes mirror HTTP 401 / 403
WS_FORBIDDEN = 4403
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"^[\w .\-@·]{1,40}$", re.UNICODE)


def new_token() -> str:
    """A fresh console token (printed once when the show starts)."""
    return secrets.token_urlsafe(18)


def token_ok(expected: str, offered: str | None) -> bool:
    return offered is not None and hmac.compare_digest(offered.encode(), expected.encode())


def offered_token(cookies: dict[str, str], headers: dict[str, str] | object, query: dict[str, str] | object) -> str | None:
    """The token a request carries: the Authorization bearer, the session cookie, or ?token=."""
    auth = headers.get("authorization") or ""  # type: ignore[attr-defined]
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return cookies.get(TOKEN_COOKIE) or query.get("token")  # type: ignore[attr-defined]


def clean_name(name: str | None) -> str | None:
    """An operator's name as signed in (letters, digits, spaces, . - @, up to 40), or None if unusable."""
    name = (name or "").strip()
    return name if _NAME.match(name) else None


def encode_name(name: str) -> str:
    return quote(name, safe="")


def decode_name(raw: str | None) -> str | None:
    return clean_name(unquote(raw)) if raw else None


def host_allowed(host_header: str | None, bind_host: str) -> bool:
    """On loopback only loopback names are served (DNS-rebinding guard); on the LAN any host name."""
    if bind_host not in LOOPBACK:
        return True
    if not host_header:
        return False
    host = urlsplit("//" + host_header).hostname or ""
    return host in LOOPBACK


def origin_ok(origin: str | None, host_header: str | None, extra: tuple[str, ...] = ()) -> bool:
    """A browser's Origin must be the console's own (scheme://host:port it is served at)."""
    if not origin or not host_header:
        return False
    if origin in extra:
        return True
    return origin in (f"http://{host_header}", f"https://{host_header}")


class RateLimit:
    """Token buckets by key: `burst` at once, refilled at `per_s` per second."""

    def __init__(self, burst: float, per_s: float) -> None:
        self.burst, self.per_s = burst, per_s
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        now = time.monotonic()
        with self._lock:
            level, at = self._buckets.get(key, (self.burst, now))
            level = min(self.burst, level + (now - at) * self.per_s)
            ok = level >= cost
            self._buckets[key] = (level - cost if ok else level, now)
            if len(self._buckets) > 10_000:  # forget idle keys
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
            return ok
