"""Raw face measurements from 478 FaceMesh landmarks: mouth, eyelids, irises and head pose, before calibration.

Every length is a ratio (over the inter-ocular distance or the eye's width), so the numbers do not depend
on how far the operator sits from the camera; the head's yaw and pitch come from the plane of the whole
3-D mesh, its roll from the line through the eyes. Directions are the picture's: positive yaw turns the face
towards the picture's right, positive pitch nods it down, positive roll tilts it clockwise, as the rig
renders them, so the avatar moves the way the operator is seen moving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from avatar.rig import landmarks as L

LIP_GAP = (13, 14)  # inner lip midpoints, upper and lower
OUTER_MID = (0, 17)  # outer lip midpoints, upper and lower
RIGHT_CORNERS, LEFT_CORNERS = (33, 133), (263, 362)  # (outer, inner) corners of each eye
RIGHT_LIDS, LEFT_LIDS = (159, 145), (386, 374)  # upper and lower lid midpoints
DEPTH_SCALE = 1.3  # FaceMesh's depth is flatter than a head (as in avatar.rig.detect.yaw_estimate)


@dataclass(frozen=True)
class FaceMeasure:
    """One face's measurements: ratios for the features, degrees for the head, picture directions."""

    lip_gap: float  # inner-lip gap / inter-ocular distance
    lip_width: float  # inner-lip corners' distance / inter-ocular distance
    lip_thickness: float  # upper plus lower lip's height at the middle (outer to inner edge) / inter-ocular
    eye_right: float  # lid gap / eye width, the subject's right eye (the picture's left)
    eye_left: float
    iris_x: float  # iris offset from the eye's middle along the eye line, share of the half width (mean of both)
    iris_y: float  # across the eye line (down positive), same unit
    yaw_deg: float
    pitch_deg: float  # the face plane's tilt: not zero for a face looking ahead (foreheads slope), so calibrated
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


def _facing(points: np.ndarray) -> tuple[float, float]:
    """(yaw, pitch) in degrees of the face plane's normal: the least-spread direction of the 3-D mesh.

    The whole mesh is used: each point's jitter averages out, where any few points (a nose, the cheeks)
    wobble by a degree or more from frame to frame.
    """
    q = points[: L.N_MESH, :3].copy()
    q[:, 2] *= DEPTH_SCALE
    q -= q.mean(axis=0)
    n = np.linalg.svd(q, full_matrices=False)[2][2]
    if n[2] > 0:  # towards the camera (FaceMesh depth is negative in front)
        n = -n
    return math.degrees(math.atan2(n[0], -n[2])), math.degrees(math.atan2(n[1], -n[2]))


def measure(points: np.ndarray) -> FaceMeasure:
    """The measurements of one face from its (478, 3) landmark array (x, y and depth in pixels)."""
    p = np.asarray(points, dtype=np.float64)[:, :2]
    right_c = p[list(RIGHT_CORNERS)].mean(axis=0)
    left_c = p[list(LEFT_CORNERS)].mean(axis=0)
    ocular = max(float(np.linalg.norm(left_c - right_c)), 1e-6)
    e = _unit(left_c - right_c)  # along the eyes, towards the picture's right
    n = np.array([-e[1], e[0]])  # across them, downwards
    gap = float(np.linalg.norm(p[LIP_GAP[1]] - p[LIP_GAP[0]])) / ocular
    width = float(np.linalg.norm(p[L.INNER_CORNERS[1]] - p[L.INNER_CORNERS[0]])) / ocular
    thick = float(np.linalg.norm(p[OUTER_MID[0]] - p[LIP_GAP[0]]) + np.linalg.norm(p[LIP_GAP[1]] - p[OUTER_MID[1]]))
    er, rx, ry = _eye(p, RIGHT_CORNERS, RIGHT_LIDS, L.RIGHT_IRIS[0], e, n)
    el, lx, ly = _eye(p, LEFT_CORNERS, LEFT_LIDS, L.LEFT_IRIS[0], e, n)
    yaw, pitch = _facing(np.asarray(points, dtype=np.float64))
    roll = math.degrees(math.atan2(e[1], e[0]))
    return FaceMeasure(lip_gap=gap, lip_width=width, lip_thickness=thick / ocular, eye_right=er, eye_left=el, iris_x=(rx + lx) / 2.0,
                       iris_y=(ry + ly) / 2.0, yaw_deg=yaw, pitch_deg=pitch, roll_deg=roll,
                       ocular_px=ocular)  # fmt: skip
