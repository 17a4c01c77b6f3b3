"""Mouth motion bases: per-vertex displacements for jaw, spread, pucker and press, made dense over a window.

All motions are written as forward displacements of the landmarks (where a point of the face goes);
the renderer samples backwards, so the dense fields hold their negatives. Coordinates are in the face's
own frame: x along the eye line, y down the face, origin at the centre of the lips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from avatar.rig import landmarks as L
from avatar.rig.mesh import Mesh, Raster, build_mesh, rasterise

BASES = ("jaw", "spread", "pucker", "press")
JAW_MAX = 0.42  # lower-lip drop at jaw_open = 1, in mouth widths


@dataclass
class MouthRig:
    """Everything the renderer needs for the mouth: dense backward bases over a window, and landmark motions."""

    box: tuple[int, int, int, int]  # window (x0, y0, x1, y1) on the canvas
    fields: np.ndarray  # (4, h, w, 2) float32 backward displacement per unit of each basis
    forward: np.ndarray  # (4, 478, 2) float32 forward landmark displacement per unit of each basis
    raster: Raster  # triangle ids and barycentric weights of the window's pixels
    mouth_width: float
    neutral_gap: float  # px between the inner lips at rest (0 for a closed mouth)


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def face_frame(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(origin, x axis, y axis): origin between the inner lips, x along the eye line, y down the face."""
    p = points[:, :2]
    e = p[L.LEFT_IRIS[0]] - p[L.RIGHT_IRIS[0]]
    e = e / max(float(np.linalg.norm(e)), 1e-6)
    n = np.array([-e[1], e[0]])
    return (p[13] + p[14]) / 2.0, e, n


def build_mouth(points: np.ndarray, depth: np.ndarray, face_w: float, canvas: tuple[int, int],
                roll_in: bool = True, overlap: float = 0.0) -> MouthRig:  # fmt: skip
    """Window, mesh, raster and the four mouth bases for one face (landmarks in canvas px).

    roll_in=False makes `press` only close the lips, each `overlap` px past the midline (used once to
    close a portrait's parted lips, hiding the teeth-tinted rows along each lip's inner edge).
    """
    p = points[:, :2].astype(np.float64)
    c, e, n = face_frame(p)
    fx, fy = (p - c) @ e, (p - c) @ n  # every landmark in the face frame
    mw = float(np.linalg.norm(p[L.MOUTH_CORNERS[0]] - p[L.MOUTH_CORNERS[1]]))
    half = mw / 2.0
    up_x, up_y = fx[list(L.INNER_UPPER)], fy[list(L.INNER_UPPER)]
    lo_x, lo_y = fx[list(L.INNER_LOWER)], fy[list(L.INNER_LOWER)]
    ou, ol = np.argsort(up_x), np.argsort(lo_x)

    def y_up(x: np.ndarray) -> np.ndarray:
        return np.interp(x, up_x[ou], up_y[ou])

    def y_lo(x: np.ndarray) -> np.ndarray:
        return np.interp(x, lo_x[ol], lo_y[ol])

    mid = (y_up(fx) + y_lo(fx)) / 2.0
    gap = np.maximum(y_lo(fx) - y_up(fx), 0.0)
    outer = p[list(L.OUTER_LOOP)].astype(np.float32)
    in_lips = np.array([cv2.pointPolygonTest(outer, (float(a), float(b)), True) > -1.5 for a, b in p])
    lower_side = fy > mid
    lower_lip = in_lips & lower_side
    upper_lip = in_lips & ~lower_side
    lower_lip[list(L.INNER_LOWER)] = True
    upper_lip[list(L.INNER_LOWER)] = False
    upper_lip[list(L.INNER_UPPER)] = True
    lower_lip[list(L.INNER_UPPER)] = False
    # lip thickness per column, and each lip point's place from inner (0) to outer (1) edge
    ouu, oll = p[list(L.OUTER_UPPER)], p[list(L.OUTER_LOWER)]
    o_up_x, o_up_y = (ouu - c) @ e, (ouu - c) @ n
    o_lo_x, o_lo_y = (oll - c) @ e, (oll - c) @ n
    top = np.interp(fx, np.sort(o_up_x), o_up_y[np.argsort(o_up_x)])
    bot = np.interp(fx, np.sort(o_lo_x), o_lo_y[np.argsort(o_lo_x)])
    t_up = np.clip((y_up(fx) - fy) / np.maximum(y_up(fx) - top, 1.0), 0, 1)
    t_lo = np.clip((fy - y_lo(fx)) / np.maximum(bot - y_lo(fx), 1.0), 0, 1)
    prof = np.cos(np.pi / 2 * np.clip(np.abs(fx) / half, 0, 1))

    # jaw: the mandible turns about the ear joints, so a point drops in proportion to how far in front
    # of them it sits (FaceMesh depth); the upper lip and cheeks above the mouth corners stay.
    z_tmj = (depth[L.CHEEK_RIGHT] + depth[L.CHEEK_LEFT]) / 2.0
    reach = np.clip((z_tmj - depth) / max(z_tmj - depth[L.CHIN], 1e-6), 0.0, 1.0)
    corner_y = float(np.mean(fy[list(L.MOUTH_CORNERS)]))
    line = corner_y - 0.3 * np.clip(np.abs(fx) - half, 0, None)
    mandible = smoothstep(-0.10 * mw, 0.10 * mw, fy - line)
    mandible = np.where(in_lips | lower_lip | upper_lip, lower_lip.astype(np.float64), mandible)
    # the lips stay joined at the corners: the drop tapers from the middle of the lip to a little at the
    # corners, and the taper fades out further down the chin
    taper = 0.08 + 0.92 * np.cos(np.pi / 2 * np.clip(np.abs(fx) / half, 0, 1)) ** 0.9
    depth_down = smoothstep(0.0, 0.75 * mw, fy - y_lo(fx))
    jaw_w = mandible * reach * (taper + (1.0 - taper) * depth_down)
    jaw_w[list(L.MOUTH_CORNERS) + list(L.INNER_CORNERS)] = 0.03 * reach[list(L.MOUTH_CORNERS) + list(L.INNER_CORNERS)]
    near = np.exp(-((fx / (1.1 * mw)) ** 2 + (fy / (0.7 * mw)) ** 2))
    J = JAW_MAX * mw
    f_jaw = np.outer(jaw_w * J, n) + np.outer(-0.06 * J * np.sign(fx) * near * (np.abs(fx) / half).clip(0, 1), e)

    # spread: corners out and slightly up; pucker: corners in, lips thicker (protruding)
    g = np.exp(-((fx / (1.1 * mw)) ** 2 + (fy / (0.55 * mw)) ** 2))
    sx = np.clip(fx / half, -1, 1)
    f_spread = np.outer(0.17 * mw * sx * g, e) + np.outer(-0.03 * mw * sx**2 * g, n)
    # press: close whatever gap the portrait has, and roll the lips in (thinner)
    # each lip moves as a whole (its texture unstretched); the skin above and below takes the stretch
    above = np.where(upper_lip, 1.0, 1.0 - smoothstep(0.0, 0.35 * mw, top - fy))
    below = np.where(lower_lip, 1.0, 1.0 - smoothstep(0.0, 0.45 * mw, fy - bot))
    side = np.clip(np.abs(fx) / half, 0, 1) < 1.0
    half_gap = np.where(gap > 0, gap / 2.0 + overlap * prof, 0.0)
    close = np.where(fy < mid, half_gap * above, -half_gap * below) * side
    close = np.where(upper_lip, half_gap, np.where(lower_lip, -half_gap, close))

    # pucker: corners in, lips thicker (protruding); towards the corners the lips meet over the teeth
    gp = np.exp(-((fx / (0.9 * mw)) ** 2 + (fy / (0.5 * mw)) ** 2))
    thick = np.where(upper_lip, -t_up, np.where(lower_lip, t_lo, 0.0)) * (0.35 + 0.65 * prof)
    f_pucker = np.outer(-0.10 * mw * sx * gp, e) + np.outer(0.07 * mw * thick + 0.9 * close * sx**2, n)
    roll = np.where(upper_lip, 0.22 * t_up * (top - y_up(fx)) * -1, np.where(lower_lip, -0.22 * t_lo * (bot - y_lo(fx)), 0.0))
    f_press = np.outer(close + (roll * prof if roll_in else 0.0), n)

    forward = np.stack([f_jaw, f_spread, f_pucker, f_press]).astype(np.float32)
    forward[:, L.N_MESH :] = 0.0  # irises do not follow the mouth

    # the window: nose base to under the chin, cheek to cheek
    corners = np.array([[sx_, sy_] for sx_ in (-0.62 * face_w, 0.62 * face_w) for sy_ in (-0.55 * mw, fy[L.CHIN] + 0.30 * face_w)])
    pts = c + corners[:, :1] * e + corners[:, 1:] * n
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    w, h = canvas
    box = (max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1)))
    holes = [p[list(L.INNER_LOOP)], p[list(L.RIGHT_EYE_UPPER + L.RIGHT_EYE_LOWER[::-1])],
             p[list(L.LEFT_EYE_UPPER + L.LEFT_EYE_LOWER[::-1])]]  # fmt: skip
    mesh = build_mesh(p, box, holes)
    raster = rasterise(mesh, box)
    fields = np.zeros((len(BASES), box[3] - box[1], box[2] - box[0], 2), np.float32)
    for k in range(len(BASES)):
        per_v = np.zeros((len(mesh.vertices), 2), np.float32)
        per_v[: len(p)] = forward[k]
        per_v[len(p) :] = _band_motion(mesh, forward[k], len(p))
        fields[k] = -raster.field(mesh, per_v)
        _fill_gap(fields[k], forward[k], box, c, e, n, y_up, y_lo, up_x, lo_x)
    neutral_gap = float(max(0.0, (y_lo(np.array([0.0])) - y_up(np.array([0.0])))[0]))
    return MouthRig(box=box, fields=fields, forward=forward, raster=raster, mouth_width=mw, neutral_gap=neutral_gap)


def _band_motion(mesh: Mesh, fwd: np.ndarray, n_land: int) -> np.ndarray:
    """Outer-band vertices: the first ring carries 45 % of the nearest oval point's motion, the border none."""
    oval = np.array(L.FACE_OVAL)
    extra = mesh.vertices[n_land:]
    out = np.zeros((len(extra), 2), np.float32)
    n_ring = len(extra) - 48  # build_mesh puts 4 × 12 border points last
    for i in range(max(n_ring, 0)):
        d = np.linalg.norm(mesh.vertices[oval] - extra[i], axis=1)
        out[i] = 0.45 * fwd[oval[int(np.argmin(d))]]
    return out


def _fill_gap(field: np.ndarray, fwd: np.ndarray, box: tuple[int, int, int, int], c: np.ndarray, e: np.ndarray,
              n: np.ndarray, y_up: Callable[[np.ndarray], np.ndarray], y_lo: Callable[[np.ndarray], np.ndarray],
              up_x: np.ndarray, lo_x: np.ndarray) -> None:
    """Pixels between parted lips at rest: the upper half moves with the upper lip, the lower with the lower."""
    x0, y0, x1, y1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    rel = np.stack([xx - c[0], yy - c[1]], -1)
    gx, gy = rel @ e, rel @ n
    top, bot = y_up(gx), y_lo(gx)
    inside = (gy > top) & (gy < bot) & (gx > up_x.min()) & (gx < up_x.max())
    if not inside.any():
        return
    upper = gy < (top + bot) / 2
    order_u, order_l = np.argsort(up_x), np.argsort(lo_x)
    fu, fl = fwd[list(L.INNER_UPPER)][order_u], fwd[list(L.INNER_LOWER)][order_l]
    for ch in range(2):
        vu = np.interp(gx, up_x[order_u], fu[:, ch])
        vl = np.interp(gx, lo_x[order_l], fl[:, ch])
        field[..., ch] = np.where(inside, -np.where(upper, vu, vl), field[..., ch])
