"""The visible label: OCR-readable, tall enough, drawn from a cached bitmap, and no frame goes out without it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data, measure

import compliance.overlay as overlay
from compliance.labels import (
    DisclosureSchedule,
    LabelError,
    Labeller,
    draw_label,
    guarded_frames,
    label_sprite,
    label_text,
    rhythm_cue,
    spoken_disclosure,
)
from compliance.ocr import label_found, read_label
from dialogue.moderation import check_output

SIZES = [(1280, 720), (720, 1280), (480, 480)]  # (height, width)


def _photo(h: int, w: int) -> np.ndarray:
    return np.asarray(Image.fromarray(data.astronaut()).resize((w, h))).copy()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("h", "w"), SIZES)
def test_tesseract_reads_ai_and_generated(h: int, w: int, lang: str) -> None:
    for opening in (False, True):
        frame = _photo(h, w)
        assert not label_found(read_label(frame, lang, opening=opening), lang)  # nothing there before
        draw_label(frame, lang, opening=opening)
        text = read_label(frame, lang, opening=opening)
        assert label_found(text, lang), f"{w}x{h} {lang} opening={opening}: OCR read {text!r}"
        assert "AI" in text and ("生成" in text if lang == "zh" else "generated" in text)
        if opening:  # the corner label stays on during the opening card
            assert label_found(read_label(frame, lang), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("h", "w"), SIZES)
@pytest.mark.parametrize("opening", [False, True])
def test_text_height_is_at_least_5_percent_of_the_short_side(h: int, w: int, lang: str, opening: bool) -> None:
    frame = np.zeros((h, w, 3), np.uint8)
    draw_label(frame, lang, opening=opening)
    x, y, bw, bh = label_sprite(lang, h, w, opening).box
    ink = frame[y : y + bh, x : x + bw].min(axis=2) > 128  # white text; the panel over black stays dark
    regions = measure.regionprops(measure.label(ink))
    assert regions, "no text drawn"
    first_line = min(r.bbox[0] for r in regions)
    line = [r for r in regions if r.bbox[0] < first_line + (bh // 4)]
    a = min(line, key=lambda r: r.bbox[1])  # the leftmost glyph of the first line is the "A" of "AI"
    cap = a.bbox[2] - a.bbox[0]
    assert cap >= 0.05 * min(h, w), f"capital A is {cap}px on a {w}x{h} frame"
    tallest = max(r.bbox[2] - r.bbox[0] for r in regions)
    assert tallest >= cap


def test_label_is_top_left_and_high_contrast() -> None:
    white = np.full((1280, 720, 3), 255, np.uint8)
    draw_label(white, "en")
    x, y, bw, bh = label_sprite("en", 1280, 720, False).box
    assert x < 0.05 * 720 and y < 0.05 * 1280
    region = white[y : y + bh, x : x + bw].astype(float)
    panel = np.median(region[region.max(axis=2) < 200], axis=0).mean()  # the dark panel over white
    lum = lambda v: (v / 255) ** 2.2  # noqa: E731
    contrast = (1.05) / (lum(panel) + 0.05)
    assert contrast >= 4.5, f"panel grey {panel:.0f} gives a contrast of {contrast:.1f}:1 with white text"
    assert (white[y + bh + 5 :, :, :] == 255).all(), "the label drew outside its box"


def test_the_label_is_rendered_once_and_blended_on_every_frame() -> None:
    """Per frame the label is a blend of a cached bitmap, never text rendered again (the cost per frame is a
    figure of `nightshift bench avatar`: label_ms_per_frame, target < 0.5 ms)."""
    photo = _photo(1280, 720)
    label_sprite.cache_clear()
    first = photo.copy()
    draw_label(first, "zh")  # renders and caches the bitmap
    rendered = label_sprite.cache_info().misses
    for _ in range(300):
        frame = photo.copy()
        draw_label(frame, "zh")
        assert np.array_equal(frame, first)
    assert label_sprite.cache_info().misses == rendered, "the label was rendered again for a frame of the same size"


def test_label_text_has_an_ai_and_a_generated_element() -> None:
    assert label_text("en") == "AI-generated virtual host"
    assert label_text("zh") == "AI生成 · 数字人主播"
    assert label_text("zh-CN") == label_text("zh")
    assert label_text("fr") == label_text("en")


def test_bad_frames_raise_label_error() -> None:
    ro = np.zeros((480, 480, 3), np.uint8)
    ro.flags.writeable = False
    for bad in (ro, np.zeros((480, 480, 3), np.float32), np.zeros((480, 480), np.uint8), np.zeros((40, 40, 3), np.uint8)):
        with pytest.raises(LabelError):
            draw_label(bad, "en")


def test_missing_font_means_no_frame(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setattr(overlay, "FONTS", ((tmp_path / "gone.ttc", 0),))
    overlay.load_font.cache_clear()
    label_sprite.cache_clear()
    try:
        frames = (np.zeros((480, 480, 3), np.uint8) for _ in range(3))
        with pytest.raises(LabelError, match="font"):
            list(guarded_frames(frames, lambda f: draw_label(f, "en")))
    finally:
        overlay.load_font.cache_clear()
        label_sprite.cache_clear()


def test_guarded_frames_lets_no_unlabelled_frame_through() -> None:
    good = [np.zeros((480, 480, 3), np.uint8) for _ in range(2)]
    stream = [*good, np.zeros((480, 480, 3), np.float64), np.zeros((480, 480, 3), np.uint8)]
    out = []
    with pytest.raises(LabelError):
        for f in guarded_frames(stream, lambda f: draw_label(f, "en")):
            out.append(f)
    assert len(out) == 2 and all(f.any() for f in out)  # the two before the bad frame, labelled

    def broken(frame: np.ndarray) -> None:
        raise RuntimeError("compositor crashed")

    with pytest.raises(LabelError, match="compositor crashed"):
        next(guarded_frames([np.zeros((480, 480, 3), np.uint8)], broken))


def test_labeller_shows_the_opening_card_for_two_seconds() -> None:
    lab = Labeller("en", fps=25)
    frames = [np.zeros((720, 1280, 3), np.uint8) for _ in range(52)]
    for f in frames:
        lab(f)
    card, corner = np.zeros_like(frames[0]), np.zeros_like(frames[0])
    draw_label(card, "en", opening=True)
    draw_label(corner, "en")
    assert all(np.array_equal(f, card) for f in frames[:50])  # 2 s at 25 fps
    assert all(np.array_equal(f, corner) for f in frames[50:])
    lab.restart()
    again = np.zeros((720, 1280, 3), np.uint8)
    lab(again)
    assert np.array_equal(again, card)


def test_disclosure_schedule() -> None:
    s = DisclosureSchedule(interval_s=600)
    assert s.due(0.0)
    s.spoken(0.0)
    assert not s.due(1.0) and not s.due(599.0)
    assert s.due(600.0)
    s.spoken(600.0)
    s.takeover_started(700.0)
    assert not s.due(1300.0)  # a human is speaking
    s.takeover_ended(710.0)
    assert s.due(710.0)
    s.spoken(711.0)
    assert not s.due(712.0) and s.due(1311.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_spoken_disclosure_says_ai_and_passes_moderation(lang: str) -> None:
    text = spoken_disclosure(lang)
    assert "AI" in text and ("生成" in text if lang == "zh" else "AI-generated" in text)
    assert check_output(text, lang) == []


def test_rhythm_cue_is_morse_ai() -> None:
    rate = 16000
    pcm = rhythm_cue(rate)
    on = np.abs(pcm) > 0.05
    # lengths of the runs of tone, in 80 ms units (gaps inside one cycle of 880 Hz are tiny, merge them)
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(int), 0]))
    runs = [(s, e) for s, e in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[list[int]] = []
    for s, e in runs:
        if merged and s - merged[-1][1] < rate // 200:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    units = [round((e - s) / (0.08 * rate)) for s, e in merged]
    assert units == [1, 3, 1, 1]
