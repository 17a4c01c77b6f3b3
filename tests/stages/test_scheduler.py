"""The scheduler's policies, with plain values and no models: comments and situations in, events and
decisions out (tests/stages/harness.py). The queue's own policies (aging, shedding, requeueing) are shown one
comment per turn (`max_turn_s=0`); a busy room's turns are in tests/stages/test_busy_room.py."""

from __future__ import annotations

from typing import Any

import pytest

from dialogue.types import Intent
from show.events import CommentQueued, CommentShed, CommentSkipped, CommentTriaged
from show.stages.scheduler import Answer, AnswerGroup, Idle, Pitch, Scheduler, Speak
from tests.stages.harness import At, SchedulerStage, comment, expect, run_stage, tick


def answers(out: list[Any]) -> list[Answer]:
    """The answers the scheduler chose, in order (a turn's parts one by one)."""
    return [a for o in out if isinstance(o, (Answer, AnswerGroup))
            for a in (o.parts if isinstance(o, AnswerGroup) else (o,))]


def answered(out: list[Any]) -> list[str]:
    """The ids of the comments the scheduler chose to answer, in order (those folded in after theirs)."""
    return [t.comment.id for a in answers(out) for t in a.comments]


def one_at_a_time(max_queue: int = 200) -> SchedulerStage:
    """A scheduler that answers one comment per turn: the queue's own order shows."""
    return SchedulerStage(Scheduler(max_queue=max_queue, max_turn_s=0))


def price(id: str) -> CommentTriaged:
    return comment(f"how much is the hoodie? ({id})", Intent.PRICE, id=id)


def real(id: str) -> CommentTriaged:
    return comment("are you a real person?", Intent.IDENTITY, id=id)


# -- aging ---------------------------------------------------------------------------------------------
def test_a_greeting_that_waited_long_enough_overtakes_a_newer_question() -> None:
    """Priority + 0.5 per second waited: a greeting (2) that waited 11 s is worth 7.5, over a new shipping
    question (7); after 9 s it is worth 6.5 and the question goes first."""
    for asked_at, first in [(11.0, "hi"), (9.0, "ship")]:
        out = run_stage(one_at_a_time(), [At(0.0), comment("hi!", Intent.GREETING, id="hi"),
                                          At(asked_at), comment("how long is shipping?", Intent.SHIPPING, id="ship"),
                                           tick(asked_at), tick(asked_at)])
        assert answered(out) == [first, *({"hi", "ship"} - {first})]


def test_the_queue_ages_on_its_own_clock_not_the_programme_s() -> None:
    """Eleven programme seconds but one second on the aging clock (a fast replay): the greeting has not aged."""
    out = run_stage(one_at_a_time(), [At(0.0, mono=100.0), comment("hi!", Intent.GREETING, id="hi"),
                                      At(11.0, mono=101.0), comment("shipping?", Intent.SHIPPING, id="ship"),
                                      tick(11.0, mono=101.0)])
    assert answered(out) == ["ship"]


# -- shedding ------------------------------------------------------------------------------------------
def test_a_full_queue_sheds_its_lowest_priority_with_the_reason() -> None:
    stage = one_at_a_time(max_queue=3)
    p, g, s, b, t = (price("p"), comment("hi!", Intent.GREETING, id="g"),
                     comment("shipping?", Intent.SHIPPING, id="s"), comment("I'll take two", Intent.PURCHASE, id="b"),
                     comment("thanks!", Intent.THANKS, id="t"))
    expect(stage, [At(5.0), p, g, s], [CommentQueued(x.triaged, 5.0) for x in (p, g, s)])
    expect(stage, [b], [CommentQueued(b.triaged, 5.0), CommentShed("g", "queue full")])  # the greeting leaves
    expect(stage, [t], [CommentQueued(t.triaged, 5.0), CommentShed("t", "queue full")])  # the lowest is itself
    assert [x.comment.id for x in stage.scheduler.snapshot()] == ["b", "p", "s"]
    out = run_stage(stage, [tick(6.0)] * 4)
    assert answered(out) == ["b", "p", "s"] and isinstance(out[-1], Pitch), "the shed are never answered"


# -- "are you real?" -----------------------------------------------------------------------------------
def test_are_you_real_is_answered_first_and_never_shed_in_a_flood() -> None:
    stage = one_at_a_time(max_queue=5)
    flood = [price(f"q{i}") for i in range(10)] + [real("real")] + [price(f"q{i}") for i in range(10, 40)]
    out = run_stage(stage, [At(0.0), *flood])
    shed = [o.comment_id for o in out if isinstance(o, CommentShed)]
    assert len(shed) == 35 and "real" not in shed, "a flood sheds the questions that came late, never this one"
    assert CommentQueued(flood[10].triaged, 0.0, identity=True) in out
    assert stage.scheduler.snapshot()[0].comment.id == "real" and len(stage.scheduler) == 6
    expect(stage, [tick(1.0)], [Answer(flood[10].triaged, identity=True, short=True)])  # others wait: short
    assert answered(run_stage(stage, [tick(2.0)])) == ["q0"]
    grouped = SchedulerStage(max_queue=5)
    run_stage(grouped, [At(0.0), *flood])
    [turn] = [o for o in run_stage(grouped, [tick(1.0)]) if isinstance(o, AnswerGroup)]
    assert turn.parts[0].triaged.comment.id == "real" and turn.parts[0].identity, "first in a turn of several too"


def test_a_room_asking_are_you_real_hears_it_once() -> None:
    """Everyone waiting heard the answer; who asks again within 20 s of it waits that long."""
    stage = SchedulerStage()
    sched = stage.scheduler
    assert answered(run_stage(stage, [At(0.0), real("r1"), real("r2"), price("q"), tick(1.0)])) == ["r1", "q"]
    assert [t.comment.id for t in sched.said_ai(1.0, answer=True)] == ["r2"]
    assert answered(run_stage(stage, [tick(2.0)])) == []
    out = run_stage(stage, [At(5.0), real("r3"), tick(5.0)])
    assert isinstance(out[-1], Pitch) and len(sched) == 1, "said 4 s ago: r3 hears it when 20 s are up"
    assert answered(run_stage(stage, [tick(21.0)])) == ["r3"]


def test_the_disclosure_answers_those_waiting_but_starts_no_wait() -> None:
    stage = SchedulerStage()
    run_stage(stage, [At(0.0), real("r1")])
    assert [t.comment.id for t in stage.scheduler.said_ai(0.0, answer=False)] == ["r1"]
    assert answered(run_stage(stage, [At(1.0), real("r2"), tick(1.0)])) == ["r2"]


# -- barge-in ------------------------------------------------------------------------------------------
def test_an_answer_barges_in_on_a_pitch_on_air() -> None:
    out = run_stage(SchedulerStage(), [At(0.0), price("q"), real("r"),
                                       tick(1.0, committed_s=0.8), tick(2.0, committed_s=0.8)])
    assert [a.identity for a in answers(out)] == [True, False]
    assert all(o.barge_in for o in out if isinstance(o, (Answer, AnswerGroup))), \
        "a pitch on air ends at its next word gap for an answer"


# -- stale small talk ----------------------------------------------------------------------------------
def test_stale_small_talk_is_skipped_with_its_reason_while_a_question_as_old_is_answered() -> None:
    for stage in (one_at_a_time(), SchedulerStage()):
        out = run_stage(stage, [At(0.0), comment("hi!", Intent.GREETING, id="hi"), price("q"),
                                comment("thanks!", Intent.THANKS, id="thx"),
                                At(35.0), comment("hello!", Intent.GREETING, id="hello"),
                                tick(40.0), tick(40.0), tick(40.0), tick(40.0)])
        out = [o for o in out if not isinstance(o, CommentQueued)]
        assert sorted(answered(out)) == ["hello", "q"], "the question waited as long and is answered; fresh small talk too"
        skipped = [o for o in out if isinstance(o, CommentSkipped)]
        assert [s.comment_id for s in skipped] == ["hi", "thx"]
        assert all(s.flags == ("stale:small_talk",) for s in skipped)
        assert skipped[0].reason == "small talk that waited 40 s (over 30 s) for its answer"
    stage = one_at_a_time()
    out = run_stage(stage, [At(0.0), comment("hi!", Intent.GREETING, id="hi"), At(40.0), tick(40.0)])
    assert out[1:] == [CommentSkipped("hi", "small talk that waited 40 s (over 30 s) for its answer",
                                      ("stale:small_talk",)), Idle()], \
        "one skip per step: the step did work and the next one follows"


@pytest.mark.parametrize(("now_s", "mono", "stale"), [(40.0, 1.0, True), (10.0, 100.0, False)])
def test_small_talk_goes_stale_on_programme_seconds(now_s: float, mono: float, stale: bool) -> None:
    out = run_stage(SchedulerStage(), [At(0.0, mono=0.0), comment("hi!", Intent.GREETING, id="hi"),
                                       tick(now_s, mono=mono)])
    assert isinstance(out[-2], CommentSkipped) is stale and answered(out) == ([] if stale else ["hi"])


# -- the operator, holds and the disclosure ------------------------------------------------------------
def test_an_operator_line_goes_first_even_while_held() -> None:
    stage = SchedulerStage()
    run_stage(stage, [At(0.0), price("q"), real("r")])
    expect(stage, [tick(1.0, held=True, operator_line=True, disclosure_due=True)], [Speak("operator")])
    expect(stage, [tick(1.0, operator_line=True, disclosure_due=True)], [Speak("operator")])
    assert len(stage.scheduler) == 2
    # one line ahead at most: with speech queued the operator's line waits, and the step goes on without it
    expect(stage, [tick(1.0, held=True, operator_line=True, queued_s=0.5)], [Idle()])
    expect(stage, [tick(1.0, operator_line=True, queued_s=0.5, committed_s=0.5)], [AnswerGroup])


def test_nothing_else_starts_while_held() -> None:
    stage = SchedulerStage()
    run_stage(stage, [At(0.0), price("q"), real("r")])
    for held in [tick(1.0, held=True, disclosure_due=True), tick(1.0, held=True)]:
        expect(stage, [held], [Idle()])
    assert [t.comment.id for t in stage.scheduler.snapshot()] == ["r", "q"], "nothing was taken"
    expect(SchedulerStage(), [tick(1.0, held=True)], [Idle()])  # no pitch either


def test_a_due_disclosure_goes_before_waiting_comments() -> None:
    stage = SchedulerStage()
    run_stage(stage, [At(0.0), price("q"), real("r")])
    expect(stage, [tick(1.0, disclosure_due=True)], [Speak("disclosure")])
    assert len(stage.scheduler) == 2
    assert answered(run_stage(stage, [tick(2.0), tick(3.0)])) == ["r", "q"]
    expect(stage, [tick(4.0, disclosure_due=True, queued_s=2.0, committed_s=3.0)], [Speak("disclosure")])
    assert answered(run_stage(stage, [tick(5.0)])) == []


# -- how far ahead the host speaks ---------------------------------------------------------------------
def test_the_next_answer_starts_when_at_most_a_second_of_speech_is_left() -> None:
    stage = SchedulerStage()
    run_stage(stage, [At(0.0), price("q")])
    expect(stage, [tick(1.0, committed_s=1.01, queued_s=0.5)], [Idle()])
    expect(stage, [tick(1.0, committed_s=1.01, queued_s=0.2)], [Pitch()])  # the pitch goes on meanwhile
    assert len(stage.scheduler) == 1
    expect(stage, [tick(1.0, committed_s=1.0, queued_s=0.5)], [Answer])


def test_no_new_pitch_while_speech_is_queued_or_the_replay_is_over() -> None:
    stage = SchedulerStage()
    expect(stage, [tick(1.0, queued_s=0.3)], [Pitch()])
    expect(stage, [tick(1.0, queued_s=0.31)], [Idle()])
    expect(stage, [tick(1.0, finishing=True)], [Idle()])
    expect(stage, [price("q"), tick(1.0, finishing=True)], [CommentQueued, Answer])  # answers still are


# -- triage's skips, requeues, the waiting list --------------------------------------------------------
def test_a_comment_triage_skipped_is_reported_and_not_queued() -> None:
    stage = SchedulerStage()
    spam = comment("cheap followers at spam.example", Intent.SPAM, id="s", skip="spam", flags=["link"])
    again = comment("are you a real person?", Intent.IDENTITY, id="d", skip="duplicate", lang="zh")
    expect(stage, [spam, again], [CommentSkipped("s", "spam", ("intent:spam", "lang:en", "link")),
                                  CommentSkipped("d", "duplicate", ("intent:identity", "lang:zh"))])
    assert len(stage.scheduler) == 0
    expect(stage, [tick(1.0)], [Pitch()])


def test_an_answer_that_could_not_be_recorded_is_taken_again() -> None:
    """Put back, "are you real?" is first again, and a comment ranks as if it joined the queue now, with no
    joining time left to go stale by."""
    stage = one_at_a_time()
    sched = stage.scheduler
    out = run_stage(stage, [At(0.0), comment("hi!", Intent.GREETING, id="hi"),
                            comment("thanks!", Intent.THANKS, id="thx"), real("r"), tick(1.0), tick(1.0)])
    taken = [o for o in out if isinstance(o, Answer)]
    assert answered(out) == ["r", "hi"]
    run_stage(stage, [real("r2")])  # asked meanwhile: it waits behind the one put back
    sched.requeue(taken[0].triaged, 1.0, identity=True)
    sched.requeue(taken[1].triaged, 1.0, identity=False, mono=1.0)
    assert [t.comment.id for t in sched.snapshot()] == ["r", "r2", "hi", "thx"]
    assert answered(run_stage(stage, [tick(2.0)])) == ["r"]
    assert [t.comment.id for t in sched.said_ai(2.0, answer=True)] == ["r2"]
    out = run_stage(stage, [tick(100.0), tick(100.0)])
    assert answered(out) == ["hi"] and [o.comment_id for o in out if isinstance(o, CommentSkipped)] == ["thx"]


def test_the_harness_matches_types_or_values_and_says_what_differs() -> None:
    with pytest.raises(AssertionError, match="stage output differs"):
        expect(SchedulerStage(), [tick(1.0)], [Idle()])
    with pytest.raises(TypeError):
        run_stage(SchedulerStage(), ["not an input"])
