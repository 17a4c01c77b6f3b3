"""Mouth-interior layers painted once per portrait: the dark cavity, upper and lower teeth, a hint of tongue.

Colours come from the portrait (lip colour, skin brightness, greyscale or not) so the inside of the
mouth sits in the same light as the face. Sprites are drawn 4× larger and reduced, for clean edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from avatar.rig import landmarks as L

SS = 4  # supersampling of the painted sprites

# tooth boundaries across the visible arch, as a share of its half width (front teeth widest)
_UPPER_EDGES = (0.0, 0.23, 0.41, 0.57, 0.70, 0.81, 0.90, 0.97)
_LOWER_EDGES = (0.0, 0.15, 0.29, 0.42, 0.55, 0.67, 0.78, 0.88, 0.96)


@dataclass
class Sprite:
    """An RGBA patch (float32, premultiplied) and where its anchor sits inside it (px)."""

    rgba: np.ndarray
    anchor: tuple[float, float]


@dataclass
class Interior:
    """The painted layers and the colours they were painted with."""

    cavity: Sprite
    upper_teeth: Sprite
    lower_teeth: Sprite
    tongue: Sprite
    softness: float  # blur (px) matching the portrait's sharpness, used for the mouth-opening edge

    @classmethod
    def empty(cls) -> Interior:
        """Nothing painted yet: for a rig rendered only with its lips shut (the build's own lips pass)."""
        blank = Sprite(np.zeros((0, 0, 4), np.float32), (0.0, 0.0))
        return cls(cavity=blank, upper_teeth=blank, lower_teeth=blank, tongue=blank, softness=0.0)


def _tone(rgb: np.ndarray, grey: bool, light: float) -> np.ndarray:
    c = np.asarray(rgb, np.float32) * light
    if grey:
        c = np.full(3, float(c @ np.array([0.299, 0.587, 0.114])), np.float32)
    return c


def _reduce(img: np.ndarray, soft: float) -> np.ndarray:
    h, w = img.shape[:2]
    out = cv2.resize(img, (max(1, w // SS), max(1, h // SS)), interpolation=cv2.INTER_AREA)
    if soft > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), soft)
    return out


def _teeth(width: float, height: float, hidden: float, edges: tuple[float, ...], colour: np.ndarray,
           upper: bool, soft: float) -> Sprite:  # fmt: skip
    """A row of teeth: rounded crowns, darker towards the corners of the arch, faint gaps between them."""
    W, H = int(np.ceil(width * SS)) + 2 * SS, int(np.ceil((height + hidden) * SS)) + 2 * SS
    rgb = np.zeros((H, W, 3), np.float32)
    alpha = np.zeros((H, W), np.float32)
    cx = W / 2.0
    half = width * SS / 2.0
    base = SS + (hidden * SS if upper else height * SS)  # the lip line inside the sprite
    bounds = [-b for b in reversed(edges[1:])] + list(edges)
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        mid = (a + b) / 2.0
        length = height * SS * (1.0 - 0.45 * mid * mid)
        x0, x1 = cx + a * half + 0.3 * SS, cx + b * half - 0.3 * SS
        r = max(1.0, min((x1 - x0) * 0.35, length * 0.4))
        if upper:
            y0, y1 = float(SS), base + length
        else:
            y0, y1 = base - length, H - SS
        tooth = np.zeros((H, W), np.uint8)
        cv2.rectangle(tooth, (int(x0), int(y0 + (0 if upper else r))), (int(x1), int(y1 - (r if upper else 0))), 255, -1)
        ey = y1 - r if upper else y0 + r
        cv2.ellipse(tooth, (int((x0 + x1) / 2), int(ey)), (int((x1 - x0) / 2), int(r)), 0, 0, 360, 255, -1, cv2.LINE_AA)
        m = tooth.astype(np.float32) / 255.0
        shade = (1.0 - 0.55 * mid * mid) * (0.97 + 0.03 * np.cos(7.0 * i))
        alpha = np.maximum(alpha, m)
        rgb = rgb * (1 - m[..., None]) + m[..., None] * colour * shade
    ys = np.arange(H, dtype=np.float32)[:, None]
    if upper:  # shadow under the lip, a translucent edge at the bite
        grad = 0.72 + 0.28 * np.clip((ys - base + 0.25 * height * SS) / (0.5 * height * SS), 0, 1)
        tip = np.clip((ys - base - 0.75 * height * SS) / (0.25 * height * SS), 0, 1)
    else:
        grad = 0.80 + 0.20 * np.clip((base - ys) / (0.6 * height * SS), 0, 1)
        tip = np.clip((base - 0.8 * height * SS - ys) / (0.2 * height * SS), 0, 1)
    rgb = rgb * grad[..., None]
    rgb = rgb * (1 - 0.18 * tip[..., None]) + 0.18 * tip[..., None] * colour * 0.75
    premult = np.dstack([rgb * alpha[..., None], alpha])
    out = _reduce(premult, soft)
    anchor = (out.shape[1] / 2.0, (base) / SS)
    return Sprite(rgba=out.astype(np.float32), anchor=anchor)


def _blob(w: float, h: float, colour: np.ndarray, dark: np.ndarray, soft: float, tongue: bool) -> Sprite:
    W, H = int(w * SS) + 4 * SS, int(h * SS) + 4 * SS
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    nx, ny = (xx - W / 2) / (w * SS / 2), (yy - H / 2) / (h * SS / 2)
    rr = nx * nx + ny * ny
    if tongue:
        alpha = np.clip((1.0 - rr) * 6.0, 0, 1)
        light = 0.75 + 0.35 * np.clip(-ny, 0, 1) - 0.25 * np.exp(-(nx / 0.12) ** 2) * np.clip(ny + 0.6, 0, 1)
        rgb = colour * light[..., None]
    else:  # the cavity: darkest at the back of the throat
        alpha = np.ones_like(rr)
        t = np.clip(np.sqrt(rr), 0, 1)[..., None]
        rgb = dark * (1 - t) + colour * t
    premult = np.dstack([rgb * alpha[..., None], alpha])
    out = _reduce(premult, soft)
    return Sprite(rgba=out.astype(np.float32), anchor=(out.shape[1] / 2.0, out.shape[0] / 2.0))


def _light(canvas: np.ndarray, p: np.ndarray) -> float:
    """How brightly the face is lit, from the whites of the eyes (skin tone would mislead: it is not light)."""
    vals = []
    for upper, lower, iris in ((L.RIGHT_EYE_UPPER, L.RIGHT_EYE_LOWER, L.RIGHT_IRIS),
                               (L.LEFT_EYE_UPPER, L.LEFT_EYE_LOWER, L.LEFT_IRIS)):  # fmt: skip
        m = np.zeros(canvas.shape[:2], np.uint8)
        cv2.fillPoly(m, [np.round(p[list(upper + lower[::-1])]).astype(np.int32)], 1)
        r = float(np.mean(np.linalg.norm(p[list(iris[1:])] - p[iris[0]], axis=1)))
        cv2.circle(m, tuple(np.round(p[iris[0]]).astype(int)), int(r * 1.1) + 1, 0, -1)
        lum = canvas[m > 0].astype(np.float32) @ np.array([0.299, 0.587, 0.114])
        if len(lum) >= 4:
            vals.append(float(np.percentile(lum, 80)))
    return float(np.clip((max(vals) if vals else 190.0) / 200.0, 0.7, 1.1))


def build_interior(canvas: np.ndarray, points: np.ndarray, grey: bool, upscale: float) -> Interior:
    """Paint the interior layers for this face: sizes from the lips, colours from the lips and skin."""
    p = points[:, :2]
    mw = float(np.linalg.norm(p[61] - p[291]))
    inner_w = float(np.linalg.norm(p[78] - p[308]))
    lip_pts = p[list(L.OUTER_LOWER[2:-2])]
    lip_col = np.median(canvas[np.clip(lip_pts[:, 1].astype(int) - 2, 0, canvas.shape[0] - 1),
                               np.clip(lip_pts[:, 0].astype(int), 0, canvas.shape[1] - 1)], axis=0)  # fmt: skip
    light = _light(canvas, p)
    soft = max(0.0, 0.35 * upscale - 0.2)
    lip = np.asarray(lip_col, np.float32)
    cheek = p[[50, 280, 101, 330]].astype(int)
    skin = np.median(canvas[cheek[:, 1], cheek[:, 0]].astype(np.float32), axis=0)
    ivory = np.array([234, 220, 192], np.float32) * light
    teeth_c = _tone(0.84 * ivory + 0.16 * skin * (ivory.mean() / max(float(skin.mean()), 1.0)), grey, 1.0)
    upper = _teeth(0.86 * inner_w, 0.13 * mw, 0.07 * mw, _UPPER_EDGES, teeth_c, True, soft)
    lower = _teeth(0.72 * inner_w, 0.085 * mw, 0.05 * mw, _LOWER_EDGES, teeth_c * 0.82, False, soft)
    tongue_c = _tone(0.5 * lip + 0.5 * np.array([170, 80, 88]), grey, 0.62 * light)
    tongue = _blob(0.66 * inner_w, 0.34 * mw, tongue_c, tongue_c, soft, True)
    cav_edge = _tone(0.36 * lip + np.array([42, 10, 10]), grey, 1.0)
    cav_dark = _tone(0.06 * lip + np.array([24, 8, 8]), grey, 1.0)
    cavity = _blob(1.25 * inner_w, 0.9 * mw, cav_edge, cav_dark, soft, False)
    return Interior(cavity=cavity, upper_teeth=upper, lower_teeth=lower, tongue=tongue, softness=max(0.7, soft))
