"""The programme: the show's one clock. Every 1/fps it takes the next slice of audio, renders the matching
frame, burns in the AI label and hands both to every sink with the same timestamps.

The audio clock is the master: audio slices are contiguous whatever happens; a frame that cannot be
rendered in time is dropped and counted, never allowed to delay the audio.

A sound card plays what it is given only after its output latency. With `sync_to_sound_card`, a realtime
programme hands each slice of audio out first and holds its frame back by that latency (the largest
`latency_s` among the sinks), so the window's picture and the speakers' sound meet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from avatar.types import FaceParams, VideoFrame
from voice.boundaries import next_boundary, word_boundaries
from voice.resample import resample
from voice.types import Speech

if TYPE_CHECKING:
    from avatar.drive import Takeover
    from avatar.sinks.base import Sink

log = logging.getLogger(__name__)

MOUTH_OPEN = 0.15  # jaw_open above which a frame counts as "mouth open" in the latency trace
FADE_S = 0.012  # a line cut between words fades out over this long, so the cut makes no click


class Animator(Protocol):
    """What moves the face (avatar.animate.Animator): a track of face parameters per frame for a line, and the
    idle face at any time."""

    def speech_track(self, speech: Speech) -> list[FaceParams]: ...

    def envelope_track(self, pcm: np.ndarray, sample_rate: int) -> list[FaceParams]: ...

    def params_at(self, t: float) -> FaceParams: ...


@dataclass
class Queued:
    speech: Speech
    tag: str = ""
    on_event: Callable[[str, float], None] | None = None
    # events: "first_audio" | "mouth_open" | "done" | "cut" (operator stop) | "interrupted" (a comment
    # stopped it between words) | "dropped" (withdrawn from the queue before it started)
    track: list[FaceParams] = field(default_factory=list)
    kind: str = ""
    interruptible: bool = False  # a comment may end it at the next word gap (pitches)
    boundaries: np.ndarray | None = None  # word gaps, sample positions
    cut_at: int | None = None  # the sample it ends at, once interrupted
    pos: int = 0  # samples played
    frame: int = 0
    mouth_seen: bool = False


@dataclass
class ProgramStats:
    """Frame accounting: every frame slot is sent to the sinks, dropped (late), or blocked (no label)."""

    frames: int = 0
    dropped: int = 0
    blocked: int = 0  # frames withheld because the label could not be drawn
    speaking_s: float = 0.0
    rendered: int = 0  # frames rendered for a slot (the size probe at start not counted)
    render_s: float = 0.0  # time spent rendering them

    @property
    def sent(self) -> int:
        return self.frames - self.dropped - self.blocked

    @property
    def render_ms_per_frame(self) -> float:
        return 1000.0 * self.render_s / self.rendered if self.rendered else 0.0


class Program:
    """Runs the frame loop in its own thread; speech is queued from any thread."""

    def __init__(self, *, render: Callable[[FaceParams], np.ndarray], animator: Animator, sinks: list[Sink],
                 fps: float = 25.0, sample_rate: int = 22050, realtime: bool = True,
                 overlay: Callable[[np.ndarray, float], None] | None = None,
                 sync_to_sound_card: bool = False) -> None:
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
        self.last_audio: np.ndarray = np.zeros(0, np.int16)  # the latest audio slice (the console's level)
        self.failed: list[tuple[Sink, Exception]] = []  # sinks that stopped, and why (the show reads it)
        self.sync_to_sound_card = sync_to_sound_card
        self.video_delay_s = 0.0  # frames go out this much after their audio (a sound card's latency, realtime)
        self._held: deque[VideoFrame] = deque()  # frames waiting for their sound to come out of the speakers
        self.origin: float | None = None  # time.monotonic() of programme time 0 (a realtime programme, running)

    # -- control (any thread) -------------------------------------------------------------
    def enqueue(self, speech: Speech, *, tag: str = "", on_event: Callable[[str, float], None] | None = None,
                kind: str = "", interruptible: bool = False) -> None:
        """Queue a line; a non-interruptible line goes ahead of queued interruptible ones (pitches)."""
        pcm = resample(speech.pcm, speech.sample_rate, self.rate)
        s = Speech(pcm=pcm, sample_rate=self.rate, text=speech.text, phonemes=speech.phonemes,
                   visemes=speech.visemes, voice=speech.voice)
        track = self.animator.speech_track(s) if s.visemes else self.animator.envelope_track(pcm, self.rate)
        q = Queued(s, tag, on_event, list(track), kind=kind, interruptible=interruptible,
                   boundaries=word_boundaries(s) if interruptible else None)
        with self._lock:
            if interruptible:
                self._queue.append(q)
                return
            at = next((i for i, x in enumerate(self._queue) if x.interruptible), len(self._queue))
            self._queue.insert(at, q)

    def barge_in(self) -> float:
        """Make way for an answer: the line on air, if interruptible, ends at its next word gap, and queued
        interruptible lines are withdrawn ("dropped"). Returns the seconds until the host is free."""
        with self._lock:
            dropped = [q for q in self._queue if q.interruptible]
            self._queue = deque(q for q in self._queue if not q.interruptible)
            cur = self._current
            wait = sum(len(q.speech.pcm) for q in self._queue)
            if cur is not None:
                end = len(cur.speech.pcm)
                if cur.interruptible and cur.boundaries is not None:
                    end = cur.cut_at if cur.cut_at is not None else next_boundary(cur.boundaries, cur.pos)
                    cur.cut_at = end
                wait += max(0, end - cur.pos)
        for q in dropped:
            if q.on_event:
                q.on_event("dropped", self.now_s)
        return wait / self.rate

    def cut(self) -> None:
        """Silence now: the current line and everything queued are dropped at the next frame (≤ 1/fps)."""
        with self._lock:
            dropped = list(self._queue)
            self._queue.clear()
            self._cut.set()
        for q in dropped:
            if q.on_event:
                q.on_event("dropped", self.now_s)

    @property
    def queued_s(self) -> float:
        with self._lock:
            rest = sum(len(q.speech.pcm) for q in self._queue)
            if self._current is not None:
                rest += _end(self._current) - self._current.pos
        return rest / self.rate

    @property
    def committed_s(self) -> float:
        """Seconds of audio ahead that no comment may interrupt (answers, disclosures; a cut pitch's rest)."""
        with self._lock:
            rest = sum(len(q.speech.pcm) for q in self._queue if not q.interruptible)
            cur = self._current
            if cur is not None and (not cur.interruptible or cur.cut_at is not None):
                rest += _end(cur) - cur.pos
        return max(0, rest) / self.rate

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._current is not None or bool(self._queue)

    @property
    def now_s(self) -> float:
        return self.frame_index / self.fps

    def start(self) -> None:
        """Open the outputs; a realtime programme then runs its clock in a thread, an offline one
        advances only when `run_for` is called (as fast as rendering allows)."""
        size = self._size()
        for s in self.sinks:
            s.open(*size, self.fps, self.rate)
        if self.realtime and self.sync_to_sound_card:
            self.video_delay_s = max((float(getattr(s, "latency_s", 0.0)) for s in self.sinks), default=0.0)
        if self.realtime:
            self._thread = threading.Thread(target=self._run, name="program", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for s in self.sinks:
            try:
                s.close()
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
        t0 = self.origin = time.monotonic()
        while not self._stop.is_set():
            due = t0 + self.frame_index / self.fps
            self._show_held(t0, due)
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._tick(late=time.monotonic() - due > 1.0 / self.fps)
        self._show_held(t0, float("inf"))  # stopping: the last frames still meet their sound

    def _show_held(self, t0: float, until: float) -> None:
        """Send each held frame at its time (t0 + pts + the sound card's latency), those due before `until`."""
        while self._held:
            due = t0 + self._held[0].pts_s + self.video_delay_s
            if due > until:
                return
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            frame = self._held.popleft()
            for s in list(self.sinks):
                self._write(s, "write_video", frame)

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
        end = _end(cur)
        chunk = cur.speech.pcm[cur.pos: min(cur.pos + n, end)]
        if cur.cut_at is not None and cur.pos + n >= end and len(chunk):
            chunk = _fade_out(chunk, int(FADE_S * self.rate))
        params = cur.track[min(cur.frame, len(cur.track) - 1)] if cur.track else None
        if cur.cut_at is not None and cur.pos >= end:
            params = None  # the line has ended between words: the face goes back to idle
        cur.pos += n
        cur.frame += 1
        if len(chunk) < n:
            chunk = np.concatenate([chunk, np.zeros(n - len(chunk), np.int16)])
        if cur.pos >= end:
            with self._lock:
                self._current = None
            if cur.on_event:
                cur.on_event("interrupted" if end < len(cur.speech.pcm) else "done", self.now_s + 1.0 / self.fps)
        self.stats.speaking_s += n / self.rate
        return chunk, params, cur

    def _write(self, sink: Sink, method: str, *args: object) -> None:
        """Hand one frame or slice to a sink; a sink that fails is taken off the programme and reported,
        and the other outputs go on."""
        try:
            getattr(sink, method)(*args)
        except Exception as e:
            log.error("%s failed (%s): output stopped", type(sink).__name__, e)
            if sink in self.sinks:
                self.sinks.remove(sink)
            self.failed.append((sink, e))
            try:
                sink.close()
            except Exception as close_error:
                log.error("closing %s failed: %s", type(sink).__name__, close_error)

    def _tick(self, late: bool = False) -> None:
        pts = self.now_s
        audio, params, cur = self._slice()
        if params is None:
            params = self.animator.params_at(pts)
        held = self.realtime and self.video_delay_s > 0  # the sound goes first, its frame follows
        if held:
            self._send_audio(audio, pts)
        if late:
            self.stats.dropped += 1
        else:
            started = time.perf_counter()
            frame = self.render(params)
            self.stats.render_s += time.perf_counter() - started
            self.stats.rendered += 1
            try:
                if self.overlay is not None:
                    self.overlay(frame, pts)
            except Exception as e:  # no unlabelled frame may leave the engine
                log.error("label could not be drawn (%s): frame withheld", e)
                self.stats.blocked += 1
            else:
                self.last_frame = frame
                vf = VideoFrame(frame, self.frame_index, pts)
                if held:
                    self._held.append(vf)
                else:
                    for s in list(self.sinks):
                        self._write(s, "write_video", vf)
                if cur is not None and not cur.mouth_seen and params.jaw_open > MOUTH_OPEN:
                    cur.mouth_seen = True
                    if cur.on_event:
                        cur.on_event("mouth_open", pts)
        if not held:
            self._send_audio(audio, pts)
        self.stats.frames += 1
        self.frame_index += 1

    def _send_audio(self, audio: np.ndarray, pts: float) -> None:
        for s in list(self.sinks):
            self._write(s, "write_audio", audio, pts)
        self.last_audio = audio


def _fade_out(chunk: np.ndarray, n: int) -> np.ndarray:
    """The chunk with its last n samples faded to silence (a cut between words without a click)."""
    n = min(n, len(chunk))
    out = chunk.astype(np.float32)
    out[len(out) - n:] *= np.linspace(1.0, 0.0, n, dtype=np.float32)
    return out.astype(np.int16)


def _end(q: Queued) -> int:
    """The sample a queued line ends at: its length, or where it was cut between words."""
    return len(q.speech.pcm) if q.cut_at is None else min(q.cut_at, len(q.speech.pcm))
