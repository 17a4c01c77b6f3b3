"""What the console needs from a running show: a small Protocol that `show.control.ShowControl` satisfies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from console.messages import ActionResult, ShowState


class Changes(Protocol):
    """Tells when what the console shows may have changed (`show.view.ShowView`)."""

    def watch(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Call `fn` (from any thread; it must be quick) at every change; returns the function that stops it."""
        ...


class ShowAPI(Protocol):
    """The operator's levers on a show; every method is safe to call from the console's threads."""

    lang: str
    takeover_operator: str | None  # who drives the host from their webcam and mic now
    takeover_console: str  # from which console (the key it gave `takeover`)

    @property
    def view(self) -> Changes:
        """Wakes the console when the state changed (it is then pushed, not polled)."""
        ...

    def snapshot(self) -> ShowState:
        """The show's state as the console shows it."""
        ...

    def frame(self) -> tuple[int, float, np.ndarray | None]:
        """(index, pts_s, RGB image) of the latest programme frame, exactly as viewers see it."""
        ...

    def level(self) -> float:
        """The programme's audio level (0..1) over the last slices."""
        ...

    def frame_shown(self, index: int) -> None:
        """A console drew frame `index` (feeds the preview-latency figure)."""
        ...

    def heartbeat(self, operator: str, confirmed: bool = False) -> None: ...

    def away(self, operator: str) -> None: ...

    def connected(self, operator: str) -> None:
        """A console signed in as `operator` opened."""
        ...

    def disconnected(self, operator: str) -> None:
        """A console closed: with their last one, the operator is off duty at once."""
        ...

    def approve(self, operator: str, line_id: str) -> ActionResult: ...

    def edit(self, operator: str, line_id: str, text: str, force: bool = False, reason: str = "") -> ActionResult:
        """Approve a held line as rewritten; `force` with a `reason` overrides a refusal by the catalog check."""
        ...

    def reject(self, operator: str, line_id: str, reason: str = "") -> ActionResult: ...

    def say(self, operator: str, text: str, lang: str | None = None, force: bool = False, reason: str = "") -> ActionResult:
        """The operator's own words; `force` with a `reason` overrides a refusal by the catalog check."""
        ...

    def pause(self, operator: str) -> ActionResult: ...

    def resume(self, operator: str) -> ActionResult: ...

    def halt(self) -> None:
        """Silence the programme now, without waiting (the first half of a stop)."""
        ...

    def stop(self, operator: str) -> ActionResult:
        """Emergency stop: halt, hold until resumed, and report how soon it was silent."""
        ...

    def set_product(self, operator: str, sku: str) -> ActionResult: ...

    def takeover(self, operator: str, on: bool, console: str = "") -> ActionResult:
        """`operator` takes over (on) or hands back from the console `console` (only the one that took over)."""
        ...

    def takeover_video(self, operator: str, jpeg: bytes, console: str = "") -> None:
        """One webcam frame from `operator`'s console (ignored while someone else drives the host)."""
        ...

    def takeover_audio(self, operator: str, pcm: bytes, sample_rate: int, console: str = "") -> None:
        """A chunk of `operator`'s microphone (mono int16; ignored while someone else drives the host)."""
        ...

    def record(self, kind: str, data: dict[str, Any]) -> None:
        """Write a console event (sign-in, refusal, connection) to the show's audit log."""
        ...
