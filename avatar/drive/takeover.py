"""Takeover: a real person drives the host live — their camera moves the face, their microphone is the voice.

The console's WebSocket handler pushes camera frames and microphone chunks from its own thread; the
programme clock asks, once per frame, for the face (`params`) and the next slice of sound (`audio`).
Nothing here blocks the clock: the newest camera frame wins (older ones are dropped while the tracker
is busy), and the voice runs through a small jitter buffer that plays silence when it runs dry. Given
capture times on one clock, the face shown with each slice of voice is the one seen when it was said.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from avatar.animate import Animator
from avatar.drive.face import FaceTracker, decode_image
from avatar.drive.filters import Crossfade
from avatar.drive.jitter import VoiceBuffer
from avatar.drive.mic import MicDriver, pcm16
from avatar.types import FaceParams

log = logging.getLogger(__name__)

PREFILL_S = 0.06  # voice held back before playing (and again after running dry): covers network jitter
MAX_BUFFER_S = 0.2  # more than this queued (the mic's clock runs fast) and the oldest audio is dropped
FACE_TIMEOUT_S = 0.5  # a tracked face older than this is stale: the mouth follows the voice instead
FACE_HISTORY = 32  # tracked faces kept (about a second), to match each slice of voice with its moment
SAME_CLOCK_S = 1.0  # voice and camera times further apart than this are not on one clock: times are ignored
FADE_S = 0.25  # the face eases between the camera and the voice/idle drivers over this long
VOICE_ON = 0.05  # loudness above which a frame counts as driven by the operator's voice


class Programme(Protocol):
    """What a session needs of the programme clock (avatar.program.Program): its rates and its takeover slot."""

    rate: int
    fps: float
    takeover: Takeover | None


@dataclass
class TakeoverStats:
    """What happened so far: frames in/tracked/dropped, audio underruns and drops, and the first driven frame."""

    video_in: int = 0
    video_tracked: int = 0  # frames where a face was found
    video_no_face: int = 0
    video_dropped: int = 0  # replaced by a newer frame before the tracker got to them
    video_bad: int = 0  # could not be decoded
    track_s: float = 0.0  # time spent tracking
    audio_in_s: float = 0.0
    audio_dropped_s: float = 0.0
    underruns: int = 0  # times the voice buffer ran dry while playing
    first_frame_s: float | None = None  # from the takeover's start to the first frame the operator drove (face or voice)
    first_face_s: float | None = None  # ... to the first frame their face drove
    source: str = "idle"  # what drove the last frame: "face", "voice" or "idle"
    av_offset_ms: float | None = None  # the voice playing was said this long after the face shown was seen

    @property
    def track_ms_per_frame(self) -> float:
        """Mean FaceMesh time per camera frame tracked (face found or not)."""
        n = self.video_tracked + self.video_no_face
        return 1000.0 * self.track_s / n if n else 0.0


class Takeover:
    """One operator's live session: push camera frames and mic audio in, take FaceParams and audio out per frame.

    `threaded=False` tracks each frame inside push_video (deterministic, for tests and offline use).
    All methods are safe to call from any thread. A console may create the session when the operator's
    camera opens (tracking and calibration warm up on the preview) and call `begin()` at the takeover click.
    """

    def __init__(self, *, sample_rate: int = 22050, fps: float = 25.0, seed: int = 0, mirror: bool = False,
                 threaded: bool = True, tracker: FaceTracker | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.rate, self.fps = int(sample_rate), float(fps)
        self.clock = clock
        self.started_at = clock()
        self.stats = TakeoverStats()
        self.tracker = tracker or FaceTracker(mirror=mirror)
        self.mic = MicDriver(sample_rate=self.rate, fps=self.fps)
        self._idle = Animator(fps=self.fps, seed=seed)  # blinks, sway, gaze and breath (the programme's, same seed)
        self._fade = Crossfade(FADE_S)
        self._lock = threading.Lock()
        self._faces: deque[tuple[float, FaceParams, float]] = deque(maxlen=FACE_HISTORY)  # (ts, params, clock)
        self._voice = VoiceBuffer(self.rate, prefill_s=PREFILL_S, max_s=MAX_BUFFER_S)
        self._heard: float | None = None  # capture time of the voice just played, on the operator's clock
        self._pending: tuple[np.ndarray | bytes, float] | None = None
        self._wake = threading.Condition(self._lock)
        self._in_lock = threading.Lock()
        self._closed = False
        self._worker: threading.Thread | None = None
        self._program: Programme | None = None
        self._leaving: float | None = None  # handing back: the pts the ease-out started (-1: not yet)
        if threaded:
            self._worker = threading.Thread(target=self._work, name="takeover-track", daemon=True)
            self._worker.start()

    @classmethod
    def for_program(cls, program: Programme, **options: Any) -> Takeover:
        """A session at the programme's sample rate and frame rate (not yet on air)."""
        return cls(sample_rate=program.rate, fps=program.fps, **options)

    def attach(self, program: Programme) -> None:
        """Go on air: `begin()`, then the programme takes its face and voice from this session."""
        self.begin()
        program.takeover = self
        self._program = program

    def detach(self, *, ease: bool = True) -> None:
        """Hand back: the programme returns to the host's own lines (held ones resume); the session stays open.

        With `ease` the operator's voice stops now and the face eases back to the host's idle over FADE_S
        of programme time before the programme takes over again; without, the hand-back is immediate.
        """
        if ease and self._program is not None and self._program.takeover is self:
            self._leaving = -1.0  # starts at the next frame's pts
            return
        if self._program is not None and self._program.takeover is self:
            self._program.takeover = None
        self._program, self._leaving = None, None

    def begin(self) -> None:
        """Mark the takeover's start now (the operator's click): the first-frame figures count from here."""
        self._leaving = None
        self.started_at = self.clock()
        self.stats.first_frame_s = self.stats.first_face_s = None
        self._fade.reset()
        with self._lock:  # voice that piled up before going on air would only add delay
            self._voice.trim(PREFILL_S)
            self.stats.audio_dropped_s = self._voice.dropped / self.rate

    # -- in (the console's thread) -------------------------------------------------------------
    def push_video(self, image: np.ndarray | bytes, ts: float | None = None) -> None:
        """One camera frame: an RGB array (H, W, 3) or JPEG/PNG bytes, taken at `ts` (seconds, increasing)."""
        if not isinstance(image, bytes | bytearray | memoryview | np.ndarray):
            raise TypeError(f"a camera frame is an RGB array or encoded image bytes, not {type(image).__name__}")
        item = (bytes(image) if not isinstance(image, np.ndarray) else image, self.clock() if ts is None else ts)
        with self._lock:
            self.stats.video_in += 1
            if self._worker is not None:
                if self._pending is not None:
                    self.stats.video_dropped += 1
                self._pending = item
                self._wake.notify()
                return
        self._track(*item)

    def push_audio(self, pcm: np.ndarray | bytes, sample_rate: int, ts: float | None = None) -> None:
        """A chunk of the operator's microphone, mono: int16 samples (an array or little-endian bytes) or floats in -1..1.

        Chunks play in the order they arrive. `ts` is when the chunk's first sample was captured: given on
        the same clock as push_video's, it lets the face shown with each slice of voice be the camera frame
        taken at that moment (see TakeoverStats.av_offset_ms).
        """
        a = pcm16(pcm)
        with self._in_lock:  # the resampler's state runs from chunk to chunk
            out = self.mic.resample(a, int(sample_rate))
        with self._lock:
            self.stats.audio_in_s += len(a) / sample_rate
            self._voice.push(out, ts)
            self.stats.audio_dropped_s = self._voice.dropped / self.rate

    # -- out (the programme's thread) -------------------------------------------------------------
    def audio(self, n: int) -> np.ndarray:
        """The next n samples of the operator's voice at the programme rate; silence while the buffer fills."""
        if self._leaving is not None:
            self.mic.feed(np.zeros(n, np.int16))
            return np.zeros(n, np.int16)
        with self._lock:
            out, self._heard = self._voice.take(n)
            self.stats.underruns = self._voice.underruns
        self.mic.feed(out)
        return out

    def params(self, pts: float) -> FaceParams:
        """The face for the frame at programme time `pts`: the operator's tracked face, breathing with idle life.

        With no fresh face, the mouth follows the voice just taken by `audio` and the idle motion moves
        the head, eyes and lids.
        """
        now = self.clock()
        idle = self._idle.params_at(pts)
        if self._leaving is not None:  # handing back: ease to the host's idle face, then let go
            if self._leaving < 0:
                self._leaving = pts
            if pts - self._leaving >= FADE_S:
                self.detach(ease=False)
            return self._fade(idle, False, pts)
        with self._lock:
            face = self._pick_face()
        if face is not None and now - face[2] <= FACE_TIMEOUT_S:
            params, source = replace(face[1], breath=idle.breath), "face"
        else:
            jaw, spread = self.mic.mouth()
            params = replace(idle, jaw_open=jaw, lip_spread=spread, head_pitch=idle.head_pitch - 0.5 * jaw)
            source = "voice" if self.mic.level > VOICE_ON else "idle"
        if self._fade.camera is None:  # the first frame on air eases in from the host's own idle face
            self._fade.prime(idle, camera=False)
        params = self._fade(params, source == "face", pts)
        self.stats.source = source
        if source != "idle" and self.stats.first_frame_s is None:
            self.stats.first_frame_s = now - self.started_at
        if source == "face" and self.stats.first_face_s is None:
            self.stats.first_face_s = now - self.started_at
        return params

    def _pick_face(self) -> tuple[float, FaceParams, float] | None:
        """The newest face, or the one taken when the voice now playing was said (caller holds the lock)."""
        if not self._faces:
            return None
        newest = self._faces[-1]
        heard = self._heard
        if heard is None or abs(heard - newest[0]) > SAME_CLOCK_S:  # no times, or not on one clock
            self.stats.av_offset_ms = None
            return newest
        face = next((f for f in reversed(self._faces) if f[0] <= heard + 1e-6), self._faces[0])  # seen by then
        self.stats.av_offset_ms = 1000.0 * (heard - face[0])
        return face

    @property
    def face_visible(self) -> bool:
        """The camera shows the operator's face now (a fresh tracked frame): the console's "tracking" light."""
        with self._lock:
            face = self._faces[-1] if self._faces else None
        return face is not None and self.clock() - face[2] <= FACE_TIMEOUT_S

    @property
    def voice_level(self) -> float:
        """Loudness of the operator's voice as it is played (0..1): the console's microphone meter."""
        return self.mic.level

    @property
    def buffered_s(self) -> float:
        """Seconds of the operator's voice waiting to be played."""
        with self._lock:
            return self._voice.buffered / self.rate

    # -- tracking ----------------------------------------------------------------------------------
    def _track(self, image: np.ndarray | bytes, ts: float) -> None:
        rgb = decode_image(image) if isinstance(image, bytes) else image
        if rgb is None:
            with self._lock:
                self.stats.video_bad += 1
            return
        t0 = time.perf_counter()
        params = self.tracker.track(rgb, ts)
        took = time.perf_counter() - t0
        with self._lock:
            self.stats.track_s += took
            if params is None:
                self.stats.video_no_face += 1
                self._faces.clear()
            else:
                self.stats.video_tracked += 1
                self._faces.append((ts, params, self.clock()))

    def _work(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                item, self._pending = self._pending, None
            if item is None:  # woken with nothing to track
                continue
            try:
                self._track(*item)
            except Exception as e:  # one bad frame must not end the takeover
                log.error("tracking a camera frame failed: %s", e)
                with self._lock:
                    self.stats.video_bad += 1

    def close(self) -> None:
        """Hand back at once if on air, stop the tracking thread and release MediaPipe; safe to call twice."""
        self.detach(ease=False)
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=5)
        self.tracker.close()

    def __enter__(self) -> Takeover:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
