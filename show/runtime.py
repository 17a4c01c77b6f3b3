"""The live show: sources → triage → queue → responder → compliance gate → voice → programme → sinks.

One thread reads comments, one runs the programme clock (frames + audio), and the main thread is the
host's "brain": it decides what is said next, passes every line through the gate, and speaks it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from compliance.audit import AuditLog
from compliance.gate import Gate, Utterance, Verdict
from compliance.labels import DisclosureSchedule, spoken_disclosure
from compliance.presence import Presence, holding_line
from dialogue.engine import DialogueEngine
from dialogue.rundown import Rundown
from dialogue.triage.queue import CommentQueue
from dialogue.types import BadComment, Comment, Triaged
from show.program import Program
from show.trace import RunSummary, Trace
from voice.normalize import normalize
from voice.tts.base import TTSBackend

log = logging.getLogger(__name__)


class Brain:
    """Decides what the host says next and gets it on air; owns no threads but the caller's."""

    def __init__(self, *, engine: DialogueEngine, gate: Gate, audit: AuditLog, program: Program,
                 voice: TTSBackend, fallback_voice: TTSBackend | None, rundown: Rundown,
                 presence: Presence | None, lang: str, disclosure_interval_s: float = 600.0) -> None:
        self.engine, self.gate, self.audit, self.program = engine, gate, audit, program
        self.voice, self.fallback_voice = voice, fallback_voice
        self.rundown, self.presence, self.lang = rundown, presence, lang
        self.inbox: queue.Queue[Comment | BadComment | None] = queue.Queue()
        self.queue: CommentQueue[Triaged] = CommentQueue(max_size=200)
        self.disclosure = DisclosureSchedule(interval_s=disclosure_interval_s)
        self.summary = RunSummary()
        self.traces: list[Trace] = []
        self.paused = False
        self.sources_done = False
        self._received: dict[str, float] = {}
        self._stop = threading.Event()
        self.operator_lines: queue.Queue[Utterance] = queue.Queue()  # passed the gate: approved or typed
        self.operator_jobs: queue.Queue[Callable[[], object]] = queue.Queue()  # run on this thread

    # -- input ----------------------------------------------------------------------------------
    def feed(self, source: object) -> threading.Thread:
        """Read a comment source in a thread; None in the inbox marks its end."""

        def run() -> None:
            try:
                for item in source:  # type: ignore[attr-defined]
                    self.inbox.put(item)
            except Exception as e:
                log.error("comment source failed: %s", e)
            finally:
                self.inbox.put(None)

        t = threading.Thread(target=run, name="comments", daemon=True)
        t.start()
        return t

    def _take_comments(self, now: float) -> None:
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.sources_done = True
                continue
            self.summary.comments_seen += 1
            self._received[item.id] = time.monotonic()
            tri = self.engine.triage(item, now=time.time())
            self.audit.append("comment", {"id": item.id, "user": getattr(item, "user", ""),
                                          "text": getattr(item, "text", "")[:500], "flags": tri.flags,
                                          "intent": tri.intent.value, "skip": tri.skip_reason,
                                      "lang": tri.lang})
            if tri.skip_reason:
                self.summary.skipped += 1
                continue
            for shed in self.queue.push(tri, tri.priority, now=now):
                self.summary.skipped += 1
                self.audit.append("shed", {"id": shed.comment.id, "reason": "queue full"})

    # -- output ---------------------------------------------------------------------------------
    def _synth(self, text: str, lang: str):  # type: ignore[no-untyped-def]
        spoken = normalize(text, lang)
        try:
            return self.voice.synthesize(spoken, lang)
        except Exception as e:
            if self.fallback_voice is None:
                raise
            log.warning("voice failed (%s); retrying the line with the fallback voice", e)
            self.audit.append("voice_fallback", {"error": str(e)[:200], "text": text[:200]})
            return self.fallback_voice.synthesize(spoken, lang)

    def say(self, u: Utterance, trace: Trace | None = None) -> bool:
        """Gate one line and, if it passes, synthesise it and queue it on the programme."""
        d = self.gate.submit(u)
        if d.verdict is Verdict.HOLD:
            self.summary.held += 1
            return False
        if d.verdict is Verdict.BLOCK:
            self.summary.blocked += 1
            return False
        self.speak_passed(d.utterance, trace)
        return True

    def speak_passed(self, u: Utterance, trace: Trace | None = None) -> None:
        tr = trace or Trace(u.id, u.kind, u.text)
        tr.text = tr.text or u.text
        tr.mark("gated")
        speech = self._synth(u.text, u.lang)

        def on_event(kind: str, pts: float) -> None:
            if kind in ("first_audio", "mouth_open"):
                tr.mark(kind)
                if kind == "first_audio" and "received" in tr.at:
                    self.summary.comment_to_audio_ms.append(round((tr.at["first_audio"] - tr.at["received"]) * 1000, 1))

        self.program.enqueue(speech, tag=u.id, on_event=on_event)
        self.audit.append("spoken", {"id": u.id, "kind": u.kind, "text": u.text, "comment_id": u.comment_id})
        self.traces.append(tr)

    def _answer(self, tri: Triaged) -> None:
        c = tri.comment
        tr = Trace(c.id, "answer")
        tr.mark("received", self._received.get(c.id))
        tr.mark("triaged")
        reply = self.engine.respond(tri, current_sku=self.rundown.current_sku)
        spoke = False
        for sentence in reply:
            tr.mark("first_sentence")
            u = Utterance(kind="answer", text=sentence, lang=tri.lang, comment_id=c.id,
                          sources=tuple(reply.draft.sources if reply.draft else ()))
            spoke = self.say(u, tr) or spoke
        draft = reply.draft
        if draft is not None and draft.action.value == "hold":
            self.gate.submit_draft(draft)
            self.summary.held += 1
        elif spoke:
            self.summary.answered += 1
        self.audit.append("trace", {"id": c.id, "stages_ms": {s: tr.ms("received", s) for s in tr.at}})

    def _check_presence(self) -> None:
        if self.presence is None or not self.gate.profile.operator_required:
            return
        change = self.presence.poll()
        if change is not None:
            self.audit.append("presence", change.to_audit())
        present = self.presence.present()
        if not present and not self.paused:
            self.paused = True
            self.program.cut()
            self.program.slate = True  # type: ignore[attr-defined]
            self.say(Utterance(kind="holding", text=holding_line(self.lang), lang=self.lang))
        elif present and self.paused:
            self.paused = False
            self.program.slate = False  # type: ignore[attr-defined]

    def step(self) -> bool:
        """Do the next thing; False when there was nothing to do."""
        now = time.monotonic()
        self._take_comments(now)
        self._check_presence()
        if self._operator_turn():
            return True
        if self.paused:
            self.summary.paused_s += 0.05
            return False
        if self.disclosure.due(self.program.now_s):
            self.say(Utterance(kind="disclosure", text=spoken_disclosure(self.lang), lang=self.lang))
            self.disclosure.spoken(self.program.now_s)
            return True
        if self.program.queued_s > 0.3:  # speak ahead by one line at most: comments stay fresh
            return False
        tri = self.queue.pop(now)
        if tri is not None:
            self._answer(tri)
            return True
        pitch = self.rundown.next_sentence(self.program.now_s)
        if pitch is not None:
            sentence, p = pitch
            self.say(Utterance(kind="pitch", text=sentence, lang=self.lang, sources=tuple(p.sources)))
            return True
        return False

    # -- the operator's console (show.control) ------------------------------------------------------
    def put_line(self, u: Utterance) -> None:
        """Queue a line that passed the gate (approved, edited or typed by the operator); spoken next, here."""
        self.operator_lines.put(u)

    def put_job(self, fn: Callable[[], object]) -> None:
        """Run `fn` on the brain's thread at its next step (an operator's pause, a product switch)."""
        self.operator_jobs.put(fn)

    def _operator_turn(self) -> bool:
        """The operator's part of a step: queued jobs, then one queued line (spoken even while paused)."""
        while True:
            try:
                fn = self.operator_jobs.get_nowait()
            except queue.Empty:
                break
            try:
                fn()
            except Exception as e:  # one failed action must not stop the show
                log.error("operator action failed: %s", e)
        if self.operator_lines.empty() or self.program.queued_s > 0.3:
            return False
        self.speak_passed(self.operator_lines.get_nowait())
        return True

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, until_s: float | None = None, stop_when_done: bool = True) -> RunSummary:
        """Loop until stopped, the time limit, or (for a replay) every comment is dealt with."""
        start = time.monotonic()
        while not self._stop.is_set():
            if until_s is not None and time.monotonic() - start >= until_s:
                break
            if (stop_when_done and self.sources_done and len(self.queue) == 0 and self.inbox.empty()
                    and not self.program.speaking):
                break
            if not self.step():
                time.sleep(0.05)
        while self.program.speaking and not self._stop.is_set():
            time.sleep(0.05)
        self.summary.frames = self.program.stats.frames
        self.summary.frames_dropped = self.program.stats.dropped
        self.summary.on_air_s = round(self.program.now_s, 2)
        return self.summary


def write_traces(traces: list[Trace], path: Path) -> None:
    import json

    with path.open("w", encoding="utf-8") as f:
        for t in traces:
            f.write(json.dumps({"id": t.key, "kind": t.kind, "text": t.text,
                                "ms": {s: t.ms("received" if "received" in t.at else "gated", s) for s in t.at}},
                               ensure_ascii=False) + "\n")
