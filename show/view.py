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

from compliance.gate import GateError
from console.messages import (
    AuditItem,
    CommentItem,
    HeldLine,
    ProductItem,
    ShowState,
    TakeoverStatus,
    TraceItem,
)
from show.runtime import Brain
from show.tap import AuditTail, PreviewTap


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
        self._lock = threading.Lock()

    def frame_shown(self, index: int) -> None:
        t = self.tap.rendered_at(index)
        if t is not None:
            self._latency.append((time.monotonic() - t) * 1000.0)

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
                while len(self._comments) > 300:
                    self._comments.popitem(last=False)

    def _pending(self) -> list[HeldLine]:
        out = []
        for u in self.gate.pending():
            try:
                reasons = list(self.gate.held(u.id).reasons)
            except GateError:  # decided in the meantime
                continue
            c = self._comments.get(u.comment_id or "")
            out.append(HeldLine(id=u.id, kind=u.kind, text=u.text, lang=u.lang, comment_id=u.comment_id,
                                comment_text=c.text if c else "", reasons=reasons))
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
            pending=self._pending(), comments=comments, audit=audit, traces=self._traces(),
            summary=summary, preview_latency_ms=self.preview_latency(),
            takeover_available=takeover_available, taking_over=taking_over, takeover=takeover)


def _brief(data: dict[str, Any], limit: int = 220) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
