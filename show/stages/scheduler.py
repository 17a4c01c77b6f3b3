"""What the host says next, decided from plain values: the waiting comments and the show's situation.

The scheduler owns the comment queue (priority with aging, shedding when full), the viewers waiting to hear
whether the host is a real person, and when each comment joined the queue. It is pure: no threads, no models,
no clock of its own, no audit log or bus. It returns the events it produced (a comment queued, shed or
skipped) for its caller to publish, and a decision for its caller to carry out:

1. an operator line that waits goes first, even while the show is held, unless more than SPEAK_AHEAD_S of
   speech is already queued;
2. nothing else starts while the show is held (a pause, a lapse of presence, a full disk, a takeover);
3. then a due disclosure;
4. then, when a comment waits and at most ANSWER_AHEAD_S of speech is left to play, its answer, which barges
   in on a pitch: "are you real?" first, else the queue's best, except small talk that waited too long
   (skipped with its reason). A gift or an order due a thank-you goes first, or a welcome or thanks about to
   go stale, unless the line before was a reaction: a question waits at most one line longer because of
   room events, whatever their rate. In a busy room one turn answers several viewers, as a human host does:
   the waiting comments that fit in MAX_TURN_S of speech, by priority, each answered by name in its short
   form, shortest first ("are you real?" always first); the same question from several viewers is answered
   once, to all of them by name. An answer is short whenever others wait; a lone comment gets the long form;
5. then, while no comment waits, a reaction to room events that is due (welcomes, thanks: rate limited and
   batched by dialogue.reactions), unless more than SPEAK_AHEAD_S of speech is queued;
6. then a pitch sentence, unless more than SPEAK_AHEAD_S of speech is queued or the replay is over.

Room events that waited too long for a reaction are skipped as stale at every step, held or not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dialogue.reactions.policy import EventOutcome, Reaction, ReactionPolicy
from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.triage.staleness import stale_reason
from dialogue.types import INTENT_PRIORITY, EventKind, Intent, RoomEvent, Triaged
from show.events import CommentQueued, CommentShed, CommentSkipped, Event, EventsSettled

log = logging.getLogger(__name__)

ANSWER_AHEAD_S = 1.0  # start answering the next comment when this little committed speech is left
SPEAK_AHEAD_S = 0.3  # no new line starts while more than this much speech is queued and not yet started
SHED_REASON = "queue full"
STALE_FLAG = "stale:small_talk"
MAX_TURN_S = 12.0  # seconds of speech one turn may take when it answers several viewers
MAX_PARTS = 4  # viewers answered in one turn, at most
MAX_FOLDED = 3  # viewers asking the same question answered together with the first, at most
SCAN = 12  # the waiting comments, best first, looked at for a turn
NAME_S = 0.6  # a viewer's name said before their answer
# seconds of a short answer, by intent: the scheduler's own guess when its caller gives none
SHORT_S: dict[Intent, float] = {Intent.GREETING: 1.5, Intent.THANKS: 1.5, Intent.IDENTITY: 3.5, Intent.PRICE: 3.0,
                                Intent.STOCK: 3.5, Intent.OPTIONS: 5.0, Intent.SHIPPING: 3.5, Intent.FAQ: 5.0,
                                Intent.PRODUCT_FACTS: 6.0, Intent.PURCHASE: 5.0, Intent.OFF_TOPIC: 3.0}
_CJK = re.compile(r"[\u3400-\u9fff]")


def speech_s(text: str, lang: str) -> float:
    """Roughly how long `text` takes to say: 15 characters a second, 4.5 Chinese characters a second."""
    cjk = len(_CJK.findall(text))
    return cjk / 4.5 + (len(text) - cjk) / 15.0


def short_s(tri: Triaged) -> float:
    """The scheduler's guess at the seconds of `tri`'s short answer, when its caller has no better one."""
    return SHORT_S.get(tri.intent, 4.0)


def same_question(a: Triaged, b: Triaged) -> bool:
    """Two viewers asked the same question (the same answer serves both): a real question, the same kind, about
    the same products or FAQ entry, in the same language, with the same flags."""
    return (a.intent is b.intent and a.priority > INTENT_PRIORITY[Intent.OFF_TOPIC]
            and a.intent is not Intent.IDENTITY and a.lang == b.lang and a.product_skus == b.product_skus
            and a.faq_ids == b.faq_ids and a.unknown_product == b.unknown_product and set(a.flags) == set(b.flags)
            and "injection" not in a.flags)


@dataclass(frozen=True)
class Situation:
    """The show as the scheduler needs to know it, read by the caller from the programme, the holds and the
    rundown."""

    now_s: float  # programme time: when comments joined the queue and how long they waited (staleness)
    mono: float  # time.monotonic(): the queue's aging clock
    held: bool  # any hold (stop, pause, presence, disk, recording) or a takeover
    operator_line: bool  # an operator line waits and someone is on duty to say it
    disclosure_due: bool
    committed_s: float  # speech committed on the programme but not yet played
    queued_s: float  # speech queued and not yet started
    finishing: bool  # the replay is over: no new pitch
    draining: bool = False  # the sources are done: waiting room events need not wait to batch up


@dataclass(frozen=True)
class Speak:
    """Say the operator's next line, or the spoken disclosure."""

    kind: Literal["operator", "disclosure"]


@dataclass(frozen=True)
class Answer:
    """Answer this comment now. `identity`: it asked whether the host is a real person (if the answer cannot
    be recorded, requeue it with identity=True). `barge_in`: a pitch on air ends at its next word gap."""

    triaged: Triaged
    identity: bool
    barge_in: bool = True
    short: bool = False  # others are waiting: the short form, by name
    folded: tuple[Triaged, ...] = ()  # the same question from other viewers: answered with it, each by name

    @property
    def comments(self) -> tuple[Triaged, ...]:
        """Every comment this answer answers: its own, then those folded into it."""
        return (self.triaged, *self.folded)


@dataclass(frozen=True)
class AnswerGroup:
    """Answer several waiting viewers in one turn, in this order: each part is an Answer of its own (its own
    sentences, gate decisions, outcome and latency), short and by name. `barge_in` as for an Answer."""

    parts: tuple[Answer, ...]
    barge_in: bool = True

    @property
    def comments(self) -> tuple[Triaged, ...]:
        return tuple(t for p in self.parts for t in p.comments)


@dataclass(frozen=True)
class React:
    """Say a reaction to room events (a welcome, a thank-you); it never barges in."""

    reaction: Reaction


@dataclass(frozen=True)
class Pitch:
    """Say the rundown's next sentence, if it has one."""


@dataclass(frozen=True)
class Idle:
    """Nothing to start now. When `next` also returned events (a stale comment skipped), the step did work:
    the caller counts it as busy and asks again at once."""


Decision = Speak | Answer | AnswerGroup | React | Pitch | Idle


class Scheduler:
    """The waiting comments and the policy that picks what is said next (see the module)."""

    def __init__(self, *, max_queue: int = 200, reactions: ReactionPolicy | None = None,
                 max_turn_s: float = MAX_TURN_S, length: Callable[[Triaged], float] = short_s) -> None:
        """`max_turn_s`: the seconds of speech a turn answering several viewers may take (0: one comment per
        turn, none folded); `length`: the seconds of a comment's short answer, by name (a pure function of
        the comment)."""
        self.max_turn_s, self.length = max_turn_s, length
        self.queue: CommentQueue[Triaged] = CommentQueue(max_size=max_queue)
        self.reactions = reactions or ReactionPolicy(None, "en")  # room events waiting for a reaction
        self._reacted_last = False  # the last line started was a reaction: the next one answers, if any waits
        self._reactions = 0  # reaction lines started so far
        self._since: dict[str, int] = {}  # waiting comment id → reaction lines started before it waited
        self.identity = IdentityQuestions()  # "are you a real person?": answered first, never shed
        self._queued_at: dict[str, float] = {}  # comment id → programme s it joined the queue
        self._shed = 0

    # -- comments in ----------------------------------------------------------------------------
    def admit(self, tri: Triaged, now_s: float, *, mono: float | None = None) -> list[Event]:
        """Take a triaged comment at programme time `now_s` (`mono`: the aging clock, time.monotonic();
        `now_s` when not given). Triage skipped it: CommentSkipped, with the comment's outcome flags. "Are you
        real?" waits apart, never shed. Else it joins the queue, and a full queue sheds its lowest priority
        (maybe this one): CommentQueued, then a CommentShed for each comment shed."""
        if tri.skip_reason:
            flags = (f"intent:{tri.intent.value}", f"lang:{tri.lang}", *tri.flags)
            return [CommentSkipped(tri.comment.id, tri.skip_reason, flags)]
        # a reaction on air (the last line started) already delays this comment by one line
        self._since[tri.comment.id] = self._reactions - self._reacted_last
        if tri.intent is Intent.IDENTITY:  # not queued, so never shed: answered at the host's next turn
            self.identity.ask(tri)
            return [CommentQueued(tri, now_s, identity=True)]
        self._queued_at[tri.comment.id] = now_s
        out: list[Event] = [CommentQueued(tri, now_s)]
        for shed in self.queue.push(tri, tri.priority, now=now_s if mono is None else mono):
            self._queued_at.pop(shed.comment.id, None)
            out.append(CommentShed(shed.comment.id, SHED_REASON))
            self._shed += 1
            if self._shed in (1, 10, 100) or self._shed % 1000 == 0:
                log.warning("comment queue full: %d comments shed so far (lowest priority first)", self._shed)
        return out

    def admit_events(self, kind: EventKind, events: tuple[RoomEvent, ...], now_s: float) -> list[Event]:
        """Take room events of one kind at programme time `now_s`: they wait for a reaction, except those
        rate limited (an EventsSettled with their outcomes)."""
        skipped = [o for e in events if (o := self.reactions.admit(e, now_s)) is not None]
        return [EventsSettled(kind, tuple(skipped))] if skipped else []

    def _expired(self, now_s: float) -> list[Event]:
        """Room events that waited too long for a reaction, skipped as stale (one EventsSettled per kind)."""
        return _by_kind(self.reactions.expire(now_s))

    def drop_events(self, reason: str) -> list[Event]:
        """The show is over: every room event still waiting is skipped, with `reason`."""
        return _by_kind(self.reactions.drop(reason))

    def requeue(self, tri: Triaged, now_s: float, *, identity: bool, mono: float | None = None) -> None:
        """Put back a comment taken with `next` whose answer could not be recorded (a full disk): answered later.
        "Are you real?" goes back to the front of its waiters. A queued comment keeps no joining time, so it
        does not go stale (the queue has room: it was just taken from it)."""
        if identity:
            self.identity.ask_again(tri)
        else:
            self.queue.push(tri, tri.priority, now=now_s if mono is None else mono)

    # -- what next ------------------------------------------------------------------------------
    def next(self, s: Situation) -> tuple[Decision, list[Event]]:
        """What to start now, and the events deciding it produced (a CommentSkipped for stale small talk)."""
        if s.operator_line and s.queued_s <= SPEAK_AHEAD_S:
            return Speak("operator"), []
        expired = self._expired(s.now_s)
        if s.held:
            return Idle(), expired
        if s.disclosure_due:
            return Speak("disclosure"), expired
        # A waiting comment is answered now, while a pitch is still on air: the pitch ends at its next word gap
        # and resumes afterwards. Answers already committed are not cut; the next one is prepared while the
        # last second of them plays, so comments stay fresh and nothing waits on the model.
        if len(self) and s.committed_s <= ANSWER_AHEAD_S:
            # a gift, an order, a welcome about to go stale: said first, but never before "are you real?", and
            # never to a comment that already waited through a reaction: one line longer at most, whatever the rate
            if not self._reacted_last and self.identity.due(s.now_s, peek=True) is None and self._undelayed():
                r = self.reactions.next(s.now_s, busy=True)
                if r is not None:
                    return self._react(r), expired
            tri = self.identity.due(s.now_s)  # "are you a real person?" goes first
            if tri is not None:
                self._reacted_last = False
                decision, events = self._turn(tri, s, identity=True)
                return decision, [*expired, *events]
            tri = self.queue.pop(s.mono)
            if tri is not None:
                skipped = self._went_stale(tri, s.now_s)
                if skipped is not None:
                    return Idle(), [*expired, skipped]
                self._reacted_last = False
                decision, events = self._turn(tri, s, identity=False)
                return decision, [*expired, *events]
        if s.queued_s > SPEAK_AHEAD_S:  # speak ahead by one line at most
            return Idle(), expired
        if not len(self):
            r = self.reactions.next(s.now_s, final=s.draining)
            if r is not None:
                return self._react(r), expired
        if s.finishing:
            return Idle(), expired
        return Pitch(), expired

    def _react(self, r: Reaction) -> React:
        self._reacted_last = True
        self._reactions += 1
        waiting = {t.comment.id for t in self.snapshot()}
        self._since = {k: v for k, v in self._since.items() if k in waiting}
        return React(r)

    def _undelayed(self) -> bool:
        """No waiting comment has waited through a reaction line yet."""
        return all(self._since.get(t.comment.id, self._reactions) >= self._reactions for t in self.snapshot())

    def _turn(self, first: Triaged, s: Situation, *, identity: bool) -> tuple[Decision, list[Event]]:
        """The turn that answers `first`: with it, the waiting comments, best first, as long as they fit in
        `max_turn_s`, and the same question from other viewers; stale small talk met on the way is skipped."""
        events: list[Event] = []
        parts: list[tuple[Triaged, list[Triaged]]] = [(first, [])]
        total = self.length(first)
        taken: list[Triaged] = []
        left_waiting = False
        for tri in self.queue.snapshot()[:SCAN]:
            skipped = self._stale(tri, s.now_s)
            if skipped is not None:
                taken.append(tri)
                events.append(skipped)
                continue
            home = next((p for p in parts if same_question(p[0], tri)), None) if self.max_turn_s > 0 else None
            if home is not None and len(home[1]) < MAX_FOLDED:
                home[1].append(tri)
            elif not left_waiting and len(parts) < MAX_PARTS and total + self.length(tri) <= self.max_turn_s:
                parts.append((tri, []))
                total += self.length(tri)
            else:  # the turn is full: nothing of lower priority jumps ahead of this one (but the same question)
                left_waiting = True
                continue
            total += NAME_S * (home is not None)
            taken.append(tri)
            self._queued_at.pop(tri.comment.id, None)
        self.queue.remove(taken)
        # others wait when a comment is left in the queue, or "are you real?" waits for a later turn (those
        # waiting when it is the answer now hear it now)
        left_waiting = left_waiting or len(self.queue) > 0 or (not identity and len(self.identity) > 0)
        grouped = len(parts) > 1
        answers = [Answer(t, identity=identity and t is first, short=grouped or left_waiting or bool(folded),
                          folded=tuple(folded)) for t, folded in parts]
        if not grouped:
            return answers[0], events
        rest = sorted(answers[1:] if identity else answers, key=lambda a: self.length(a.triaged))
        return AnswerGroup(tuple([answers[0], *rest] if identity else rest)), events

    def _stale(self, tri: Triaged, now_s: float) -> CommentSkipped | None:
        """Small talk still waiting that waited too long: skipped with its reason (it leaves the queue)."""
        reason = stale_reason(tri, now_s - self._queued_at.get(tri.comment.id, now_s))
        if reason is None:
            return None
        self._queued_at.pop(tri.comment.id, None)
        log.info("comment %s not answered: %s", tri.comment.id, reason)
        return CommentSkipped(tri.comment.id, reason, (STALE_FLAG,))

    def _went_stale(self, tri: Triaged, now_s: float) -> CommentSkipped | None:
        """Small talk that waited too long for its turn (in programme seconds): skipped, with its reason."""
        waited = now_s - self._queued_at.pop(tri.comment.id, now_s)
        reason = stale_reason(tri, waited)
        if reason is None:
            return None
        log.info("comment %s not answered: %s", tri.comment.id, reason)
        return CommentSkipped(tri.comment.id, reason, (STALE_FLAG,))

    # -- "are you real?" ------------------------------------------------------------------------
    def said_ai(self, now_s: float, *, answer: bool) -> list[Triaged]:
        """The host just said it is an AI (`answer`: answering the question; else the spoken disclosure):
        everyone waiting to hear it heard it. Returns them, to be recorded as answered by that line."""
        return self.identity.said(now_s, answer=answer)

    # -- for the console and the end of the show -----------------------------------------------
    def snapshot(self) -> list[Triaged]:
        """The comments waiting, in the order they will be taken ("are you real?" first)."""
        return [*self.identity.waiting, *self.queue.snapshot()]

    def __len__(self) -> int:
        return len(self.queue) + len(self.identity)


def _by_kind(outcomes: list[EventOutcome]) -> list[Event]:
    """Event outcomes as one EventsSettled per kind."""
    kinds: dict[EventKind, list[EventOutcome]] = {}
    for o in outcomes:
        kinds.setdefault(o.event.kind, []).append(o)
    return [EventsSettled(k, tuple(v)) for k, v in kinds.items()]
