"""Viseme timeline → mouth shape over time, with coarticulation.

Each viseme ramps in from about 2/3 of its duration before its phoneme starts and releases over about 1/2
of its duration after it ends: the mouth moves slightly before the sound, never after.
Overlapping visemes are blended by weight; p/b/m override everything at their core so the lips shut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.types import VisemeSpan


@dataclass(frozen=True)
class Shape:
    """Mouth part of FaceParams: jaw_open, lip_spread, pucker, lips_pressed."""

    jaw: float = 0.0
    spread: float = 0.0
    pucker: float = 0.0
    press: float = 0.0


# Targets per viseme (Meta/Oculus set), tuned by eye on the rendered face.
TARGETS: dict[str, Shape] = {
    "sil": Shape(),
    "PP": Shape(0.0, 0.0, 0.0, 1.0),
    "FF": Shape(0.06, 0.15, 0.0, 0.55),
    "TH": Shape(0.20, 0.10, 0.0, 0.0),
    "DD": Shape(0.24, 0.12, 0.0, 0.0),
    "kk": Shape(0.28, 0.06, 0.0, 0.0),
    "CH": Shape(0.20, 0.0, 0.70, 0.0),
    "SS": Shape(0.10, 0.45, 0.0, 0.0),
    "nn": Shape(0.20, 0.10, 0.0, 0.0),
    "RR": Shape(0.22, 0.0, 0.45, 0.0),
    "aa": Shape(0.85, 0.10, 0.0, 0.0),
    "E": Shape(0.52, 0.45, 0.0, 0.0),
    "I": Shape(0.28, 0.65, 0.0, 0.0),
    "O": Shape(0.60, 0.0, 0.65, 0.0),
    "U": Shape(0.32, 0.0, 0.85, 0.0),
}
CLOSURES = frozenset({"PP"})  # lips must meet fully
RAMP_IN = (2.0 / 3.0, 0.03, 0.15)  # share of the duration, min s, max s
RELEASE = (0.5, 0.03, 0.12)
CLOSURE_MIN_S = 0.05  # a frame period at 20 fps and more


def _ramp(share: float, lo: float, hi: float, d: float) -> float:
    return min(hi, max(lo, share * d))


def _smooth(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def span_weight(t: np.ndarray, span: VisemeSpan) -> np.ndarray:
    """0..1 influence of one viseme at times t: ramp in, hold over the phoneme, release.

    A lip closure holds for at least CLOSURE_MIN_S around its middle, so a frame sampled anywhere
    near a short p/b/m (often 30 ms) still sees the lips shut.
    """
    start, end = span.start_s, span.end_s
    if span.viseme in CLOSURES and end - start < CLOSURE_MIN_S:
        mid = (start + end) / 2.0
        start, end = mid - CLOSURE_MIN_S / 2.0, mid + CLOSURE_MIN_S / 2.0
    d = max(end - start, 0.02)
    a, r = _ramp(*RAMP_IN, d), _ramp(*RELEASE, d)
    up = _smooth((t - (start - a)) / a)
    down = _smooth(1.0 - (t - end) / r)
    return np.minimum(up, down)


class MouthTrack:
    """The mouth over time for one viseme timeline (times relative to the utterance start)."""

    def __init__(self, visemes: list[VisemeSpan]) -> None:
        self.spans = sorted(visemes, key=lambda s: s.start_s)
        self._starts = np.array([s.start_s for s in self.spans])
        self._ends = np.array([s.end_s for s in self.spans])

    def at(self, t: np.ndarray) -> np.ndarray:
        """(len(t), 4) array of jaw, spread, pucker, press at times t (seconds from the utterance start)."""
        t = np.atleast_1d(np.asarray(t, np.float64))
        acc = np.zeros((len(t), 4))
        total = np.zeros(len(t))
        closure = np.zeros(len(t))
        margin = RAMP_IN[2] + RELEASE[2] + 0.05
        for s in self.spans:
            near = (t > s.start_s - margin) & (t < s.end_s + margin)
            if not near.any():
                continue
            w = np.zeros(len(t))
            w[near] = span_weight(t[near], s)
            tgt = TARGETS.get(s.viseme, TARGETS["sil"])
            acc += w[:, None] * np.array([tgt.jaw, tgt.spread, tgt.pucker, tgt.press])
            total += w
            if s.viseme in CLOSURES:
                closure = np.maximum(closure, w)
        out = acc / np.maximum(total, 1.0)[:, None]
        out[:, 3] = np.maximum(out[:, 3], closure)
        out[:, 0] *= 1.0 - closure
        out[:, 1] *= 1.0 - 0.6 * closure
        out[:, 2] *= 1.0 - 0.4 * closure
        return out
