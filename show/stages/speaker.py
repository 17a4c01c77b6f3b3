"""Speaker: lines the gate cleared → voice → programme.

It takes only `Cleared` lines (made by the gate alone). Each line is voiced (a line someone waits for, an
answer or the operator's, a clause at a time), put on record (`LineCommitted`, a critical event: the audit
log's `spoken` entry) and queued on the programme, unless the operator's presence changed while it was voiced
(`LineWithdrawn`). Its first audio is a `LineStarted`; a line the programme stopped early is a `LineCut`,
published on the show's thread by `settle_cuts`.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from typing import TypeGuard

from avatar.program import Program
from compliance.gate import Cleared, Utterance
from show.bus import Bus
from show.events import LineCommitted, LineCut, LineCutHow, LineStarted, LineWithdrawn
from show.stages.holds import Holds
from show.stages.voices import ClauseStream, one_part
from show.trace import Trace
from voice.tts.base import TTSBackend
from voice.types import Speech

INTERRUPTIBLE = ("pitch",)  # a comment may end these at a word gap; answers and disclosures finish
CLAUSE_BY_CLAUSE = ("answer", "operator")  # lines someone is waiting for: voiced a clause at a time
_STOPS = ("interrupted", "dropped", "cut")


def _stops(kind: str) -> TypeGuard[LineCutHow]:
    """A programme event that ends a line before its end (see avatar.program.Queued)."""
    return kind in _STOPS

Unsaid = Callable[[], None]  # called when a line is not said after all (withdrawn, or stopped early)


class Speaker:
    """Says cleared lines on the programme; runs on the show's thread (the programme calls back on its own)."""

    def __init__(self, *, program: Program, voice: TTSBackend, holds: Holds, bus: Bus) -> None:
        self.program, self.voice, self.holds, self.bus = program, voice, holds, bus
        self.clauses = ClauseStream(voice)
        self.on_air: Utterance | None = None  # the line whose audio went out last (read by the console)
        self._cuts: queue.Queue[tuple[LineCutHow, Utterance, float, Unsaid | None]] = queue.Queue()

    def _parts(self, u: Utterance) -> Iterator[Speech]:
        # a reply starts with its first clause while the rest is voiced: the viewer hears it sooner
        if u.kind in CLAUSE_BY_CLAUSE:
            return self.clauses.stream(u.text, u.lang)
        return one_part(self.voice, u.text, u.lang)

    def speak(self, line: Cleared, trace: Trace | None = None, *, on_unsaid: Unsaid | None = None,
              interruptible: bool | None = None) -> bool:
        """Voice a cleared line and queue it on the programme; False when it was withdrawn because the
        operator's presence changed while it was voiced. `trace`: the answer's, kept for all its sentences.
        `interruptible`: a comment may end it at a word gap (default: by its kind; the rest of a long answer,
        said while nobody waits, is too)."""
        if not isinstance(line, Cleared):
            raise TypeError(f"the speaker says only lines the gate cleared, not {type(line).__name__}")
        u = line.utterance
        tr = trace or Trace(u.id, u.kind, u.text)
        tr.text = tr.text or u.text
        tr.mark("gated")
        parts = self._parts(u)
        speech = next(parts)
        tr.mark("synthesised")
        ended: list[str] = []  # the line's stop event, once for all its parts

        def on_event(kind: str, pts: float) -> None:
            if kind in ("first_audio", "mouth_open"):
                first = kind not in tr.at  # a reply's later sentences leave its trace as it was
                tr.mark(kind)
                if kind == "first_audio":
                    self.on_air = u
                    latency = (round((tr.at["first_audio"] - tr.at["received"]) * 1000, 1)
                               if first and "received" in tr.at else None)
                    others = tuple(round((f.at["first_audio"] - f.at["received"]) * 1000, 1)
                                   for f in tr.followers if latency is not None and "received" in f.at)
                    self.bus.publish(LineStarted(u, pts, speech, latency, others))
            elif _stops(kind) and not ended:
                ended.append(kind)
                self._cuts.put((kind, u, pts, on_unsaid))

        def later(kind: str, pts: float) -> None:  # the rest of the line: only how it ended counts
            if kind in _STOPS:
                on_event(kind, pts)

        interruptible = u.kind in INTERRUPTIBLE if interruptible is None else interruptible
        due = False
        try:
            with self.holds.committing(u) as may:
                if may:  # on record before it is on air (a fallback voice for its rest has an entry of its own)
                    self.bus.publish(LineCommitted(u, speech.voice, None if trace is not None else tr))
                    due = True
                    self.program.enqueue(speech, tag=u.id, on_event=on_event, kind=u.kind, interruptible=interruptible)
        finally:
            if not due and on_unsaid is not None:  # e.g. a pitch sentence not said now comes later
                on_unsaid()
        if not due:
            self.bus.publish(LineWithdrawn(u, "the operator is back" if u.kind == "holding" else "no operator on duty"))
            return False
        for rest in parts:  # voiced while the first clause plays
            if not ended:  # the first clause was not stopped (the operator's STOP) while this part was voiced
                self.program.enqueue(rest, tag=u.id, on_event=later, kind=u.kind, interruptible=interruptible)
        self.holds.line_queued(u)
        return True

    def settle_cuts(self) -> None:
        """Lines the programme stopped early: published on the show's thread (the audit log records them)."""
        while True:
            try:
                how, u, pts, unsaid = self._cuts.get_nowait()
            except queue.Empty:
                return
            self.bus.publish(LineCut(u, how, pts))
            if unsaid is not None:
                unsaid()
