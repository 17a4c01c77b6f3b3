""""Are you a real person?" never waits in the queue and is never shed.

docs/compliance.md §2: asked if it is a real person, the host says it is an AI. A flood fills the queue
with older questions and sheds what arrives after, so this question does not go through it: the host answers
it at its next turn, before any queued comment. A room asking it all at once hears it once: everyone who asked
before the host said it is an AI (its answer to someone else's question, or the spoken disclosure) is answered
by that line. Answering it again waits until `repeat_s` after the last answer, so a troll flood cannot take the
air; the disclosure answers those waiting but starts no wait, so a lone viewer who just missed it is answered
at once.
"""

from __future__ import annotations

from dialogue.types import Triaged

AI_REPEAT_S = 20.0  # programme seconds: the longest anyone waits to hear "I am an AI" once it has just been said


class IdentityQuestions:
    """The viewers waiting to hear whether the host is a real person, oldest first (programme time)."""

    def __init__(self, repeat_s: float = AI_REPEAT_S) -> None:
        self.repeat_s = repeat_s
        self.waiting: list[Triaged] = []
        self.said_at: float | None = None  # when the host last answered the question

    def ask(self, tri: Triaged) -> None:
        self.waiting.append(tri)

    def ask_again(self, tri: Triaged) -> None:
        """A question taken with `due` whose answer could not be given (e.g. the audit log was full)."""
        self.waiting.insert(0, tri)

    def due(self, now: float, *, peek: bool = False) -> Triaged | None:
        """The question to answer now: the oldest waiting, unless the host answered it under `repeat_s` ago
        (those who asked since hear it when that time is up). `peek`: say which, but leave it waiting."""
        if not self.waiting or (self.said_at is not None and now - self.said_at < self.repeat_s):
            return None
        return self.waiting[0] if peek else self.waiting.pop(0)

    def said(self, now: float, *, answer: bool = True) -> list[Triaged]:
        """The host said it is an AI at `now` (`answer`: answering the question; else the disclosure): everyone
        still waiting heard it. Returns them."""
        if answer:
            self.said_at = now
        heard, self.waiting = self.waiting, []
        return heard

    def __len__(self) -> int:
        return len(self.waiting)
