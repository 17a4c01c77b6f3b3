"""Layers: CJK captions with real glyphs, the product card, the label slot (always last, never swallowed)."""

from __future__ import annotations

import numpy as np
import pytest

from avatar.layers import (
    Caption,
    LabelSlot,
    LayerStack,
    ProductCard,
    blend,
    caption_zone,
    text_bitmap,
    to_bitmap,
)


def _grey(w: int = 720, h: int = 1280) -> np.ndarray:
    return np.full((h, w, 3), 90, np.uint8)


def test_caption_puts_chinese_glyph_pixels_in_its_box() -> None:
    frame = _grey()
    Caption("欢迎光临小店，今天的龙井茶特价").draw(frame)
    px, top, bottom = caption_zone(720, 1280)
    band = frame[top:bottom]
    assert (band > 200).all(axis=2).sum() > 1500  # white strokes
    assert (frame[:top] == 90).all() and (frame[bottom:] == 90).all()  # nothing outside the caption band
    # real glyphs, not one placeholder box per character: the order of two characters changes the pixels
    a = text_bitmap("你好", px, (255, 255, 255))
    b = text_bitmap("好你", px, (255, 255, 255))
    assert a.shape == b.shape and not np.array_equal(a, b)
    assert not np.array_equal(a[:, : a.shape[1] // 2], a[:, a.shape[1] // 2 :])


def test_caption_wraps_and_truncates_long_text() -> None:
    frame = _grey()
    cap = Caption("一二三四五六七八九十" * 12, max_lines=2)
    cap.draw(frame)
    rows = np.nonzero((frame != 90).any(axis=(1, 2)))[0]
    cols = np.nonzero((frame != 90).any(axis=(0, 2)))[0]
    px = caption_zone(720, 1280)[0]
    assert rows.max() - rows.min() < px * 4.0  # two lines, not twelve
    assert cols.min() >= 0.04 * 720 and cols.max() <= 0.96 * 720


def test_caption_text_can_change_and_empty_draws_nothing() -> None:
    cap = Caption("first")
    f1, f2, f3 = _grey(), _grey(), _grey()
    cap.draw(f1)
    cap.text = "a different, longer second line"
    cap.draw(f2)
    cap.text = "  "
    cap.draw(f3)
    assert not np.array_equal(f1, f2)
    assert (f3 == 90).all()


def test_product_card_shows_name_and_red_price() -> None:
    frame = _grey()
    ProductCard("明前龙井茶 250 g", "¥168.00").draw(frame)
    changed = (frame != 90).any(axis=2)
    ys, xs = np.nonzero(changed)
    assert xs.max() < 720 * 0.5  # beside the host, on the left
    assert ys.max() < caption_zone(720, 1280)[1]  # above the captions
    card = frame[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(int)
    red = (card[..., 0] > 170) & (card[..., 1] < 110) & (card[..., 2] < 110)
    dark = card.sum(axis=2) < 200
    assert red.sum() > 300 and dark.sum() > 200  # price in red, name in dark text on the white card


def test_landscape_card_is_on_the_right() -> None:
    frame = _grey(1280, 720)
    ProductCard("Longjing tea", "$24").draw(frame)
    xs = np.nonzero((frame != 90).any(axis=(0, 2)))[0]
    assert xs.min() > 1280 * 0.6


def test_label_slot_is_drawn_last_every_frame_and_failures_propagate() -> None:
    calls: list[int] = []

    def label(frame: np.ndarray) -> None:
        calls.append(1)
        frame[0:40, 0:200] = (255, 0, 0)

    stack = LayerStack()
    stack.add(LabelSlot(label))
    stack.add(Caption("hello"))
    stack.add(ProductCard("Tea", "$1"))
    assert isinstance(stack.layers[-1], LabelSlot)
    for _ in range(3):
        frame = _grey()
        stack.draw(frame)
        assert (frame[0:40, 0:200] == (255, 0, 0)).all()
    assert len(calls) == 3
    x0, y0, x1, y1 = LabelSlot.region(720, 1280)
    assert (x0, y0) == (0, 0) and x1 == 720 and y1 >= 0.05 * 720

    def broken(frame: np.ndarray) -> None:
        raise RuntimeError("no font")

    with pytest.raises(RuntimeError, match="no font"):
        LayerStack([LabelSlot(broken)]).draw(_grey())


def test_blend_is_exact_at_full_and_zero_alpha() -> None:
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[:, :3] = (10, 200, 30, 255)
    rgba[:, 3:] = (255, 255, 255, 0)
    frame = _grey(20, 10)
    blend(frame, to_bitmap(rgba), 18, 8)  # partly off the frame: clipped, no error
    blend(frame, to_bitmap(rgba), 2, 2)
    assert (frame[2:6, 2:5] == (10, 200, 30)).all()
    assert (frame[2:6, 5:8] == 90).all()
    assert (frame[8:, 18:] == (10, 200, 30)).all()


def test_text_bitmaps_are_cached_and_read_only() -> None:
    a = text_bitmap("缓存", 30, (255, 255, 255), (0, 0, 0, 128))
    assert text_bitmap("缓存", 30, (255, 255, 255), (0, 0, 0, 128)) is a
    with pytest.raises(ValueError):
        a[0, 0, 0] = 1
