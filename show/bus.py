"""The show's one in-process event bus: stages publish typed events (show.events), subscribers react.

Delivery is synchronous, on the publisher's thread, in subscription order: when `publish` returns, every
subscriber has seen the event. A subscriber marked `critical` (the audit log) may raise, and its error reaches
the publisher — nothing goes on air that the log could not record. Any other subscriber's error is logged
and the show goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from show.events import Event

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


@dataclass(frozen=True)
class _Subscription:
    types: tuple[type[Event], ...]
    fn: Handler
    critical: bool


class Bus:
    """Publish typed events to the subscribers of their type (or of a base type); safe from any thread."""

    def __init__(self) -> None:
        self._subs: list[_Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, types: type[E] | tuple[type[Event], ...], fn: Callable[[E], None], *,
                  critical: bool = False) -> Callable[[], None]:
        """Call `fn` with every event of `types` (subclasses included); returns a function that unsubscribes."""
        sub = _Subscription(types if isinstance(types, tuple) else (types,), fn, critical)
        with self._lock:
            self._subs = [*self._subs, sub]

        def unsubscribe() -> None:
            with self._lock:
                self._subs = [s for s in self._subs if s is not sub]

        return unsubscribe

    def publish(self, event: Event) -> None:
        for sub in self._subs:  # a snapshot: subscribing during delivery takes effect from the next event
            if not isinstance(event, sub.types):
                continue
            if sub.critical:
                sub.fn(event)
                continue
            try:
                sub.fn(event)
            except Exception:
                log.exception("a subscriber to %s failed", type(event).__name__)
