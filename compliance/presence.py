"""Operator presence (docs/compliance.md §4): heartbeats from a human on duty; a lapse pauses the AI host.

When the heartbeats lapse past the profile's limit, the host stops taking comments, says it will be right
back (`holding_line`) and shows the holding slate (`draw_slate`) until an operator is back. Each change of
state is reported once, to `poll()`'s caller and to every subscriber (the audit log, the show).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from compliance.labels import label_lang
from compliance.slate import draw_slate

__all__ = ["Presence", "PresenceChange", "PresenceState", "draw_slate", "holding_line"]

PresenceState = Literal["present", "lapsed"]

_HOLDING = {
    "en": "I'll be right back in a moment. Please stay with us.",
    "zh": "主播稍后回来，请稍候。",
}


def holding_line(lang: str) -> str:
    """What the host says when the operator's heartbeats lapse."""
    return _HOLDING[label_lang(lang)]


@dataclass(frozen=True)
class PresenceChange:
    """A change of the operator's presence, reported once."""

    state: PresenceState
    at: float
    operator: str | None  # who was (or is now) on duty
    silent_s: float | None = None  # for a lapse: seconds since the last heartbeat

    def to_audit(self) -> dict[str, Any]:
        """The change as an audit-log entry body."""
        return {"state": self.state, "operator": self.operator, "silent_s": self.silent_s}


class Presence:
    """Tracks heartbeats; `state(now)` is "present" while any operator beat within `lapse_s`. Thread-safe."""

    def __init__(self, lapse_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if lapse_s <= 0:
            raise ValueError("lapse_s must be positive")
        self.lapse_s = float(lapse_s)
        self.clock = clock
        self._beats: dict[str, float] = {}
        self._reported: PresenceState = "lapsed"  # nobody is on duty until the first heartbeat
        self._subscribers: list[Callable[[PresenceChange], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, fn: Callable[[PresenceChange], None]) -> None:
        """Call `fn` with every change of state (from whichever thread notices it)."""
        with self._lock:
            self._subscribers.append(fn)

    def heartbeat(self, operator: str, now: float | None = None) -> PresenceChange | None:
        """An operator is at the console; returns the change when this brings the host back."""
        if not operator or not operator.strip():
            raise ValueError("a heartbeat must name its operator")
        t = self.clock() if now is None else now
        with self._lock:
            self._beats[operator.strip()] = max(t, self._beats.get(operator.strip(), t))
        return self.poll(t)

    def _state(self, t: float) -> tuple[PresenceState, str | None, float | None]:
        if not self._beats:
            return "lapsed", None, None
        operator, last = max(self._beats.items(), key=lambda kv: kv[1])
        silent = t - last
        return ("present" if silent <= self.lapse_s else "lapsed"), operator, silent

    def state(self, now: float | None = None) -> PresenceState:
        """ "present" or "lapsed" at `now` (default: the clock)."""
        t = self.clock() if now is None else now
        with self._lock:
            return self._state(t)[0]

    def present(self, now: float | None = None) -> bool:
        """Whether an operator is on duty."""
        return self.state(now) == "present"

    @property
    def operator(self) -> str | None:
        """The operator who beat last."""
        with self._lock:
            return max(self._beats.items(), key=lambda kv: kv[1])[0] if self._beats else None

    def poll(self, now: float | None = None) -> PresenceChange | None:
        """The change of state since the last report, if any (each change is reported exactly once)."""
        t = self.clock() if now is None else now
        with self._lock:
            state, operator, silent = self._state(t)
            if state == self._reported:
                return None
            self._reported = state
            change = PresenceChange(state, t, operator, round(silent, 3) if state == "lapsed" and silent else None)
            subscribers = list(self._subscribers)
        for fn in subscribers:
            fn(change)
        return change
