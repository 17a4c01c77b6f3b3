"""Per-utterance latency trace and the run summary (comments seen / answered / skipped / held, p50/p95).

Both are kept from the show's events (show.events): `TraceLog.attach` and `RunSummary.attach` subscribe them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from show.bus import Bus

STAGES = ("received", "triaged", "first_token", "first_sentence", "gated", "synthesised", "first_audio",
          "mouth_open")


@dataclass
class Trace:
    """Wall-clock seconds (monotonic) at which one utterance passed each stage."""

    key: str
    kind: str  # answer, pitch, operator, disclosure, holding
    text: str = ""
    at: dict[str, float] = field(default_factory=dict)
    # the traces of viewers answered by the same line (the same question, folded): marked with it from now on
    followers: list[Trace] = field(default_factory=list)

    def mark(self, stage: str, t: float | None = None) -> None:
        at = time.monotonic() if t is None else t
        self.at.setdefault(stage, at)
        for f in self.followers:
            f.at.setdefault(stage, at)

    def ms(self, a: str, b: str) -> float | None:
        if a in self.at and b in self.at:
            return round((self.at[b] - self.at[a]) * 1000.0, 1)
        return None


class TraceLog:
    """The traces of a show, in the order they were opened (an answer's when it is taken, a line's once queued)."""

    def __init__(self) -> None:
        self._traces: list[Trace] = []
        self._lock = threading.Lock()

    def attach(self, bus: Bus) -> None:
        from show.events import AnswerPutBack, AnswerStarted, LineCommitted

        def on(e: Any) -> None:
            with self._lock:
                if isinstance(e, AnswerPutBack):
                    if e.trace in self._traces:
                        self._traces.remove(e.trace)
                elif e.trace is not None:
                    self._traces.append(e.trace)

        bus.subscribe((AnswerStarted, AnswerPutBack, LineCommitted), on)

    def __iter__(self) -> Iterator[Trace]:
        with self._lock:
            return iter(list(self._traces))

    def __len__(self) -> int:
        return len(self._traces)

    def write(self, path: Path) -> None:
        """trace.jsonl: one line per trace, each stage in ms from the comment's arrival (or the gate)."""
        with path.open("w", encoding="utf-8") as f:
            for t in self:
                start = "received" if "received" in t.at else "gated"
                f.write(json.dumps({"id": t.key, "kind": t.kind, "text": t.text,
                                    "ms": {s: t.ms(start, s) for s in t.at}}, ensure_ascii=False) + "\n")


@dataclass
class RunSummary:
    comments_seen: int = 0
    answered: int = 0
    skipped: int = 0
    held: int = 0
    blocked: int = 0
    frames: int = 0
    frames_dropped: int = 0
    on_air_s: float = 0.0
    paused_s: float = 0.0
    comment_to_audio_ms: list[float] = field(default_factory=list)

    def attach(self, bus: Bus) -> None:
        """Count from the show's events: comments seen and skipped, the show's own lines held or blocked by the
        gate (not the operator's), comments answered, reply latency and the time spent paused."""
        from show.events import (
            CommentReceived,
            CommentSettled,
            CommentShed,
            CommentSkipped,
            DraftReady,
            GateDecided,
            HoldChanged,
            LineStarted,
        )

        draft_held: list[tuple[str, str]] = []  # a draft the responder held: counted held, whatever the gate says
        paused_at: list[float] = []
        self._paused_at = paused_at

        def on(e: Any) -> None:
            if isinstance(e, CommentReceived):
                self.comments_seen += 1
            elif isinstance(e, (CommentSkipped, CommentShed)):
                self.skipped += 1
            elif isinstance(e, DraftReady) and e.draft.action.value == "hold":
                draft_held.append((e.draft.comment_id, e.draft.text or ""))
            elif isinstance(e, GateDecided):
                d, u = e.decision, e.decision.utterance
                if (u.comment_id or "", u.text) in draft_held:
                    draft_held.remove((u.comment_id or "", u.text))
                    self.held += 1
                elif d.by is None and u.kind != "operator" and not any(r.startswith("withdrawn:") for r in d.reasons):
                    self.held += d.verdict.value == "hold"
                    self.blocked += d.verdict.value == "block"
            elif isinstance(e, CommentSettled) and e.action.value == "reply" and (
                    e.answered_with is None or f"folded_with:{e.answered_with}" in e.flags):
                self.answered += 1  # by a line of its own, or by name in the answer to the same question
            elif isinstance(e, LineStarted) and e.latency_ms is not None:
                self.comment_to_audio_ms += [e.latency_ms, *e.followers_ms]
            elif isinstance(e, HoldChanged):
                if e.on and len(e.holds) == 1:
                    paused_at[:] = [time.monotonic()]
                elif not e.on and not e.holds and paused_at:
                    self.paused_s += time.monotonic() - paused_at.pop()
        bus.subscribe((CommentReceived, CommentSkipped, CommentShed, DraftReady, GateDecided, CommentSettled,
                       LineStarted, HoldChanged), on)

    def finish(self) -> None:
        """The show is over: a pause still on counts to now."""
        paused_at: list[float] = getattr(self, "_paused_at", [])
        if paused_at:
            self.paused_s += time.monotonic() - paused_at.pop()

    def figures(self) -> dict[str, float]:
        lat = np.array(self.comment_to_audio_ms or [0.0])
        d = {k: v for k, v in asdict(self).items() if k != "comment_to_audio_ms"}
        d["comment_to_audio_p50_ms"] = round(float(np.percentile(lat, 50)), 1)
        d["comment_to_audio_p95_ms"] = round(float(np.percentile(lat, 95)), 1)
        return d

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.figures(), indent=2) + "\n", encoding="utf-8")
