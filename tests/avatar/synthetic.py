"""Test pictures and sounds whose content can be read back after encoding: a frame carries its index.

The index is written as 12 black/white blocks (24 px each, at least 288 px wide) across the top, big enough to survive
H.264; a red and a blue square check the colour order; a bar moves with the index.
"""

from __future__ import annotations

import numpy as np

BLOCK = 24
BITS = 12


def frame(index: int, width: int = 320, height: int = 240) -> np.ndarray:
    """An RGB frame: a gradient, the index in blocks on top, red square left, blue square right."""
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = np.linspace(40, 200, width, dtype=np.uint8)[None, :]
    img[..., 1] = np.linspace(40, 200, height, dtype=np.uint8)[:, None]
    img[..., 2] = 90
    for bit in range(BITS):
        value = 255 if (index >> bit) & 1 else 0
        img[:BLOCK, bit * BLOCK : bit * BLOCK + BLOCK] = value
    y = height // 2
    img[y : y + 40, 10:50] = (230, 20, 20)  # red
    img[y : y + 40, width - 50 : width - 10] = (20, 20, 230)  # blue
    x = 60 + (index * 7) % max(1, width - 140)
    img[y + 50 : y + 70, x : x + 20] = 255
    return img


def read_index(img: np.ndarray) -> int:
    """The index a `frame` carries (after encoding and decoding)."""
    return sum(
        1 << bit for bit in range(BITS) if img[6 : BLOCK - 6, bit * BLOCK + 6 : bit * BLOCK + BLOCK - 6].mean() > 128
    )


def tone(n: int, rate: int, freq: float = 440.0, start: int = 0, level: int = 8000) -> np.ndarray:
    """A sine tone of n samples, phase-continuous from sample `start`."""
    t = (np.arange(n) + start) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.int16)
