"""The per-frame renderer: sum precomputed displacement fields, one cv2.remap of the head region, then layers.

Outside the head region nothing changes from frame to frame, so the cached canvas (backdrop, body) is
copied as is; the head region's motion fades to zero before its edge, so there is no seam to hide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from avatar.render.eyes import eye_offsets
from avatar.render.mouth import draw_interior
from avatar.rig import landmarks as L
from avatar.rig.head import STEP
from avatar.rig.model import Rig
from avatar.types import FaceParams

if TYPE_CHECKING:
    from avatar.layers import LayerStack

_EPS = 1e-4


class Renderer:
    """Draws the host for one FaceParams: the whole programme frame as RGB uint8 (H, W, 3).

    Keeps per-frame scratch buffers: use one Renderer per thread.
    """

    def __init__(self, rig: Rig, *, layers: LayerStack | None = None) -> None:
        self.rig = rig
        self.layers = layers
        x0, y0, x1, y1 = rig.head.roi
        self._roi = (x0, y0, x1, y1)
        gy, gx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        self._grid = np.dstack([gx, gy])
        self._map = np.empty_like(self._grid)
        self._canvas = np.ascontiguousarray(rig.canvas)
        ox, oy = rig.head.coarse_origin
        self._crop = (int(round(x0 - ox)) + STEP // 2, int(round(y0 - oy)) + STEP // 2)
        ch, cw = rig.head.coarse.shape[1:3]
        self._coarse_size = (cw * STEP, ch * STEP)
        self._head_flat = rig.head.coarse.reshape(4, -1)
        self._n = _across(rig)
        self._tmp: dict[tuple[int, ...], np.ndarray] = {}

    def render(self, params: FaceParams) -> np.ndarray:
        """The full frame for these parameters; identical parameters give byte-identical frames."""
        frame = self._canvas.copy()
        x0, y0, x1, y1 = self._roi
        frame[y0:y1, x0:x1] = self.render_head(params)
        if self.layers is not None:
            self.layers.draw(frame)
        return frame

    def render_head(self, params: FaceParams) -> np.ndarray:
        """Only the head region (ROI) for these parameters, as RGB uint8."""
        rig = self.rig
        x0, y0, x1, y1 = self._roi
        head_c = np.array([_clip(params.head_yaw, 8), _clip(params.head_pitch, 8), _clip(params.head_roll, 8),
                           _clip(params.breath, 1.5)], np.float32)  # fmt: skip
        if np.any(np.abs(head_c) > _EPS):
            coarse = (head_c @ self._head_flat).reshape(rig.head.coarse.shape[1:])
            dense = cv2.resize(coarse, self._coarse_size, interpolation=cv2.INTER_LINEAR)
            cx, cy = self._crop
            np.add(dense[cy : cy + (y1 - y0), cx : cx + (x1 - x0)], self._grid, out=self._map)
        else:
            np.copyto(self._map, self._grid)
        head_fwd = np.tensordot(head_c, rig.head.forward, axes=1)  # (478, 2)
        mouth_c = np.array([np.clip(params.jaw_open, 0, 1.2), np.clip(params.lip_spread, 0, 1),
                            np.clip(params.pucker, 0, 1), np.clip(params.lips_pressed, 0, 1)], np.float32)  # fmt: skip
        if np.any(mouth_c > _EPS):
            at = head_fwd[[13, 14]].mean(axis=0)
            win = self._window(rig.mouth.box, at)
            view = self._map[win]
            tmp = self._scratch(view.shape)
            for k, c in enumerate(mouth_c):
                if c > _EPS:
                    np.multiply(rig.mouth.fields[k], c, out=tmp)
                    view += tmp
        for eye, blink, iris in ((rig.eyes[0], params.blink_right, L.RIGHT_IRIS[0]),
                                 (rig.eyes[1], params.blink_left, L.LEFT_IRIS[0])):  # fmt: skip
            off = eye_offsets(eye, blink, params.gaze_x, params.gaze_y)
            if off is not None:
                self._map[self._window(eye.box, head_fwd[iris])] += off
        out = cv2.remap(self._canvas, self._map, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if mouth_c[0] > _EPS or mouth_c[1] > _EPS or mouth_c[2] > _EPS:
            self._interior(out, mouth_c, head_fwd)
        return out

    def _interior(self, out: np.ndarray, c: np.ndarray, head_fwd: np.ndarray) -> None:
        rig = self.rig
        mouth = rig.mouth
        fwd = np.tensordot(c, mouth.forward, axes=1) + head_fwd
        pos = rig.landmarks + fwd
        opening = float((pos[14] - pos[13]) @ self._n) - mouth.neutral_gap
        opacity = opening / max(0.05 * mouth.mouth_width, 1.0)
        if opacity <= 0.0:
            return
        loop = list(L.INNER_LOOP)
        rest = None
        if mouth.neutral_gap > 1.0:  # the portrait's own gap, following every motion but the jaw's drop
            still = np.tensordot(c * np.array([0, 1, 1, 1], np.float32), mouth.forward, axes=1) + head_fwd
            rest = rig.landmarks[loop] + still[loop]
        draw_interior(out, (self._roi[0], self._roi[1]), rig.interior, pos[loop], pos[13], pos[14],
                      mouth.mouth_width, min(1.0, opacity), rest)  # fmt: skip

    def _window(self, box: tuple[int, int, int, int], motion: np.ndarray) -> tuple[slice, slice]:
        """Slices of the ROI map for a window moved with the head by `motion` (rounded, kept inside)."""
        x0, y0, x1, y1 = self._roi
        bx0, by0, bx1, by1 = box
        sx = int(np.clip(round(float(motion[0])), x0 - bx0, x1 - bx1))
        sy = int(np.clip(round(float(motion[1])), y0 - by0, y1 - by1))
        return slice(by0 + sy - y0, by1 + sy - y0), slice(bx0 + sx - x0, bx1 + sx - x0)

    def _scratch(self, shape: tuple[int, ...]) -> np.ndarray:
        buf = self._tmp.get(shape)
        if buf is None:
            buf = self._tmp[shape] = np.empty(shape, np.float32)
        return buf


def _clip(x: float, lim: float) -> float:
    return float(np.clip(x, -lim, lim))


def _across(rig: Rig) -> np.ndarray:
    e = rig.landmarks[L.LEFT_IRIS[0]] - rig.landmarks[L.RIGHT_IRIS[0]]
    e = e / max(float(np.linalg.norm(e)), 1e-6)
    return np.array([-e[1], e[0]], np.float32)
