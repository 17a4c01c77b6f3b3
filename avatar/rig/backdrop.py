"""The studio backdrop behind the host: a procedurally painted set (shipped as a PNG) and its fitting to a canvas."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

import assets

DEFAULT_BACKDROP = "backgrounds/studio.png"


def make_studio_backdrop(size: tuple[int, int] = (1024, 1024), seed: int = 7) -> np.ndarray:
    """Paint a calm studio set (RGB uint8): a lit paper wall, soft bokeh lights, a counter edge, a vignette.

    Nothing sharp near where the head sits, so small head motions never show against it.
    """
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = x / w, y / h
    top, mid, low = np.array([30, 38, 48]), np.array([84, 92, 100]), np.array([58, 60, 66])
    t = np.clip(v / 0.55, 0, 1)[:, :, None]
    img = top * (1 - t) + mid * t
    t2 = np.clip((v - 0.55) / 0.45, 0, 1)[:, :, None]
    img = img * (1 - t2) + low * t2
    pool = np.exp(-(((u - 0.5) / 0.34) ** 2 + ((v - 0.36) / 0.30) ** 2))[:, :, None]
    img = img + pool * np.array([86, 66, 46])  # warm key light on the wall behind the head
    layer = np.zeros((h, w, 3), np.float32)
    palette = np.array([[255, 196, 120], [255, 170, 110], [140, 200, 255], [255, 225, 170], [200, 160, 255]])
    for _ in range(34):
        side = rng.choice([-1, 1])
        cx = 0.5 + side * rng.uniform(0.17, 0.50)
        cy = rng.uniform(0.05, 0.62)
        r = rng.uniform(0.025, 0.07) * w
        col = palette[rng.integers(len(palette))] * rng.uniform(0.18, 0.42)
        cv2.circle(layer, (int(cx * w), int(cy * h)), int(r), col.tolist(), -1, cv2.LINE_AA)
    layer = cv2.GaussianBlur(layer, (0, 0), w * 0.012)
    img = img + layer
    counter = np.clip((v - 0.80) / 0.006, 0, 1)[:, :, None]  # a wooden counter, far below the face
    wood = np.array([96, 66, 46]) * (1.0 - 0.5 * np.clip((v - 0.80) / 0.2, 0, 1))[:, :, None]
    lip = np.exp(-(((v - 0.803) / 0.004) ** 2))[:, :, None] * np.array([60, 48, 36])
    img = img * (1 - counter) + counter * wood + lip
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 2.0)
    vig = 1.0 - 0.45 * np.clip(((u - 0.5) / 0.62) ** 2 + ((v - 0.45) / 0.75) ** 2, 0, 1)
    img = img * vig[:, :, None]
    return np.clip(img, 0, 255).astype(np.uint8)


def load_backdrop(path: str | Path | None, size: tuple[int, int]) -> np.ndarray:
    """The backdrop image (default: the bundled studio) scaled to cover the canvas, lightly dithered against banding."""
    from avatar.rig.errors import RigError
    from avatar.rig.image import load_portrait

    p = Path(path) if path is not None else assets.path(DEFAULT_BACKDROP)
    if path is None and not p.exists():
        img = make_studio_backdrop()
    else:
        try:
            img, _, _ = load_portrait(p)
        except RigError as e:
            raise RigError(f"background: {e}") from None
    w, h = size
    s = max(w / img.shape[1], h / img.shape[0])
    nw, nh = max(w, round(img.shape[1] * s)), max(h, round(img.shape[0] * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    img = cv2.resize(img, (nw, nh), interpolation=interp)
    x0, y0 = (nw - w) // 2, (nh - h) // 2
    img = img[y0 : y0 + h, x0 : x0 + w].astype(np.float32)
    noise = np.random.default_rng(1).uniform(-1.0, 1.0, size=(h, w, 1)).astype(np.float32)
    return np.clip(img + noise + 0.5, 0, 255).astype(np.uint8)
