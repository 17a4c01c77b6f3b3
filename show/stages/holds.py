"""Holds: one state machine for everything that keeps the AI host from starting lines.

Reasons to be off air (`reasons`), each with why: the operator's pause ("operator"), the emergency stop
("stop"), no operator on duty ("presence"), a full disk under the audit log ("audit") or the recording
("recording"). The first reason cuts the programme, puts the slate up and (for most) says a holding line; the
show is back on air when the last one is lifted. Each change is a `HoldChanged` event (the audit log's paused
and resumed entries).

Two more states sit beside them. A takeover (a person drives the host: it starts nothing new, but nothing is
cut and no holding line is said) and the console's stop, which is immediate, from any thread: lines approved
during a stop wait (`put_line`) and are queued for the show again on the resume.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from avatar.program import Program
from compliance.gate import PRESENCE_EXEMPT, Cleared, Utterance
from compliance.presence import Presence, holding_line
from show.bus import Bus
from show.events import HoldChanged

log = logging.getLogger(__name__)


class Holds:
    """Why the host is off air, the takeover, the console's stop, and the operator's lines waiting to be said."""

    def __init__(self, *, program: Program, bus: Bus, lang: str, presence: Presence | None = None,
                 operator_required: bool = False) -> None:
        self.program, self.bus, self.lang = program, bus, lang
        self.presence = presence if operator_required else None  # only where the profile needs someone on duty
        self.reasons: dict[str, str] = {}  # reason → why
        self.taken_over = False  # a person drives the host: nothing new is started until they hand back
        self.say: Callable[[Utterance], object] | None = None  # says the holding line (set by the show)
        self.on_takeover: Callable[[bool, float], None] | None = None  # (on, programme s): the disclosure's clock
        self.lines: queue.Queue[Cleared] = queue.Queue()  # the operator's cleared lines, for the show's thread
        self._stopped = threading.Event()
        self._waiting: list[Cleared] = []  # lines cleared during a stop: queued again on the resume
        self._lock = threading.Lock()
        self._holding_until = 0.0  # programme s the holding line ends (while nothing was queued after it)

    # -- reading --------------------------------------------------------------------------------------
    def __contains__(self, reason: object) -> bool:
        return reason in self.reasons

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.reasons))

    def __len__(self) -> int:
        return len(self.reasons)

    @property
    def paused(self) -> bool:
        """Any reason to be off air (the takeover is not one: the operator is on air)."""
        return bool(self.reasons)

    @property
    def held(self) -> bool:
        """Nothing new may start: a reason to be off air, or a takeover."""
        return bool(self.reasons) or self.taken_over

    @property
    def stopped(self) -> bool:
        """The console's stop is on (from the moment it is pressed, before the show's thread holds)."""
        return self._stopped.is_set()

    def mode(self) -> Literal["live", "paused", "stopped"]:
        """live, paused or stopped."""
        if self._stopped.is_set() or "stop" in self.reasons:
            return "stopped"
        return "paused" if self.reasons else "live"

    def unattended(self) -> bool:
        """No operator on duty where the profile needs one: the host starts nothing new but the holding line."""
        return self.presence is not None and not self.presence.present()

    # -- on the show's thread -------------------------------------------------------------------------
    def hold(self, reason: str, why: str, *, say_line: bool = True) -> None:
        """Take the host off air for `reason`: silence, slate, a holding line (when it is the first reason)."""
        first = not self.reasons
        if reason in self.reasons:
            return
        self.reasons[reason] = why
        log.warning("show paused: %s", why)
        self.bus.publish(HoldChanged(reason, True, why, tuple(self.reasons), self.program.now_s))
        if first:
            self.program.cut()
            self.program.slate = True
            if say_line and self.say is not None:
                try:
                    self.say(Utterance(kind="holding", text=holding_line(self.lang), lang=self.lang))
                except OSError as e:  # the line is not spoken unless its gate decision is on record
                    log.error("holding line not spoken: %s", e)

    def release(self, reason: str) -> None:
        """Lift one reason; the host is back on air when no other remains."""
        why = self.reasons.pop(reason, None)
        if why is None:
            return
        self.bus.publish(HoldChanged(reason, False, why, tuple(self.reasons), self.program.now_s))
        if not self.reasons:
            if self.program.now_s < self._holding_until:  # "right back" is not said once the host is back
                self.program.cut()
            self._holding_until = 0.0
            self.program.slate = False
            log.info("show resumed")

    def line_queued(self, u: Utterance) -> None:
        """A line went on the programme: a holding line is cut if the host is back before it ends."""
        self._holding_until = self.program.now_s + self.program.queued_s if u.kind == "holding" else 0.0

    @contextmanager
    def committing(self, u: Utterance) -> Iterator[bool]:
        """Whether `u` may still go on air, decided on the operator's presence now and kept so until the line is
        queued and recorded (an operator leaving or coming back waits): an answer or a pitch only while someone
        is on duty, the holding line of a lapse only while nobody is."""
        needs = u.kind not in PRESENCE_EXEMPT  # an answer or a pitch
        lapse = u.kind == "holding" and set(self.reasons) == {"presence"}
        if self.presence is None or not (needs or lapse):
            yield True
            return
        with self.presence.steady() as present:
            yield present if needs else not present

    # -- the takeover ---------------------------------------------------------------------------------
    def take_over(self, at_s: float) -> None:
        """A person drives the host from now (before the programme switches: nothing new is queued on top)."""
        self.taken_over = True
        if self.on_takeover is not None:
            self.on_takeover(True, at_s)

    def hand_back(self, at_s: float) -> None:
        """The AI host may start lines again (the spoken disclosure first)."""
        if not self.taken_over:
            return
        if self.on_takeover is not None:
            self.on_takeover(False, at_s)
        self.taken_over = False

    # -- the console's stop, and the operator's lines (any thread) ------------------------------------
    def put_line(self, line: Cleared) -> None:
        """An operator's cleared line: said next by the show, or after the resume while stopped."""
        with self._lock:
            if self._stopped.is_set():
                self._waiting.append(line)
                return
        self.lines.put(line)

    def halt(self) -> bool:
        """The stop, at once: lines not yet said wait for the resume. False when already stopped."""
        with self._lock:
            if self._stopped.is_set():
                return False
            self._stopped.set()
            while not self.lines.empty():
                self._waiting.append(self.lines.get_nowait())
        return True

    def unhalt(self) -> None:
        """The resume (the show's holds are lifted on its own thread): waiting lines are queued again."""
        with self._lock:
            self._stopped.clear()
            waiting, self._waiting = self._waiting, []
        for line in waiting:
            self.lines.put(line)
