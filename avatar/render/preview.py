"""The rig preview: the framed host with what the rig found drawn over it, plus three test renders.

It lives beside the renderer (it renders), above the rig it draws: `draw_preview(rig)`.
"""

from __future__ import annotations

import cv2
import numpy as np

from avatar.render.renderer import Renderer
from avatar.rig import landmarks as L
from avatar.rig.model import Rig
from avatar.types import FaceParams

CYAN, GREEN, RED, ORANGE, YELLOW, WHITE = (0, 220, 255), (60, 230, 90), (255, 60, 60), (255, 160, 40), (255, 230, 0), (255, 255, 255)


def _poly(img: np.ndarray, pts: np.ndarray, color: tuple[int, int, int], closed: bool = True, t: int = 1) -> None:
    cv2.polylines(img, [np.round(pts * 16).astype(np.int32)], closed, color, t, cv2.LINE_AA, 4)


def _box(img: np.ndarray, box: tuple[int, int, int, int], color: tuple[int, int, int]) -> None:
    cv2.rectangle(img, (box[0], box[1]), (box[2] - 1, box[3] - 1), color, 1, cv2.LINE_AA)


def draw_preview(rig: Rig) -> np.ndarray:
    """RGB image: mesh, points, lips, eyes, irises, person outline and warp regions; closed/open/blink strip."""
    base = rig.canvas.astype(np.float32) * 0.8
    img = base.astype(np.uint8)
    p = rig.landmarks.astype(np.float64)
    mesh = img.copy()
    for a, b in L.mesh_edges():
        cv2.line(mesh, tuple(np.round(p[a] * 16).astype(int)), tuple(np.round(p[b] * 16).astype(int)),
                 WHITE, 1, cv2.LINE_AA, 4)  # fmt: skip
    img = cv2.addWeighted(img, 0.55, mesh, 0.45, 0)
    contours, _ = cv2.findContours((rig.mask > 127).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(img, contours, -1, CYAN, 2, cv2.LINE_AA)
    _poly(img, p[list(L.FACE_OVAL)], CYAN)
    _poly(img, p[list(L.OUTER_LOOP)], ORANGE, t=2)
    _poly(img, p[list(L.INNER_LOOP)], RED, t=2)
    for up, lo in ((L.RIGHT_EYE_UPPER, L.RIGHT_EYE_LOWER), (L.LEFT_EYE_UPPER, L.LEFT_EYE_LOWER)):
        _poly(img, p[list(up)], GREEN, closed=False, t=2)
        _poly(img, p[list(lo)], GREEN, closed=False, t=2)
    for iris in (L.RIGHT_IRIS, L.LEFT_IRIS):
        c = p[iris[0]]
        r = float(np.mean(np.linalg.norm(p[list(iris[1:])] - c, axis=1)))
        cv2.circle(img, tuple(np.round(c * 16).astype(int)), int(r * 16), YELLOW, 1, cv2.LINE_AA, 4)
    for q in p:
        cv2.circle(img, tuple(np.round(q * 16).astype(int)), 16, YELLOW, -1, cv2.LINE_AA, 4)
    _box(img, rig.head.roi, WHITE)
    _box(img, rig.mouth.box, RED)
    for eye in rig.eyes:
        _box(img, eye.box, GREEN)
    renderer = Renderer(rig)
    shots = [renderer.render(FaceParams()), renderer.render(FaceParams(jaw_open=0.75, lip_spread=0.2)),
             renderer.render(FaceParams(blink_left=1.0, blink_right=1.0))]  # fmt: skip
    x0, y0, x1, y1 = rig.head.roi
    thumbs = [s[y0:y1, x0:x1] for s in shots]
    w, h = rig.size
    tw = w // 3
    th = int(round((y1 - y0) * tw / max(1, x1 - x0)))
    strip = np.hstack([cv2.resize(t, (tw, th), interpolation=cv2.INTER_AREA) for t in thumbs])
    strip = np.pad(strip, ((0, 0), (0, w - strip.shape[1]), (0, 0)))
    out = np.vstack([img, strip])
    _caption(out, [*rig.notes, "closed · open · blink"], rig.size)
    return out


def _caption(img: np.ndarray, lines: list[str], size: tuple[int, int]) -> None:
    from avatar.layers import text_bitmap

    y = 8
    px = max(14, size[0] // 40)
    for line in lines:
        bmp = text_bitmap(line, px, (255, 255, 255), (0, 0, 0, 170), max_width=size[0] - 16)
        h, w = bmp.shape[:2]
        a = bmp[:, :, 3:4].astype(np.float32) / 255.0
        region = img[y : y + h, 8 : 8 + w].astype(np.float32)
        img[y : y + h, 8 : 8 + w] = (region * (1 - a) + bmp[:, :, :3] * a).astype(np.uint8)
        y += h + 4
