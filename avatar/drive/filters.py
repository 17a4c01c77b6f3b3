"""Smoothing for the driven face: the one-euro filter (Casiez et al., CHI 2012) smooths jitter when still and
follows fast moves without lag; a crossfade eases the face from one driver to another."""

from __future__ import annotations

import math
from dataclasses import fields

from avatar.types import FaceParams


class OneEuro:
    """One scalar channel: a low-pass whose cutoff rises with the speed, so slow drift is smoothed, fast moves pass.

    `min_cutoff` (Hz) sets the smoothing at rest; `beta` how quickly the cutoff opens with speed.
    """

    def __init__(self, *, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = float(min_cutoff), float(beta), float(d_cutoff)
        self._x: float | None = None
        self._dx = 0.0
        self._t = 0.0

    @staticmethod
    def _alpha(cutoff: float, dt: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: float, t: float) -> float:
        """The filtered value of sample x taken at time t (seconds, increasing)."""
        if self._x is None:
            self._x, self._t = float(x), float(t)
            return float(x)
        dt = t - self._t
        if dt <= 0.0:  # a repeated or out-of-order timestamp: assume one frame at 30 fps
            dt = 1.0 / 30.0
        self._t = float(t)
        dx = (x - self._x) / dt
        self._dx += self._alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += self._alpha(cutoff, dt) * (x - self._x)
        return self._x

    def reset(self) -> None:
        """Forget the history (the next sample passes unfiltered)."""
        self._x = None
        self._dx = 0.0


class Crossfade:
    """Eases the face from one driver to the other (camera ↔ voice and idle) over `seconds`: no jump in the head.

    Feed it every frame's target with whether the camera drives it; on a change of driver the output
    moves from the last face shown to the new target with a smoothstep.
    """

    def __init__(self, seconds: float = 0.25) -> None:
        self.seconds = float(seconds)
        self.camera: bool | None = None  # who drove the last frame (None: nothing shown yet)
        self._from: FaceParams | None = None
        self._t0 = 0.0
        self._last: FaceParams | None = None

    def prime(self, shown: FaceParams, camera: bool) -> None:
        """Start from a face already on screen (the host's own, before the operator takes over)."""
        self.camera, self._last, self._from = camera, shown, None

    def reset(self) -> None:
        """Forget what was shown (the next frame is taken as it is, or from a new `prime`)."""
        self.camera, self._last, self._from = None, None, None

    def __call__(self, target: FaceParams, camera: bool, t: float) -> FaceParams:
        """The face to show at time t (seconds) for this frame's target."""
        if self.camera is not None and camera != self.camera and self._last is not None:
            self._from, self._t0 = self._last, t
        self.camera = camera
        out = target
        if self._from is not None:
            k = (t - self._t0) / self.seconds
            if not 0.0 <= k < 1.0:
                self._from = None
            else:
                w = k * k * (3.0 - 2.0 * k)
                a = self._from
                out = FaceParams(**{f.name: (1.0 - w) * getattr(a, f.name) + w * getattr(target, f.name)
                                    for f in fields(FaceParams)})  # fmt: skip
        self._last = out
        return out
