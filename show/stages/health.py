"""Health: the operator's presence, the outputs and the disks, checked at every step of the show.

What it finds is published (PresenceChanged, OutputFailed, OutputDown, OutputBack, AuditBack) and turned
into holds: no operator on duty, a recording that stopped, an audit log that could not be written. A show
held for a full disk checks every `DISK_RETRY_S` whether there is room again.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from avatar.program import Program
from compliance.presence import Presence, PresenceChange
from show.bus import Bus
from show.events import AuditBack, OutputBack, OutputDown, OutputFailed, PresenceChanged
from show.stages.holds import Holds

if TYPE_CHECKING:
    from avatar.sinks.base import Sink

DISK_RETRY_S = 5.0  # how often a show paused for a full disk checks for room again


class Health:
    """Presence, outputs and disks, turned into events and holds; runs on the show's thread."""

    def __init__(self, *, program: Program, holds: Holds, bus: Bus, presence: Presence | None) -> None:
        self.program, self.holds, self.bus = program, holds, bus
        self.presence = holds.presence  # None where the profile needs nobody on duty
        self.reopen_recording: Callable[[list[Sink]], bool] | None = None  # set by the show's runner
        self._failed_recordings: list[Sink] = []
        self._links: dict[int, tuple[bool, int]] = {}  # live outputs: (connected, outages seen)
        self._next_disk_check = 0.0
        # presence changes from any thread: a return is noticed by the heartbeat (the console's thread)
        # that brings it, and is recorded here, on the show's thread, like a lapse
        self._presence_changes: queue.Queue[PresenceChange] = queue.Queue()
        if presence is not None:
            presence.subscribe(self._presence_changes.put)

    def audit_failed(self, error: OSError) -> None:
        """Nothing is said that the log cannot record: held until it takes entries again."""
        self.holds.hold("audit", f"the audit log cannot be written: {error}", say_line=False)
        self._next_disk_check = time.monotonic() + DISK_RETRY_S

    def check(self) -> None:
        self._check_presence()
        self._check_outputs()

    def _check_presence(self) -> None:
        if self.presence is None:
            return
        self.presence.poll()  # a change it finds reaches _presence_changes, like one a heartbeat found
        while not self._presence_changes.empty():
            self.bus.publish(PresenceChanged(self._presence_changes.get_nowait()))
        if not self.presence.present():
            on_air = self.program.stats.speaking_s > 0  # before the first word there is nothing to interrupt
            self.holds.hold("presence", "no operator on duty: heartbeats lapsed" if on_air else
                            "waiting for an operator to sign in at the console", say_line=on_air)
        else:
            self.holds.release("presence")

    def _check_outputs(self) -> None:
        """An output that stopped (a full disk, a vanished file): the recording is the replay record, so
        the show pauses, says so, and resumes into a new recording file once there is room again."""
        self._check_links()
        while self.program.failed:
            sink, err = self.program.failed.pop(0)
            self.bus.publish(OutputFailed(type(sink).__name__, str(err)))
            capabilities = getattr(sink, "capabilities", None)  # a sink need not say what it is (avatar.sinks.base.Sink)
            if capabilities is not None and not capabilities.live:
                self._failed_recordings.append(sink)
                self.holds.hold("recording", f"the recording stopped ({err}); paused until there is room to record")
        if "audit" in self.holds and time.monotonic() >= self._next_disk_check:
            self._next_disk_check = time.monotonic() + DISK_RETRY_S
            try:
                self.bus.publish(AuditBack(self.holds.reasons["audit"]))
            except OSError:
                return
            self.holds.release("audit")
        if "recording" in self.holds and time.monotonic() >= self._next_disk_check:
            self._next_disk_check = time.monotonic() + DISK_RETRY_S
            if self.reopen_recording is not None and self.reopen_recording(self._failed_recordings):
                self._failed_recordings.clear()
                self.holds.release("recording")

    def _check_links(self) -> None:
        """A live push that lost its server and reconnects by itself: the outage and its length are audited."""
        for sink in self.program.sinks:
            stats = getattr(sink, "stats", None)
            if stats is None or not hasattr(stats, "gaps_s"):
                continue
            was_up, gaps = self._links.get(id(sink), (False, 0))
            if was_up and not stats.connected:
                self.bus.publish(OutputDown(type(sink).__name__, stats.last_error))
            for gap in stats.gaps_s[gaps:]:
                self.bus.publish(OutputBack(type(sink).__name__, gap, stats.frames_dropped))
            self._links[id(sink)] = (stats.connected, len(stats.gaps_s))
