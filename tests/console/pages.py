"""Small helpers the console's browser tests share: waiting, reading the page's `window.ns`, the audit log."""

from __future__ import annotations

import time
from typing import Any

from bench.liveshow import LiveShow


def ns(page: Any, expr: str) -> Any:
    return page.evaluate(f"() => window.ns.{expr}")


def wait_until(fn: Any, timeout: float = 20.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


def held_for(page: Any, text: str, timeout: float = 20.0) -> Any:
    """The held line in the page whose comment contains `text`."""
    li = page.locator("#pending li.held", has_text=text)
    li.first.wait_for(timeout=timeout * 1000)
    return li.first


def entries(show: LiveShow, kind: str, **match: Any) -> list[dict[str, Any]]:
    return [e for e in show.audit() if e["kind"] == kind and all(e["data"].get(k) == v for k, v in match.items())]
