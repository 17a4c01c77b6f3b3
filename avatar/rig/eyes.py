"""Eye geometry for blinks and gaze: per-pixel eye-frame coordinates and the lid curves at each pixel's column.

A blink slides the skin above the eye (between the brow and the lashes) down over the eye, so the closed
lid is the portrait's own skin with its lash line at the bottom, never a painted patch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatar.rig import landmarks as L

LID_SKIN = 1.0  # share of the lash-to-brow distance that stretches down over the eye


@dataclass
class EyeRig:
    """One eye: a canvas window and, per pixel, v (across the eye) with the lid curves at that column."""

    box: tuple[int, int, int, int]
    axis: np.ndarray  # (2,) unit vector along the eye line; across is (-axis[1], axis[0])
    u: np.ndarray  # (h, w) float32 coordinate along the eye line
    v: np.ndarray  # (h, w) float32 coordinate across it (down positive)
    v_top: np.ndarray  # where the stretch starts above the lid (under the brow)
    v_up: np.ndarray  # upper lid edge (lash line)
    v_lo: np.ndarray  # lower lid edge
    v_bot: np.ndarray  # where the lower lid's skin ends
    u_min: float
    u_max: float
    u_iris: float
    v_iris: float
    height: float  # largest lid opening, px


def build_eye(points: np.ndarray, side: str, canvas: tuple[int, int]) -> EyeRig:
    """Eye rig for side 'right' or 'left' (the subject's) from canvas-pixel landmarks."""
    p = points[:, :2].astype(np.float64)
    if side == "right":
        upper, lower, brow, iris = L.RIGHT_EYE_UPPER, L.RIGHT_EYE_LOWER, L.RIGHT_BROW_LOWER, L.RIGHT_IRIS
    else:
        upper, lower, brow, iris = L.LEFT_EYE_UPPER, L.LEFT_EYE_LOWER, L.LEFT_BROW_LOWER, L.LEFT_IRIS
    e = p[L.LEFT_IRIS[0]] - p[L.RIGHT_IRIS[0]]
    e = e / max(float(np.linalg.norm(e)), 1e-6)
    n = np.array([-e[1], e[0]])
    o = p[iris[0]]

    def uv(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = q - o
        return r @ e, r @ n

    uu, vu = uv(p[list(upper)])
    ul, vl = uv(p[list(lower)])
    ub, vb = uv(p[list(brow)])
    su, sl, sb = np.argsort(uu), np.argsort(ul), np.argsort(ub)
    u_min, u_max = float(min(uu.min(), ul.min())), float(max(uu.max(), ul.max()))
    ew = u_max - u_min
    height = float(np.max(np.interp(uu[su], ul[sl], vl[sl]) - vu[su]))
    height = max(height, 2.0)
    corners = np.array([[a, b] for a in (u_min - 0.25 * ew, u_max + 0.25 * ew)
                        for b in (float(vb.min()) - 2.0, float(vl.max()) + 0.9 * height + 3.0)])  # fmt: skip
    pts = o + corners[:, :1] * e + corners[:, 1:] * n
    w, h = canvas
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 1
    box = (max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1)))
    yy, xx = np.mgrid[box[1] : box[3], box[0] : box[2]].astype(np.float64)
    gu = (xx - o[0]) * e[0] + (yy - o[1]) * e[1]
    gv = (xx - o[0]) * n[0] + (yy - o[1]) * n[1]
    v_up = np.interp(gu, uu[su], vu[su])
    v_lo = np.maximum(np.interp(gu, ul[sl], vl[sl]), v_up)
    v_brow = np.interp(gu, ub[sb], vb[sb])
    v_top = v_up - LID_SKIN * np.maximum(v_up - v_brow, 0.6 * height)
    v_bot = v_lo + 0.6 * height
    outside = (gu < u_min) | (gu > u_max)  # beyond the corners nothing moves
    v_lo = np.where(outside, v_up, v_lo)
    f32 = np.float32
    return EyeRig(
        box=box, axis=e.astype(f32), u=gu.astype(f32), v=gv.astype(f32), v_top=v_top.astype(f32),
        v_up=v_up.astype(f32), v_lo=v_lo.astype(f32), v_bot=v_bot.astype(f32),
        u_min=u_min, u_max=u_max, u_iris=0.0, v_iris=0.0, height=height,
    )  # fmt: skip
