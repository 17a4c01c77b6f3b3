"""Per-frame eye offsets: blink (upper lid skin slides down, lower lid rises a little) and gaze (iris shift)."""

from __future__ import annotations

import numpy as np

from avatar.rig.eyes import EyeRig

LOWER_SHARE = 0.15  # the lower lid does this much of the closing
LASH = 0.35
CLOSED = 0.93  # share of the opening that a full blink closes  # thickness of the upper lash line, in eye heights


def eye_offsets(eye: EyeRig, blink: float, gaze_x: float, gaze_y: float) -> np.ndarray | None:
    """Backward (dx, dy) offsets over the eye's window, or None when the eye is at rest."""
    b = float(np.clip(blink, 0.0, 1.0))
    gx, gy = float(np.clip(gaze_x, -1, 1)), float(np.clip(gaze_y, -1, 1))
    if b < 1e-3 and abs(gx) < 1e-3 and abs(gy) < 1e-3:
        return None
    v, top, up, lo, bot = eye.v, eye.v_top, eye.v_up, eye.v_lo, eye.v_bot
    s = v.copy()
    if b >= 1e-3:
        opening = lo - up
        close = b * CLOSED  # a closed eye keeps a hairline where the lids meet: no hard, stepped edge
        edge = up + close * (1.0 - LOWER_SHARE) * opening  # where the lash line is now
        low2 = lo - close * LOWER_SHARE * opening  # where the lower lid is now
        eps = np.float32(1e-3)
        lash = np.float32(max(1.5, LASH * eye.height))  # the lash band keeps its thickness; the skin stretches
        r0 = (v >= top) & (v < edge - lash)
        s = np.where(r0, top + (v - top) * (up - lash - top) / np.maximum(edge - lash - top, eps), s)
        r1 = (v >= edge - lash) & (v < edge)
        s = np.where(r1, v - edge + up, s)
        r2 = (v >= edge) & (v < low2)  # the eye, squeezed; nearly shut it shows only the dark lash line
        src_top = up - 1.5 * b**3
        src_bot = lo - opening * b**3
        s = np.where(r2, src_top + (v - edge) * (src_bot - src_top) / np.maximum(low2 - edge, eps), s)
        r3 = (v >= low2) & (v < bot)
        s = np.where(r3, lo + (v - low2) * (bot - lo) / np.maximum(bot - low2, eps), s)
    dv = s - v
    du = np.zeros_like(dv)
    if abs(gx) >= 1e-3 or abs(gy) >= 1e-3:
        inside = np.clip(np.minimum(s - up, lo - s) / 1.2, 0.0, 1.0)  # only the eyeball, not the lids
        u = eye.u
        ew = eye.u_max - eye.u_min
        shift = 0.20 * gx * (ew / 2.0)
        c = eye.u_iris + shift
        left, right = eye.u_min, eye.u_max
        su = np.where(u < c, left + (u - left) * (eye.u_iris - left) / max(c - left, 1e-3),
                      right - (right - u) * (right - eye.u_iris) / max(right - c, 1e-3))  # fmt: skip
        su = np.where((u < left) | (u > right), u, su)
        du = (su - u) * inside
        bump = np.clip(1.0 - np.abs(u - c) / (0.45 * ew), 0.0, 1.0)
        dv = dv + (-0.12 * gy * eye.height) * bump * inside
    e = eye.axis
    return np.stack([du * e[0] - dv * e[1], du * e[1] + dv * e[0]], axis=-1).astype(np.float32)
