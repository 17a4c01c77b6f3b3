"""What the host says next, and the comments waiting for it: the queue, the "are you real?" waiters, and the
programme time each comment joined the queue. Pure: the caller gives the times and publishes the events.

Its policies: an operator line first (even while held), nothing else while held; then a due disclosure; then,
when a comment waits and little speech is committed, "are you real?" first, else the queue's best, skipping
small talk that went stale (with its reason); an answer barges in on a pitch; no new pitch while a line is
queued or when the replay is over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.triage.staleness import stale_reason
from dialogue.types import Intent, Triaged
from show.events import CommentQueued, CommentShed, CommentSkipped, Event

ANSWER_AHEAD_S = 1.0  # start answering the next comment when this little committed speech is left
AHEAD_S = 0.3  # a new pitch sentence waits until no more than this is queued


@dataclass(frozen=True)
class Situation:
    """The show's state as plain values, read by the caller from the programme, the holds and the rundown."""

    now_s: float  # programme time
    mono: float  # time.monotonic(): the queue's aging clock
    held: bool  # any hold, or a takeover
    operator_line: bool  # an operator line waits and may start now
    disclosure_due: bool
    committed_s: float  # speech committed on the programme but not yet played
    queued_s: float  # speech queued and not yet started
    finishing: bool  # the replay is over: no new pitch


@dataclass(frozen=True)
class Speak:
    kind: str  # "operator" | "disclosure"


@dataclass(frozen=True)
class Answer:
    triaged: Triaged
    identity: bool
    barge_in: bool = True


@dataclass(frozen=True)
class Pitch:
    pass


@dataclass(frozen=True)
class Idle:
    pass


Decision = Speak | Answer | Pitch | Idle


class Scheduler:
    """The comment queue, the "are you real?" waiters, and the choice of what is said next."""

    def __init__(self, *, max_queue: int = 200) -> None:
        self.queue: CommentQueue[Triaged] = CommentQueue(max_size=max_queue)
        self.identity = IdentityQuestions()  # "are you a real person?": answered first, never shed
        self._queued_at: dict[str, float] = {}  # comment id → programme s it joined the queue

    def admit(self, tri: Triaged, now_s: float, mono: float | None = None) -> list[Event]:
        """A triaged comment: skipped (triage's reason), waiting apart ("are you real?"), or queued."""
        if tri.skip_reason:
            flags = (f"intent:{tri.intent.value}", f"lang:{tri.lang}", *tri.flags)
            return [CommentSkipped(tri.comment.id, tri.skip_reason, flags)]
        if tri.intent is Intent.IDENTITY:  # not queued, so never shed: answered at the host's next turn
            self.identity.ask(tri)
            return [CommentQueued(tri, now_s, identity=True)]
        return self._enqueue(tri, now_s, time.monotonic() if mono is None else mono)

    def _enqueue(self, tri: Triaged, now_s: float, mono: float) -> list[Event]:
        self._queued_at[tri.comment.id] = now_s
        events: list[Event] = [CommentQueued(tri, now_s)]
        for shed in self.queue.push(tri, tri.priority, now=mono):
            self._queued_at.pop(shed.comment.id, None)
            events.append(CommentShed(shed.comment.id))
        return events

    def requeue(self, tri: Triaged, now_s: float, *, identity: bool, mono: float | None = None) -> None:
        """An answer taken that could not be given now (the log could not record it): it waits again."""
        if identity:
            self.identity.ask_again(tri)
        else:
            self.queue.push(tri, tri.priority, now=time.monotonic() if mono is None else mono)

    def next(self, s: Situation) -> tuple[Decision, list[Event]]:
        """What to say next, and the comments it skipped on the way (stale small talk)."""
        if s.operator_line:
            return Speak("operator"), []
        if s.held:
            return Idle(), []
        if s.disclosure_due:
            return Speak("disclosure"), []
        # A waiting comment is answered now, while a pitch is still on air: the pitch ends at its next word
        # gap and resumes afterwards. Answers already committed are not cut; the next one is prepared
        # while the last second of them plays, so comments stay fresh and nothing waits on the model.
        if (len(self.queue) or len(self.identity)) and s.committed_s <= ANSWER_AHEAD_S:
            tri = self.identity.due(s.now_s)  # "are you a real person?" goes first
            if tri is not None:
                return Answer(tri, identity=True), []
            tri = self.queue.pop(s.mono)
            if tri is not None:
                waited = s.now_s - self._queued_at.pop(tri.comment.id, s.now_s)
                reason = stale_reason(tri, waited)
                if reason is not None:
                    return Idle(), [CommentSkipped(tri.comment.id, reason, ("stale:small_talk",))]
                return Answer(tri, identity=False), []
        if s.queued_s > AHEAD_S or s.finishing:  # speak ahead by one line at most
            return Idle(), []
        return Pitch(), []

    def said_ai(self, now_s: float, *, answer: bool) -> list[Triaged]:
        """The host just said it is an AI: everyone waiting to hear whether it is a real person heard it."""
        return self.identity.said(now_s, answer=answer)

    def snapshot(self) -> list[Triaged]:
        """Waiting, in the order they will be taken ("are you real?" first)."""
        return [*list(self.identity.waiting), *self.queue.snapshot()]

    def __len__(self) -> int:
        return len(self.queue) + len(self.identity)
