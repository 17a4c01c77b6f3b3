"""What the operator console sees of a running show: `ShowView` builds the console's `ShowState`.

It subscribes to the show's bus (show.events) for the comments, what became of them, the held lines' comments,
the room's events (likes counted, joins grouped per burst, gifts and orders a row each, the reactions said) and
the line on air, and to the audit log's in-memory hook for the audit panel; it reads the Brain, the gate,
the programme and the preview tap for the figures. It never touches the show's loop, and never reads the
audit file back. Every event it receives bumps `version` and calls its watchers (the console's sockets),
so the console is pushed a change instead of polling for one.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from compliance.gate import GateDecision, GateError, Utterance, Verdict
from console.messages import (
    AuditItem,
    CommentItem,
    EventItem,
    EventShown,
    HeldLine,
    Mode,
    OnAir,
    PresenceShown,
    ProductItem,
    QueueItem,
    RoomCounts,
    ShowState,
    TakeoverStatus,
    TraceItem,
)
from dialogue.types import Action, Comment, EventKind, RoomEvent
from show.events import (
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    Event,
    EventsSettled,
    GateDecided,
    LineStarted,
    RoomEventsReceived,
)
from show.runtime import Brain
from show.tap import PreviewTap

log = logging.getLogger(__name__)

COMMENTS_KEPT = 300  # the feed's memory of recent comments
ASKED_KEPT = 2000  # comments that may still get a line: their asker and words, for the lines that answer them
SAID_KEPT = 100  # comments of recent lines that passed the gate (for "now on air")
AUDIT_KEPT = 80  # the audit panel's entries
QUEUE_SHOWN = 50
EVENTS_KEPT = 200  # rows of the room's feed (bursts, gifts, orders, reactions) kept; EVENTS_SHOWN of them shown
EVENTS_SHOWN = 40
NAMES_SHOWN = 3  # names a burst row shows ("Mia, Dan, Sofia +12")
NAME_CHARS = 40
BURST_GAP_S = 5.0  # a burst of joins (follows, shares) ends after this long without one …
BURST_MAX_S = 30.0  # … or this long after it began: a steady stream is a row every BURST_MAX_S
REASONS_KEPT = 16  # reasons skipped events are counted by (a small vocabulary; past it they count as "other")
BURSTS = (EventKind.JOIN, EventKind.FOLLOW, EventKind.SHARE)
WHY_FLAGS = ("shed:", "stale:", "gate:", "nothing_to_say", "answered_with:", "show_ended")  # reasons in outcomes


@dataclass
class _Fate:
    """What became of a comment so far, as the events told: None while it waits."""

    action: str | None = None  # reply | skip | hold
    text: str | None = None
    flags: list[str] = field(default_factory=list)
    reason: str = ""  # why it was skipped, when no flag says it


@dataclass
class _Row:
    """A row of the room's feed as the events told it so far (see `EventItem`)."""

    kind: str
    ts: float
    users: list[str] = field(default_factory=list)
    count: int = 0
    item: str = ""
    value: str = ""
    text: str = ""
    covers: str = ""
    batched: int = 0
    outcome: EventShown | None = None
    why: str = ""
    lead: str = ""  # a gift or order: the lead event of the reaction that covers it
    opened: float = 0.0  # a burst: when its first and its latest events were received (time.monotonic())
    last: float = 0.0

    def item_(self, key: str) -> EventItem:
        return EventItem(id=key, kind=self.kind, ts=self.ts, users=list(self.users), count=self.count, item=self.item,
                         value=self.value, text=self.text, covers=self.covers, batched=self.batched,
                         outcome=self.outcome, why=self.why)


class ShowView:
    """The read side of the console: comments, their fates and held lines from the bus; the audit panel from the
    log's hook; figures, queue and traces read off the show when a state is asked for."""

    def __init__(self, brain: Brain, tap: PreviewTap) -> None:
        self.brain, self.tap = brain, tap
        self.gate, self.program = brain.gate, brain.program
        self.catalog = brain.engine.catalog
        self.version = 0  # bumped by every event and audit entry: what the console shows may have changed
        self._watchers: list[Callable[[], None]] = []
        self._comments: OrderedDict[str, CommentItem] = OrderedDict()
        self._fates: dict[str, _Fate] = {}  # of the comments in the feed
        self._asked: OrderedDict[str, Comment] = OrderedDict()
        # the comment each line answers, kept from the moment the gate decides on it: a held line keeps its
        # comment however many arrive after it (the feed keeps only the latest COMMENTS_KEPT)
        self._held: dict[str, Comment] = {}
        self._said: OrderedDict[str, Comment] = OrderedDict()
        self._line: Utterance | None = None  # the line whose audio went out last
        self._audit: deque[AuditItem] = deque(maxlen=AUDIT_KEPT)
        self._latency: deque[float] = deque(maxlen=300)
        self._on_air: dict[str, float] = {}  # trace key → programme time of its first audio
        # the room: counts, whatever the rate, and a few rows (a burst of joins is one row that grows)
        self._rows: OrderedDict[str, _Row] = OrderedDict()
        self._bursts: dict[str, str] = {}  # kind → the key of its latest burst row
        self._likes = self._reactions = self._covered = 0
        self._received: dict[str, int] = {}
        self._skipped_by: dict[str, int] = {}
        self._lock = threading.Lock()
        self._unsubscribe = [brain.bus.subscribe(Event, self._on_event), brain.audit.subscribe(self._audited)]

    # -- what the console is told ------------------------------------------------------------------
    def watch(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Call `fn` whenever what the console shows may have changed (on the show's threads: it must be quick,
        e.g. wake an event loop). Returns the function that stops it."""
        with self._lock:
            self._watchers = [*self._watchers, fn]

        def unwatch() -> None:
            with self._lock:
                self._watchers = [w for w in self._watchers if w is not fn]

        return unwatch

    def close(self) -> None:
        """Stop listening to the show."""
        for stop in self._unsubscribe:
            stop()
        self._unsubscribe = []

    def _changed(self) -> None:
        with self._lock:
            self.version += 1
            watchers = self._watchers
        for fn in watchers:
            try:
                fn()
            except Exception:  # one console's trouble is not the show's
                log.exception("a console watcher failed")

    def frame_shown(self, index: int) -> None:
        t = self.tap.rendered_at(index)
        if t is not None:
            self._latency.append((time.monotonic() - t) * 1000.0)

    # -- the bus --------------------------------------------------------------------------------------
    def _on_event(self, e: Event) -> None:
        with self._lock:
            if isinstance(e, CommentUnread):
                self._unread(e)
            elif isinstance(e, CommentTriaged):
                self._triaged(e)
            elif isinstance(e, CommentShed):
                self._asked.pop(e.comment_id, None)
                self._settle(e.comment_id, "skip", flags=["shed:" + e.reason.replace(" ", "_")])
            elif isinstance(e, CommentSkipped):
                self._skipped(e)
            elif isinstance(e, CommentSettled):
                self._settle(e.comment_id, e.action.value, text=e.text, flags=list(e.flags))
            elif isinstance(e, GateDecided):
                self._decided(e)
            elif isinstance(e, LineStarted):
                self._started(e.utterance)
            elif isinstance(e, RoomEventsReceived):
                self._room(e)
            elif isinstance(e, EventsSettled):
                self._room_settled(e)
        self._changed()

    def _audited(self, entry: dict[str, Any]) -> None:
        """An audit-log entry was written (on the writer's thread, the log locked: kept short)."""
        item = AuditItem(seq=int(entry.get("seq", 0)), ts=float(entry.get("ts", 0.0)), kind=str(entry.get("kind", "")),
                         detail=_brief(entry.get("data") or {}))
        with self._lock:
            self._audit.append(item)
        self._changed()

    @staticmethod
    def _remember(where: OrderedDict[str, Any], key: str, value: Any, keep: int) -> None:
        where[key] = value
        while len(where) > keep:
            where.popitem(last=False)

    def _add(self, item: CommentItem, fate: _Fate) -> None:
        self._comments[item.id] = item
        self._fates[item.id] = fate
        while len(self._comments) > COMMENTS_KEPT:
            gone, _ = self._comments.popitem(last=False)
            self._fates.pop(gone, None)

    def _triaged(self, e: CommentTriaged) -> None:
        c, tri = e.comment, e.triaged
        item = CommentItem(id=c.id, user=c.user, text=getattr(c, "text", "")[:500], intent=tri.intent.value,
                           lang=tri.lang, flags=list(tri.flags), skip=tri.skip_reason, ts=round(time.time(), 3))
        flags = [f"intent:{tri.intent.value}", f"lang:{tri.lang}", *tri.flags]
        self._add(item, _Fate("skip" if tri.skip_reason else None, flags=flags))
        if not tri.skip_reason and isinstance(c, Comment):
            self._remember(self._asked, c.id, c, ASKED_KEPT)

    def _unread(self, e: CommentUnread) -> None:
        """A comment the show ended before reading: held, as the outcomes record it."""
        c = e.comment
        self._add(CommentItem(id=c.id, user=c.user, text=getattr(c, "text", "")[:500], flags=["show_ended"],
                              ts=round(time.time(), 3)), _Fate("hold", flags=["show_ended"]))

    def _skipped(self, e: CommentSkipped) -> None:
        self._asked.pop(e.comment_id, None)
        self._settle(e.comment_id, "skip", flags=list(e.flags))
        fate = self._fates.get(e.comment_id)
        if fate is not None:
            fate.reason = e.reason

    def _settle(self, comment_id: str, action: str, *, text: str | None = None, flags: list[str]) -> None:
        """The last word wins (a held comment later approved is a reply)."""
        fate = self._fates.get(comment_id)
        if fate is None:
            return
        fate.action = action
        if text is not None:
            fate.text = text
        fate.flags = list(dict.fromkeys([*fate.flags, *flags]))

    def _decided(self, e: GateDecided) -> None:
        """Remember the comment a held or passed line answers, and mark the comment held."""
        d = e.decision
        u = d.utterance
        if u.kind == "reaction":
            self._reaction_decided(d)
            return
        c = self._held.get(u.id) or (self._asked.get(u.comment_id) if u.comment_id else None)
        if d.verdict is Verdict.HOLD and u.kind == "answer" and u.comment_id:
            fate = self._fates.get(u.comment_id)
            if fate is not None and fate.action != "reply":  # a reply that also has a held sentence is a reply
                fate.action = "hold"
        if c is None:
            return
        if d.verdict is Verdict.HOLD:
            self._held[u.id] = c
        elif d.verdict is Verdict.PASS:
            self._held.pop(u.id, None)
            self._remember(self._said, u.id, c, SAID_KEPT)
        elif u.id in self._held and not self._pending(u.id):  # rejected or withdrawn (an edit refused stays)
            del self._held[u.id]

    # -- the room ---------------------------------------------------------------------------------------
    def _row(self, key: str, row: _Row) -> None:
        self._rows.pop(key, None)
        self._rows[key] = row
        while len(self._rows) > EVENTS_KEPT:
            self._rows.popitem(last=False)

    def _room(self, e: RoomEventsReceived) -> None:
        """Room events received: likes counted; joins, follows and shares grouped per burst; a gift or an order
        a row of its own."""
        kind = e.kind.value
        self._received[kind] = self._received.get(kind, 0) + len(e.events)
        if e.kind is EventKind.LIKE:
            self._likes += sum(max(0, ev.count) for ev in e.events)
            return
        now = round(time.time(), 3)
        if e.kind in BURSTS:
            self._burst(kind, e.events, e.received_at, now)
            return
        for ev in e.events[-EVENTS_KEPT:]:  # more than the feed keeps in one step: the latest
            self._row(f"e:{ev.id}", self._sale(ev, now))

    def _burst(self, kind: str, events: tuple[RoomEvent, ...], at: float, now: float) -> None:
        if not events:
            return
        row = self._rows.get(self._bursts.get(kind, ""))
        if row is None or at - row.last > BURST_GAP_S or at - row.opened > BURST_MAX_S:
            key = f"b:{kind}:{events[0].id}"
            row = _Row(kind, now, opened=at)
            self._bursts[kind] = key
            self._row(key, row)
        row.ts, row.last = now, at
        row.count += len(events)
        for ev in events:
            if len(row.users) >= NAMES_SHOWN:
                break
            name = ev.user[:NAME_CHARS]
            if name and name not in row.users:
                row.users.append(name)

    def _sale(self, ev: RoomEvent, now: float) -> _Row:
        """A gift's row (what, how many, worth), or an order's (the catalog's product, how many, the price)."""
        user = [ev.user[:NAME_CHARS]] if ev.user else []
        if ev.kind is EventKind.GIFT:
            worth = ev.value * ev.count
            return _Row("gift", now, user, count=ev.count, item=(ev.gift or "")[:NAME_CHARS],
                        value=f"{worth:,.2f}".rstrip("0").rstrip(".") if worth > 0 else "")
        item, value = (ev.sku or "")[:NAME_CHARS], ""
        try:
            p = self.catalog.product(ev.sku or "")
        except KeyError:
            pass
        else:
            item, value = p.name, self.catalog.format_price(p.price * ev.qty)
        return _Row("order", now, user, count=ev.qty, item=item, value=value)

    def _room_settled(self, e: EventsSettled) -> None:
        """What became of room events: a reaction said (or held) is a row with what it covered; skipped events
        are counted by reason; a gift's or an order's row says whether it was thanked."""
        r = e.reaction
        held = r is not None and any(o.action is Action.HOLD for o in e.outcomes)
        sale = e.kind in (EventKind.GIFT, EventKind.ORDER)
        for o in e.outcomes:
            batched = o.flag.startswith("batched:")
            if o.action is Action.SKIP and not batched:
                self._skip(o.flag or "skip")
            if not sale:
                continue
            row = self._rows.get(f"e:{o.event.id}")
            if row is None:
                continue
            if o.action is Action.REPLY or o.action is Action.HOLD or batched:
                row.outcome, row.why = ("held", "") if held else ("thanked", "")
                row.lead = r.lead.id if r is not None else ""
            else:
                row.outcome, row.why = "skip", o.flag or o.reason
        if r is None or not (e.said or held):
            return
        self._row(f"r:{r.lead.id}", _Row("reaction", round(time.time(), 3), [r.lead.user[:NAME_CHARS]],
                                         count=r.count, text=r.text[:500], covers=e.kind.value,
                                         batched=r.count - 1, outcome="said" if e.said else "held"))
        if e.said:
            self._reactions += 1
            self._covered += r.count

    def _skip(self, reason: str, n: int = 1) -> None:
        if reason not in self._skipped_by and len(self._skipped_by) >= REASONS_KEPT:
            reason = "other"
        self._skipped_by[reason] = self._skipped_by.get(reason, 0) + n

    def _reaction_decided(self, d: GateDecision) -> None:
        """A held reaction approved (said) or rejected (its events skipped)."""
        u = d.utterance
        row = self._rows.get(f"r:{u.comment_id}")
        if row is None or row.outcome != "held" or d.verdict is Verdict.HOLD:
            return
        if d.verdict is Verdict.BLOCK and self._pending(u.id):  # an edit refused: still held
            return
        said = d.verdict is Verdict.PASS
        row.outcome, row.why = ("said", "") if said else ("skip", "; ".join(d.reasons)[:200])
        if said:
            self._reactions += 1
            self._covered += row.count
        else:
            self._skip("gate:rejected", row.count)
        for sale in self._rows.values():
            if sale.lead == u.comment_id and sale.outcome == "held":
                sale.outcome, sale.why = ("thanked", "") if said else ("skip", "gate:rejected")

    def _pending(self, line_id: str) -> bool:
        try:
            self.gate.held(line_id)
        except GateError:
            return False
        return True

    def _started(self, u: Utterance) -> None:
        """A line's first audio went out: it is on air, and a comment it answers is replied to."""
        self._line = u
        fate = self._fates.get(u.comment_id or "") if u.kind == "answer" else None
        if fate is None:
            return
        sep = "" if u.text[:1] >= "\u2e80" else " "  # Chinese sentences join without a space
        fate.text = u.text if not fate.text or fate.action != "reply" else f"{fate.text}{sep}{u.text}"
        fate.action = "reply"

    # -- the state ----------------------------------------------------------------------------------------
    def _comment_of(self, u: Utterance) -> tuple[str, str]:
        """(user, text) of the comment a line answers, or empty strings."""
        with self._lock:
            c = self._held.get(u.id) or self._said.get(u.id) or self._asked.get(u.comment_id or "")
            item = self._comments.get(u.comment_id or "") if c is None else None
        if c is not None:
            return c.user, c.text
        return (item.user, item.text) if item is not None else ("", "")

    def _held_lines(self) -> list[HeldLine]:
        out = []
        for u in self.gate.pending():
            try:
                reasons = list(self.gate.held(u.id).reasons)
            except GateError:  # decided in the meantime
                continue
            user, text = self._comment_of(u)
            out.append(HeldLine(id=u.id, kind=u.kind, text=u.text, lang=u.lang, comment_id=u.comment_id,
                                comment_user=user, comment_text=text, reasons=reasons))
        return out

    def _now_on_air(self, takeover: TakeoverStatus | None) -> OnAir | None:
        """What the host is saying now and why; None while silent."""
        if takeover is not None:
            return OnAir(kind="takeover", user=takeover.operator)
        u = self._line
        if u is None or not self.program.speaking:
            return None
        user, why = "", ""
        if u.kind == "answer":
            user, why = self._comment_of(u)
        elif u.kind == "operator":
            user = u.operator or ""
        elif u.kind == "reaction":  # what it reacts to: the kind of events, and the first name
            with self._lock:
                row = self._rows.get(f"r:{u.comment_id}")
            if row is not None:
                user, why = (row.users or [""])[0], row.covers
        elif u.kind == "pitch":
            skus = [s.split(":", 1)[1] for s in u.sources if s.startswith("product:")]
            why = next((p.name for p in self.catalog.products if p.sku in skus), "")
        return OnAir(kind=u.kind, text=u.text, comment_id=u.comment_id, user=user, why=why)

    def _queue(self) -> list[QueueItem]:
        """The comments waiting for an answer, in the order the host takes them ("are you real?" first)."""
        now = self.program.now_s
        waiting = [*list(self.brain.identity.waiting), *self.brain.queue.snapshot()]
        return [QueueItem(id=t.comment.id, user=t.comment.user, text=t.comment.text[:300], intent=t.intent.value,
                          waited_s=round(max(0.0, now - t.received_at), 1)) for t in waiting[:QUEUE_SHOWN]]

    def _fate_of(self, comment_id: str, fate: _Fate | None) -> _Fate | None:
        """The comment's fate as the view's own events settled it, else as the show's outcomes (themselves a
        subscriber of the same bus) recorded it, e.g. one answered by the disclosure."""
        if fate is not None and fate.action is not None:
            return fate
        o = self.brain.outcomes.get(comment_id)
        if o is not None and o.action is not None:
            return _Fate(o.action, o.text, list(o.flags))
        return fate

    def _with_outcomes(self, comments: list[tuple[CommentItem, _Fate | None]],
                       pending: list[HeldLine]) -> list[CommentItem]:
        """The feed's comments with what became of each: waiting, replied, skipped or held, and why."""
        held = {h.comment_id: h.reasons for h in pending if h.comment_id}
        out = []
        for c, known in comments:
            fate = self._fate_of(c.id, known)
            if fate is None:
                out.append(c)
                continue
            flags = [f for f in fate.flags if f.startswith(WHY_FLAGS)]
            if fate.action is None:
                outcome, why = "waiting", ""
            elif fate.action == "skip":
                outcome, why = "skip", c.skip or ", ".join(flags) or fate.reason
            elif fate.action == "hold":
                outcome, why = "hold", "; ".join(held.get(c.id) or flags)
            else:  # what was said, or the line that answered it for everyone who asked the same
                by = [f for f in flags if f.startswith("answered_with:")]
                outcome, why = "reply", ", ".join(by) or (fate.text or "")[:200]
            out.append(c.model_copy(update={"outcome": outcome, "why": why}))
        return out

    def _traces(self, n: int = 12) -> list[TraceItem]:
        out = []
        for t in list(self.brain.traces)[-n:]:
            start = "received" if "received" in t.at else "gated"
            ms = {s: v for s in list(t.at) if (v := t.ms(start, s)) is not None}
            if t.key not in self._on_air and "first_audio" in t.at:
                pts = self.tap.pts_at(t.at["first_audio"])
                if pts is not None:
                    self._on_air[t.key] = pts
            out.append(TraceItem(id=t.key, kind=t.kind, text=t.text[:200], ms=ms, on_air_pts_s=self._on_air.get(t.key)))
        return out

    def _presence(self) -> PresenceShown:
        p = self.brain.presence
        if p is None or not self.gate.profile.operator_required:
            return "not_required"
        return p.state()

    def preview_latency(self) -> dict[str, float]:
        lat = np.array(self._latency or [0.0])
        return {"p50_ms": round(float(np.percentile(lat, 50)), 1), "p95_ms": round(float(np.percentile(lat, 95)), 1),
                "n": float(len(self._latency))}

    def snapshot(self, *, mode: Mode, on_duty: list[str], takeover_available: bool, taking_over: bool,
                 takeover: TakeoverStatus | None = None) -> ShowState:
        """The whole state as the console shows it."""
        b = self.brain
        pitch = b.rundown.current
        summary = b.summary.figures()
        summary.update(frames=float(self.program.stats.frames), frames_dropped=float(self.program.stats.dropped),
                       on_air_s=round(self.program.now_s, 2))
        with self._lock:
            comments = [(c, self._fates.get(c.id)) for c in list(self._comments.values())[-60:]]
            comments = [(c, replace(f, flags=list(f.flags)) if f else None) for c, f in comments]
            audit = list(self._audit)
            room = RoomCounts(likes=self._likes, received=dict(self._received), reactions=self._reactions,
                              covered=self._covered, skipped=dict(self._skipped_by))
            rows = [row.item_(k) for k, row in list(self._rows.items())[-EVENTS_SHOWN:]]
        pending = self._held_lines()
        return ShowState(
            mode=mode, lapsed="presence" in b.holds,
            presence=self._presence(), on_duty=on_duty,
            on_air_s=round(self.program.now_s, 2), lang=b.lang, approval=self.gate.approval,
            level=round(self.tap.level, 3), speaking=self.program.speaking,
            product=pitch.sku if pitch else None, pitch=list(pitch.sentences) if pitch else [],
            pitch_spoken=pitch.spoken if pitch else 0,
            products=[ProductItem(sku=p.sku, name=p.name, price=self.catalog.format_price(p.price), stock=p.stock)
                      for p in self.catalog.products],
            on_air=self._now_on_air(takeover), queue=self._queue(), queue_len=len(b.queue) + len(b.identity),
            pending=pending, comments=self._with_outcomes(comments, pending), room=room, room_events=rows, audit=audit, traces=self._traces(),
            summary=summary, preview_latency_ms=self.preview_latency(),
            takeover_available=takeover_available, taking_over=taking_over, takeover=takeover)


def _brief(data: dict[str, Any], limit: int = 220) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
