"""The audit log as a subscriber of the show's events: every entry the show writes comes from an event here.

It is a critical subscriber. An entry that must be on record before what it records happens (a comment before
it is queued, a line before it goes on air, the trace of an answer, a fallback voice) is written at once, and
an `AuditWriteError` reaches the stage that published the event: nothing goes on air that the log could not
record. Any other entry (a pause, a resume, a shed comment, an output that failed …) is deferrable: one the
log cannot take now (a full disk) is kept and written, with the time it happened, as soon as it takes entries
again (`flush`, at every step of the show).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from compliance.audit import AuditLog
from dialogue.reactions.policy import EventOutcome
from dialogue.types import BadComment, Comment, EventKind, RoomEvent
from show.bus import Bus
from show.events import (
    AnswerEnded,
    AuditBack,
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    Event,
    EventsSettled,
    HoldChanged,
    LineCommitted,
    LineCut,
    LineWithdrawn,
    OutputBack,
    OutputDown,
    OutputFailed,
    PresenceChanged,
    RoomEventsReceived,
    VoiceFellBack,
)

log = logging.getLogger(__name__)

EVENTS: tuple[type[Event], ...] = (
    CommentTriaged, CommentUnread, CommentShed, CommentSkipped, CommentSettled, VoiceFellBack, LineCommitted,
    LineWithdrawn, LineCut, AnswerEnded, HoldChanged, AuditBack, PresenceChanged, OutputFailed, OutputDown,
    OutputBack, RoomEventsReceived, EventsSettled)


def comment_entry(item: Comment | BadComment, **extra: object) -> dict[str, object]:
    """A comment as the audit log records it (text cut at 500 characters)."""
    return {"id": item.id, "user": getattr(item, "user", ""), "text": getattr(item, "text", "")[:500], **extra}


class AuditRecorder:
    """Turns the show's events into audit-log entries, in the order they are published."""

    def __init__(self, audit: AuditLog, bus: Bus) -> None:
        self.audit = audit
        self._unwritten: list[tuple[str, dict[str, Any]]] = []  # entries the log could not take yet
        self.unsubscribe = bus.subscribe(EVENTS, self._on, critical=True)

    def _on(self, e: Event) -> None:
        must = _must(e)
        if must is not None:
            self.audit.append(*must)  # AuditWriteError reaches the publisher
            return
        later = _deferrable(e)
        if later is not None:
            self._unwritten.append(later)
            self.flush()

    @property
    def pending(self) -> int:
        """Entries waiting for the log to take them again."""
        return len(self._unwritten)

    def flush(self) -> None:
        """Write the entries kept while the log could not take them, oldest first."""
        while self._unwritten:
            kind, data = self._unwritten[0]
            try:
                self.audit.append(kind, data)
            except OSError as e:
                if "happened_at" not in data:  # said once; retried quietly at every step
                    log.error("audit log: %s (the %s entry is kept until it can be written)", e, kind)
                    self._unwritten[0] = (kind, {**data, "happened_at": round(time.time(), 3)})
                return
            self._unwritten.pop(0)


def _must(e: Event) -> tuple[str, dict[str, Any]] | None:
    """The entry of an event that must be on record before the show goes on, or None."""
    if isinstance(e, CommentTriaged):
        t = e.triaged
        return "comment", comment_entry(e.comment, flags=t.flags, intent=t.intent.value, skip=t.skip_reason,
                                        lang=t.lang)
    if isinstance(e, LineCommitted):
        u = e.utterance
        return "spoken", {"id": u.id, "kind": u.kind, "text": u.text, "comment_id": u.comment_id,
                          "sources": list(u.sources), "voice": e.voice}
    if isinstance(e, VoiceFellBack):
        return "voice_fallback", {"error": e.error[:200], "text": e.text[:200]}
    if isinstance(e, AnswerEnded):  # e.g. llm_timeout: the catalog's reply was spoken
        return "trace", {"id": e.comment_id, "stages_ms": dict(e.stages_ms), "flags": list(e.flags)}
    if isinstance(e, AuditBack):  # the probe of a full disk: OSError while it is still full
        return "audit_resumed", {"after": e.after[:300]}
    return None


def event_entry(ev: RoomEvent) -> dict[str, object]:
    """One room event as the audit log records it: who, and for a gift or an order what."""
    out: dict[str, object] = {"id": ev.id, "user": ev.user[:100]}
    if ev.platform or ev.user_id:
        out.update(platform=ev.platform, user_id=ev.user_id)
    if ev.kind is EventKind.GIFT:
        out.update(gift=ev.gift, count=ev.count, value=ev.value)
    elif ev.kind is EventKind.ORDER:
        out.update(sku=ev.sku, qty=ev.qty)
    return out


def events_entry(kind: EventKind, events: tuple[RoomEvent, ...]) -> dict[str, object]:
    """Room events of one kind: each by id, or for likes (hundreds a second) by count."""
    if kind is EventKind.LIKE:
        return {"kind": kind.value, "lines": len(events), "likes": sum(e.count for e in events),
                "viewers": len({e.who for e in events}), "first": events[0].id, "last": events[-1].id}
    return {"kind": kind.value, "lines": len(events), "events": [event_entry(e) for e in events]}


def settled_entry(e: EventsSettled) -> dict[str, object]:
    """What became of room events: the reaction that covered them, or why they were skipped; by id, or for
    likes by count."""
    outs: tuple[EventOutcome, ...] = e.outcomes
    flags: dict[str, int] = {}
    for o in outs:
        key = "batched" if o.flag.startswith("batched:") else (o.flag or o.action.value)
        flags[key] = flags.get(key, 0) + 1
    out: dict[str, object] = {"kind": e.kind.value, "events": len(outs), "outcomes": flags}
    if e.reaction is not None:
        out.update(text=e.reaction.text, lead=e.reaction.lead.id, said=e.said)
    if e.kind is EventKind.LIKE:
        out.update(likes=sum(o.event.count for o in outs), first=outs[0].event.id if outs else None,
                   last=outs[-1].event.id if outs else None)
    else:
        out["ids"] = [o.event.id for o in outs]
    reasons = {o.reason for o in outs if o.flag in ("stale", "rate_limited", "show_ended")}
    if reasons:
        out["reasons"] = sorted(reasons)[:5]
    return out


def _deferrable(e: Event) -> tuple[str, dict[str, Any]] | None:
    """The entry of an event that may wait for the log (a full disk), or None when the event has none."""
    if isinstance(e, RoomEventsReceived):
        return "room_events", events_entry(e.kind, e.events)
    if isinstance(e, EventsSettled):
        return ("reaction" if e.reaction is not None else "events_skipped"), settled_entry(e)
    if isinstance(e, CommentUnread):
        return "comment", comment_entry(e.comment, flags=["show_ended"], skip=e.reason)
    if isinstance(e, CommentShed):
        return "shed", {"id": e.comment_id, "reason": e.reason}
    if isinstance(e, CommentSkipped):  # triage's skips are in the comment's own entry
        return ("stale", {"id": e.comment_id, "reason": e.reason}) if _stale(e.flags) else None
    if isinstance(e, CommentSettled):
        return ("answered_with", {"id": e.comment_id, "by": e.answered_with}) if e.answered_with else None
    if isinstance(e, LineWithdrawn):
        u = e.utterance
        return "line_withdrawn", {"id": u.id, "kind": u.kind, "text": u.text[:200], "reason": e.reason}
    if isinstance(e, LineCut):
        u = e.utterance
        return "line_" + e.how, {"id": u.id, "kind": u.kind, "text": u.text[:200]}
    if isinstance(e, HoldChanged):
        if e.on:
            return "paused", {"reason": e.reason, "why": e.why, "at_s": round(e.at_s, 2)}
        return "resumed", {"reason": e.reason, "still_paused": sorted(e.holds), "at_s": round(e.at_s, 2)}
    if isinstance(e, PresenceChanged):
        return "presence", e.change.to_audit()
    if isinstance(e, OutputFailed):
        return "output_failed", {"output": e.output, "error": e.error[:300]}
    if isinstance(e, OutputDown):
        return "output_down", {"output": e.output, "error": e.error[:300]}
    if isinstance(e, OutputBack):
        return "output_back", {"output": e.output, "gap_s": round(e.gap_s, 2), "frames_dropped": e.frames_dropped}
    return None


def _stale(flags: tuple[str, ...]) -> bool:
    return any(f.startswith("stale:") for f in flags)
