"""Raw face measurements from 478 FaceMesh landmarks: mouth, eyelids, irises and head pose, before calibration.

Every length is a ratio (over the inter-ocular distance or the eye's width), so the numbers do not depend
on how far the operator sits from the camera. Directions are the picture's: positive yaw turns the face
towards the picture's right, positive pitch nods it down, positive roll tilts it clockwise, as the rig
renders them, so the avatar moves the way the operator is seen moving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from avatar.rig import landmarks as L

LIP_GAP = (13, 14)  # inner lip midpoints, upper and lower
RIGHT_CORNERS, LEFT_CORNERS = (33, 133), (263, 362)  # (outer, inner) corners of each eye
RIGHT_LIDS, LEFT_LIDS = (159, 145), (386, 374)  # upper and lower lid midpoints
NOSE_DEPTH = 0.55  # nose tip ahead of the cheek line, as a share of half the face's width (adult average)
MOUTH_TOP = 0  # the upper lip's outer midpoint: unmoved by the jaw, the reference for the nose's pitch


@dataclass(frozen=True)
class FaceMeasure:
    """One face's measurements: ratios for the features, degrees for the head, picture directions."""

    lip_gap: float  # inner-lip gap / inter-ocular distance
    lip_width: float  # inner-lip corners' distance / inter-ocular distance
    eye_right: float  # lid gap / eye width, the subject's right eye (the picture's left)
    eye_left: float
    iris_x: float  # iris offset from the eye's middle along the eye line, share of the half width (mean of both)
    iris_y: float  # across the eye line (down positive), same unit
    yaw_deg: float
    nose_drop: float  # nose tip's place between the eye line (0) and the upper lip (1): rises as the head tips down
    roll_deg: float
    ocular_px: float  # the inter-ocular distance in pixels (a face size, for a sanity check)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def _eye(p: np.ndarray, corners: tuple[int, int], lids: tuple[int, int], iris: int,
         e: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:  # fmt: skip
    """(lid gap / width, iris along, iris across) for one eye; iris offsets in shares of the half width."""
    a, b = p[corners[0]], p[corners[1]]
    width = max(float(np.linalg.norm(b - a)), 1e-6)
    gap = float(np.linalg.norm(p[lids[1]] - p[lids[0]]))
    mid = (a + b) / 2.0
    r = p[iris] - mid
    return gap / width, float(r @ e) / (width / 2.0), float(r @ n) / (width / 2.0)


def measure(points: np.ndarray) -> FaceMeasure:
    """The measurements of one face from its (478, 2+) landmark array in pixels."""
    p = np.asarray(points, dtype=np.float64)[:, :2]
    right_c = p[list(RIGHT_CORNERS)].mean(axis=0)
    left_c = p[list(LEFT_CORNERS)].mean(axis=0)
    ocular = max(float(np.linalg.norm(left_c - right_c)), 1e-6)
    e = _unit(left_c - right_c)  # along the eyes, towards the picture's right
    n = np.array([-e[1], e[0]])  # across them, downwards
    gap = float(np.linalg.norm(p[LIP_GAP[1]] - p[LIP_GAP[0]])) / ocular
    width = float(np.linalg.norm(p[L.INNER_CORNERS[1]] - p[L.INNER_CORNERS[0]])) / ocular
    er, rx, ry = _eye(p, RIGHT_CORNERS, RIGHT_LIDS, L.RIGHT_IRIS[0], e, n)
    el, lx, ly = _eye(p, LEFT_CORNERS, LEFT_LIDS, L.LEFT_IRIS[0], e, n)
    # yaw: the nose tip's offset from the cheeks' midpoint, over half their span, read as a turn
    cheek_r, cheek_l = p[L.CHEEK_RIGHT], p[L.CHEEK_LEFT]
    half = max(float((cheek_l - cheek_r) @ e) / 2.0, 1e-6)
    off = float((p[L.NOSE_TIP] - (cheek_r + cheek_l) / 2.0) @ e) / half
    yaw = math.degrees(math.atan2(off, NOSE_DEPTH))
    eyes_mid = (right_c + left_c) / 2.0
    span = max(float((p[MOUTH_TOP] - eyes_mid) @ n), 1e-6)
    drop = float((p[L.NOSE_TIP] - eyes_mid) @ n) / span
    roll = math.degrees(math.atan2(e[1], e[0]))
    return FaceMeasure(lip_gap=gap, lip_width=width, eye_right=er, eye_left=el, iris_x=(rx + lx) / 2.0,
                       iris_y=(ry + ly) / 2.0, yaw_deg=yaw, nose_drop=drop, roll_deg=roll,
                       ocular_px=ocular)  # fmt: skip
