"""What became of every comment in a show: replied (and what was said), skipped (and why), or held.

Nothing is lost: a comment still waiting when the show ends is written as `hold` with the flag
`show_ended`. The records have the shape `nightshift answer` writes, one per comment, in arrival order.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from dialogue.types import Action, EventKind
from show.bus import Bus
from show.events import (
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    Event,
    EventsSettled,
    LineCommitted,
    RoomEventsReceived,
)


@dataclass
class Outcome:
    """One comment's fate; `lines` are the ids of the utterances spoken for it."""

    id: str
    action: Action | None = None  # None while it waits in the queue
    text: str | None = None
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "action": self.action, "text": self.text, "flags": self.flags,
                "sources": self.sources, "lines": self.lines}


def joined(said: str | None, text: str) -> str:
    """What was said so far, and the next sentence (Chinese sentences join without a space)."""
    if not said:
        return text
    sep = "" if text[:1] >= "\u2e80" else " "
    return f"{said}{sep}{text}"


class Outcomes:
    """Collects outcomes as the show runs (thread-safe); `write` saves them as JSONL."""

    def __init__(self) -> None:
        self._by_id: dict[str, Outcome] = {}
        self._latest: dict[str, Outcome] = {}  # comment id → its latest record (ids may repeat)
        self._lock = threading.Lock()

    def attach(self, bus: Bus) -> None:
        """Keep the outcomes from the show's events (after the audit log: what it could not record did not happen)."""
        bus.subscribe((CommentTriaged, CommentSkipped, CommentShed, CommentUnread, CommentSettled, LineCommitted,
                       RoomEventsReceived, EventsSettled), self._on)

    def _on(self, e: Event) -> None:
        if isinstance(e, CommentTriaged):
            t = e.triaged
            self.seen(e.comment.id, [f"intent:{t.intent.value}", f"lang:{t.lang}", *t.flags])
        elif isinstance(e, CommentSkipped):
            self.settle(e.comment_id, Action.SKIP, flags=list(e.flags))
        elif isinstance(e, CommentShed):
            self.settle(e.comment_id, Action.SKIP, flags=["shed:queue_full"])
        elif isinstance(e, CommentUnread):
            self.seen(e.comment.id, ["show_ended"])
            self.settle(e.comment.id, Action.HOLD, flags=["show_ended"])
        elif isinstance(e, CommentSettled):
            self.settle(e.comment_id, e.action, text=e.text, flags=list(e.flags),
                        sources=None if e.sources is None else list(e.sources))
        elif isinstance(e, RoomEventsReceived) and e.kind is not EventKind.LIKE:
            for ev in e.events:
                self.seen(ev.id, [f"kind:{ev.kind.value}"])
        elif isinstance(e, EventsSettled):
            self.events(e)
        elif isinstance(e, LineCommitted) and e.utterance.comment_id:
            self.spoke(e.utterance.comment_id, e.utterance.id, e.utterance.text)

    def seen(self, comment_id: str, flags: list[str]) -> Outcome:
        """A comment arrived (a repeated id gets its own record, suffixed with its position)."""
        with self._lock:
            key = comment_id if comment_id not in self._by_id else f"{comment_id}#{len(self._by_id)}"
            o = Outcome(comment_id, flags=list(flags))
            self._by_id[key] = self._latest[comment_id] = o
            return o

    def events(self, e: EventsSettled) -> None:
        """Room events settled: one record each, in arrival order, except likes (hundreds a second): one record
        per settlement and outcome, named `likes:FIRST..LAST` (the like's own id when it is one), with the
        events and likes it counts among its flags."""
        if e.kind is EventKind.LIKE and e.outcomes:
            groups: dict[tuple[Action, str], list[int]] = {}
            for i, o in enumerate(e.outcomes):
                flag = "batched" if o.flag.startswith("batched:") else o.flag
                groups.setdefault((o.action, flag), []).append(i)
            for (action, flag), idx in groups.items():
                first, last = e.outcomes[idx[0]], e.outcomes[idx[-1]]
                likes = sum(e.outcomes[i].event.count for i in idx)
                key = first.event.id if len(idx) == 1 else f"likes:{first.event.id}..{last.event.id}"
                rec = self.seen(key, ["kind:like", f"events:{len(idx)}", f"likes:{likes}",
                                      *([last.flag] if flag else [])])
                self.settle(rec.id, action, text=first.text, sources=list(first.sources))
            return
        for out in e.outcomes:
            self.settle(out.event.id, out.action, text=out.text, flags=[out.flag] if out.flag else None,
                        sources=list(out.sources))

    def get(self, comment_id: str) -> Outcome | None:
        with self._lock:
            return self._latest.get(comment_id)

    def settle(self, comment_id: str, action: Action, *, text: str | None = None,
               flags: list[str] | None = None, sources: list[str] | None = None) -> None:
        """Record a comment's final action (the last word wins: a hold later approved becomes a reply)."""
        o = self.get(comment_id)
        if o is None:
            o = self.seen(comment_id, [])
        o.action = action
        if text is not None:
            o.text = text
        if flags:
            o.flags = list(dict.fromkeys([*o.flags, *flags]))
        if sources is not None:
            o.sources = list(sources)

    def spoke(self, comment_id: str, utterance_id: str, text: str) -> None:
        """A line was spoken for a comment: it is a reply, and its text grows by the line."""
        o = self.get(comment_id)
        if o is None:
            return
        o.lines.append(utterance_id)
        o.text = joined(o.text if o.action is Action.REPLY else None, text)
        o.action = Action.REPLY

    def records(self) -> list[Outcome]:
        """Every comment in arrival order; one still waiting is a hold flagged `show_ended`."""
        with self._lock:
            out = list(self._by_id.values())
        for o in out:
            if o.action is None:
                o.action = Action.HOLD
                o.flags = [*o.flags, "show_ended"]
        return out

    def counts(self) -> dict[str, int]:
        c = {"reply": 0, "skip": 0, "hold": 0}
        for o in self.records():
            c[str(o.action)] += 1
        return c

    def write(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as f:
            for o in self.records():
                f.write(json.dumps(o.to_json(), ensure_ascii=False) + "\n")
        return p
