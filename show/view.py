"""What the operator console sees of a running show: `ShowView` builds the console's `ShowState`.

It subscribes to the show's bus (show.events) for the comments, what became of them, the held lines' comments
and the line on air, and to the audit log's in-memory hook for the audit panel; it reads the Brain, the gate,
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

from compliance.gate import GateError, Utterance, Verdict
from console.messages import (
    AuditItem,
    CommentItem,
    HeldLine,
    Mode,
    OnAir,
    PresenceShown,
    ProductItem,
    QueueItem,
    ShowState,
    TakeoverStatus,
    TraceItem,
)
from dialogue.types import Comment
from show.events import (
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    Event,
    GateDecided,
    LineStarted,
)
from show.runtime import Brain
from show.tap import PreviewTap

log = logging.getLogger(__name__)

COMMENTS_KEPT = 300  # the feed's memory of recent comments
ASKED_KEPT = 2000  # comments that may still get a line: their asker and words, for the lines that answer them
SAID_KEPT = 100  # comments of recent lines that passed the gate (for "now on air")
AUDIT_KEPT = 80  # the audit panel's entries
QUEUE_SHOWN = 50
WHY_FLAGS = ("shed:", "stale:", "gate:", "nothing_to_say", "answered_with:", "show_ended")  # reasons in outcomes


@dataclass
class _Fate:
    """What became of a comment so far, as the events told: None while it waits."""

    action: str | None = None  # reply | skip | hold
    text: str | None = None
    flags: list[str] = field(default_factory=list)
    reason: str = ""  # why it was skipped, when no flag says it


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
            pending=pending, comments=self._with_outcomes(comments, pending), audit=audit, traces=self._traces(),
            summary=summary, preview_latency_ms=self.preview_latency(),
            takeover_available=takeover_available, taking_over=taking_over, takeover=takeover)


def _brief(data: dict[str, Any], limit: int = 220) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
