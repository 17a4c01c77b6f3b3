"""What waited in the queue and is no longer worth saying when its turn comes.

Small talk goes stale: a greeting or a thanks answered a minute after it was typed is said to nobody.
Greetings, thanks and off-topic chatter that waited longer than the limit are skipped with a reason, so
after a burst the host answers what is still worth answering. Questions never go stale here (a viewer still
wants the price after a burst); the queue's aging makes sure they are reached.

"Are you a real person?" is answered before anything else (COMPLIANCE.md §2), but a room asking it all at
once needs to hear "I am an AI" once, not two hundred times: a viewer who asked it and has since heard the
host say it is an AI (its answer to the same question from someone else, or the spoken disclosure) was
answered by that line.
"""

from __future__ import annotations

from typing import NamedTuple

from dialogue.types import INTENT_PRIORITY, Intent, Triaged

SMALL_TALK_STALE_S = 30.0  # programme seconds a greeting or a thanks may wait for its answer
_SMALL_TALK = INTENT_PRIORITY[Intent.GREETING]  # this priority and below is small talk


class Stale(NamedTuple):
    flag: str  # for the comment's outcome, e.g. "stale:small_talk"
    reason: str  # for the audit log and the run log


def stale_reason(tri: Triaged, waited_s: float, limit_s: float = SMALL_TALK_STALE_S, *,
                 ai_said_s_ago: float | None = None) -> Stale | None:
    """Why `tri`, after waiting `waited_s` in the queue, is no longer answered; None if it still is.
    `ai_said_s_ago`: how long ago the host last said it is an AI (None: not yet)."""
    if tri.intent is Intent.IDENTITY and ai_said_s_ago is not None and ai_said_s_ago <= waited_s:
        return Stale("answered:ai_said", f"the host said it is an AI {ai_said_s_ago:.0f} s ago, "
                                         f"after this question was asked {waited_s:.0f} s ago")
    if tri.priority <= _SMALL_TALK and waited_s > limit_s:
        return Stale("stale:small_talk", f"small talk that waited {waited_s:.0f} s (over {limit_s:.0f} s) for its answer")
    return None
