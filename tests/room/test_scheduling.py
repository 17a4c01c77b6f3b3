"""Room events never starve questions: the scheduler with plain values (tests/stages/harness.py)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from dialogue.catalog import Catalog
from dialogue.reactions.policy import ReactionPolicy
from dialogue.types import EventKind, Intent, RoomEvent
from show.events import EventsSettled
from show.stages.scheduler import Answer, Idle, Pitch, React, Scheduler
from tests.stages.harness import comment, tick

_ids = itertools.count(1)


def events(kind: EventKind, n: int, **kw: object) -> tuple[RoomEvent, ...]:
    return tuple(RoomEvent(f"e{next(_ids)}", f"viewer{next(_ids) % 500}", kind, **kw)  # type: ignore[arg-type]
                 for _ in range(n))


def test_a_question_waits_at_most_one_line_longer_whatever_the_event_rate(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"))
    asked: dict[str, int] = {}  # question id → reactions started so far when it was asked
    waited: dict[str, int] = {}
    reactions = answers = 0
    kinds: set[EventKind] = set()
    for step in range(1200):  # ten minutes in half seconds; each line takes one step
        t = step / 2
        s.admit_events(EventKind.LIKE, events(EventKind.LIKE, 250, count=2), t)
        s.admit_events(EventKind.JOIN, events(EventKind.JOIN, 25), t)
        if step % 4 == 0:
            s.admit_events(EventKind.GIFT, events(EventKind.GIFT, 1, gift="Rose", value=step % 7), t)
        if step % 10 == 0:
            s.admit_events(EventKind.ORDER, events(EventKind.ORDER, 1, sku=shop_en.products[0].sku), t)
        if step % 3 == 0:
            q = comment(f"how much is the hoodie? {step}", Intent.PRICE, id=f"q{step}")
            s.admit(q.triaged, t)
            asked[q.triaged.comment.id] = reactions
        decision, _ = s.next(tick(t))
        if isinstance(decision, React):
            reactions += 1
            kinds.add(decision.reaction.kind)
        elif isinstance(decision, Answer):
            answers += 1
            qid = decision.triaged.comment.id
            waited[qid] = reactions - asked[qid]
    assert answers > 300 and reactions > 20
    # the room is never quiet, yet gifts and orders are thanked, and welcomes and likes before they go stale
    assert kinds == {EventKind.GIFT, EventKind.ORDER, EventKind.JOIN, EventKind.LIKE}, kinds
    # a question asked while a reaction is due can see that one reaction go first, never two
    assert len(waited) == answers and max(waited.values()) <= 1, max(waited.values())


def test_reactions_fill_the_quiet_between_questions_before_the_next_pitch(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"))
    s.admit_events(EventKind.JOIN, events(EventKind.JOIN, 3), 0.0)
    assert isinstance(s.next(tick(1.0))[0], Pitch), "a batch gathers for a moment first"
    d, _ = s.next(tick(4.0))
    assert isinstance(d, React) and d.reaction.text.startswith("Welcome ")
    assert isinstance(s.next(tick(4.5, queued_s=1.0))[0], Idle), "one line ahead at most"


def test_a_welcome_waits_for_the_questions_but_a_gift_is_thanked_between_answers(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"), max_turn_s=0)  # one question per turn: each one shows
    s.admit_events(EventKind.JOIN, events(EventKind.JOIN, 2), 0.0)
    for i in range(3):
        s.admit(comment(f"price? {i}", Intent.PRICE, id=f"q{i}").triaged, 0.0)
    kinds = [type(s.next(tick(10.0 + i))[0]).__name__ for i in range(3)]
    assert kinds == ["Answer", "Answer", "Answer"], "no welcome while questions wait"
    s.admit_events(EventKind.GIFT, events(EventKind.GIFT, 1, gift="Rocket", value=100), 13.0)
    for i in range(2):
        s.admit(comment(f"price? again {i}", Intent.PRICE, id=f"r{i}").triaged, 13.0)
    got = [s.next(tick(15.0 + i))[0] for i in range(3)]
    assert isinstance(got[0], React) and "Rocket" in got[0].reaction.text
    assert isinstance(got[1], Answer) and isinstance(got[2], Answer)


def test_while_held_nothing_is_said_and_old_events_go_stale_with_their_reason(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"))
    joined = events(EventKind.JOIN, 4)
    s.admit_events(EventKind.JOIN, joined, 0.0)
    d, out = s.next(tick(10.0, held=True))
    assert isinstance(d, Idle) and not out
    d, out = s.next(tick(46.0, held=True))
    assert isinstance(d, Idle) and len(out) == 1 and isinstance(out[0], EventsSettled)
    assert [o.event for o in out[0].outcomes] == list(joined)
    assert all(o.flag == "stale" and "stale after 45 s" in o.reason for o in out[0].outcomes)


def test_when_the_replay_is_over_the_last_batches_are_said_at_once(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"))
    s.admit_events(EventKind.LIKE, events(EventKind.LIKE, 5, count=2), 0.0)
    s.admit_events(EventKind.SHARE, events(EventKind.SHARE, 1), 0.0)
    said = []
    for i in range(4):
        d, _ = s.next(replace(tick(0.5 + i), finishing=True, draining=True))
        if isinstance(d, React):
            said.append(d.reaction.kind)
    assert sorted(said) == [EventKind.LIKE, EventKind.SHARE] and s.reactions.pending == 0


def test_are_you_real_is_answered_before_any_reaction(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"), max_turn_s=0)  # one question per turn: each one shows
    s.admit_events(EventKind.GIFT, events(EventKind.GIFT, 1, gift="Rocket", value=500), 0.0)
    s.admit(comment("are you a real person?", Intent.IDENTITY, id="who").triaged, 0.0)
    s.admit(comment("price?", Intent.PRICE, id="q").triaged, 0.0)
    got = [s.next(tick(5.0 + i))[0] for i in range(3)]
    assert isinstance(got[0], Answer) and got[0].identity, "the AI answer first, whatever the room does"
    assert isinstance(got[1], React) and isinstance(got[2], Answer)


def test_a_backlog_of_questions_sees_at_most_one_reaction_each(shop_en: Catalog) -> None:
    """Questions arrive faster than the host answers (one a turn): a backlog builds and each question waits
    through many answers. Gifts and orders are due all the time; still no question waits through two."""
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"), max_turn_s=0)
    seen: dict[str, int] = {}  # question id → reaction lines it waited through so far
    last_was_reaction = False
    reactions = 0
    for step in range(600):
        t = step / 2
        s.admit_events(EventKind.GIFT, events(EventKind.GIFT, 1, gift="Rose", value=1 + step % 9), t)
        if step % 5 == 0:
            s.admit_events(EventKind.ORDER, events(EventKind.ORDER, 1, sku=shop_en.products[0].sku), t)
        if step < 300 and step % 2 == 0:
            for k in range(3):
                q = comment(f"how much is the hoodie? {step}.{k}", Intent.PRICE, id=f"q{step}.{k}")
                s.admit(q.triaged, t)
                seen[q.triaged.comment.id] = int(last_was_reaction)  # a reaction on air delays it too
        decision, _ = s.next(tick(t))
        last_was_reaction = isinstance(decision, React)
        if last_was_reaction:
            reactions += 1
            for qid in [t.comment.id for t in s.snapshot()]:
                seen[qid] += 1
        elif isinstance(decision, Answer):
            assert seen.pop(decision.triaged.comment.id) <= 1
    assert reactions >= 10 and not seen, "every question answered, and the room thanked"
