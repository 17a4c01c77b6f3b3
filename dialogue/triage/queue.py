"""The waiting line between triage and the responder: priority first, but nothing waits forever."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class CommentQueue(Generic[T]):
    """Thread-safe, bounded priority queue with aging, so real questions are never starved by greetings.

    Effective priority = base priority + seconds waited × `aging_per_s`; the highest goes first and
    equals leave in arrival order. Because aging is linear, the order of waiting items never changes
    with time: an item's rank is fixed at push as `priority - pushed_at × aging_per_s`.
    """

    def __init__(self, max_size: int = 200, aging_per_s: float = 0.5) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size!r}")
        if aging_per_s < 0:
            raise ValueError(f"aging_per_s must not be negative, got {aging_per_s!r}")
        self.max_size = max_size
        self.aging_per_s = aging_per_s
        # Min-heap of (-rank, arrival number, item): the top is the highest rank, earliest arrival.
        self._heap: list[tuple[float, int, T]] = []
        self._arrivals = itertools.count()
        self._cond = threading.Condition()

    def _rank(self, priority: float, now: float) -> float:
        return priority - now * self.aging_per_s

    def effective_priority(self, priority: float, pushed_at: float, now: float) -> float:
        """What an item pushed at `pushed_at` with `priority` is worth at `now` (for logs and tests)."""
        return priority + (now - pushed_at) * self.aging_per_s

    def push(self, item: T, priority: int, now: float) -> list[T]:
        """Add `item`; returns what was shed to stay within `max_size` (maybe `item` itself), else []."""
        entry = (-self._rank(priority, now), next(self._arrivals), item)
        with self._cond:
            if len(self._heap) < self.max_size:
                heapq.heappush(self._heap, entry)
                self._cond.notify()
                return []
            # Full: the lowest effective priority leaves; among equals the latest arrival (the new one).
            worst = max(range(len(self._heap)), key=lambda i: self._heap[i][:2])
            if entry[:2] > self._heap[worst][:2]:
                return [item]
            shed = self._heap[worst][2]
            self._heap[worst] = entry
            heapq.heapify(self._heap)
            self._cond.notify()
            return [shed]

    def pop(self, now: float) -> T | None:
        """Take the item with the highest effective priority at `now`, or None if empty.

        `now` is the caller's clock; with linear aging it does not change the order (see the class).
        """
        with self._cond:
            return heapq.heappop(self._heap)[2] if self._heap else None

    def get(self, timeout: float | None, clock: Callable[[], float] = time.monotonic) -> T | None:
        """Block until an item is available (up to `timeout` seconds; None = forever) and pop it."""
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._heap), timeout=timeout):
                return None
            return self.pop(clock())

    def snapshot(self) -> list[T]:
        """Everything waiting, in the order it would be taken (a copy; the queue is unchanged)."""
        with self._cond:
            return [entry[2] for entry in sorted(self._heap, key=lambda e: e[:2])]

    def remove(self, items: list[T]) -> None:
        """Take these items out, wherever they are in the line (chosen from a `snapshot`); the rest keep their rank."""
        ids = {id(x) for x in items}
        with self._cond:
            self._heap = [e for e in self._heap if id(e[2]) not in ids]
            heapq.heapify(self._heap)

    def drain(self) -> list[T]:
        """Remove and return everything, best first (for shutdown or an operator's "clear")."""
        with self._cond:
            out = [heapq.heappop(self._heap)[2] for _ in range(len(self._heap))]
        return out

    def __len__(self) -> int:
        with self._cond:
            return len(self._heap)
