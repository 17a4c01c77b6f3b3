"""Text overlays burned into frames: white text on a dark translucent pill, pre-rendered once, blended fast.

A `Sprite` holds a pre-rendered overlay as (255 - alpha) and premultiplied colour, so blending it onto a
frame is two saturating OpenCV operations (~0.04 ms for a label on a 720×1280 frame).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Debian fonts-noto-cjk; fonts-wqy-microhei as a last resort. Face 7 of the Noto collections is "Noto Sans
# Mono CJK SC": Simplified Chinese glyph forms and a full-width serifed capital I, so that "AI" does not read
# as "Al" (in proportional fonts tesseract read "Al" on almost every frame; bold mono read "AI" on all).
FONTS = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), 7),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 7),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)
PILL_ALPHA = 0.68  # dark enough that white text keeps a contrast ratio above 4.5:1 over a white background


class LabelError(RuntimeError):
    """The label could not be drawn: the frame must not leave the engine."""


def font_file() -> tuple[Path, int]:
    """The first installed CJK-capable font as (file, face index); LabelError when there is none."""
    for path, index in FONTS:
        if path.is_file():
            return path, index
    raise LabelError("no CJK font found for the AI label (install Debian fonts-noto-cjk): "
                     + ", ".join(str(p) for p, _ in FONTS))


@lru_cache(maxsize=64)
def load_font(px: int) -> ImageFont.FreeTypeFont:
    """The label font at `px` pixels per em."""
    path, index = font_file()
    try:
        return ImageFont.truetype(str(path), px, index=index)
    except OSError as e:
        raise LabelError(f"cannot load the label font {path} (face {index}): {e}") from e


def cap_height(px: int) -> int:
    """Rendered height in pixels of a capital letter ("A") at this font size."""
    _, top, _, bottom = load_font(px).getbbox("A")
    return int(bottom - top)


def font_px_for_cap(cap_px: int) -> int:
    """The smallest font size whose capital letters are at least `cap_px` tall."""
    px = max(6, math.ceil(cap_px / 0.73))  # a first guess (Noto: cap height ≈ 0.73 em), then exact
    while cap_height(px) < cap_px:
        px += 1
    while px > 6 and cap_height(px - 1) >= cap_px:
        px -= 1
    return px


@dataclass(frozen=True)
class Sprite:
    """A pre-rendered overlay at a fixed place in frames of one size."""

    inv: np.ndarray  # (h, w, 3) uint8: 255 - alpha
    pre: np.ndarray  # (h, w, 3) uint8: colour × alpha
    x: int
    y: int
    cap_px: int  # height of a capital letter of the text, in frame pixels

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the overlay in the frame."""
        return self.x, self.y, self.inv.shape[1], self.inv.shape[0]

    def blend(self, frame: np.ndarray) -> None:
        """Composite onto an RGB uint8 frame in place."""
        h, w = self.inv.shape[:2]
        region = frame[self.y : self.y + h, self.x : self.x + w]
        if region.shape != self.inv.shape:
            raise LabelError(f"overlay of {w}x{h} at ({self.x},{self.y}) does not fit a frame of {frame.shape}")
        out = cv2.multiply(region, self.inv, scale=1 / 255.0)
        cv2.add(out, self.pre, dst=out)
        region[...] = out


def check_frame(frame: object) -> np.ndarray:
    """The frame itself if it is a writable RGB uint8 (H, W, 3) array; LabelError otherwise."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        desc = f"{frame.dtype} {frame.shape}" if isinstance(frame, np.ndarray) else type(frame).__name__
        raise LabelError(f"an RGB uint8 (H, W, 3) frame is needed to draw the label, got {desc}")
    if not frame.flags.writeable:
        raise LabelError("the frame is read-only: the label cannot be drawn into it")
    return frame


def text_block(lines: tuple[str, ...], px: int) -> tuple[int, int, int]:
    """(width, height, line pitch) of `lines` set in the label font at `px`."""
    font = load_font(px)
    ascent, descent = font.getmetrics()
    pitch = int(round((ascent + descent) * 0.92))
    width = max(int(math.ceil(font.getlength(line))) for line in lines)
    return width, pitch * len(lines), pitch


def render_panel(lines: tuple[str, ...], px: int, *, pad: int, align: str = "left",
                 alpha: float = PILL_ALPHA, min_width: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """White `lines` on a rounded dark panel: (inv, pre) uint8 arrays ready for a Sprite."""
    font = load_font(px)
    tw, th, pitch = text_block(lines, px)
    w, h = max(tw + 2 * pad, min_width), th + 2 * pad
    scale = 4  # supersample the rounded panel for smooth corners
    panel = Image.new("L", (w * scale, h * scale), 0)
    ImageDraw.Draw(panel).rounded_rectangle((0, 0, w * scale - 1, h * scale - 1), radius=min(pad, h // 2) * scale,
                                            fill=255)
    panel = panel.resize((w, h), Image.Resampling.LANCZOS)
    text = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(text)
    ascent, descent = font.getmetrics()
    baseline = (pitch - (ascent + descent)) / 2 + ascent  # centres each line in its (slightly tight) pitch
    for i, line in enumerate(lines):
        x = pad if align == "left" else (w - font.getlength(line)) / 2
        draw.text((x, pad + i * pitch + baseline), line, font=font, fill=255, anchor="ls")
    t = np.asarray(text, dtype=np.float32) / 255.0
    p = np.asarray(panel, dtype=np.float32) / 255.0
    a = alpha * p * (1.0 - t) + t  # white text over a black translucent panel
    inv = np.repeat(np.round(255.0 * (1.0 - a)).astype(np.uint8)[:, :, None], 3, axis=2)
    pre = np.repeat(np.round(255.0 * t).astype(np.uint8)[:, :, None], 3, axis=2)
    inv.flags.writeable = pre.flags.writeable = False  # cached and shared between threads
    return inv, pre
