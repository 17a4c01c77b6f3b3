"""What the operator console sees of a running show: `ShowView` builds the console's `ShowState` from the
Brain, the gate, the programme tap and the audit log, without touching the show's loop."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

import numpy as np

from compliance.gate import GateDecision, GateError, Utterance, Verdict
from console.messages import (
    AuditItem,
    CommentItem,
    HeldLine,
    OnAir,
    ProductItem,
    QueueItem,
    ShowState,
    TakeoverStatus,
    TraceItem,
)
from dialogue.types import Comment
from show.runtime import Brain
from show.tap import AuditTail, PreviewTap

COMMENTS_KEPT = 300  # the feed's memory of recent comments
SAID_KEPT = 100  # comments of recent lines that passed the gate (for "now on air")
QUEUE_SHOWN = 50
WHY_FLAGS = ("shed:", "stale:", "gate:", "nothing_to_say", "answered_with:", "show_ended")  # reasons in outcomes


class ShowView:
    """The read side of the console: comments (from the audit log), held lines, traces, figures."""

    def __init__(self, brain: Brain, tap: PreviewTap, *, audit_path: str | Path) -> None:
        self.brain, self.tap = brain, tap
        self.gate, self.program = brain.gate, brain.program
        self.catalog = brain.engine.catalog
        self.tail = AuditTail(audit_path)
        self._comments: OrderedDict[str, CommentItem] = OrderedDict()
        self._latency: deque[float] = deque(maxlen=300)
        self._on_air: dict[str, float] = {}  # line id → programme time of its first audio
        # the comment each line answers, kept from the moment the gate decides on it: a held line keeps its
        # comment however many arrive after it (the feed keeps only the latest COMMENTS_KEPT)
        self._held: dict[str, Comment] = {}
        self._said: OrderedDict[str, Comment] = OrderedDict()
        self._lock = threading.Lock()
        self.gate.subscribe(self._decided)

    def frame_shown(self, index: int) -> None:
        t = self.tap.rendered_at(index)
        if t is not None:
            self._latency.append((time.monotonic() - t) * 1000.0)

    def _decided(self, d: GateDecision) -> None:
        """A gate decision (on the thread that asked): remember the comment a held or passed line answers."""
        u = d.utterance
        with self._lock:
            c = self._held.pop(u.id, None)
            asked = self.brain.answering
            if c is None and u.comment_id and asked is not None and asked.id == u.comment_id:
                c = asked
            if c is None:
                return
            if d.verdict is Verdict.HOLD:
                self._held[u.id] = c
            elif d.verdict is Verdict.PASS:
                self._said[u.id] = c
                while len(self._said) > SAID_KEPT:
                    self._said.popitem(last=False)

    def _comment_of(self, u: Utterance) -> tuple[str, str]:
        """(user, text) of the comment a line answers, or empty strings."""
        with self._lock:
            c = self._held.get(u.id) or self._said.get(u.id)
            item = self._comments.get(u.comment_id or "") if c is None else None
        if c is not None:
            return c.user, c.text
        return (item.user, item.text) if item is not None else ("", "")

    def _follow_audit(self) -> None:
        for e in self.tail.read():
            if e.get("kind") != "comment":
                continue
            d = e.get("data") or {}
            item = CommentItem(id=str(d.get("id", "")), user=str(d.get("user", "")), text=str(d.get("text", "")),
                               intent=str(d.get("intent", "")), lang=str(d.get("lang", "")),
                               flags=[str(f) for f in d.get("flags") or []], skip=d.get("skip"),
                               ts=float(e.get("ts", 0.0)))
            with self._lock:
                self._comments[item.id] = item
                while len(self._comments) > COMMENTS_KEPT:
                    self._comments.popitem(last=False)

    def _pending(self) -> list[HeldLine]:
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
        u = self.brain.on_air
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

    def _with_outcomes(self, comments: list[CommentItem], pending: list[HeldLine]) -> list[CommentItem]:
        """The feed's comments with what became of each: waiting, replied, skipped or held, and why."""
        held = {h.comment_id: h.reasons for h in pending if h.comment_id}
        out = []
        for c in comments:
            o = self.brain.outcomes.get(c.id)
            if o is None:
                out.append(c)
                continue
            flags = [f for f in o.flags if f.startswith(WHY_FLAGS)]
            if o.action is None:
                outcome, why = "waiting", ""
            elif o.action == "skip":
                outcome, why = "skip", c.skip or ", ".join(flags)
            elif o.action == "hold":
                outcome, why = "hold", "; ".join(held.get(c.id) or flags)
            else:  # what was said, or the line that answered it for everyone who asked the same
                by = [f for f in flags if f.startswith("answered_with:")]
                outcome, why = "reply", ", ".join(by) or (o.text or "")[:200]
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

    def _presence(self) -> str:
        p = self.brain.presence
        if p is None or not self.gate.profile.operator_required:
            return "not_required"
        return p.state()

    def preview_latency(self) -> dict[str, float]:
        lat = np.array(self._latency or [0.0])
        return {"p50_ms": round(float(np.percentile(lat, 50)), 1), "p95_ms": round(float(np.percentile(lat, 95)), 1),
                "n": float(len(self._latency))}

    def snapshot(self, *, mode: str, on_duty: list[str], takeover_available: bool, taking_over: bool,
                 takeover: TakeoverStatus | None = None) -> ShowState:
        """The whole state as the console shows it (reads the new audit entries first)."""
        self._follow_audit()
        b = self.brain
        pitch = b.rundown.current
        summary = b.summary.figures()
        summary.update(frames=float(self.program.stats.frames), frames_dropped=float(self.program.stats.dropped),
                       on_air_s=round(self.program.now_s, 2))
        with self._lock:
            comments = list(self._comments.values())[-60:]
        pending = self._pending()
        audit = [AuditItem(seq=int(e.get("seq", 0)), ts=float(e.get("ts", 0.0)), kind=str(e.get("kind", "")),
                           detail=_brief(e.get("data") or {})) for e in list(self.tail.entries)[-80:]]
        return ShowState(
            mode=mode, lapsed="presence" in b.holds,
            presence=self._presence(), on_duty=on_duty,  # type: ignore[arg-type]
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
