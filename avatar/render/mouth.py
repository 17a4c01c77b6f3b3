"""Per-frame mouth interior: cavity, tongue, lower and upper teeth, seen through the parted lips."""

from __future__ import annotations

import cv2
import numpy as np

from avatar.rig.interior import Interior, Sprite

_WARM = np.array([1.0, 1.08, 1.2], np.float32)


def _paste(dst: np.ndarray, s: Sprite, at: tuple[float, float], origin: tuple[int, int]) -> None:
    """Blend a premultiplied sprite into dst so that its anchor lands on canvas point `at`."""
    x = int(round(at[0] - s.anchor[0])) - origin[0]
    y = int(round(at[1] - s.anchor[1])) - origin[1]
    h, w = s.rgba.shape[:2]
    H, W = dst.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    src = s.rgba[y0 - y : y1 - y, x0 - x : x1 - x]
    d = dst[y0:y1, x0:x1]
    d *= 1.0 - src[..., 3:4]
    d += src[..., :3]


def draw_interior(roi_img: np.ndarray, roi_origin: tuple[int, int], it: Interior, hole: np.ndarray,
                  upper_at: np.ndarray, lower_at: np.ndarray, mouth_w: float, opacity: float,
                  rest: np.ndarray | None = None) -> None:  # fmt: skip
    """Paint the inside of the mouth into roi_img (in place) through the hole between the lips.

    hole: (N, 2) inner-lip polygon on the canvas (rest: the same polygon at rest); upper_at/lower_at: where the upper and lower inner lip
    centres are now (teeth hang from the upper lip, the lower teeth and tongue ride on the jaw).
    """
    if opacity <= 1e-3:
        return
    pad = int(2 + 3 * it.softness)
    both = hole if rest is None else np.concatenate([hole, rest])
    x0, y0 = np.floor(both.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(both.max(axis=0)).astype(int) + pad + 1
    rx, ry = roi_origin
    H, W = roi_img.shape[:2]
    bx0, by0, bx1, by1 = max(0, x0 - rx), max(0, y0 - ry), min(W, x1 - rx), min(H, y1 - ry)
    if bx1 - bx0 < 2 or by1 - by0 < 2:
        return
    origin = (bx0 + rx, by0 + ry)
    shift = 3
    poly = np.round((hole - origin) * (1 << shift)).astype(np.int32)
    hard = np.zeros((by1 - by0, bx1 - bx0), np.uint8)
    cv2.fillPoly(hard, [poly], 255, cv2.LINE_AA, shift)
    if rest is not None:  # also cover the portrait's own parted lips (its teeth would show at the corners)
        cv2.fillPoly(hard, [np.round((rest - origin) * (1 << shift)).astype(np.int32)], 255, cv2.LINE_AA, shift)
    if int(hard.max()) == 0:
        return
    m = hard.astype(np.float32) / 255.0
    m = np.clip(cv2.GaussianBlur(m, (0, 0), 0.6 * it.softness) * 1.3, 0.0, 1.0)  # edge just past the lip line
    depth = cv2.distanceTransform((hard > 127).astype(np.uint8), cv2.DIST_L2, 3)  # px from the lip edge
    img = np.empty((by1 - by0, bx1 - bx0, 3), np.float32)
    img[:] = it.cavity.rgba[0, it.cavity.rgba.shape[1] // 2, :3]
    centre = (upper_at + lower_at) / 2.0
    _paste(img, it.cavity, (float(centre[0]), float(centre[1])), origin)
    tongue_at = (float(lower_at[0]), float(lower_at[1]) + 0.01 * mouth_w)  # its top 0.16 mw above the lower lip
    _paste(img, it.tongue, tongue_at, origin)
    _paste(img, it.lower_teeth, (float(lower_at[0]), float(lower_at[1])), origin)
    _paste(img, it.upper_teeth, (float(upper_at[0]), float(upper_at[1])), origin)
    t = np.clip(depth / max(2.0, 0.04 * mouth_w), 0.0, 1.0)
    f = (0.5 + 0.5 * t * (2.0 - t))[..., None]  # lips shade the inside near the edge, most in the corners
    img *= f ** _WARM  # shadow in a mouth is warm: blue fades first
    a = (m * float(np.clip(opacity, 0.0, 1.0)))[..., None]
    region = roi_img[by0:by1, bx0:bx1]
    region[:] = np.clip(region * (1.0 - a) + img * a + 0.5, 0, 255).astype(np.uint8)
