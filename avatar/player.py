"""The programme clock: audio is the master, frames are scheduled against it, late frames are dropped.

Each utterance's audio is handed to every sink whole, at its pts, before its frames: nothing a frame
does can delay or shift the sound. With `realtime=False` every frame is rendered (files, tests).
With `realtime=True` the clock starts with the audio; a frame is shown at its pts, and a frame that
cannot be shown within its own frame interval is dropped and counted (the sinks keep the previous one).
A slow renderer thus shows every second or third frame on time instead of every frame late.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from avatar.sinks.base import VideoSink
from avatar.types import FaceParams, VideoFrame
from voice.resample import resample
from voice.types import Speech

log = logging.getLogger(__name__)

RENDER_MARGIN = 1.15  # a render is started only if 1.15 × its expected time still fits before the deadline


class FrameRenderer(Protocol):
    def render(self, params: FaceParams) -> np.ndarray: ...


class FaceAnimator(Protocol):
    def speech_track(self, speech: Speech, start_s: float | None = None) -> list[FaceParams]: ...

    def envelope_track(self, pcm: np.ndarray, sample_rate: int, start_s: float | None = None) -> list[FaceParams]: ...

    def idle(self, n: int) -> list[FaceParams]: ...


@dataclass
class PlayerStats:
    """Frame accounting: every frame slot is either sent to the sinks or dropped."""

    frames_rendered: int = 0
    frames_sent: int = 0
    frames_dropped: int = 0  # slots with no new frame: skipped before rendering, or late
    frames_late: int = 0  # rendered, but finished after their slot had ended (dropped)
    frames_blocked: int = 0  # withheld because the overlay (the AI label) could not be drawn
    render_s: float = 0.0  # time spent rendering
    audio_s: float = 0.0  # programme audio handed to the sinks, silence included

    @property
    def render_ms_per_frame(self) -> float:
        return 1000.0 * self.render_s / self.frames_rendered if self.frames_rendered else 0.0


class Player:
    """Plays utterances and idle time through a renderer into every sink, on one programme clock."""

    def __init__(
        self,
        renderer: FrameRenderer,
        animator: FaceAnimator,
        sinks: Sequence[VideoSink],
        fps: float = 25,
        realtime: bool = False,
        *,
        sample_rate: int = 22050,
        overlay: Callable[[np.ndarray], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        animator_fps = getattr(animator, "fps", fps)
        if abs(float(animator_fps) - float(fps)) > 1e-9:
            raise ValueError(f"the animator runs at {animator_fps} fps, the player at {fps}")
        self.renderer, self.animator, self.sinks = renderer, animator, list(sinks)
        self.fps, self.realtime, self.sample_rate = float(fps), realtime, int(sample_rate)
        self.overlay = overlay  # draws on every frame before it leaves (the AI label); failure withholds it
        self.stats = PlayerStats()
        self.t_s = 0.0  # programme time where the next segment may start (on the frame grid)
        self.size: tuple[int, int] | None = None  # (width, height) once opened
        self.video_delay_s = 0.0  # audio output latency: frames are shown this much later
        self._clock, self._sleep = clock, sleep
        self._origin: float | None = None  # wall-clock time of programme time 0 (realtime)
        self._render_est_s = 0.0  # recent render time (moving average): a frame that cannot make it is skipped
        self._closed = False

    # -- public ------------------------------------------------------------------------------------
    def play(self, speech: Speech) -> float:
        """Play one utterance: its audio at the segment start, then its frames. Returns the segment's pts.

        The mouth follows the viseme timeline, or the loudness when the speech has none.
        """
        pcm = resample(np.asarray(speech.pcm, dtype=np.int16).reshape(-1), speech.sample_rate, self.sample_rate)

        def track(t0: float) -> list[FaceParams]:
            if speech.visemes:
                return list(self.animator.speech_track(speech, start_s=t0))
            # a backend without a timeline: the mouth follows the loudness
            return list(self.animator.envelope_track(pcm, self.sample_rate, start_s=t0))

        return self._segment(pcm, track)

    def idle(self, seconds: float) -> float:
        """Fill `seconds` with the idle face (blinks, breathing) and silence. Returns the segment's pts."""
        n = max(0, math.ceil(seconds * self.fps - 1e-6))  # at least `seconds`, on the frame grid
        if n == 0:
            return self.t_s
        return self._segment(np.zeros(round(n / self.fps * self.sample_rate), np.int16), lambda _t0: [])

    def close(self) -> None:
        """Close every sink (files get their trailers; windows and devices are released)."""
        if self._closed:
            return
        self._closed = True
        errors: list[BaseException] = []
        for sink in self.sinks:
            try:
                sink.close()
            except Exception as e:  # noqa: BLE001  (close the others, then report)
                errors.append(e)
        if errors:
            raise errors[0]

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the clock ---------------------------------------------------------------------------------
    def _now_s(self) -> float:
        """Programme time now (realtime only)."""
        assert self._origin is not None
        return self._clock() - self._origin

    def _segment(self, pcm: np.ndarray, make_params: Callable[[float], list[FaceParams]]) -> float:
        if self._closed:
            raise RuntimeError("player already closed")
        t0 = self.t_s
        if self.realtime and self._origin is not None:
            behind = self._now_s() - t0
            if behind > 0:  # nobody played for a while: start at the next frame boundary from now
                t0 += math.ceil(behind * self.fps) / self.fps
        params = make_params(t0)
        n = max(len(params), math.ceil(len(pcm) / self.sample_rate * self.fps - 1e-9))
        if len(params) < n:
            params += list(self.animator.idle(n - len(params)))
        first = self._render(params[0])
        if self.size is None:
            self._open(first)
        if self.realtime and self._origin is None:
            self._origin = self._clock() - t0  # the clock starts with the audio
        for sink in self.sinks:
            sink.write_audio(pcm, t0)
        self.stats.audio_s += len(pcm) / self.sample_rate
        for k, p in enumerate(params):
            self._frame(k, p, t0, first if k == 0 else None)
        self.t_s = t0 + n / self.fps
        return t0

    def _frame(self, k: int, params: FaceParams, t0: float, image: np.ndarray | None) -> None:
        pts = t0 + k / self.fps
        index = round(pts * self.fps)
        if self.realtime:
            due = pts + self.video_delay_s
            deadline = due + 1.0 / self.fps
            if image is None and self._now_s() + RENDER_MARGIN * self._render_est_s > deadline:
                self.stats.frames_dropped += 1  # it could not be ready in time: skip its render
                return
            if image is None:
                image = self._render(params)
            now = self._now_s()
            if now > deadline:
                self.stats.frames_late += 1
                self.stats.frames_dropped += 1
                return
            if now < due:
                self._sleep(due - now)
        elif image is None:
            image = self._render(params)
        if self.overlay is not None:
            try:
                self.overlay(image)
            except Exception as e:  # noqa: BLE001  (no frame leaves without its overlay)
                log.error("overlay could not be drawn (%s): frame withheld", e)
                self.stats.frames_blocked += 1
                return
        frame = VideoFrame(image=image, index=index, pts_s=pts)
        for sink in self.sinks:
            sink.write_video(frame)
        self.stats.frames_sent += 1

    def _render(self, params: FaceParams) -> np.ndarray:
        t = time.perf_counter()
        image = self.renderer.render(params)
        took = time.perf_counter() - t
        self._render_est_s = took if not self.stats.frames_rendered else 0.7 * self._render_est_s + 0.3 * took
        self.stats.render_s += took
        self.stats.frames_rendered += 1
        return image

    def _open(self, image: np.ndarray) -> None:
        height, width = image.shape[:2]
        self.size = (width, height)
        for sink in self.sinks:
            sink.open(width, height, self.fps, self.sample_rate)
        if self.realtime:
            self.video_delay_s = max((float(getattr(s, "latency_s", 0.0)) for s in self.sinks), default=0.0)
        log.debug("player opened %d sinks at %dx%d, %.0f fps, %d Hz", len(self.sinks), width, height,
                  self.fps, self.sample_rate)
