"""A busy room, at the scheduler: one turn answers several waiting viewers, shortest first, within MAX_TURN_S
of speech; a lone comment is answered alone, in its long form; "are you real?" stays first; the same question
from several viewers is answered once, to all of them. Plain values, no models (tests/stages/harness.py).
What the host then says, by name and short, is in tests/show/test_busy_room.py."""

from __future__ import annotations

from typing import Any

from dialogue.catalog import Catalog
from dialogue.reactions.policy import ReactionPolicy
from dialogue.types import EventKind, Intent, RoomEvent
from show.events import CommentSkipped, CommentTriaged
from show.stages.scheduler import MAX_PARTS, MAX_TURN_S, Answer, AnswerGroup, Pitch, Scheduler
from tests.stages.harness import At, SchedulerStage, comment, run_stage, tick

SECONDS = {"hoodie": 5.0, "tote": 2.0, "mug": 4.0, "lamp": 4.0, "ship": 3.0, "hi": 1.5, "real": 3.5, "real2": 3.5}


def stage(**kw: Any) -> SchedulerStage:
    """A scheduler whose guess at each short answer's length is the table above (by comment id)."""
    return SchedulerStage(Scheduler(length=lambda t: SECONDS.get(t.comment.id.split("#")[0], 3.0), **kw))


def q(id: str, intent: Intent = Intent.PRICE, sku: str | None = None, user: str = "viewer") -> CommentTriaged:
    c = comment(f"question {id}", intent, id=id, user=user)
    c.triaged.product_skus = [sku or id]
    return c


def turns(out: list[Any]) -> list[Answer | AnswerGroup]:
    return [o for o in out if isinstance(o, (Answer, AnswerGroup))]


def ids(turn: Answer | AnswerGroup) -> list[str]:
    parts = turn.parts if isinstance(turn, AnswerGroup) else (turn,)
    return [p.triaged.comment.id for p in parts]


def test_a_lone_comment_is_answered_alone_in_its_long_form() -> None:
    [turn] = turns(run_stage(stage(), [At(0.0), q("hoodie"), tick(1.0)]))
    assert isinstance(turn, Answer) and not turn.short and turn.folded == ()


def test_waiting_questions_share_a_turn_shortest_first_within_the_bound() -> None:
    """By priority while they fit in 12 s (hoodie 5 + tote 2 + mug 4 = 11; shipping's 3 more would not): said
    shortest first, each short. Shipping waits for the next turn, where it is alone: its long form."""
    s = stage()
    out = run_stage(s, [At(0.0), q("hoodie"), q("tote", Intent.STOCK), q("mug", Intent.OPTIONS),
                        q("ship", Intent.SHIPPING), tick(1.0)])
    [turn] = turns(out)
    assert isinstance(turn, AnswerGroup) and ids(turn) == ["tote", "mug", "hoodie"]
    assert sum(SECONDS[i] for i in ids(turn)) <= MAX_TURN_S
    assert all(p.short and not p.identity for p in turn.parts) and turn.barge_in
    assert [t.comment.id for t in s.scheduler.snapshot()] == ["ship"]
    [alone] = turns(run_stage(s, [tick(12.0)]))
    assert isinstance(alone, Answer) and ids(alone) == ["ship"] and not alone.short


def test_a_turn_has_at_most_max_parts_and_what_is_left_waits() -> None:
    s = SchedulerStage(Scheduler(length=lambda t: 1.0))
    out = run_stage(s, [At(0.0), *[q(f"p{i}") for i in range(MAX_PARTS + 2)], tick(1.0)])
    [turn] = turns(out)
    assert isinstance(turn, AnswerGroup) and len(turn.parts) == MAX_PARTS and len(s.scheduler) == 2
    [turn] = turns(run_stage(s, [tick(2.0)]))
    assert isinstance(turn, AnswerGroup) and len(turn.parts) == 2, "the two left share the next turn"


def test_one_long_answer_with_others_waiting_is_short_but_alone() -> None:
    s = SchedulerStage(Scheduler(length=lambda t: 8.0))
    [turn] = turns(run_stage(s, [At(0.0), q("a"), q("b"), tick(1.0)]))
    assert isinstance(turn, Answer) and turn.short, "8 + 8 s would not fit in one turn; b waits, so a is short"


def test_small_talk_does_not_jump_ahead_of_a_question_that_did_not_fit() -> None:
    s = stage()
    out = run_stage(s, [At(0.0), q("hoodie"), q("mug", Intent.OPTIONS), q("lamp", Intent.OPTIONS),
                        comment("hi!", Intent.GREETING, id="hi"), tick(1.0)])
    [turn] = turns(out)
    assert ids(turn) == ["mug", "hoodie"], "the lamp (4 s) does not fit after 9 s; the greeting waits behind it"
    assert [t.comment.id for t in s.scheduler.snapshot()] == ["lamp", "hi"]


def test_are_you_real_comes_first_in_a_turn_and_the_others_who_asked_hear_it() -> None:
    s = stage()
    out = run_stage(s, [At(0.0), q("tote", Intent.STOCK), comment("are you real?", Intent.IDENTITY, id="real"),
                        comment("are you a real person?", Intent.IDENTITY, id="real2"), q("hoodie"), tick(1.0)])
    [turn] = turns(out)
    assert isinstance(turn, AnswerGroup) and ids(turn) == ["real", "tote", "hoodie"]
    assert turn.parts[0].identity and turn.parts[0].short and not any(p.identity for p in turn.parts[1:])
    # once it is said, everyone else who asked heard it: recorded as answered by that line, not a turn of its own
    assert [t.comment.id for t in s.scheduler.said_ai(1.5, answer=True)] == ["real2"]
    assert isinstance(run_stage(s, [tick(13.0)])[-1], Pitch)


def test_are_you_real_waiting_its_20_s_does_not_hold_up_a_turn() -> None:
    s = stage()
    run_stage(s, [At(0.0), comment("are you real?", Intent.IDENTITY, id="real"), tick(1.0)])
    s.scheduler.said_ai(1.0, answer=True)
    out = run_stage(s, [At(5.0), comment("are you real?", Intent.IDENTITY, id="real2"), q("tote", Intent.STOCK),
                        q("hoodie"), tick(5.0)])
    [turn] = turns(out)
    assert ids(turn) == ["tote", "hoodie"] and all(p.short for p in turn.parts)
    assert [t.comment.id for t in s.scheduler.snapshot()] == ["real2"], "answered when its 20 s are up"


def test_the_same_question_from_several_viewers_is_answered_once_to_all_of_them() -> None:
    s = stage()
    out = run_stage(s, [At(0.0), q("hoodie", user="dan"), q("tote", Intent.STOCK),
                        q("hoodie#2", sku="hoodie", user="ana"), q("stock", Intent.STOCK, sku="hoodie"),
                        q("mug", user="sofia"), tick(1.0)])
    [turn] = turns(out)
    assert isinstance(turn, AnswerGroup)
    by_id = {p.triaged.comment.id: p for p in turn.parts}
    assert [t.comment.id for t in by_id["hoodie"].folded] == ["hoodie#2"], "the same price question, folded"
    assert "stock" in by_id and by_id["stock"].folded == (), "stock of the same product is another question"
    assert all(p.short for p in turn.parts)
    assert [t.comment.id for t in s.scheduler.snapshot()] == ["mug"], "5 + 2 + 0.6 (a name) + 3 s: 4 more do not fit"


def test_a_repeat_is_folded_even_into_a_lone_answer_which_is_then_short() -> None:
    s = stage()
    [turn] = turns(run_stage(s, [At(0.0), q("hoodie", user="dan"), q("hoodie#2", sku="hoodie", user="ana"),
                                 tick(1.0)]))
    assert isinstance(turn, Answer) and turn.short and [t.comment.id for t in turn.comments] == ["hoodie", "hoodie#2"]


def test_stale_small_talk_met_while_filling_a_turn_is_skipped_with_it() -> None:
    s = stage()
    out = run_stage(s, [At(0.0), comment("thanks!", Intent.THANKS, id="thx"), q("hoodie"), q("tote", Intent.STOCK),
                        tick(40.0)])
    assert [o.comment_id for o in out if isinstance(o, CommentSkipped)] == ["thx"]
    [turn] = turns(out)
    assert ids(turn) == ["tote", "hoodie"] and len(s.scheduler) == 0


def test_are_you_real_heads_its_turn_before_any_reaction(shop_en: Catalog) -> None:
    s = Scheduler(reactions=ReactionPolicy(shop_en, "en"))
    s.admit_events(EventKind.GIFT, (RoomEvent("g", "ola", EventKind.GIFT, gift="Rocket", value=500),), 0.0)
    s.admit(comment("are you a real person?", Intent.IDENTITY, id="who").triaged, 0.0)
    s.admit(q("tote", Intent.STOCK).triaged, 0.0)
    first, _ = s.next(tick(5.0))
    assert isinstance(first, AnswerGroup) and ids(first) == ["who", "tote"] and first.parts[0].identity
