"""Overlays drawn on every programme frame: captions, a product card, and the slot for the compliance label.

Text is drawn once with Pillow (a font with Chinese glyphs) and cached as a bitmap; per frame a layer only
blends its cached bitmap into the frame, which costs a fraction of a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assets.fonts import cjk_font_path

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont


class Layer(Protocol):
    def draw(self, frame: np.ndarray) -> None: ...


@dataclass(frozen=True)
class Bitmap:
    """A cached overlay: premultiplied colour and 8-bit alpha scaled to 0..256, for integer blending."""

    pre: np.ndarray  # (h, w, 3) uint16: colour × alpha
    inv: np.ndarray  # (h, w, 1) uint16: 256 − alpha

    @property
    def shape(self) -> tuple[int, int]:
        return self.pre.shape[0], self.pre.shape[1]


def to_bitmap(rgba: np.ndarray) -> Bitmap:
    """An RGBA uint8 image as a Bitmap ready for blend()."""
    a = rgba[:, :, 3:4].astype(np.uint16)
    a = a + (a >> 7)  # 0..255 → 0..256
    pre = rgba[:, :, :3].astype(np.uint16) * a
    return Bitmap(pre=pre, inv=(256 - a).astype(np.uint16))


def blend(frame: np.ndarray, bmp: Bitmap, x: int, y: int) -> None:
    """Blend a bitmap into frame (RGB uint8, in place) with its top-left at (x, y), clipped to the frame."""
    h, w = bmp.shape
    H, W = frame.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    region = frame[y0:y1, x0:x1]
    pre = bmp.pre[y0 - y : y1 - y, x0 - x : x1 - x]
    inv = bmp.inv[y0 - y : y1 - y, x0 - x : x1 - x]
    region[:] = ((region.astype(np.uint16) * inv + pre) >> 8).astype(np.uint8)


@lru_cache(maxsize=16)
def _font(px: int, bold: bool) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(cjk_font_path(bold)), px)


def _wrap(text: str, font: FreeTypeFont, max_w: int, max_lines: int) -> list[str]:
    """Break text into lines no wider than max_w: at spaces, or between any two CJK characters."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            cand = line + tok
            if line and font.getlength(cand.rstrip()) > max_w:
                lines.append(line.rstrip())
                line = tok.lstrip()
            else:
                line = cand
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "…") > max_w:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _tokens(s: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in s:
        if ch == " " or ord(ch) >= 0x2E80:  # a space, or a CJK character: both are break points
            if word:
                out.append(word)
            out.append(ch)
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


@lru_cache(maxsize=256)
def text_bitmap(text: str, px: int, fg: tuple[int, int, int], bg: tuple[int, int, int, int] | None = None,
                max_width: int = 10_000, bold: bool = False, max_lines: int = 3, pad: float = 0.45,
                align: str = "left") -> np.ndarray:  # fmt: skip
    """Text in a rounded box as RGBA uint8 (read-only, cached): wrapped to max_width, at most max_lines lines."""
    from PIL import Image, ImageDraw

    font = _font(px, bold)
    p = int(round(px * pad))
    lines = _wrap(text, font, max_width - 2 * p, max_lines)
    asc, desc = font.getmetrics()
    lh = int((asc + desc) * 1.1)
    tw = int(max((font.getlength(s) for s in lines), default=0))
    w, h = min(max_width, tw + 2 * p), lh * len(lines) + 2 * p - int(lh * 0.1)
    img = Image.new("RGBA", (max(1, w), max(1, h)), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if bg is not None:
        d.rounded_rectangle((0, 0, w - 1, h - 1), radius=int(px * 0.45), fill=bg)
    for i, s in enumerate(lines):
        x = p if align == "left" else (w - font.getlength(s)) / 2
        d.text((x, p + i * lh), s, font=font, fill=(*fg, 255))
    arr = np.asarray(img).copy()
    arr.flags.writeable = False
    return arr


def caption_zone(width: int, height: int, max_lines: int = 3) -> tuple[int, int, int]:
    """(font px, top, bottom) of the band captions may fill; the product card sits above it."""
    px = max(14, round(0.052 * min(width, height)))
    bottom = int(height * (0.90 if height >= width else 0.94))
    return px, bottom - int(px * (1.6 * max_lines + 0.9)), bottom


class Caption:
    """Subtitles of what the host says, centred near the bottom; set `.text` to change them."""

    def __init__(self, text: str = "", *, max_lines: int = 3) -> None:
        self.text = text
        self.max_lines = max_lines
        self._key: tuple[str, int, int] | None = None
        self._bmp: Bitmap | None = None
        self._xy = (0, 0)

    def draw(self, frame: np.ndarray) -> None:
        if not self.text.strip():
            return
        H, W = frame.shape[:2]
        if self._key != (self.text, W, H):
            px, _, bottom = caption_zone(W, H, self.max_lines)
            rgba = text_bitmap(self.text, px, (255, 255, 255), (12, 12, 16, 165), max_width=int(W * 0.9),
                               max_lines=self.max_lines, align="center")  # fmt: skip
            self._bmp = to_bitmap(rgba)
            self._xy = ((W - rgba.shape[1]) // 2, bottom - rgba.shape[0])
            self._key = (self.text, W, H)
        assert self._bmp is not None
        blend(frame, self._bmp, *self._xy)


class ProductCard:
    """The product being talked about: its name and price (from the catalog) on a card beside the host."""

    def __init__(self, name: str, price_text: str) -> None:
        self.name, self.price_text = name, price_text
        self._key: tuple[str, str, int, int] | None = None
        self._bmp: Bitmap | None = None
        self._xy = (0, 0)

    def _build(self, W: int, H: int) -> None:
        from PIL import Image, ImageDraw

        unit = min(W, H)
        card_w = int(W * 0.40) if H >= W else int(W * 0.26)
        name = text_bitmap(self.name, max(12, round(0.042 * unit)), (34, 30, 36), None, max_width=card_w, max_lines=2)
        price = text_bitmap(self.price_text, max(14, round(0.07 * unit)), (214, 48, 49), None, max_width=card_w, bold=True, max_lines=1)
        pad = round(0.02 * unit)
        w = max(name.shape[1], price.shape[1]) + 2 * pad
        h = name.shape[0] + price.shape[0] + 2 * pad
        card = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(card).rounded_rectangle((0, 0, w - 1, h - 1), radius=round(0.03 * unit), fill=(255, 255, 255, 236))
        card.alpha_composite(Image.fromarray(np.asarray(name)), (pad, pad))
        card.alpha_composite(Image.fromarray(np.asarray(price)), (pad, pad + name.shape[0]))
        rgba = np.asarray(card)
        self._bmp = to_bitmap(rgba)
        if H >= W:  # lower left, just above the captions
            self._xy = (int(0.04 * W), caption_zone(W, H)[1] - h - int(0.015 * H))
        else:
            self._xy = (int(W - w - 0.04 * W), int(0.30 * H))
        self._key = (self.name, self.price_text, W, H)

    def draw(self, frame: np.ndarray) -> None:
        H, W = frame.shape[:2]
        if self._key != (self.name, self.price_text, W, H):
            self._build(W, H)
        assert self._bmp is not None
        blend(frame, self._bmp, *self._xy)


class LabelSlot:
    """The place reserved for the compliance label: calls `draw_fn(frame)` on every frame, last of all.

    The label is drawn by the compliance package; a failure propagates, so no frame leaves unlabelled.
    """

    def __init__(self, draw_fn: Callable[[np.ndarray], None]) -> None:
        self.draw_fn = draw_fn

    @staticmethod
    def region(width: int, height: int) -> tuple[int, int, int, int]:
        """The reserved rectangle (x0, y0, x1, y1): a band across the top; other layers stay out of it."""
        return 0, 0, width, int(0.12 * height)

    def draw(self, frame: np.ndarray) -> None:
        self.draw_fn(frame)


class LayerStack:
    """Layers drawn in order onto each frame (a LabelSlot always last, so nothing covers the label)."""

    def __init__(self, layers: Iterable[Layer] = ()) -> None:
        self.layers: list[Layer] = []
        for layer in layers:
            self.add(layer)

    def add(self, layer: Layer) -> Layer:
        """Add a layer (on top of the others, below the label slot). Returns it."""
        self.layers.append(layer)
        self.layers.sort(key=lambda x: isinstance(x, LabelSlot))  # stable: labels go last
        return layer

    def remove(self, layer: Layer) -> None:
        self.layers = [x for x in self.layers if x is not layer]

    def draw(self, frame: np.ndarray) -> None:
        """Draw every layer onto frame (RGB uint8), in place."""
        for layer in self.layers:
            layer.draw(frame)
