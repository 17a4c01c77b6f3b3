"""The holding slate shown while no operator is on duty: "We'll be right back", still carrying the AI label."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from compliance.labels import draw_label, label_lang
from compliance.overlay import LabelError, Sprite, check_frame, font_px_for_cap, render_panel, text_block

_SLATE = {"en": "We'll be right back", "zh": "稍后回来"}


def slate_text(lang: str) -> str:
    """The slate's words in the show's language."""
    return _SLATE[label_lang(lang)]


@lru_cache(maxsize=16)
def _slate(lang: str, height: int, width: int) -> np.ndarray:
    short = min(height, width)
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([28, 32, 48], np.float32), np.array([10, 12, 20], np.float32)
    img = np.broadcast_to(top * (1 - y) + bottom * y, (height, width, 3)).astype(np.uint8).copy()
    text = (slate_text(lang),)
    cap = math.ceil(0.08 * short)
    px = font_px_for_cap(cap)
    while text_block(text, px)[0] > 0.86 * width and px > 8:
        px -= 1
    inv, pre = render_panel(text, px, pad=max(2, px // 3), align="center", alpha=0.0)
    sprite = Sprite(inv, pre, (width - inv.shape[1]) // 2, (height - inv.shape[0]) // 2, cap)
    if sprite.x < 0 or sprite.y < 0:
        raise LabelError(f"a {width}x{height} frame is too small for the holding slate")
    sprite.blend(img)
    img.flags.writeable = False
    return img


def draw_slate(frame: np.ndarray, lang: str) -> None:
    """Replace the frame's picture with the holding slate, then burn in the AI label."""
    check_frame(frame)
    try:
        frame[...] = _slate(label_lang(lang), frame.shape[0], frame.shape[1])
    except LabelError:
        raise
    except Exception as e:
        raise LabelError(f"the holding slate could not be drawn: {type(e).__name__}: {e}") from e
    draw_label(frame, lang)
