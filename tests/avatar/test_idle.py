"""Idle motion: seeded blinks and gaze, the same at any hour of the night, and no dearer at hour 8 than at minute 1."""

from __future__ import annotations

import time

import numpy as np

from avatar.animate.idle import BLINK_CLOSE_S, BLINK_HOLD_S, BLINK_OPEN_S, IdleMotion


def _closed_spans(im: IdleMotion, t0: float, t1: float, step: float = 0.01) -> list[float]:
    """Start times of the moments the lids are fully shut between t0 and t1."""
    ts = np.arange(t0, t1, step)
    shut = np.array([im.blink(float(t)) >= 0.999 for t in ts])
    starts = np.flatnonzero(shut[1:] & ~shut[:-1]) + 1
    return [float(ts[i]) for i in starts]


def test_blinks_come_every_few_seconds_late_in_the_night_too() -> None:
    im = IdleMotion(seed=3)
    for t0 in (0.0, 8 * 3600.0):
        shut = _closed_spans(im, t0, t0 + 120.0)
        gaps = np.diff(shut)
        assert 15 <= len(shut) <= 75, len(shut)
        double = gaps < 1.0  # a double blink: the second shuts the lids again 0.22–0.34 s after the first
        assert gaps[double].min() >= 0.2 and 0 < double.mean() < 0.4
        assert gaps[~double].min() >= 2.0 - BLINK_CLOSE_S - BLINK_HOLD_S - BLINK_OPEN_S and gaps.max() <= 6.5


def test_the_same_seed_gives_the_same_face_whatever_order_times_are_asked() -> None:
    ts = np.random.default_rng(0).uniform(0, 4 * 3600.0, 400)
    forward, backward = IdleMotion(seed=11), IdleMotion(seed=11)
    a = [(forward.blink(t), *forward.gaze(t)) for t in sorted(ts)]
    b = [(backward.blink(t), *backward.gaze(t)) for t in sorted(ts, reverse=True)][::-1]
    assert a == b


def test_gaze_holds_a_target_and_moves_to_the_next_in_a_saccade() -> None:
    im = IdleMotion(seed=5)
    ts = np.arange(3600.0, 3660.0, 0.01)
    g = np.array([im.gaze(float(t)) for t in ts])
    moving = np.linalg.norm(np.diff(g, axis=0), axis=1) > 1e-9
    assert 0.005 < moving.mean() < 0.1, moving.mean()  # mostly holding, a few short moves
    assert np.abs(g[:, 0]).max() <= 0.35 + 1e-9 and g[:, 1].min() >= -0.2 - 1e-9


def test_a_frame_late_in_the_night_costs_what_one_early_does() -> None:
    im = IdleMotion(seed=1)
    im.blink(24 * 3600.0), im.gaze(24 * 3600.0)  # a whole day's schedule exists

    def cost(t0: float) -> float:
        start = time.perf_counter()
        for k in range(2000):
            t = t0 + k * 0.04
            im.blink(t), im.gaze(t)
        return time.perf_counter() - start

    early, late = min(cost(10.0) for _ in range(3)), min(cost(23 * 3600.0) for _ in range(3))
    assert late < 4 * early, (early, late)  # a scan from the start of the night would be ~1000× dearer
