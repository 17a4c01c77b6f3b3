"""The live show: sources → triage → queue → responder → compliance gate → voice → programme → sinks.

One thread reads each comment source, one runs the programme clock (frames + audio), and the caller's thread
runs the show's loop (`Brain.run`): at every step the stages do their part, and the scheduler says what the host
says next. What happens is published as typed events on `bus` (show.events); the audit log, the outcomes, the
traces and the run summary are its subscribers (show.record, show.outcomes, show.trace).

The stages (show.stages): Intake (sources → triage → scheduler), the scheduler (what to say next), Answering
(responder → gate), Speaker (cleared lines → voice → programme), Holds (stop, pause, presence, takeover, disk,
recording) and Health (presence, outputs and disks, checked at every step).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable

from avatar.program import Program
from compliance.audit import AuditLog, AuditWriteError
from compliance.gate import Cleared, Gate, GateDecision, Utterance, Verdict
from compliance.labels import DisclosureSchedule, spoken_disclosure
from compliance.presence import Presence
from dialogue.engine import DialogueEngine
from dialogue.reactions.policy import ReactionPolicy
from dialogue.rundown import Rundown
from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.types import Action, Comment, EventKind, Item, Triaged
from show.bus import Bus
from show.events import CommentSettled, Event, EventsSettled, GateDecided, RoomEventsReceived, VoiceFellBack
from show.memory import Trimmer
from show.outcomes import Outcomes
from show.record.audit import AuditRecorder
from show.stages.answering import Answering
from show.stages.health import Health
from show.stages.holds import Holds
from show.stages.intake import Intake
from show.stages.scheduler import (
    NAME_S,
    SPEAK_AHEAD_S,
    Answer,
    AnswerGroup,
    Pitch,
    React,
    Scheduler,
    Situation,
    Speak,
    speech_s,
)
from show.stages.speaker import Speaker
from show.stages.voices import FallbackVoice, Normalized
from show.trace import RunSummary, Trace, TraceLog
from voice.tts.base import TTSBackend

log = logging.getLogger(__name__)


class Brain:
    """The show's loop: builds the stages around one bus and runs them on the caller's thread."""

    def __init__(self, *, engine: DialogueEngine, gate: Gate, audit: AuditLog, program: Program,
                 voice: TTSBackend, fallback_voice: TTSBackend | None, rundown: Rundown,
                 presence: Presence | None, lang: str, disclosure_interval_s: float = 600.0) -> None:
        self.engine, self.gate, self.audit, self.program = engine, gate, audit, program
        self.rundown, self.presence, self.lang = rundown, presence, lang
        self.bus = Bus()  # what happens in the show, as typed events (show.events)
        self.recorder = AuditRecorder(audit, self.bus)  # first: nothing else sees what it could not record
        self.outcomes = Outcomes()  # what became of every comment
        self.outcomes.attach(self.bus)
        self.summary = RunSummary()
        self.summary.attach(self.bus)
        self.traces = TraceLog()
        self.traces.attach(self.bus)
        gate.subscribe(lambda d: self.bus.publish(GateDecided(d)))
        self.disclosure = DisclosureSchedule(interval_s=disclosure_interval_s)
        self.holds = Holds(program=program, bus=self.bus, lang=lang, presence=presence,
                           operator_required=gate.profile.operator_required)
        self.holds.say = self.say
        self.holds.on_takeover = self._takeover
        self.health = Health(program=program, holds=self.holds, bus=self.bus, presence=presence)
        self.scheduler = Scheduler(reactions=ReactionPolicy(engine.catalog, lang), length=self._short_s)
        self.bus.subscribe((RoomEventsReceived,), self._orders_arrived)
        self.grouped_turns = 0  # turns that answered several viewers
        self.intake = Intake(engine=engine, scheduler=self.scheduler, bus=self.bus, clock=lambda: program.now_s)
        spoken: TTSBackend = Normalized(voice)
        if fallback_voice is not None:
            spoken = FallbackVoice(spoken, Normalized(fallback_voice), self._fell_back)
        self.speaker = Speaker(program=program, voice=spoken, holds=self.holds, bus=self.bus)
        self.answers = Answering(engine=engine, gate=gate, rundown=rundown, holds=self.holds, bus=self.bus,
                                 received_at=self.intake.received_at)
        self.finishing = False  # the replay is over: no new pitch
        self.operator_jobs: queue.Queue[Callable[[], object]] = queue.Queue()  # run on this thread
        self._stop = threading.Event()

    # -- what the console and the runner read --------------------------------------------------------
    @property
    def on_air(self) -> Utterance | None:
        """The line whose audio went out last."""
        return self.speaker.on_air

    @property
    def answering(self) -> Comment | None:
        """The comment being answered."""
        return self.answers.answering

    @property
    def queue(self) -> CommentQueue[Triaged]:
        return self.scheduler.queue

    @property
    def identity(self) -> IdentityQuestions:
        return self.scheduler.identity

    def waiting(self) -> list[Triaged]:
        """The comments waiting for an answer, in the order the host takes them ("are you real?" first)."""
        return self.scheduler.snapshot()

    def feed(self, source: Iterable[Item]) -> threading.Thread:
        """Read a comment source in a thread of its own."""
        return self.intake.feed(source)

    def received_at(self, comment_id: str) -> float | None:
        """When a comment was read (time.monotonic), for latency figures."""
        return self.intake.received_at(comment_id)

    # -- saying lines ------------------------------------------------------------------------------------
    def say(self, u: Utterance, trace: Trace | None = None) -> tuple[GateDecision, bool]:
        """Gate one line and, if it passes, speak it: (the gate's decision, whether it went on the programme)."""
        d = self.gate.submit(u)
        if d.cleared is None:
            return d, False
        return d, self.speak(d.cleared, trace)

    def speak(self, line: Cleared, trace: Trace | None = None, on_unsaid: Callable[[], None] | None = None) -> bool:
        return self.speaker.speak(line, trace, on_unsaid=on_unsaid)

    def _fell_back(self, error: Exception, text: str) -> None:
        self.bus.publish(VoiceFellBack(str(error), text))

    def _said_ai(self, text: str, by: str, *, answer: bool) -> None:
        """The host just said it is an AI (`text`: its answer to comment `by` when `answer`, else the disclosure):
        everyone waiting to hear whether it is a real person heard it, and is recorded as answered by that line."""
        for tri in self.scheduler.said_ai(self.program.now_s, answer=answer):
            self.bus.publish(CommentSettled(tri.comment.id, Action.REPLY, text=text, flags=(f"answered_with:{by}",),
                                            answered_with=by))

    def _orders_arrived(self, e: Event) -> None:
        """Real orders from the shop's feed: the gate lets a reaction report these purchases, and only these."""
        if isinstance(e, RoomEventsReceived) and e.kind is EventKind.ORDER:
            self.gate.note_orders([ev.id for ev in e.events])

    def _takeover(self, on: bool, at_s: float) -> None:
        """The spoken disclosure waits through a takeover and is said first after it (docs/compliance.md §2)."""
        if on:
            self.disclosure.takeover_started(at_s)
        else:
            self.disclosure.takeover_ended(at_s)

    # -- the operator's console (show.control) --------------------------------------------------------
    def put_line(self, line: Cleared) -> None:
        """A line the operator's decision cleared (approved, edited or typed): spoken next, here."""
        self.holds.put_line(line)

    def put_job(self, fn: Callable[[], object]) -> None:
        """Run `fn` on the show's thread at its next step (an operator's pause, a product switch)."""
        self.operator_jobs.put(fn)

    def _run_jobs(self) -> None:
        while True:
            try:
                fn = self.operator_jobs.get_nowait()
            except queue.Empty:
                return
            try:
                fn()
            except Exception as e:  # one failed action must not stop the show
                log.error("operator action failed: %s", e)

    def _operator_line(self) -> bool:
        """One of the operator's lines (said even while paused); kept for later when it cannot be said now."""
        line = self.holds.lines.get_nowait()
        u = line.utterance
        outcome = self.outcomes.get(u.comment_id) if u.kind == "answer" and u.comment_id else None
        answers = outcome is not None and outcome.action is not Action.REPLY  # the first approved line answers it
        said = False
        try:
            said = self.speak(line)
        finally:
            if not said:  # said once it can be: an operator on duty again, a log that records it
                self.holds.lines.put(line)
        if said and answers and u.comment_id:
            self.bus.publish(CommentSettled(u.comment_id, Action.REPLY))
        return True

    # -- the loop --------------------------------------------------------------------------------------
    def step(self) -> bool:
        """Do the next thing; False when there was nothing to do."""
        now = time.monotonic()
        self.recorder.flush()
        self.intake.take(now)
        self.speaker.settle_cuts()
        self.health.check()
        self._run_jobs()
        p = self.program
        decision, events = self.scheduler.next(Situation(
            now_s=p.now_s, mono=now, held=self.holds.held, disclosure_due=self.disclosure.due(p.now_s),
            operator_line=not self.holds.lines.empty() and not self.holds.unattended(),
            committed_s=p.committed_s, queued_s=p.queued_s, finishing=self.finishing,
            draining=self.intake.sources_done and self.intake.idle))
        self.intake.publish(events)  # stale small talk, skipped
        if isinstance(decision, (Speak, React)):  # the rest of a long answer is said next or not at all
            self.answers.tail.clear()
        if isinstance(decision, Speak) and decision.kind == "operator":
            return self._operator_line()
        if isinstance(decision, Speak):
            u = Utterance(kind="disclosure", text=spoken_disclosure(self.lang), lang=self.lang)
            if self.say(u)[1]:
                self._said_ai(u.text, by="disclosure", answer=False)
            self.disclosure.spoken(p.now_s)
            return True
        if isinstance(decision, (Answer, AnswerGroup)):
            return self._answer(decision, now)
        if isinstance(decision, React):
            return self._react(decision)
        if isinstance(decision, Pitch):
            return self._pitch()
        return bool(events)

    def _short_s(self, tri: Triaged) -> float:
        """The seconds of `tri`'s short answer, by name (the scheduler groups a turn by them)."""
        text = self.engine.responder.plan(tri, self.rundown.current_sku, short=True).text
        return speech_s(text, self.engine.catalog.lang) + NAME_S

    def _answer(self, a: Answer | AnswerGroup, now: float) -> bool:
        """Answer one comment, or several in one turn, part by part (each part its own answer)."""
        if a.barge_in:
            self.program.barge_in()
        parts = a.parts if isinstance(a, AnswerGroup) else (a,)
        self.grouped_turns += len(parts) > 1
        for i, part in enumerate(parts):
            try:
                self.answers.answer(part.triaged, self.say, short=part.short, folded=part.folded,
                                    grouped=len(parts) > 1,
                                    said_ai=lambda text, by: self._said_ai(text, by, answer=True),
                                    put_back=lambda tri: self.intake.publish(
                                        self.scheduler.admit(tri, self.program.now_s, mono=time.monotonic())))
            except AuditWriteError:  # its answer could not be recorded, so not said: answered later, with the rest
                for rest in parts[i:]:
                    self.scheduler.requeue(rest.triaged, self.program.now_s, identity=rest.identity, mono=now)
                    for tri in rest.folded:
                        self.scheduler.requeue(tri, self.program.now_s, identity=False, mono=now)
                raise
        return True

    def _react(self, decision: React) -> bool:
        """A welcome or a thank-you: gated like any line; its events are settled by whether it was said."""
        r = decision.reaction
        d, said = self.say(Utterance(kind="reaction", text=r.text, lang=r.lang, comment_id=r.lead.id, sources=r.sources))
        held = d.verdict is Verdict.HOLD
        why = "gate:blocked" if d.verdict is Verdict.BLOCK else "not_said"
        self.bus.publish(EventsSettled(r.kind, tuple(r.outcomes(said, why, held=held)), reaction=r, said=said))
        return True

    def _pitch(self) -> bool:
        rest = self.answers.rest()  # the rest of a long answer, nobody waiting: said before the next pitch,
        if rest is not None:  # and, like a pitch, a comment ends it at its next word gap
            d = self.gate.submit(rest)
            if d.cleared is not None:
                self.speaker.speak(d.cleared, interruptible=True)
            return True
        pitch = self.rundown.next_sentence(self.program.now_s)
        if pitch is None:
            return False
        sentence, p = pitch
        index = p.spoken - 1

        def unsaid() -> None:  # a pitch sentence not said now (withdrawn, cut, not recorded) comes later
            p.spoken = min(p.spoken, index)

        d = self.gate.submit(Utterance(kind="pitch", text=sentence, lang=self.lang, sources=tuple(p.sources)))
        if d.cleared is not None:
            self.speak(d.cleared, on_unsaid=unsaid)
        return True

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, until_s: float | None = None, stop_when_done: bool = True) -> RunSummary:
        """Loop until stopped, the time limit, or (for a replay) every comment is dealt with.

        With a realtime programme the clock runs in its own thread; with an offline one (a recording
        made faster than real time) this loop advances it whenever the host has nothing new to say.
        """
        offline = not self.program.realtime
        if not offline:
            _yield_to_the_clock()
        start = time.monotonic()
        busy_run = 0
        trimmer = Trimmer()  # a night's bursts must not leave their memory behind
        while not self._stop.is_set():
            elapsed = self.program.now_s if offline else time.monotonic() - start
            if until_s is not None and elapsed >= until_s:
                break
            # a replay that is over: no new pitch starts, and the show ends when the host falls silent
            self.finishing = (stop_when_done and self.intake.sources_done and len(self.scheduler) == 0
                              and self.intake.idle and self.holds.lines.empty()
                              and not self.scheduler.reactions.pending)
            if self.finishing and not self.program.speaking:
                break
            try:
                busy = self.step()
            except AuditWriteError as e:  # nothing is said that the log cannot record
                self.health.audit_failed(e)
                busy = False
            busy_run = busy_run + 1 if busy else 0
            if not busy:
                trimmer.maybe()
            if offline:
                if not busy or busy_run > 8 or self.program.queued_s > SPEAK_AHEAD_S:
                    self.program.run_for(1.0 / self.program.fps)
            elif not busy:
                time.sleep(0.05)
        while self.program.speaking and not self._stop.is_set():
            if offline:
                self.program.run_for(1.0 / self.program.fps)
            else:
                time.sleep(0.05)
        self.speaker.settle_cuts()
        self.intake.close()
        self.intake.publish(self.scheduler.drop_events("the show ended before the host reacted"))
        self.recorder.flush()
        self.summary.frames = self.program.stats.frames
        self.summary.frames_dropped = self.program.stats.dropped
        self.summary.on_air_s = round(self.program.now_s, 2)
        self.summary.finish()
        return self.summary


SWITCH_INTERVAL_S = 0.0005
BRAIN_NICE = 5  # the show's loop (and the model threads it starts) yields the cores to the programme clock


def _yield_to_the_clock() -> None:
    """Lower this thread's priority (Linux: nice is per thread and inherited by the threads it starts,
    so llama.cpp's workers follow), so that rendering and encoding, started before, never wait for the
    model: a frame that waits is a frame dropped."""
    import os
    import sys

    # The clock's thread lets go of the GIL for every render and encode call and must get it back at once:
    # with Python's default 5 ms switch interval a busy loop makes it wait that long each time.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), BRAIN_NICE))
    except (AttributeError, OSError) as e:  # not Linux, or not permitted: the show runs, at equal priority
        log.debug("could not lower the show's priority: %s", e)
