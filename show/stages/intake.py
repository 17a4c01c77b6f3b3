"""Intake: comment sources → inbox → triage → the scheduler's queue; room events → the scheduler's reactions.

Each source is read in a thread of its own into a bounded inbox (when the show falls behind, the reader waits
and the source pushes back: HTTP 503). On the show's thread, a slice of the inbox is triaged at every step
(`take`): each comment is a `CommentReceived`, then a `CommentTriaged` (on record in the audit log before it
is queued: one the log cannot take waits in a backlog, never lost), then whatever the scheduler made of it
(queued, shed, skipped). Room events (joins, likes, gifts …) need no triage: those of one kind taken in one
step are one `RoomEventsReceived`, then wait in the scheduler for a reaction. When the show ends, `close`
records every comment and event taken but not yet read.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable

from compliance.audit import AuditWriteError
from dialogue.engine import DialogueEngine
from dialogue.reactions.policy import EventOutcome
from dialogue.types import Action, BadComment, Comment, EventKind, Item, RoomEvent, Triaged
from show.bus import Bus
from show.events import (
    CommentReceived,
    CommentShed,
    CommentTriaged,
    CommentUnread,
    Event,
    EventsSettled,
    RoomEventsReceived,
)
from show.stages.scheduler import Scheduler

log = logging.getLogger(__name__)

INBOX_MAX = 1000  # comments read but not yet triaged
EVENT_INBOX_MAX = 20_000  # room events read but not yet taken: a flood of likes never holds up a comment
TAKE_PER_STEP = 50  # comments triaged per step
EVENTS_PER_STEP = 5000  # room events taken per step (they need no triage)
EVENT_BATCH_S = 0.5  # room events of a kind are recorded and handed on together, at most this often
URGENT = (EventKind.GIFT, EventKind.ORDER)  # handed on at once


class Intake:
    """Reads the comment sources and hands triaged comments to the scheduler."""

    def __init__(self, *, engine: DialogueEngine, scheduler: Scheduler, bus: Bus,
                 clock: Callable[[], float]) -> None:
        self.engine, self.scheduler, self.bus = engine, scheduler, bus
        self.clock = clock  # programme seconds
        # bounded: when the show falls behind, the reader waits and the source pushes back (HTTP 503)
        self.inbox: queue.Queue[Item | None] = queue.Queue(maxsize=INBOX_MAX)
        self.event_inbox: queue.Queue[RoomEvent] = queue.Queue(maxsize=EVENT_INBOX_MAX)
        self._taken: dict[EventKind, list[RoomEvent]] = {}  # room events taken, not yet handed on
        self._taken_at: dict[EventKind, float] = {}  # when the first of them was taken (monotonic)
        self.sources: list[tuple[Iterable[Item], threading.Thread]] = []
        self.sources_done = False
        self.shed = 0  # comments the full queue shed so far
        self._received: dict[str, float] = {}  # comment id → when it was read (monotonic)
        self._backlog: list[tuple[Comment | BadComment, Triaged]] = []  # triaged while the audit log could not be written
        self.events_seen = 0  # room events taken so far

    def feed(self, source: Iterable[Item]) -> threading.Thread:
        """Read a comment source in a thread; None in the inbox marks its end."""

        def run() -> None:
            try:
                for item in source:
                    if isinstance(item, RoomEvent):
                        self.event_inbox.put(item)
                    else:
                        self.inbox.put(item)
            except Exception as e:
                log.error("comment source failed: %s", e)
            finally:
                self.inbox.put(None)

        t = threading.Thread(target=run, name="comments", daemon=True)
        t.start()
        self.sources.append((source, t))
        return t

    def received_at(self, comment_id: str) -> float | None:
        """When a comment was read (time.monotonic), for latency figures."""
        return self._received.get(comment_id)

    @property
    def idle(self) -> bool:
        """Nothing read and not yet triaged or queued."""
        return self.inbox.empty() and self.event_inbox.empty() and not self._backlog and not self._taken

    def take(self, mono: float) -> None:
        """Triage a slice of the inbox (a flood is read a slice at a time: the host keeps talking)."""
        while self._backlog:  # comments triaged while the audit log could not be written
            kept, tri = self._backlog[0]
            self._admit(kept, tri, mono)
            self._backlog.pop(0)
        try:
            for _ in range(TAKE_PER_STEP):
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.sources_done = True
                elif isinstance(item, RoomEvent):  # a source that put one here itself
                    self._taken.setdefault(item.kind, []).append(item)
                else:
                    self._comment(item, mono)
        finally:
            self._take_events()

    def _take_events(self, *, all_now: bool = False) -> None:
        """Room events read: gathered by kind, and handed on every EVENT_BATCH_S (gifts and orders at once):
        one `RoomEventsReceived` (one audit entry) per kind, however many hundreds a second arrive."""
        now = time.monotonic()
        for _ in range(EVENTS_PER_STEP):
            try:
                ev = self.event_inbox.get_nowait()
            except queue.Empty:
                break
            if ev.kind not in self._taken:
                self._taken_at[ev.kind] = now
            self._taken.setdefault(ev.kind, []).append(ev)
        due = {k: v for k, v in self._taken.items()
               if all_now or k in URGENT or now - self._taken_at.get(k, now) >= EVENT_BATCH_S}
        for k in due:
            del self._taken[k]
        self._events(due)

    def _comment(self, item: Comment | BadComment, mono: float) -> None:
        self._received[item.id] = received = time.monotonic()
        self.bus.publish(CommentReceived(item, received))
        # programme time, as the queue's staleness: a fast clock's 30 s dedupe window is 30 show seconds
        tri = self.engine.triage(item, now=self.clock())
        try:
            self._admit(item, tri, mono)
        except AuditWriteError:
            self._backlog.append((item, tri))  # kept, never lost: admitted once the log can record it
            raise

    def _events(self, taken: dict[EventKind, list[RoomEvent]]) -> None:
        """Room events taken in this step: recorded by kind, then waiting for a reaction."""
        now, received = self.clock(), time.monotonic()
        for kind, events in taken.items():
            batch = tuple(events)
            self.events_seen += len(batch)
            self.bus.publish(RoomEventsReceived(kind, batch, received))
            self.publish(self.scheduler.admit_events(kind, batch, now))

    def _admit(self, item: Comment | BadComment, tri: Triaged, mono: float) -> None:
        """Record a triaged comment (the audit log's entry first), then hand it to the scheduler."""
        self.bus.publish(CommentTriaged(item, tri))
        self.publish(self.scheduler.admit(tri, self.clock(), mono=mono))

    def publish(self, events: list[Event]) -> None:
        """Publish what the scheduler made of comments (queued, shed, skipped), counting the shed ones."""
        for e in events:
            self.bus.publish(e)
            self.shed += isinstance(e, CommentShed)

    def close(self, timeout_s: float = 10.0, gap_s: float = 1.0, cap_s: float = 120.0) -> None:
        """The show is over: stop taking comments, and record every comment already taken but not yet read
        as held (flag show_ended) in the audit log and the outcomes: none is lost, however many there are and
        however busy the machine. Sources get `timeout_s` to end; past it, a backlog that still flows (no gap
        of `gap_s`) is drained on, up to `cap_s`, but a source that only trickles on, never ending, is left."""
        for source, _ in self.sources:
            close = getattr(source, "close", None)
            if close is not None:
                try:
                    close()
                except Exception as e:
                    log.error("closing a comment source failed: %s", e)
        self._take_events(all_now=True)  # taken before the end: they wait for a reaction like the rest
        start = last = time.monotonic()
        left = 0
        unread: dict[EventKind, list[EventOutcome]] = {}  # settled together, one entry a kind (likes come by thousands)
        try:
            while time.monotonic() - start < cap_s:
                item: Item | None
                try:
                    item = self.event_inbox.get_nowait()
                except queue.Empty:
                    try:
                        item = self.inbox.get(timeout=0.05)
                    except queue.Empty:
                        now = time.monotonic()
                        if not any(t.is_alive() for _, t in self.sources) and self.event_inbox.empty():
                            break
                        if now - start > timeout_s and now - last > gap_s:
                            break
                        continue
                if item is None:
                    continue
                last = time.monotonic()
                left += 1
                if isinstance(item, RoomEvent):
                    unread.setdefault(item.kind, []).append(EventOutcome(
                        item, Action.SKIP, flag="show_ended", reason="the show ended before it was read"))
                else:
                    self.bus.publish(CommentUnread(item))
        finally:
            for kind, outcomes in unread.items():
                self.bus.publish(EventsSettled(kind, tuple(outcomes)))
        if left:
            log.warning("the show ended with %d comments not yet read: recorded as held (show_ended)", left)
