"""Face animation: the voice's viseme timeline (or its loudness) plus idle life → one FaceParams per frame.

The Animator keeps a programme-time cursor: each track continues where the previous one ended, so the
head sway, breathing and blinks run on without a jump from one segment to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from avatar.animate.envelope import envelope_at, loudness
from avatar.animate.idle import IdleMotion
from avatar.animate.shapes import TARGETS, MouthTrack, Shape
from avatar.types import FaceParams
from voice.types import Speech

__all__ = ["TARGETS", "Animator", "MouthTrack", "Shape"]

JAW_BY_LOUDNESS = (0.3, 1.0)  # jaw × (a + b·loudness): louder syllables open wider


@dataclass
class _Scheduled:
    start_s: float
    end_s: float
    track: MouthTrack | None
    env: np.ndarray


class Animator:
    """Makes FaceParams at `fps`: mouth from speech, blinks/sway/breath/gaze from a seeded idle motion."""

    def __init__(self, *, fps: float = 25.0, seed: int = 0) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.fps = float(fps)
        self.seed = seed
        self._origin = 0.0  # programme time of frame 0 of the current run of tracks
        self._k = 0  # frames produced since then: times are origin + k / fps, with no drift
        self._idle = IdleMotion(seed)
        self._scheduled: list[_Scheduled] = []

    @property
    def t_s(self) -> float:
        """Programme time of the next frame a track will produce (the cursor)."""
        return self._origin + self._k / self.fps

    def _advance(self, start_s: float | None, n: int) -> np.ndarray:
        """Times of n frames from start_s (or the cursor), and move the cursor past them."""
        if start_s is not None:
            self._origin, self._k = float(start_s), 0
        t = self._origin + (self._k + np.arange(n)) / self.fps
        self._k += n
        return t

    # -- tracks (advance the cursor) --------------------------------------------------------------
    def speech_track(self, speech: Speech, start_s: float | None = None) -> list[FaceParams]:
        """One FaceParams per frame over the utterance, starting at start_s (default: the cursor).

        The mouth follows the viseme timeline with coarticulation; without one, the loudness.
        """
        n = max(1, math.ceil(speech.duration_s * self.fps - 1e-9))
        t = self._advance(start_s, n)
        item = self._item(speech, float(t[0]), n)
        mouth = self._mouth(item, t)  # the whole utterance at once: the track is ready before it plays
        return [self._compose(float(ti), mouth[k]) for k, ti in enumerate(t)]

    def envelope_track(self, pcm: np.ndarray, sample_rate: int, start_s: float | None = None) -> list[FaceParams]:
        """One FaceParams per frame over the audio, the mouth following its loudness (no timeline needed)."""
        speech = Speech(pcm=np.asarray(pcm).reshape(-1), sample_rate=int(sample_rate), text="")
        return self.speech_track(speech, start_s)

    def idle(self, n_frames: int) -> list[FaceParams]:
        """n frames of the idle face from the cursor: blinks, sway, breathing, eye movement, mouth closed."""
        t = self._advance(None, max(0, n_frames))
        return [self._compose(float(ti), np.zeros(4)) for ti in t]

    # -- continuous time ------------------------------------------------------------------------------
    def schedule(self, speech: Speech, start_s: float) -> None:
        """Let params_at() speak `speech` from programme time start_s (for a realtime player)."""
        n = max(1, math.ceil(speech.duration_s * self.fps - 1e-9))
        self._scheduled.append(self._item(speech, float(start_s), n))
        self._scheduled = [s for s in self._scheduled if s.end_s > start_s - 60.0]

    def params_at(self, t: float) -> FaceParams:
        """The face at programme time t: idle motion plus the mouth of any utterance scheduled over t."""
        mouth = np.zeros(4)
        for item in self._scheduled:
            if item.start_s - 0.2 <= t <= item.end_s + 0.2:
                mouth = np.maximum(mouth, self._mouth(item, np.array([t]))[0])
        return self._compose(float(t), mouth)

    # -- internals --------------------------------------------------------------------------------------
    def _item(self, speech: Speech, start: float, n: int) -> _Scheduled:
        env = loudness(speech.pcm, speech.sample_rate, self.fps, n) if speech.sample_rate else np.zeros(n)
        track = MouthTrack(speech.visemes) if speech.visemes else None
        return _Scheduled(start_s=start, end_s=start + speech.duration_s, track=track, env=env)

    def _mouth(self, item: _Scheduled, t_abs: np.ndarray) -> np.ndarray:
        rel = t_abs - item.start_s
        env = envelope_at(item.env, self.fps, rel)
        if item.track is None:  # loudness fallback: open with the level, a little spread
            return np.stack([0.7 * np.minimum(env, 1.0), 0.12 * np.minimum(env, 1.0), np.zeros_like(env), np.zeros_like(env)], axis=1)
        m = item.track.at(rel)
        m[:, 0] *= JAW_BY_LOUDNESS[0] + JAW_BY_LOUDNESS[1] * env
        return m

    def _compose(self, t: float, mouth: np.ndarray) -> FaceParams:
        idle = self._idle
        yaw, pitch, roll = idle.sway(t)
        gx, gy = idle.gaze(t)
        b = idle.blink(t)
        talk = float(mouth[0])
        return FaceParams(
            jaw_open=float(np.clip(mouth[0], 0, 1)), lip_spread=float(np.clip(mouth[1], 0, 1)),
            pucker=float(np.clip(mouth[2], 0, 1)), lips_pressed=float(np.clip(mouth[3], 0, 1)),
            blink_left=b, blink_right=b, head_yaw=yaw, head_pitch=pitch - 0.5 * talk, head_roll=roll,
            breath=idle.breath(t), gaze_x=gx, gaze_y=gy,
        )  # fmt: skip
