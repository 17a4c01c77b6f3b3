"""Who may use the console: a session cookie from signing in with the token (or the token itself as a bearer
header, for scripts), the Origin and Host checks that keep other web pages out, and the rate limits on
sign-ins and actions."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from dialogue.sources.credentials import RateLimit as RateLimit  # the console's limits are the ingest's kind
from dialogue.sources.credentials import new_token as new_token
from dialogue.sources.credentials import token_ok as token_ok

SESSION_COOKIE = "ns_session"
WS_UNAUTHORIZED = 4401  # the 4xxx close codes mirror HTTP 401 / 403 / 429
WS_FORBIDDEN = 4403
WS_LIMITED = 4429
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"^[\w .\-@·]{1,40}$", re.UNICODE)


class Sessions:
    """Signed-in consoles: a random cookie value per sign-in, held here with the operator's name. Signing out
    revokes it; the token itself never goes into a cookie."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def open(self, operator: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._names[sid] = operator
            while len(self._names) > self.limit:  # the oldest sign-in goes first
                del self._names[next(iter(self._names))]
        return sid

    def operator(self, sid: str | None) -> str | None:
        """Who signed in with this cookie value; None if it is unknown or revoked."""
        with self._lock:
            return self._names.get(sid) if sid else None

    def revoke(self, sid: str | None) -> str | None:
        """End a session; returns its operator (None if there was none)."""
        with self._lock:
            return self._names.pop(sid, None) if sid else None


def clean_name(name: str | None) -> str | None:
    """An operator's name as signed in (letters, digits, spaces, . - @, up to 40), or None if unusable."""
    name = (name or "").strip()
    return name if _NAME.match(name) else None


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


def same_origin(headers: Mapping[str, str], extra: tuple[str, ...] = ()) -> bool:
    """A request a page of the console itself sent: its Origin (or, without one, Sec-Fetch-Site) says so."""
    origin = headers.get("origin")
    if origin is not None:
        return origin_ok(origin, headers.get("host"), extra)
    return headers.get("sec-fetch-site") == "same-origin"
