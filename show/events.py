"""What happens in a show, as typed events on the bus (show.bus).

Stages publish them; the audit log, the outcomes (replies.jsonl), the traces, the run summary and the
operator console's view subscribe. Each event is a frozen dataclass; `at_s` is programme time when known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from compliance.gate import GateDecision, Utterance
from compliance.presence import PresenceChange
from dialogue.reactions.policy import EventOutcome, Reaction
from dialogue.types import Action, BadComment, Comment, Draft, EventKind, RoomEvent, Triaged
from show.trace import Trace
from voice.types import Speech


@dataclass(frozen=True)
class Event:
    """Base of every show event."""


# -- comments ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommentReceived(Event):
    """A comment (or a line that could not be read as one) was taken from a source."""

    comment: Comment | BadComment
    received_at: float  # time.monotonic()


@dataclass(frozen=True)
class CommentTriaged(Event):
    """Triage decided what a comment is: its intent, language, flags, and whether it is answered at all."""

    comment: Comment | BadComment
    triaged: Triaged


@dataclass(frozen=True)
class CommentQueued(Event):
    """A comment waits in the queue for its answer ("are you real?" waits apart, and is never shed)."""

    triaged: Triaged
    at_s: float
    identity: bool = False


@dataclass(frozen=True)
class CommentShed(Event):
    """The queue was full: the lowest-priority comment left it, unanswered."""

    comment_id: str
    reason: str = "queue full"


@dataclass(frozen=True)
class CommentSkipped(Event):
    """A comment will not be answered: triage's reason, or small talk gone stale (a `stale:` flag)."""

    comment_id: str
    reason: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommentUnread(Event):
    """The show ended with this comment taken from its source but not yet read: it is recorded as held."""

    comment: Comment | BadComment
    reason: str = "the show ended before it was read"


# -- room events (joins, likes, follows, gifts, shares, orders) --------------------------------------------
@dataclass(frozen=True)
class RoomEventsReceived(Event):
    """Room events of one kind taken from the sources in one step (likes arrive hundreds a second)."""

    kind: EventKind
    events: tuple[RoomEvent, ...]
    received_at: float  # time.monotonic()


@dataclass(frozen=True)
class EventsSettled(Event):
    """What became of some room events of one kind: covered by a reaction line (`reaction`, said or not), or
    skipped with a reason (rate limited, stale, the show ended)."""

    kind: EventKind
    outcomes: tuple[EventOutcome, ...]
    reaction: Reaction | None = None
    said: bool = False


@dataclass(frozen=True)
class CommentSettled(Event):
    """What became of a comment, final unless a later event settles it again (a held line approved)."""

    comment_id: str
    action: Action
    text: str | None = None
    flags: tuple[str, ...] = ()
    sources: tuple[str, ...] | None = None
    answered_with: str | None = None  # answered by a line said for another (the comment id, or "disclosure")


# -- lines ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DraftReady(Event):
    """The responder finished its draft for a comment (what it would say, and the flags it raised)."""

    draft: Draft


@dataclass(frozen=True)
class AnswerStarted(Event):
    """The host takes a comment to answer it; `trace` times it from its arrival to its first audio."""

    triaged: Triaged
    trace: Trace


@dataclass(frozen=True)
class AnswerPutBack(Event):
    """An answer begun is put back in the queue (the operator left before a word of it was said)."""

    comment_id: str
    trace: Trace


@dataclass(frozen=True)
class AnswerEnded(Event):
    """The host is done with a comment: how long each stage took, and the responder's flags."""

    comment_id: str
    stages_ms: dict[str, float | None]
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class GateDecided(Event):
    """The gate decided on a line: pass, hold (for an operator) or block."""

    decision: GateDecision


@dataclass(frozen=True)
class LineCommitted(Event):
    """A cleared line is about to go on the programme: it must be on record first (a critical subscriber)."""

    utterance: Utterance
    voice: str
    trace: Trace | None = None  # its own trace (None for an answer's sentence: the answer keeps one for all)


@dataclass(frozen=True)
class LineWithdrawn(Event):
    """A cleared line was not put on air: the operator's presence changed while it was voiced."""

    utterance: Utterance
    reason: str


@dataclass(frozen=True)
class VoiceFellBack(Event):
    """The main voice failed on a line; the fallback voice says it."""

    error: str
    text: str


@dataclass(frozen=True)
class LineStarted(Event):
    """A line's first audio went out (published on the programme clock's thread)."""

    utterance: Utterance
    at_s: float
    speech: Speech | None = None  # the first part of the line as voiced
    latency_ms: float | None = None  # a reply's first audio: milliseconds since its comment was read
    followers_ms: tuple[float, ...] = ()  # the same, for viewers who asked the same question (answered with it)


@dataclass(frozen=True)
class LineEnded(Event):
    """A line played to its end."""

    utterance: Utterance
    at_s: float


LineCutHow = Literal["interrupted", "dropped", "cut"]


@dataclass(frozen=True)
class LineCut(Event):
    """A line stopped early: interrupted at a word gap, dropped before it started, or cut by a stop."""

    utterance: Utterance
    how: LineCutHow
    at_s: float


# -- the show's state ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HoldChanged(Event):
    """A reason to keep the host off air was added (`on`) or lifted; `holds` are the reasons left."""

    reason: str
    on: bool
    why: str
    holds: tuple[str, ...]
    at_s: float


@dataclass(frozen=True)
class AuditBack(Event):
    """The audit log takes entries again after it could not be written (`after`: why it was held)."""

    after: str


@dataclass(frozen=True)
class PresenceChanged(Event):
    """An operator came on duty or went off it."""

    change: PresenceChange


@dataclass(frozen=True)
class OperatorAction(Event):
    """An operator acted at the console (approve, edit, say, pause, stop, takeover …), with its result."""

    action: str
    operator: str
    ok: bool
    message: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class OutputDown(Event):
    """A live output lost its server (it reconnects by itself)."""

    output: str
    error: str


@dataclass(frozen=True)
class OutputBack(Event):
    """A live output is back, after a gap."""

    output: str
    gap_s: float
    frames_dropped: int


@dataclass(frozen=True)
class OutputFailed(Event):
    """An output stopped for good (a full disk, a vanished file)."""

    output: str
    error: str
