"""Life when nobody speaks: blinks every 2–6 s (sometimes double), head sway, breathing, small eye movements.

Everything is a function of time drawn from one seeded generator, so the same seed gives the same face.
Schedules are extended in order as later times are asked for, so the answer never depends on the order
of the questions.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

BLINK_CLOSE_S, BLINK_HOLD_S, BLINK_OPEN_S = 0.08, 0.05, 0.16
DOUBLE_BLINK_P = 0.18
BREATH_PERIOD_S = 4.2


class IdleMotion:
    """Seeded idle motion: blink(t), gaze(t), sway(t) and breath(t) for any time t ≥ 0."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = np.random.default_rng(seed)
        rng = np.random.default_rng(seed + 7919)
        # head sway: a few slow sines per axis (degrees), incommensurate so the motion never loops visibly
        self._sway = {
            axis: [(amp * rng.uniform(0.6, 1.0), rng.uniform(0.04, 0.23), rng.uniform(0, 2 * math.pi)) for amp in amps]
            for axis, amps in (("yaw", (1.0, 0.55, 0.3)), ("pitch", (0.6, 0.35, 0.2)), ("roll", (0.55, 0.3, 0.15)))
        }  # fmt: skip
        self._breath_phase = rng.uniform(0, 2 * math.pi)
        self._blinks: list[float] = []
        self._next_blink = float(self._rng.uniform(0.6, 2.5))
        self._gaze: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)]  # (start time, x, y)
        self._gaze_starts: list[float] = [0.0]  # the same start times, for bisect
        self._gaze_rng = np.random.default_rng(seed + 104729)

    def _extend(self, t: float) -> None:
        while self._next_blink < t + 1.0:
            self._blinks.append(self._next_blink)
            if self._rng.random() < DOUBLE_BLINK_P:
                self._next_blink += float(self._rng.uniform(0.22, 0.34))
                self._blinks.append(self._next_blink)
            self._next_blink += float(self._rng.uniform(2.0, 6.0))
        while self._gaze[-1][0] < t + 4.0:
            start = self._gaze[-1][0] + float(self._gaze_rng.uniform(0.8, 3.2))
            if self._gaze_rng.random() < 0.55:  # mostly back to the camera
                x, y = self._gaze_rng.normal(0, 0.04), self._gaze_rng.normal(0, 0.03)
            else:
                x, y = self._gaze_rng.uniform(-0.35, 0.35), self._gaze_rng.uniform(-0.2, 0.15)
            self._gaze.append((start, float(x), float(y)))
            self._gaze_starts.append(start)

    def blink(self, t: float) -> float:
        """Lid closure 0..1 at time t."""
        self._extend(t)
        v = 0.0
        lo = bisect.bisect_left(self._blinks, t - BLINK_CLOSE_S - BLINK_HOLD_S - BLINK_OPEN_S)
        hi = bisect.bisect_right(self._blinks, t + 0.01)
        for b in self._blinks[lo:hi]:  # only the blinks around t: the cost does not grow with the night
            dt = t - b
            if dt < 0:
                c = 0.0
            elif dt < BLINK_CLOSE_S:
                x = dt / BLINK_CLOSE_S
                c = x * x  # lids accelerate shut
            elif dt < BLINK_CLOSE_S + BLINK_HOLD_S:
                c = 1.0
            else:
                x = (dt - BLINK_CLOSE_S - BLINK_HOLD_S) / BLINK_OPEN_S
                c = 1.0 - x * (2.0 - x)  # and ease open
            v = max(v, c)
        return v

    def gaze(self, t: float) -> tuple[float, float]:
        """Iris offset (x, y) at time t: holds, with quick saccades between targets."""
        self._extend(t)
        i = max(0, bisect.bisect_right(self._gaze_starts, t) - 1)  # the target held at t (or being moved to)
        g = self._gaze[i]
        k = min(1.0, (t - g[0]) / 0.05)
        if i > 0 and k < 1.0:
            before = self._gaze[i - 1]
            s = k * k * (3 - 2 * k)
            return (before[1] + (g[1] - before[1]) * s, before[2] + (g[2] - before[2]) * s)
        return g[1], g[2]

    def sway(self, t: float) -> tuple[float, float, float]:
        """Head (yaw, pitch, roll) in degrees at time t."""
        yaw, pitch, roll = (sum(a * math.sin(2 * math.pi * f * t + p) for a, f, p in self._sway[axis])
                            for axis in ("yaw", "pitch", "roll"))
        return yaw, pitch, roll

    def breath(self, t: float) -> float:
        """Breathing −1..1 at time t (a slightly quicker inhale than exhale)."""
        ph = 2 * math.pi * t / BREATH_PERIOD_S + self._breath_phase
        return math.sin(ph + 0.25 * math.sin(ph))
