"""How far a show has got, on the terminal: programme time (of the total, when a replay or `minutes` bounds it),
lines spoken and comments answered. A bar on a terminal; on a pipe or a log, a line at the start and the end."""

from __future__ import annotations

import threading
from typing import IO, TYPE_CHECKING

from tqdm import tqdm

from show.events import LineStarted

if TYPE_CHECKING:
    from show.runtime import Brain


class ShowProgress:
    """Attach to a Brain before it goes on air (`attach`), `close()` when the show is over."""

    def __init__(self, label: str, total_s: float | None, file: IO[str], every_s: float = 0.5) -> None:
        self.label, self.total_s, self.file, self.every_s = label, total_s, file, every_s
        self.lines = 0
        self._brain: Brain | None = None
        self._bar: tqdm | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def attach(self, brain: Brain) -> None:
        """Counts each line's first audio and starts the updates."""
        self._brain = brain

        def counted(_: LineStarted) -> None:
            self.lines += 1

        brain.bus.subscribe(LineStarted, counted)
        if self.file.isatty():
            total = round(self.total_s) if self.total_s else None
            self._bar = tqdm(total=total, desc=self.label, unit="s", file=self.file, dynamic_ncols=True,
                             bar_format="{desc}: {bar} {n:.0f}/{total_fmt} s of show [{elapsed}]{postfix}"
                             if total else "{desc}: {n:.0f} s of show [{elapsed}]{postfix}")
            self._thread = threading.Thread(target=self._follow, name="show-progress", daemon=True)
            self._thread.start()
        else:
            bound = f" (about {self.total_s:.0f} s of programme)" if self.total_s else ""
            print(f"{self.label}: on air{bound} …", file=self.file, flush=True)

    def _figures(self) -> tuple[float, str]:
        assert self._brain is not None
        s = self._brain.summary
        return self._brain.program.now_s, f"{self.lines} lines spoken, {s.comments_seen} comments, {s.answered} answered"

    def _follow(self) -> None:
        while not self._done.wait(self.every_s):
            self._update()

    def _update(self) -> None:
        if self._bar is None:
            return
        now, postfix = self._figures()
        if self._bar.total is not None and now > self._bar.total:
            self._bar.total = round(now)
        self._bar.n = now
        self._bar.set_postfix_str(postfix, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        if self._brain is None:
            return
        if self._bar is not None:
            now, _ = self._figures()
            if self._bar.total is not None:
                self._bar.total = round(now)  # the show is over: the bar is full
            self._update()
            self._bar.close()
        else:
            now, postfix = self._figures()
            print(f"{self.label}: {now:.0f} s of show, {postfix}", file=self.file, flush=True)
