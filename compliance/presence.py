"""Operator presence (docs/compliance.md §4): heartbeats from a human on duty; a lapse pauses the AI host.

An operator is on duty while their heartbeats are recent and they have not left (`leave`: their console
closed, or they let "are you there?" go unanswered). When the last one leaves, the presence lapses at once;
when the heartbeats merely stop, it lapses past the profile's limit. Then the host starts nothing new, says
it will be right back (`holding_line`) and shows the holding slate (`draw_slate`) until an operator is back.
Each change of state is reported once, to `poll()`'s caller and to every subscriber (the audit log, the show).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    reason: str | None = None  # for a lapse the last operator's leaving caused: why they left

    def to_audit(self) -> dict[str, Any]:
        """The change as an audit-log entry body."""
        entry: dict[str, Any] = {"state": self.state, "operator": self.operator, "silent_s": self.silent_s}
        if self.reason is not None:
            entry["reason"] = self.reason
        return entry


class Presence:
    """Tracks heartbeats; `state(now)` is "present" while any operator who has not left beat within `lapse_s`.
    Thread-safe."""

    def __init__(self, lapse_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if lapse_s <= 0:
            raise ValueError("lapse_s must be positive")
        self.lapse_s = float(lapse_s)
        self.clock = clock
        self._beats: dict[str, float] = {}
        self._left: tuple[str, str] | None = None  # the operator who left last, and why (until a heartbeat)
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
            self._left = None
        return self.poll(t)

    def leave(self, operator: str, reason: str, now: float | None = None) -> PresenceChange | None:
        """An operator is no longer at the console (it closed, or they are away): they are off duty now, not
        when their heartbeats would lapse. Returns the change when no operator is left on duty."""
        t = self.clock() if now is None else now
        with self._lock:
            if self._beats.pop(operator.strip(), None) is not None:
                self._left = (operator.strip(), reason)
        return self.poll(t)

    def _state(self, t: float) -> tuple[PresenceState, str | None, float | None]:
        if not self._beats:
            return "lapsed", self._left[0] if self._left else None, None
        operator, last = max(self._beats.items(), key=lambda kv: kv[1])
        silent = t - last
        return ("present" if silent <= self.lapse_s else "lapsed"), operator, silent

    def on_duty(self, now: float | None = None) -> list[str]:
        """The operators on duty at `now`, by name (empty exactly when the state is "lapsed")."""
        t = self.clock() if now is None else now
        with self._lock:
            return sorted(op for op, last in self._beats.items() if t - last <= self.lapse_s)

    @contextmanager
    def steady(self) -> Iterator[bool]:
        """Whether an operator is on duty, held so until the block ends: a heartbeat or a leave waits for it.

        For committing a line on the state it was meant for (an answer only while someone is on duty, the
        holding line only while nobody is)."""
        with self._lock:
            yield self._state(self.clock())[0] == "present"

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
            change = PresenceChange(state, t, operator, round(silent, 3) if state == "lapsed" and silent else None,
                                    self._left[1] if state == "lapsed" and self._left and not self._beats else None)
            subscribers = list(self._subscribers)
        for fn in subscribers:
            fn(change)
        return change
