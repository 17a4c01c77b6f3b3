"""The one-euro filter (Casiez et al., CHI 2012): smooths jitter when still, follows fast moves without lag."""

from __future__ import annotations

import math


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
