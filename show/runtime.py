"""The live show: sources → triage → queue → responder → compliance gate → voice → programme → sinks.

One thread reads comments, one runs the programme clock (frames + audio), and the main thread is the
host's "brain": it decides what is said next, passes every line through the gate, and speaks it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from avatar.program import Program
from compliance.audit import AuditLog, AuditWriteError
from compliance.gate import PRESENCE_EXEMPT, Gate, Utterance, Verdict
from compliance.labels import DisclosureSchedule, spoken_disclosure
from compliance.presence import Presence, PresenceChange, holding_line
from dialogue.engine import DialogueEngine
from dialogue.rundown import Rundown
from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.language import detect_language
from dialogue.triage.queue import CommentQueue
from dialogue.triage.staleness import stale_reason
from dialogue.types import BadComment, Comment, Intent, Triaged
from show.bus import Bus
from show.events import CommentTriaged, GateDecided, LineStarted
from show.memory import Trimmer
from show.outcomes import Outcomes
from show.trace import RunSummary, Trace
from voice.clauses import first_clause
from voice.normalize import normalize
from voice.tts.base import TTSBackend
from voice.types import Speech

log = logging.getLogger(__name__)

INTERRUPTIBLE = ("pitch",)  # a comment may end these at a word gap; answers and disclosures finish
CLAUSE_BY_CLAUSE = ("answer", "operator")  # lines someone is waiting for: voiced a clause at a time
ANSWER_AHEAD_S = 1.0  # start answering the next comment when this little committed speech is left
DISK_RETRY_S = 5.0  # how often a show paused for a full disk checks for room again
INBOX_MAX = 1000  # comments read but not yet triaged
TAKE_PER_STEP = 50


class Brain:
    """Decides what the host says next and gets it on air; owns no threads but the caller's."""

    def __init__(self, *, engine: DialogueEngine, gate: Gate, audit: AuditLog, program: Program,
                 voice: TTSBackend, fallback_voice: TTSBackend | None, rundown: Rundown,
                 presence: Presence | None, lang: str, disclosure_interval_s: float = 600.0) -> None:
        self.engine, self.gate, self.audit, self.program = engine, gate, audit, program
        self.bus = Bus()  # what happens in the show, as typed events (show.events)
        gate.subscribe(lambda d: self.bus.publish(GateDecided(d)))
        self.voice, self.fallback_voice = voice, fallback_voice
        self.rundown, self.presence, self.lang = rundown, presence, lang
        # bounded: when the brain falls behind, the reader waits and the source pushes back (HTTP 503)
        self.inbox: queue.Queue[Comment | BadComment | None] = queue.Queue(maxsize=INBOX_MAX)
        self.queue: CommentQueue[Triaged] = CommentQueue(max_size=200)
        self.identity = IdentityQuestions()  # "are you a real person?": answered first, never shed
        self.disclosure = DisclosureSchedule(interval_s=disclosure_interval_s)
        self.summary = RunSummary()
        self.traces: list[Trace] = []
        self.holds: dict[str, str] = {}  # why the host is off air: presence, operator, recording, audit
        self.taken_over = False  # a person drives the host (takeover): nothing new is started until they hand back
        self._pause_started = 0.0
        self._holding_until = 0.0  # programme s the holding line ends (while nothing was queued after it)
        self._failed_recordings: list[object] = []
        self._links: dict[int, tuple[bool, int]] = {}  # live outputs: (connected, outages seen)
        self._next_disk_check = 0.0
        self._unwritten: list[tuple[str, dict]] = []  # entries the log could not take yet (a full disk)
        self.reopen_recording: Callable[[list[object]], bool] | None = None  # set by the show
        self.outcomes = Outcomes()  # what became of every comment
        self.on_line: Callable[[Utterance, Speech, float], None] | None = None  # a line's first audio (pts)
        self.on_air: Utterance | None = None  # the line whose audio went out last (read by the console)
        self.answering: Comment | None = None  # the comment being answered (read by the console)
        self.sources_done = False
        self.finishing = False  # the replay is over: no new pitch
        self._received: dict[str, float] = {}  # comment id → when it was read (monotonic)
        self._queued_at: dict[str, float] = {}  # comment id → programme s it joined the queue
        self._pitch_of: dict[str, tuple[object, int]] = {}  # utterance id → (pitch, sentence index)
        self._shed = 0
        self._sources: list[tuple[object, threading.Thread]] = []
        self._backlog: list[tuple[Comment | BadComment, Triaged]] = []
        self._events: queue.Queue[tuple[str, Utterance, tuple | None]] = queue.Queue()
        self._stop = threading.Event()
        # presence changes from any thread: a return is noticed by the heartbeat (the console's thread)
        # that brings it, and is recorded here, on the brain's thread, like a lapse
        self._presence_changes: queue.Queue[PresenceChange] = queue.Queue()
        if presence is not None:
            presence.subscribe(self._presence_changes.put)
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
        self._sources.append((source, t))
        return t

    def received_at(self, comment_id: str) -> float | None:
        """When a comment was read (time.monotonic), for latency figures."""
        return self._received.get(comment_id)

    def _close_sources(self, timeout_s: float = 10.0, gap_s: float = 1.0, cap_s: float = 120.0) -> None:
        """The show is over: stop taking comments, and record every comment already taken but not yet read
        as held (flag show_ended) in the audit log and the outcomes: none is lost, however many there are and
        however busy the machine. Sources get `timeout_s` to end; past it, a backlog that still flows (no gap
        of `gap_s`) is drained on, up to `cap_s`, but a source that only trickles on, never ending, is left."""
        for source, _ in self._sources:
            close = getattr(source, "close", None)
            if close is not None:
                try:
                    close()
                except Exception as e:
                    log.error("closing a comment source failed: %s", e)
        start = last = time.monotonic()
        left = 0
        while time.monotonic() - start < cap_s:
            try:
                item = self.inbox.get(timeout=0.05)
            except queue.Empty:
                now = time.monotonic()
                if not any(t.is_alive() for _, t in self._sources):
                    break
                if now - start > timeout_s and now - last > gap_s:
                    break
                continue
            if item is None:
                continue
            last = time.monotonic()
            left += 1
            self.outcomes.seen(item.id, ["show_ended"])
            self.outcomes.settle(item.id, "hold", flags=["show_ended"])
            self._audit_safely("comment", _comment_entry(item, flags=["show_ended"],
                                                         skip="the show ended before it was read"))
        if left:
            log.warning("the show ended with %d comments not yet read: recorded as held (show_ended)", left)

    def _take_comments(self, now: float) -> None:
        while self._backlog:  # comments triaged while the audit log could not be written
            item, tri = self._backlog[0]
            self._admit(item, tri, now)
            self._backlog.pop(0)
        for _ in range(TAKE_PER_STEP):  # a flood is read a slice at a time: the host keeps talking
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.sources_done = True
                continue
            self.summary.comments_seen += 1
            self._received[item.id] = time.monotonic()
            # programme time, as the queue's staleness: a fast clock's 30 s dedupe window is 30 show seconds
            tri = self.engine.triage(item, now=self.program.now_s)
            try:
                self._admit(item, tri, now)
            except AuditWriteError:
                self._backlog.append((item, tri))  # kept, never lost: admitted once the log can record it
                raise

    def _admit(self, item: Comment | BadComment, tri: Triaged, now: float) -> None:
        """Record a triaged comment, then queue it (or count its skip)."""
        self.audit.append("comment", _comment_entry(item, flags=tri.flags, intent=tri.intent.value,
                                                    skip=tri.skip_reason, lang=tri.lang))
        flags = [f"intent:{tri.intent.value}", f"lang:{tri.lang}", *tri.flags]
        self.outcomes.seen(item.id, flags)
        self.bus.publish(CommentTriaged(item, tri))
        if tri.skip_reason:
            self.summary.skipped += 1
            self.outcomes.settle(item.id, "skip", flags=flags)
            return
        if tri.intent is Intent.IDENTITY:  # not queued, so never shed: answered at the host's next turn
            self.identity.ask(tri)
            return
        self._enqueue(tri, now)

    def _enqueue(self, tri: Triaged, now: float) -> None:
        """Queue a comment for its answer; when the queue is full the lowest priority leaves, with its reason."""
        self._queued_at[tri.comment.id] = self.program.now_s
        for shed in self.queue.push(tri, tri.priority, now=now):
            self._queued_at.pop(shed.comment.id, None)
            self.summary.skipped += 1
            self.outcomes.settle(shed.comment.id, "skip", flags=["shed:queue_full"])
            self._audit_safely("shed", {"id": shed.comment.id, "reason": "queue full"})
            self._shed += 1
            if self._shed in (1, 10, 100) or self._shed % 1000 == 0:
                log.warning("comment queue full: %d comments shed so far (lowest priority first)", self._shed)

    def _went_stale(self, tri: Triaged) -> bool:
        """Skip (with its reason, in the log and the outcomes) small talk that waited too long for its turn."""
        waited = self.program.now_s - self._queued_at.pop(tri.comment.id, self.program.now_s)
        reason = stale_reason(tri, waited)
        if reason is None:
            return False
        self.summary.skipped += 1
        self.outcomes.settle(tri.comment.id, "skip", flags=["stale:small_talk"])
        self._audit_safely("stale", {"id": tri.comment.id, "reason": reason})
        log.info("comment %s not answered: %s", tri.comment.id, reason)
        return True

    def _said_ai(self, text: str, by: str, *, answer: bool) -> None:
        """The host just said it is an AI (`text`: its answer to comment `by` when `answer`, else the disclosure):
        everyone waiting to hear whether it is a real person heard it, and is recorded as answered by that line."""
        for tri in self.identity.said(self.program.now_s, answer=answer):
            self.outcomes.settle(tri.comment.id, "reply", text=text, flags=[f"answered_with:{by}"])
            self._audit_safely("answered_with", {"id": tri.comment.id, "by": by})

    # -- output ---------------------------------------------------------------------------------
    def _synth(self, text: str, lang: str):  # type: ignore[no-untyped-def]
        spoken = normalize(text, lang)
        if self.fallback_voice is not None and not _speaks(self.voice, lang) and _speaks(self.fallback_voice, lang):
            return self.fallback_voice.synthesize(spoken, lang)  # a viewer's language the main voice lacks
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
        return self.speak_passed(d.utterance, trace)

    def _unattended(self) -> bool:
        """No operator on duty where the profile needs one: the host starts nothing new but the holding line."""
        return self.presence is not None and self.gate.profile.operator_required and not self.presence.present()

    @contextmanager
    def _committing(self, u: Utterance) -> Iterator[bool]:
        """Whether `u` may still go on air, decided on the operator's presence now and kept so until the line is
        queued and recorded (an operator leaving or coming back waits): an answer or a pitch only while someone
        is on duty, the holding line of a lapse only while nobody is."""
        needs = u.kind not in PRESENCE_EXEMPT  # an answer or a pitch
        lapse = u.kind == "holding" and set(self.holds) == {"presence"}
        if self.presence is None or not self.gate.profile.operator_required or not (needs or lapse):
            yield True
            return
        with self.presence.steady() as present:
            yield present if needs else not present

    def speak_passed(self, u: Utterance, trace: Trace | None = None) -> bool:
        """Synthesise a line that passed the gate and queue it on the programme; False when it was withdrawn
        because the operator's presence changed while it was voiced."""
        tr = trace or Trace(u.id, u.kind, u.text)
        tr.text = tr.text or u.text
        tr.mark("gated")
        # a reply starts with its first clause while the rest is voiced: the viewer hears it sooner
        head, tail = first_clause(u.text) if u.kind in CLAUSE_BY_CLAUSE else (u.text, "")
        speech = self._synth(head, u.lang)
        tr.mark("synthesised")
        pitch = self._pitch_of.pop(u.id, None)
        ended: list[str] = []  # the line's stop event, once for all its parts

        def on_event(kind: str, pts: float) -> None:
            if kind in ("first_audio", "mouth_open"):
                first = kind not in tr.at  # a reply's later sentences leave its trace as it was
                tr.mark(kind)
                if kind == "first_audio":
                    self.on_air = u
                    self.bus.publish(LineStarted(u, pts))
                if kind == "first_audio" and self.on_line is not None:
                    self.on_line(u, speech, pts)
                if kind == "first_audio" and first and "received" in tr.at:
                    self.summary.comment_to_audio_ms.append(round((tr.at["first_audio"] - tr.at["received"]) * 1000, 1))
            elif kind in ("interrupted", "dropped", "cut") and not ended:
                ended.append(kind)
                self._events.put((kind, u, pitch))

        def later(kind: str, pts: float) -> None:  # the rest of the line: only how it ended counts
            if kind in ("interrupted", "dropped", "cut"):
                on_event(kind, pts)

        interruptible = u.kind in INTERRUPTIBLE
        due = False
        try:
            with self._committing(u) as may:
                if may:  # on record before it is on air (a fallback voice for its rest has an entry of its own)
                    self.audit.append("spoken", {"id": u.id, "kind": u.kind, "text": u.text, "comment_id":
                                                 u.comment_id, "sources": list(u.sources), "voice": speech.voice})
                    due = True
                    self.program.enqueue(speech, tag=u.id, on_event=on_event, kind=u.kind, interruptible=interruptible)
        finally:
            if not due and pitch is not None:  # a pitch sentence not said now (withdrawn, not recorded) comes later
                p, index = pitch
                p.spoken = min(p.spoken, index)
        if not due:
            self._audit_safely("line_withdrawn", {"id": u.id, "kind": u.kind, "text": u.text[:200], "reason":
                                                  "the operator is back" if u.kind == "holding" else
                                                  "no operator on duty"})
            return False
        if tail:  # voiced while the first clause plays
            rest = self._synth(tail, u.lang)
            if not ended:  # the first clause was not stopped (the operator's STOP) while this part was voiced
                self.program.enqueue(rest, tag=u.id, on_event=later, kind=u.kind, interruptible=interruptible)
        self._holding_until = self.program.now_s + self.program.queued_s if u.kind == "holding" else 0.0
        if u.comment_id:
            self.outcomes.spoke(u.comment_id, u.id, u.text)
        if trace is None:  # a reply's trace is kept by _answer, once for all its sentences
            self.traces.append(tr)
        return True

    def _line_events(self) -> None:
        """Lines the programme stopped early: audited; an interrupted pitch sentence is said again later."""
        while True:
            try:
                kind, u, pitch = self._events.get_nowait()
            except queue.Empty:
                return
            self._audit_safely("line_" + kind, {"id": u.id, "kind": u.kind, "text": u.text[:200]})
            if pitch is not None:
                p, index = pitch
                p.spoken = min(p.spoken, index)

    def _answer(self, tri: Triaged) -> None:
        c = self.answering = tri.comment
        tr = Trace(c.id, "answer")
        tr.mark("received", self._received.get(c.id))
        tr.mark("triaged")
        self.traces.append(tr)
        t0 = time.monotonic()
        reply = self.engine.respond(tri, current_sku=self.rundown.current_sku)
        spoke = False
        held, blocked = self.summary.held, self.summary.blocked
        for sentence in reply:
            if self._unattended():  # the operator left mid-answer: nothing more of it starts
                reply.close()
                if not spoke and self.summary.held == held:  # answered once an operator is on duty again
                    self.traces.remove(tr)
                    self._enqueue(tri, time.monotonic())
                    return
                break
            if reply.timing.first_token_s is not None:
                tr.mark("first_token", t0 + reply.timing.first_token_s)
            tr.mark("first_sentence")
            # spoken in the sentence's own language: a catalog sentence keeps the catalog's, whatever the viewer's
            said = detect_language(sentence, default=tri.lang)
            u = Utterance(kind="answer", text=sentence, lang=tri.lang if said == "und" else said, comment_id=c.id,
                          sources=reply.sources)
            spoke = self.say(u, tr) or spoke
        draft = reply.draft
        flags, sources = (list(draft.flags), list(draft.sources)) if draft is not None else ([], [])
        if draft is not None and draft.action.value == "hold":
            self.gate.submit_draft(draft)
            self.summary.held += 1
            self.outcomes.settle(c.id, "hold", text=draft.text, flags=flags, sources=sources)
        elif spoke:
            self.summary.answered += 1
            if tri.intent is Intent.IDENTITY:
                said = self.outcomes.get(c.id)
                self._said_ai(said.text if said else "", by=c.id, answer=True)
            self.outcomes.settle(c.id, "reply", flags=flags, sources=sources)
        elif self.summary.held > held:
            self.outcomes.settle(c.id, "hold", text=draft.text if draft else None, flags=[*flags, "gate:held"],
                                 sources=sources)
        else:
            self.outcomes.settle(c.id, "skip", flags=[*flags, "gate:blocked" if self.summary.blocked > blocked
                                                      else "nothing_to_say"], sources=sources)
        self.audit.append("trace", {"id": c.id, "stages_ms": {s: tr.ms("received", s) for s in tr.at},
                                    "flags": flags})  # e.g. llm_timeout: the catalog's reply was spoken

    # -- pauses: each has a reason, and the show is on air only when none is left ----------------
    @property
    def paused(self) -> bool:
        return bool(self.holds)

    @paused.setter
    def paused(self, value: bool) -> None:  # the operator's pause / resume
        if value:
            self.hold("operator", "paused by the operator")
        else:
            self.release("operator")

    def hold(self, reason: str, why: str, *, say_line: bool = True) -> None:
        """Take the host off air for `reason` (presence, operator, recording…): silence, slate, a holding line."""
        first = not self.holds
        if reason in self.holds:
            return
        self.holds[reason] = why
        log.warning("show paused: %s", why)
        self._audit_safely("paused", {"reason": reason, "why": why, "at_s": round(self.program.now_s, 2)})
        if first:
            self._pause_started = time.monotonic()
            self.program.cut()
            self.program.slate = True
            if say_line:
                try:
                    self.say(Utterance(kind="holding", text=holding_line(self.lang), lang=self.lang))
                except OSError as e:  # the line is not spoken unless its gate decision is on record
                    log.error("holding line not spoken: %s", e)

    def release(self, reason: str) -> None:
        """Lift one pause; the host is back on air when no other pause remains."""
        if self.holds.pop(reason, None) is None:
            return
        self._audit_safely("resumed", {"reason": reason, "still_paused": sorted(self.holds),
                                       "at_s": round(self.program.now_s, 2)})
        if not self.holds:
            self.summary.paused_s += time.monotonic() - self._pause_started
            if self.program.now_s < self._holding_until:  # "right back" is not said once the host is back
                self.program.cut()
            self._holding_until = 0.0
            self.program.slate = False
            log.info("show resumed")

    def _audit_safely(self, kind: str, data: dict) -> None:
        """Record a pause, a resume, a failed output…; one the log cannot take now (a full disk) is kept and
        written, with the time it happened, as soon as the log takes entries again."""
        self._unwritten.append((kind, data))
        self._flush_unwritten()

    def _flush_unwritten(self) -> None:
        while self._unwritten:
            kind, data = self._unwritten[0]
            try:
                self.audit.append(kind, data)
            except OSError as e:
                if "happened_at" not in data:  # said once; retried quietly at every step
                    log.error("audit log: %s (the %s entry is kept until it can be written)", e, kind)
                    self._unwritten[0] = (kind, {**data, "happened_at": round(time.time(), 3)})
                return
            self._unwritten.pop(0)

    def _check_presence(self) -> None:
        if self.presence is None or not self.gate.profile.operator_required:
            return
        self.presence.poll()  # a change it finds reaches _presence_changes, like one a heartbeat found
        while not self._presence_changes.empty():
            self._audit_safely("presence", self._presence_changes.get_nowait().to_audit())
        if not self.presence.present():
            on_air = self.program.stats.speaking_s > 0  # before the first word there is nothing to interrupt
            self.hold("presence", "no operator on duty: heartbeats lapsed" if on_air else
                      "waiting for an operator to sign in at the console", say_line=on_air)
        else:
            self.release("presence")

    def _check_outputs(self) -> None:
        """An output that stopped (a full disk, a vanished file): the recording is the replay record, so
        the show pauses, says so, and resumes into a new recording file once there is room again."""
        self._check_links()
        while self.program.failed:
            sink, err = self.program.failed.pop(0)
            self._audit_safely("output_failed", {"output": type(sink).__name__, "error": str(err)[:300]})
            if getattr(sink, "capabilities", None) is not None and not sink.capabilities.live:
                self._failed_recordings.append(sink)
                self.hold("recording", f"the recording stopped ({err}); paused until there is room to record")
        if "audit" in self.holds and time.monotonic() >= self._next_disk_check:
            self._next_disk_check = time.monotonic() + DISK_RETRY_S
            try:
                self.audit.append("audit_resumed", {"after": self.holds["audit"][:300]})
            except OSError:
                return
            self.release("audit")
        if "recording" in self.holds and time.monotonic() >= self._next_disk_check:
            self._next_disk_check = time.monotonic() + DISK_RETRY_S
            if self.reopen_recording is not None and self.reopen_recording(self._failed_recordings):
                self._failed_recordings.clear()
                self.release("recording")

    def _check_links(self) -> None:
        """A live push that lost its server and reconnects by itself: the outage and its length are audited."""
        for sink in self.program.sinks:
            stats = getattr(sink, "stats", None)
            if stats is None or not hasattr(stats, "gaps_s"):
                continue
            was_up, gaps = self._links.get(id(sink), (False, 0))
            if was_up and not stats.connected:
                self._audit_safely("output_down", {"output": type(sink).__name__, "error": stats.last_error[:300]})
            for gap in stats.gaps_s[gaps:]:
                self._audit_safely("output_back", {"output": type(sink).__name__, "gap_s": round(gap, 2),
                                                   "frames_dropped": stats.frames_dropped})
            self._links[id(sink)] = (stats.connected, len(stats.gaps_s))

    def step(self) -> bool:
        """Do the next thing; False when there was nothing to do."""
        now = time.monotonic()
        self._flush_unwritten()
        self._take_comments(now)
        self._line_events()
        self._check_presence()
        self._check_outputs()
        if self._operator_turn():
            return True
        if self.paused or self.taken_over:
            return False
        if self.disclosure.due(self.program.now_s):
            u = Utterance(kind="disclosure", text=spoken_disclosure(self.lang), lang=self.lang)
            if self.say(u):
                self._said_ai(u.text, by="disclosure", answer=False)
            self.disclosure.spoken(self.program.now_s)
            return True
        # A waiting comment is answered now, while a pitch is still on air: the pitch ends at its next word
        # gap and resumes afterwards. Answers already committed are not cut; the next one is prepared
        # while the last second of them plays, so comments stay fresh and nothing waits on the model.
        if (len(self.queue) or len(self.identity)) and self.program.committed_s <= ANSWER_AHEAD_S:
            tri = self.identity.due(self.program.now_s)  # "are you a real person?" goes first
            asked_if_real = tri is not None
            if tri is None:
                tri = self.queue.pop(now)
                if tri is not None and self._went_stale(tri):
                    return True
            if tri is not None:
                self.program.barge_in()
                try:
                    self._answer(tri)
                except AuditWriteError:  # its answer could not be recorded, so not said: answered later
                    if asked_if_real:
                        self.identity.ask_again(tri)
                    else:
                        self.queue.push(tri, tri.priority, now=now)
                    raise
                return True
        if self.program.queued_s > 0.3 or self.finishing:  # speak ahead by one line at most
            return False
        pitch = self.rundown.next_sentence(self.program.now_s)
        if pitch is not None:
            sentence, p = pitch
            u = Utterance(kind="pitch", text=sentence, lang=self.lang, sources=tuple(p.sources))
            self._pitch_of[u.id] = (p, p.spoken - 1)
            if not self.say(u):
                self._pitch_of.pop(u.id, None)
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
        if self.operator_lines.empty() or self.program.queued_s > 0.3 or self._unattended():
            return False
        u = self.operator_lines.get_nowait()
        outcome = self.outcomes.get(u.comment_id) if u.kind == "answer" and u.comment_id else None
        answers = outcome is not None and outcome.action != "reply"  # the first approved line answers it
        said = False
        try:
            said = self.speak_passed(u)
        finally:
            if not said:  # said once it can be: an operator on duty again, a log that records it
                self.operator_lines.put(u)
        if not said:
            return True
        if answers:
            self.summary.answered += 1
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
            self.finishing = (stop_when_done and self.sources_done and len(self.queue) == 0
                              and not len(self.identity) and self.inbox.empty() and not self._backlog
                              and self.operator_lines.empty())
            if self.finishing and not self.program.speaking:
                break
            try:
                busy = self.step()
            except AuditWriteError as e:  # nothing is said that the log cannot record
                self.hold("audit", f"the audit log cannot be written: {e}", say_line=False)
                self._next_disk_check = time.monotonic() + DISK_RETRY_S
                busy = False
            busy_run = busy_run + 1 if busy else 0
            if not busy:
                trimmer.maybe()
            if offline:
                if not busy or busy_run > 8 or self.program.queued_s > 0.3:
                    self.program.run_for(1.0 / self.program.fps)
            elif not busy:
                time.sleep(0.05)
        while self.program.speaking and not self._stop.is_set():
            if offline:
                self.program.run_for(1.0 / self.program.fps)
            else:
                time.sleep(0.05)
        self._line_events()
        self._close_sources()
        self._flush_unwritten()
        self.summary.frames = self.program.stats.frames
        self.summary.frames_dropped = self.program.stats.dropped
        self.summary.on_air_s = round(self.program.now_s, 2)
        if self.holds:
            self.summary.paused_s += time.monotonic() - self._pause_started
        return self.summary


def _speaks(voice: TTSBackend, lang: str) -> bool:
    langs = getattr(getattr(voice, "capabilities", None), "languages", None)
    return langs is None or lang.split("-")[0].lower() in langs or lang in langs


SWITCH_INTERVAL_S = 0.0005
BRAIN_NICE = 5  # the brain (and the model threads it starts) yields the cores to the programme clock


def _yield_to_the_clock() -> None:
    """Lower this thread's priority (Linux: nice is per thread and inherited by the threads it starts,
    so llama.cpp's workers follow), so that rendering and encoding, started before, never wait for the
    model: a frame that waits is a frame dropped."""
    import os
    import sys

    # The clock's thread lets go of the GIL for every render and encode call and must get it back at once:
    # with Python's default 5 ms switch interval a busy brain makes it wait that long each time.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), BRAIN_NICE))
    except (AttributeError, OSError) as e:  # not Linux, or not permitted: the show runs, at equal priority
        log.debug("could not lower the brain's priority: %s", e)


def _comment_entry(item: Comment | BadComment, **extra: object) -> dict[str, object]:
    """A comment as the audit log records it (text cut at 500 characters)."""
    return {"id": item.id, "user": getattr(item, "user", ""), "text": getattr(item, "text", "")[:500], **extra}


def write_traces(traces: list[Trace], path: Path) -> None:
    import json

    with path.open("w", encoding="utf-8") as f:
        for t in traces:
            f.write(json.dumps({"id": t.key, "kind": t.kind, "text": t.text,
                                "ms": {s: t.ms("received" if "received" in t.at else "gated", s) for s in t.at}},
                               ensure_ascii=False) + "\n")
