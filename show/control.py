"""The show side of the operator console: `ShowControl` wraps the show, the programme, the gate, presence
and the audit log in small typed methods (it satisfies `console.api.ShowAPI`).

Everything that speaks stays on the show's thread: lines the gate cleared are handed to its holds (said next,
or after the resume while stopped), a pause or a product switch runs there as a job. An emergency stop cuts
the programme at once and keeps it silent until resumed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from compliance.gate import GateDecision, GateError, Utterance
from compliance.presence import Presence
from console.messages import ActionResult, ShowState, TakeoverStatus
from show.runtime import Brain
from show.tap import PreviewTap
from show.view import ShowView

if TYPE_CHECKING:
    from avatar.drive import Takeover, TakeoverStats

ON_DUTY_S = 30.0  # where no profile asks for a human on duty: a heartbeat this recent counts as on duty
LANGS = ("en", "zh")
_NO_REASON = "say anyway needs a reason: type why this line must be said"


class ShowControl:
    """The console's levers on one running show; every method is safe from any thread."""

    def __init__(self, brain: Brain, tap: PreviewTap) -> None:
        self.brain, self.tap = brain, tap
        self.gate, self.program, self.audit = brain.gate, brain.program, brain.audit
        self.catalog = brain.engine.catalog
        self.lang = brain.lang
        self.holds = brain.holds
        self.view = ShowView(brain, tap)
        self.ended = False
        # who is on duty: the show's own presence where the profile needs one, so the console and the host agree
        self.presence = brain.presence or Presence(ON_DUTY_S)
        self._consoles: dict[str, int] = {}  # open consoles per operator
        self._halted: tuple[float, float, float] | None = None  # (monotonic, epoch, pts) of the latest stop
        self._lock = threading.Lock()
        self._guard: threading.Thread | None = None
        self.takeover_driver: Takeover | None = None  # the webcam/mic driver, when the show has one
        self.takeover_operator: str | None = None  # who drives the host now
        self.takeover_console: str = ""  # and from which console (one name may have several open)
        self._takeover_on_at = 0.0  # programme time the takeover started
        self._stop_ended: tuple[str, dict[str, float]] | None = None  # a takeover the stop ended, to audit
        self._counted: TakeoverStats | None = None  # the driver's counters when the takeover started

    # -- reading ----------------------------------------------------------------------------------
    def frame(self) -> tuple[int, float, np.ndarray | None]:
        return self.tap.frame()

    def level(self) -> float:
        return self.tap.level

    def frame_shown(self, index: int) -> None:
        self.view.frame_shown(index)

    def snapshot(self) -> ShowState:
        """The whole state as the console shows it."""
        return self.view.snapshot(mode=self._mode(), on_duty=self.presence.on_duty(), takeover_available=self.takeover_driver
                                  is not None, taking_over=self.taking_over, takeover=self._takeover_status())

    @property
    def taking_over(self) -> bool:
        return self.takeover_operator is not None

    def _takeover_status(self) -> TakeoverStatus | None:
        driver, operator = self.takeover_driver, self.takeover_operator
        if driver is None or operator is None:
            return None
        st = driver.stats
        return TakeoverStatus(operator=operator, face_visible=driver.face_visible,
                              voice_level=round(driver.voice_level, 3), source=st.source,
                              first_frame_ms=_ms(st.first_frame_s), first_face_ms=_ms(st.first_face_s),
                              video_in=st.video_in, underruns=st.underruns)

    def _mode(self) -> Literal["live", "paused", "stopped", "ended"]:
        return "ended" if self.ended else self.holds.mode()

    # -- presence ---------------------------------------------------------------------------------
    def heartbeat(self, operator: str, confirmed: bool = False) -> None:
        """The operator is at the console (the page beats while they are active)."""
        first = operator not in self.presence.on_duty()
        self.presence.heartbeat(operator)
        if first or confirmed:
            self.audit.append("operator_presence", {"operator": operator, "state": "on_duty",
                                                    "confirmed": confirmed})

    def away(self, operator: str) -> None:
        """The operator left "are you there?" unanswered: they are off duty now (the host, if nobody else is
        on duty, starts nothing new)."""
        self.presence.leave(operator, "are-you-there prompt unanswered")
        self.audit.append("operator_presence", {"operator": operator, "state": "away",
                                                "reason": "are-you-there prompt unanswered"})

    def connected(self, operator: str) -> None:
        """A console signed in as `operator` opened (they are on duty from their first heartbeat)."""
        with self._lock:
            self._consoles[operator] = self._consoles.get(operator, 0) + 1
        self.audit.append("console_connected", {"operator": operator})

    def disconnected(self, operator: str) -> None:
        """A console closed: with it their last, the operator is off duty at once."""
        with self._lock:
            left = self._consoles.get(operator, 1) - 1
            if left > 0:
                self._consoles[operator] = left
            else:
                self._consoles.pop(operator, None)
        if left <= 0:
            self.presence.leave(operator, "console disconnected")
        self.audit.append("console_disconnected", {"operator": operator, "consoles_left": max(left, 0)})

    # -- actions ----------------------------------------------------------------------------------
    def _done(self, action: str, operator: str, outcome: ActionResult, **extra: Any) -> ActionResult:
        self.audit.append("operator_action", {"action": action, "operator": operator, "ok": outcome.ok,
                                              "message": outcome.message, "id": outcome.id,
                                              "pts_s": round(self.program.now_s, 3), **outcome.figures, **extra})
        return outcome

    def _decide(self, action: str, operator: str, line_id: str, edited: str | None = None,
                reason: str = "", force: str | None = None) -> ActionResult:
        try:
            if action == "reject":
                self.gate.reject(line_id, operator, reason)
                return self._done(action, operator, ActionResult(ok=True, message="rejected", id=line_id))
            d = self.gate.approve(line_id, operator, edited, force_reason=force)
        except GateError:
            return self._done(action, operator, ActionResult(ok=False, message="no held line with that id", id=line_id))
        return self._decided(action, operator, d, line_id, "approved, to be spoken")

    def _decided(self, action: str, operator: str, d: GateDecision, line_id: str, spoken: str) -> ActionResult:
        """Report a gate decision on the operator's words (a refusal the catalog alone made may be forced)."""
        said_anyway = {"forced": True, "reason": d.forced, "findings": list(d.findings)} if d.forced else {}
        if not d.passed:
            refused = "refused" if d.forceable else "blocked"
            out = ActionResult(ok=False, message=f"{refused}: " + "; ".join(d.reasons), id=line_id, forceable=d.forceable)
            return self._done(action, operator, out, text=d.utterance.text, findings=list(d.findings))
        assert d.cleared is not None
        self.holds.put_line(d.cleared)
        return self._done(action, operator, ActionResult(ok=True, message=spoken + (" (said anyway)" if d.forced else ""),
                                                    id=line_id), text=d.utterance.text, **said_anyway)

    def approve(self, operator: str, line_id: str) -> ActionResult:
        """Let a held line through unchanged; the host says it next."""
        return self._decide("approve", operator, line_id)

    def edit(self, operator: str, line_id: str, text: str, force: bool = False, reason: str = "") -> ActionResult:
        """Let a held line through as the operator rewrote it (moderated and checked against the catalog again);
        `force` says it although the catalog check refused it, with the operator's `reason`."""
        if force and not reason.strip():
            return self._done("edit", operator, ActionResult(ok=False, message=_NO_REASON, id=line_id, forceable=True),
                              text=text.strip())
        return self._decide("edit", operator, line_id, edited=text.strip(), force=reason.strip() if force else None)

    def reject(self, operator: str, line_id: str, reason: str = "") -> ActionResult:
        """Refuse a held line: it is never spoken."""
        return self._decide("reject", operator, line_id, reason=reason.strip())

    def say(self, operator: str, text: str, lang: str | None = None, force: bool = False, reason: str = "") -> ActionResult:
        """The operator's own words, spoken by the host through the same gate and catalog check; `force` says
        them although the catalog check refused them, with the operator's `reason` (moderation still applies)."""
        text, lang = text.strip(), lang or self.lang
        if not text:
            return self._done("say", operator, ActionResult(ok=False, message="nothing to say"))
        if lang not in LANGS and lang != self.lang:
            return self._done("say", operator, ActionResult(ok=False, message=f"unknown language {lang!r}"))
        if self.holds.stopped:
            return self._done("say", operator, ActionResult(ok=False, message="the show is stopped: resume first"),
                              text=text)
        if force and not reason.strip():
            return self._done("say", operator, ActionResult(ok=False, message=_NO_REASON, forceable=True), text=text)
        d = self.gate.submit(Utterance(kind="operator", text=text, lang=lang, operator=operator),
                             force_reason=reason.strip() if force else None)
        return self._decided("say", operator, d, d.id, "to be spoken")

    def pause(self, operator: str) -> ActionResult:
        """The host stops answering and pitching (holding slate, a holding line); the operator may still speak.

        A takeover on air ends first: the slate would cover the operator's face."""
        holder = self.takeover_operator
        if holder is not None:
            figures = self._hand_back(ease=False, brain=False)
            self._done("takeover", operator, ActionResult(ok=True, message="ended by the pause", figures=figures),
                       on=False, driver=holder)
        self.brain.put_job(lambda: self._hold("operator", f"paused by {operator}"))
        return self._done("pause", operator, ActionResult(ok=True, message="paused"))

    def resume(self, operator: str) -> ActionResult:
        """Back on air after a pause or a stop (unless another hold, e.g. presence, remains)."""
        def release() -> None:
            self._release_brain()  # a takeover a stop ended: the disclosure is due
            self.holds.release("stop")
            self.holds.release("operator")

        self.brain.put_job(release)
        self.holds.unhalt()  # lines cleared during the stop are said next
        return self._done("resume", operator, ActionResult(ok=True, message="live"))

    def halt(self) -> None:
        """Silence now: cut the programme, slate up, nothing more on air (quick: fine on the console's loop)."""
        with self._lock:
            if self.holds.stopped:
                return
            self._halted = (time.monotonic(), time.time(), self.program.now_s)
            self.holds.halt()
            holder = self.takeover_operator
        if holder is not None:  # the operator's voice stops too (audited by `stop`)
            self._stop_ended = (holder, self._hand_back(ease=False, brain=False))
        self.program.cut()
        self.program.slate = True
        self._start_guard()

    def stop(self, operator: str) -> ActionResult:
        """Emergency stop: `halt`, the show holds until resumed, and the silence is measured and audited."""
        self.halt()
        self.brain.put_job(lambda: self._hold("stop", f"emergency stop by {operator}", say_line=False))
        assert self._halted is not None
        t0, requested, pts = self._halted
        if self._stop_ended is not None:
            holder, figures = self._stop_ended
            self._stop_ended = None
            self._done("takeover", operator, ActionResult(ok=True, message="ended by the emergency stop", figures=figures),
                       on=False, driver=holder)
        found = self.tap.wait_silence(t0, timeout=1.0)
        if found is None:
            return self._done("stop", operator, ActionResult(ok=False, message="stopped; no programme audio seen"))
        at, silent_pts = found
        figures = {"silent_after_ms": round((at - t0) * 1000.0, 1), "stop_pts_s": round(pts, 3),
                   "silent_pts_s": round(silent_pts, 3)}
        return self._done("stop", operator, ActionResult(ok=True, message="stopped: silent", figures=figures),
                          requested_at=round(requested, 3), silent_at=round(time.time() - (time.monotonic() - at), 3))

    def _start_guard(self) -> None:
        """While stopped, anything that reaches the programme (a line already in synthesis) is cut at once."""
        if self._guard is not None and self._guard.is_alive():
            return

        def guard() -> None:
            while self.holds.stopped and not self.ended:
                if self.program.speaking:
                    self.program.cut()
                self.program.slate = True
                time.sleep(0.01)

        self._guard = threading.Thread(target=guard, name="console-stop-guard", daemon=True)
        self._guard.start()

    def set_product(self, operator: str, sku: str) -> ActionResult:
        """Put a product on the card and pitch it next."""
        if sku not in {p.sku for p in self.catalog.products}:
            return self._done("set_product", operator, ActionResult(ok=False, message=f"no product {sku!r}"), sku=sku)
        self.brain.put_job(lambda: self.brain.rundown.select(sku))
        return self._done("set_product", operator, ActionResult(ok=True, message=f"product {sku}"), sku=sku)

    def takeover(self, operator: str, on: bool, console: str = "") -> ActionResult:
        """The operator drives the face and voice from their webcam and mic; off hands back to the AI host.

        `console` tells apart the consoles one operator may have open: only the console that took over hands
        back (another one ends a takeover with Pause or STOP). While taken over the show starts nothing new
        (held lines wait); on the hand-back the spoken AI disclosure is said first (docs/compliance.md §2).
        """
        driver = self.takeover_driver
        if driver is None:
            return self._done("takeover", operator, ActionResult(ok=False, message="takeover is not available in this "
                                                            "show: no webcam/mic driver is attached"), on=on)
        if not on:
            with self._lock:
                holder, at = self.takeover_operator, self.takeover_console
            if holder is None:
                return self._done("takeover", operator, ActionResult(ok=False, message="no takeover is on"), on=False)
            if (holder, at) != (operator, console):
                return self._done("takeover", operator, ActionResult(ok=False, message=_elsewhere(holder, operator)),
                                  on=False, driver=holder)
            figures = self._hand_back(ease=True)
            return self._done("takeover", operator, ActionResult(ok=True, message="handed back to the AI host",
                                                            figures=figures), on=False, driver=holder)
        with self._lock:
            holder, at = self.takeover_operator, self.takeover_console
            mine = (holder, at) == (operator, console)
            refused = ("the show is stopped: resume first" if self.holds.stopped else
                       _elsewhere(holder, operator) if holder is not None and not mine else
                       f"the show is paused ({', '.join(sorted(self.holds))}): resume first"
                       if self.holds.paused else None)
            if refused is None:
                self.takeover_operator, self.takeover_console = operator, console
        if refused is not None:
            return self._done("takeover", operator, ActionResult(ok=False, message=refused), on=True)
        if mine:
            return self._done("takeover", operator, ActionResult(ok=True, message="takeover already on"), on=True)
        self._takeover_on_at = self.program.now_s
        self.holds.take_over(self._takeover_on_at)  # before the programme switches: nothing new is queued on top
        driver.attach(self.program)
        self._counted = replace(driver.stats)  # the figures of this takeover are counted from here
        # a pitch the show was already preparing is withdrawn once queued (said again later, like a barge-in)
        self.brain.put_job(self.program.barge_in)
        return self._done("takeover", operator, ActionResult(ok=True, message="takeover on: you drive the host"), on=True)

    def _hand_back(self, *, ease: bool, brain: bool = True) -> dict[str, float]:
        """End the takeover: the driver lets go and (with `brain`) the AI host goes on; the takeover's figures.

        `brain=False` (a stop or a pause) keeps the host held until the pause is in place (`_hold`), so the
        disclosure is not said, and cut, in between: it is said after the resume."""
        driver = self.takeover_driver
        with self._lock:
            if self.takeover_operator is None or driver is None:
                return {}
            self.takeover_operator, self.takeover_console = None, ""
        driver.detach(ease=ease)
        now = self.program.now_s
        if brain:
            self._release_brain()
        st = driver.stats
        was = self._counted or replace(st, video_in=0, video_tracked=0, video_no_face=0, video_dropped=0,
                                       audio_in_s=0.0, underruns=0)
        figures = {"takeover_s": round(now - self._takeover_on_at, 2), "audio_in_s": round(st.audio_in_s - was.audio_in_s, 2)}
        for key in ("video_in", "video_tracked", "video_no_face", "video_dropped", "underruns"):
            figures[key] = float(getattr(st, key) - getattr(was, key))
        for key, value in (("first_frame_ms", _ms(st.first_frame_s)), ("first_face_ms", _ms(st.first_face_s))):
            if value is not None:
                figures[key] = value
        return figures

    def _feeds(self, operator: str, console: str) -> bool:
        """Media from this console reaches the driver: its own while it drives, any console's before (the warm-up)."""
        return self.takeover_driver is not None and (
            self.takeover_operator is None or (self.takeover_operator, self.takeover_console) == (operator, console))

    def _release_brain(self) -> None:
        """The AI host may start lines again, the spoken disclosure first (docs/compliance.md §2)."""
        if self.takeover_operator is None:
            self.holds.hand_back(self.program.now_s)

    def _hold(self, reason: str, why: str, *, say_line: bool = True) -> None:
        """On the show's thread: pause the host, then let go of a takeover the pause ended."""
        self.holds.hold(reason, why, say_line=say_line)
        self._release_brain()

    def takeover_video(self, operator: str, jpeg: bytes, console: str = "") -> None:
        """A webcam frame: tracked from the moment the camera opens (the face is found before the takeover starts)."""
        driver = self.takeover_driver
        if driver is not None and self._feeds(operator, console):
            driver.push_video(jpeg)

    def takeover_audio(self, operator: str, pcm: bytes, sample_rate: int, console: str = "") -> None:
        """A mic chunk (mono int16); the driver drops what piled up before the takeover started."""
        driver = self.takeover_driver
        if driver is not None and self._feeds(operator, console) and 8000 <= sample_rate <= 192000:
            driver.push_audio(pcm, sample_rate)

    def close(self) -> None:
        """The show is over: hand back at once and release the driver (its tracker thread, MediaPipe)."""
        self._hand_back(ease=False)
        if self.takeover_driver is not None:
            self.takeover_driver.close()

    def record(self, kind: str, data: dict[str, Any]) -> None:
        self.audit.append(kind, data)



def _elsewhere(holder: str, operator: str) -> str:
    """Why a console that is not driving cannot take over or hand back."""
    return f"{holder} is driving the host" + (" (another console)" if holder == operator else "")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 1)
