"""A stage harness, in the manner of pipecat's `run_test(processor, frames_in, expected_out)`: feed a stage
typed inputs, get its typed outputs back in order, and compare them with what was expected. No models, no
threads, no bus.

A stage is anything with `handle(item) -> list[...]`. The scheduler is driven through `SchedulerStage`,
which admits CommentTriaged events at the harness's clock (set with `At`) and turns a Situation into the
events `next` produced followed by its decision.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from dialogue.types import Comment, Intent, Triaged
from show.events import CommentTriaged, Event
from show.stages.scheduler import Decision, Scheduler, Situation

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)


class Stage(Protocol[In, Out]):
    """One step of the show that turns each input into the outputs it produced, in order."""

    def handle(self, item: In, /) -> Sequence[Out]: ...


def run_stage(stage: Stage[Any, Any], inputs: Iterable[Any]) -> list[Any]:
    """Feed `inputs` to `stage` one at a time; everything it put out, in order. A stage keeps its state
    between calls, so a test can run it in several rounds and look at it in between."""
    out: list[Any] = []
    for item in inputs:
        out.extend(stage.handle(item))
    return out


def expect(stage: Stage[Any, Any], inputs: Iterable[Any], expected: Sequence[Any]) -> list[Any]:
    """`run_stage`, then check the outputs one for one against `expected`: a type matches any instance of
    it, anything else must be equal. Returns the outputs for further checks."""
    out = run_stage(stage, inputs)
    ok = len(out) == len(expected) and all(
        isinstance(o, e) if isinstance(e, type) else o == e for o, e in zip(out, expected, strict=True))
    assert ok, "stage output differs:\n  got      " + "\n           ".join(map(repr, out)) + \
        "\n  expected " + "\n           ".join(map(repr, expected))
    return out


# -- the scheduler as a stage --------------------------------------------------------------------------
@dataclass(frozen=True)
class At:
    """Set the harness's clock: the comments that follow are admitted at programme time `now_s` and aging
    clock `mono` (`now_s` when not given)."""

    now_s: float
    mono: float | None = None


class SchedulerStage:
    """The Scheduler behind `handle`: At sets the clock, CommentTriaged is admitted at it, and a Situation
    moves the clock to its own times and yields the events of `next`, then its decision."""

    def __init__(self, scheduler: Scheduler | None = None, *, max_queue: int = 200) -> None:
        self.scheduler = Scheduler(max_queue=max_queue) if scheduler is None else scheduler
        self.now_s, self.mono = 0.0, 0.0

    def handle(self, item: At | CommentTriaged | Situation) -> list[Event | Decision]:
        if isinstance(item, At):
            self.now_s, self.mono = item.now_s, item.now_s if item.mono is None else item.mono
            return []
        if isinstance(item, CommentTriaged):
            return list(self.scheduler.admit(item.triaged, self.now_s, mono=self.mono))
        if isinstance(item, Situation):
            self.now_s, self.mono = item.now_s, item.mono
            decision, events = self.scheduler.next(item)
            return [*events, decision]
        raise TypeError(f"the scheduler takes At, CommentTriaged or Situation, not {type(item).__name__}")


# -- plain values --------------------------------------------------------------------------------------
_ids = itertools.count(1)


def triaged(text: str, intent: Intent, *, id: str | None = None, lang: str = "en", skip: str | None = None,
            flags: Iterable[str] = (), user: str = "viewer") -> Triaged:
    """A comment as triage would leave it, built by hand: no models, no rules."""
    c = Comment(id=id or f"c{next(_ids)}", user=user, text=text)
    return Triaged(c, lang, intent, flags=list(flags), skip_reason=skip)


def comment(text: str, intent: Intent, **kw: Any) -> CommentTriaged:
    """The CommentTriaged event for `triaged(text, intent, **kw)`."""
    tri = triaged(text, intent, **kw)
    return CommentTriaged(tri.comment, tri)


def tick(now_s: float, *, mono: float | None = None, held: bool = False, operator_line: bool = False,
         disclosure_due: bool = False, committed_s: float = 0.0, queued_s: float = 0.0,
         finishing: bool = False) -> Situation:
    """A Situation at programme time `now_s` (aging clock `mono`, `now_s` when not given): by default on
    air, nothing held, nothing due, nothing committed or queued."""
    return Situation(now_s=now_s, mono=now_s if mono is None else mono, held=held, operator_line=operator_line,
                     disclosure_due=disclosure_due, committed_s=committed_s, queued_s=queued_s,
                     finishing=finishing)
