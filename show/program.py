"""The programme: the show's one clock. Every 1/fps it takes the next slice of audio, renders the matching
frame, burns in the AI label and hands both to every sink with the same timestamps.

The audio clock is the master: audio slices are contiguous whatever happens; a frame that cannot be
rendered in time is dropped and counted, never allowed to delay the audio.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from avatar.player import resample
from avatar.types import FaceParams, VideoFrame
from voice.types import Speech

if TYPE_CHECKING:
    from avatar.drive import Takeover

log = logging.getLogger(__name__)

MOUTH_OPEN = 0.15  # jaw_open above which a frame counts as "mouth open" in the latency trace


@dataclass
class Queued:
    speech: Speech
    tag: str = ""
    on_event: Callable[[str, float], None] | None = None  # ("first_audio" | "mouth_open" | "done", pts_s)
    track: list[FaceParams] = field(default_factory=list)
    pos: int = 0  # samples played
    frame: int = 0
    mouth_seen: bool = False


@dataclass
class ProgramStats:
    frames: int = 0
    dropped: int = 0
    blocked: int = 0  # frames withheld because the label could not be drawn
    speaking_s: float = 0.0


class Program:
    """Runs the frame loop in its own thread; speech is queued from any thread."""

    def __init__(self, *, render: Callable[[FaceParams], np.ndarray], animator: object, sinks: list[object],
                 fps: float = 25.0, sample_rate: int = 22050, realtime: bool = True,
                 overlay: Callable[[np.ndarray, float], None] | None = None) -> None:
        self.render = render
        self.animator = animator
        self.sinks = sinks
        self.fps = fps
        self.rate = sample_rate
        self.realtime = realtime
        self.overlay = overlay
        self.stats = ProgramStats()
        self._queue: deque[Queued] = deque()
        self._current: Queued | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._cut = threading.Event()
        self._thread: threading.Thread | None = None
        self.frame_index = 0
        self.last_frame: np.ndarray | None = None
        self.slate = False  # the holding slate is up (the overlay draws it)
        self.takeover: Takeover | None = None  # set: a real person drives the face and voice; the queue waits

    # -- control (any thread) -------------------------------------------------------------
    def enqueue(self, speech: Speech, *, tag: str = "", on_event: Callable[[str, float], None] | None = None) -> None:
        pcm = resample(speech.pcm, speech.sample_rate, self.rate)
        s = Speech(pcm=pcm, sample_rate=self.rate, text=speech.text, phonemes=speech.phonemes,
                   visemes=speech.visemes, voice=speech.voice)
        track = self.animator.speech_track(s) if s.visemes else self.animator.envelope_track(pcm, self.rate)  # type: ignore[attr-defined]
        with self._lock:
            self._queue.append(Queued(s, tag, on_event, list(track)))

    def cut(self) -> None:
        """Silence now: the current line and everything queued are dropped at the next frame (≤ 1/fps)."""
        with self._lock:
            self._queue.clear()
            self._cut.set()

    @property
    def queued_s(self) -> float:
        with self._lock:
            rest = sum(len(q.speech.pcm) for q in self._queue)
            if self._current is not None:
                rest += len(self._current.speech.pcm) - self._current.pos
        return rest / self.rate

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._current is not None or bool(self._queue)

    @property
    def now_s(self) -> float:
        return self.frame_index / self.fps

    def start(self) -> None:
        for s in self.sinks:
            s.open(*self._size(), self.fps, self.rate)  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._run, name="program", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for s in self.sinks:
            try:
                s.close()  # type: ignore[attr-defined]
            except Exception as e:  # one broken output must not stop the others from finishing
                log.error("closing %s failed: %s", type(s).__name__, e)

    def run_for(self, seconds: float) -> None:
        """Offline helper: advance the clock by `seconds` (realtime=False programmes run as fast as they can)."""
        target = self.frame_index + int(round(seconds * self.fps))
        while self.frame_index < target and not self._stop.is_set():
            self._tick()

    # -- the loop ----------------------------------------------------------------------------
    def _size(self) -> tuple[int, int]:
        frame = self.render(FaceParams())
        self.last_frame = frame
        return frame.shape[1], frame.shape[0]

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            due = t0 + self.frame_index / self.fps
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._tick(late=time.monotonic() - due > 1.0 / self.fps)

    def _slice(self) -> tuple[np.ndarray, FaceParams | None, Queued | None]:
        i = self.frame_index
        n = int(round((i + 1) * self.rate / self.fps)) - int(round(i * self.rate / self.fps))
        takeover = self.takeover
        if takeover is not None:  # the operator's voice and face; the line on air and the queue are held
            return takeover.audio(n), takeover.params(self.now_s), None
        with self._lock:
            if self._cut.is_set():
                self._cut.clear()
                if self._current is not None and self._current.on_event:
                    self._current.on_event("cut", self.now_s)
                self._current = None
            if self._current is None and self._queue:
                self._current = self._queue.popleft()
            cur = self._current
        if cur is None:
            return np.zeros(n, np.int16), None, None
        if cur.pos == 0 and cur.on_event:
            cur.on_event("first_audio", self.now_s)
        chunk = cur.speech.pcm[cur.pos: cur.pos + n]
        params = cur.track[min(cur.frame, len(cur.track) - 1)] if cur.track else None
        cur.pos += n
        cur.frame += 1
        if len(chunk) < n:
            chunk = np.concatenate([chunk, np.zeros(n - len(chunk), np.int16)])
        if cur.pos >= len(cur.speech.pcm):
            with self._lock:
                self._current = None
            if cur.on_event:
                cur.on_event("done", self.now_s + 1.0 / self.fps)
        self.stats.speaking_s += n / self.rate
        return chunk, params, cur

    def _tick(self, late: bool = False) -> None:
        pts = self.now_s
        audio, params, cur = self._slice()
        if params is None:
            params = self.animator.params_at(pts)  # type: ignore[attr-defined]
        if late:
            self.stats.dropped += 1
        else:
            frame = self.render(params)
            try:
                if self.overlay is not None:
                    self.overlay(frame, pts)
            except Exception as e:  # no unlabelled frame may leave the engine
                log.error("label could not be drawn (%s): frame withheld", e)
                self.stats.blocked += 1
                frame = None  # type: ignore[assignment]
            if frame is not None:
                self.last_frame = frame
                vf = VideoFrame(frame, self.frame_index, pts)
                for s in self.sinks:
                    s.write_video(vf)  # type: ignore[attr-defined]
                if cur is not None and not cur.mouth_seen and params.jaw_open > MOUTH_OPEN:
                    cur.mouth_seen = True
                    if cur.on_event:
                        cur.on_event("mouth_open", pts)
        for s in self.sinks:
            s.write_audio(audio, pts)  # type: ignore[attr-defined]
        self.stats.frames += 1
        self.frame_index += 1
