"""Head motion: yaw, pitch, roll and the breathing bob as smooth fields over the head region.

The fields are smooth, so they are kept on a coarse grid (every STEP px) and enlarged per frame; they
fade to zero before the region's edge, so the recomposited head never shows a seam.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatar.rig import landmarks as L
from avatar.rig.framing import face_box

STEP = 8
HEAD_BASES = ("yaw", "pitch", "roll", "bob")


@dataclass
class HeadRig:
    """The recomposited region (ROI), its coarse backward bases and the same motions at each landmark."""

    roi: tuple[int, int, int, int]  # (x0, y0, x1, y1) on the canvas
    coarse_origin: tuple[float, float]  # canvas position of coarse node (0, 0)
    coarse: np.ndarray  # (4, ch, cw, 2) float32 backward offsets per unit (degree / breath)
    forward: np.ndarray  # (4, 478, 2) float32 forward landmark motion per unit


def _motion(q: np.ndarray, centre: np.ndarray, e: np.ndarray, n: np.ndarray, a: float, b: float, fw: float,
            pivot: np.ndarray) -> np.ndarray:
    """Forward motion per unit of each basis at points q (..., 2)."""
    r = q - centre
    ru, rv = r @ e / a, r @ n / b
    rr = ru * ru + rv * rv
    fall = 1.0 - np.clip((np.sqrt(rr) - 1.0) / 0.4, 0.0, 1.0)
    fall = fall * fall * (3.0 - 2.0 * fall)
    z = 0.5 * fw * np.clip(1.0 - rr, 0.0, None) + 0.1 * fw  # depth in front of the turning axis
    rad = np.pi / 180.0
    yaw = (rad * z * fall)[..., None] * e
    pitch = (rad * z * fall)[..., None] * n
    d = q - pivot
    roll = (rad * fall)[..., None] * np.stack([-d[..., 1], d[..., 0]], axis=-1)
    bob = (-0.006 * fw * fall)[..., None] * n
    return np.stack([yaw, pitch, roll, bob]).astype(np.float32)


def build_head(points: np.ndarray, canvas: tuple[int, int], must_cover: list[tuple[int, int, int, int]]) -> HeadRig:
    """Head ellipse (face plus hair), the ROI around it, and the coarse motion bases."""
    p = points[:, :2].astype(np.float64)
    cx, cy, fw, fh = face_box(p)
    e = p[L.LEFT_IRIS[0]] - p[L.RIGHT_IRIS[0]]
    e = e / max(float(np.linalg.norm(e)), 1e-6)
    n = np.array([-e[1], e[0]])
    centre = np.array([cx, cy]) - 0.12 * fh * n
    a, b = 0.62 * fw, 0.64 * fh
    pivot = p[L.CHIN] + 0.30 * fh * n
    reach = 1.42
    ext = np.array([[su * a * reach, sv * b * reach] for su in (-1, 1) for sv in (-1, 1)])
    pts = centre + ext[:, :1] * e + ext[:, 1:] * n
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    for bx0, by0, bx1, by1 in must_cover:  # the mouth and eye windows, with room to move
        x0, y0, x1, y1 = min(x0, bx0 - 16), min(y0, by0 - 16), max(x1, bx1 + 16), max(y1, by1 + 16)
    w, h = canvas
    roi = (max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1)))
    gx0, gy0 = roi[0] - STEP, roi[1] - STEP
    cw = (roi[2] - roi[0]) // STEP + 4
    ch = (roi[3] - roi[1]) // STEP + 4
    gy, gx = np.mgrid[0:ch, 0:cw].astype(np.float64)
    q = np.stack([gx0 + gx * STEP, gy0 + gy * STEP], axis=-1)
    coarse = -_motion(q, centre, e, n, a, b, fw, pivot)
    forward = _motion(p, centre, e, n, a, b, fw, pivot)
    return HeadRig(roi=roi, coarse_origin=(float(gx0), float(gy0)), coarse=coarse, forward=forward)
