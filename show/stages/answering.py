"""Answering: a comment the scheduler chose → the responder's sentences → the gate → the speaker.

The responder's reply yields sentences that carry their sources, then its draft (`DraftReady`). Each sentence
goes through the gate; what became of the comment is decided from the gate's verdicts: replied once a line was
said, held once one was held for an operator, else skipped (blocked, or nothing to say). An answer begun is
put back in the queue when the operator leaves before any of it was said.

In a busy room the answer is short and by name; a turn that answers several viewers is answered part by part,
each part with its own trace (its first audio is the start of that part), gate decisions and outcome. Viewers
who asked the same question are answered by the same words, addressed to each of them by name: each is settled
with that answer (`folded_with:ID`), and hears it when it starts.

A fixed line's long form says its answer in its first sentence; the rest of it (`tail`) waits, and is said
before the next pitch sentence if the room is still quiet then: the next answer drops it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from compliance.gate import Gate, GateDecision, Utterance, Verdict
from dialogue.engine import DialogueEngine
from dialogue.responder import Reply
from dialogue.rundown import Rundown
from dialogue.triage.language import detect_language
from dialogue.types import Action, Comment, Intent, Triaged
from show.bus import Bus
from show.events import AnswerEnded, AnswerPutBack, AnswerStarted, CommentSettled, DraftReady
from show.outcomes import joined
from show.stages.holds import Holds
from show.trace import Trace

Say = Callable[[Utterance, Trace | None], tuple[GateDecision, bool]]  # the gate's decision, and whether it was said


@dataclass(frozen=True)
class Sentence:
    """One sentence of a reply, in its own language, with the catalog entries it rests on."""

    text: str
    lang: str
    sources: tuple[str, ...]


def sentences(reply: Reply, tri: Triaged) -> Iterator[Sentence]:
    """The reply's sentences as they are released; its draft is complete afterwards (`reply.draft`)."""
    for text in reply:
        # spoken in the sentence's own language: a catalog sentence keeps the catalog's, whatever the viewer's
        said = detect_language(text, default=tri.lang)
        yield Sentence(text, tri.lang if said == "und" else said, reply.sources)


class Answering:
    """Answers one comment at a time on the show's thread."""

    def __init__(self, *, engine: DialogueEngine, gate: Gate, rundown: Rundown, holds: Holds, bus: Bus,
                 received_at: Callable[[str], float | None]) -> None:
        self.engine, self.gate, self.rundown, self.holds, self.bus = engine, gate, rundown, holds, bus
        self.received_at = received_at
        self.answering: Comment | None = None  # the comment being answered (read by the console)
        self.tail: list[Utterance] = []  # the rest of a long answer: said while nobody waits, else dropped

    def answer(self, tri: Triaged, say: Say, *, put_back: Callable[[Triaged], None],
               said_ai: Callable[[str, str], None], short: bool = False, folded: tuple[Triaged, ...] = (),
               grouped: bool = False) -> None:
        """Answer `tri`: `say` gates and speaks each sentence; `put_back` queues it again (the operator left
        before a word was said); `said_ai(text, by)` tells the "are you real?" waiters they heard it. `short`:
        others wait, so the short form, by name; `folded`: the same question from other viewers, answered by the
        same words; `grouped`: one part of a turn that answers several viewers."""
        c = self.answering = tri.comment
        self.tail.clear()  # someone else waits now: the rest of the last answer is not said
        tr = Trace(c.id, "answer")
        tr.mark("received", self.received_at(c.id))
        tr.mark("triaged")
        self.bus.publish(AnswerStarted(tri, tr))
        for f in folded:  # they hear the answer when it starts: their traces follow this one
            ftr = Trace(f.comment.id, "answer")
            ftr.mark("received", self.received_at(f.comment.id))
            ftr.mark("triaged")
            tr.followers.append(ftr)
            self.bus.publish(AnswerStarted(f, ftr))
        t0 = time.monotonic()
        to = tuple(t.comment.user for t in (tri, *folded))
        reply = self.engine.respond(tri, current_sku=self.rundown.current_sku, short=short or bool(folded), to=to)
        said: str | None = None  # what was said of it so far
        held = blocked = False
        for n, s in enumerate(sentences(reply, tri)):
            if self.holds.unattended():  # the operator left mid-answer: nothing more of it starts
                reply.close()
                if said is None and not held:  # answered once an operator is on duty again
                    for t, ttr in zip((tri, *folded), (tr, *tr.followers), strict=True):
                        self.bus.publish(AnswerPutBack(t.comment.id, ttr))
                        put_back(t)
                    return
                break
            if reply.timing.first_token_s is not None:
                tr.mark("first_token", t0 + reply.timing.first_token_s)
            u = Utterance(kind="answer", text=s.text, lang=s.lang, comment_id=c.id, sources=s.sources)
            if said is not None and reply.essential is not None and n >= reply.essential:
                self.tail.append(u)  # the answer is said; this only adds to it
                continue
            tr.mark("first_sentence")
            d, spoken = say(u, tr)
            held = held or d.verdict is Verdict.HOLD
            blocked = blocked or d.verdict is Verdict.BLOCK
            if spoken:
                said = joined(said, s.text)
        extra = ("grouped",) if grouped else ()
        self._settle(tri, reply, said, held, blocked, said_ai, extra)
        flags = (*reply.draft.flags, *extra) if reply.draft is not None else extra
        self.bus.publish(AnswerEnded(c.id, {s: tr.ms("received", s) for s in tr.at}, flags))
        for f, ftr in zip(folded, tr.followers, strict=True):
            self._settle_folded(f, c.id, reply, said, held, blocked, extra)
            self.bus.publish(AnswerEnded(f.comment.id, {s: ftr.ms("received", s) for s in ftr.at},
                                         (*flags, f"folded_with:{c.id}")))

    def rest(self) -> Utterance | None:
        """The next sentence of the last answer's rest, if the room stayed quiet (the caller gates and says it)."""
        return self.tail.pop(0) if self.tail else None

    def _settle_folded(self, tri: Triaged, by: str, reply: Reply, said: str | None, held: bool, blocked: bool,
                       extra: tuple[str, ...]) -> None:
        """A viewer who asked the same question as comment `by`: what became of that answer became of theirs."""
        draft = reply.draft
        flags = (*(draft.flags if draft is not None else ()), *extra, f"folded_with:{by}")
        sources = tuple(draft.sources) if draft is not None else ()
        if said is not None:  # on record as answered by that line (the audit log's answered_with)
            self.bus.publish(CommentSettled(tri.comment.id, Action.REPLY, text=said, flags=flags, sources=sources,
                                            answered_with=by))
        elif held or (draft is not None and draft.action is Action.HOLD):
            self.bus.publish(CommentSettled(tri.comment.id, Action.HOLD, text=draft.text if draft else None,
                                            flags=(*flags, "gate:held"), sources=sources))
        else:
            self.bus.publish(CommentSettled(tri.comment.id, Action.SKIP, flags=(*flags, "gate:blocked" if blocked
                                                                                 else "nothing_to_say"),
                                            sources=sources))

    def _settle(self, tri: Triaged, reply: Reply, said: str | None, held: bool, blocked: bool,
                said_ai: Callable[[str, str], None], extra: tuple[str, ...] = ()) -> None:
        """What became of the comment, from the draft and the gate's verdicts on its sentences."""
        c, draft = tri.comment, reply.draft
        flags, sources = (tuple(draft.flags), tuple(draft.sources)) if draft is not None else ((), ())
        flags = (*flags, *extra)
        if draft is not None:
            self.bus.publish(DraftReady(draft))
        if draft is not None and draft.action is Action.HOLD:
            self.gate.submit_draft(draft)
            self.bus.publish(CommentSettled(c.id, Action.HOLD, text=draft.text, flags=flags, sources=sources))
        elif said is not None:
            if tri.intent is Intent.IDENTITY:
                said_ai(said, c.id)
            self.bus.publish(CommentSettled(c.id, Action.REPLY, flags=flags, sources=sources))
        elif held:
            self.bus.publish(CommentSettled(c.id, Action.HOLD, text=draft.text if draft else None,
                                            flags=(*flags, "gate:held"), sources=sources))
        else:
            self.bus.publish(CommentSettled(c.id, Action.SKIP, flags=(*flags, "gate:blocked" if blocked
                                                                      else "nothing_to_say"), sources=sources))
