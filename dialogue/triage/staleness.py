"""Small talk goes stale: a greeting or a thanks answered a minute after it was typed is said to nobody.

Questions never go stale here (a viewer still wants the price after a burst); the queue's aging makes
sure they are reached. Greetings, thanks and off-topic chatter that waited longer than the limit are
skipped with a reason instead, so after a burst the host answers what is still worth answering.
"""

from __future__ import annotations

from dialogue.types import INTENT_PRIORITY, Intent, Triaged

SMALL_TALK_STALE_S = 30.0  # programme seconds a greeting or a thanks may wait for its answer
_SMALL_TALK = INTENT_PRIORITY[Intent.GREETING]  # this priority and below is small talk


def stale_reason(tri: Triaged, waited_s: float, limit_s: float = SMALL_TALK_STALE_S) -> str | None:
    """Why `tri`, after waiting `waited_s` in the queue, is no longer answered; None if it still is."""
    if tri.priority <= _SMALL_TALK and waited_s > limit_s:
        return f"small talk that waited {waited_s:.0f} s (over {limit_s:.0f} s) for its answer"
    return None
