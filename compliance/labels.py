"""The visible and audible AI labels (docs/compliance.md §1–2): in every frame, spoken on a schedule.

The label text has an "AI" element and a "generated" element in the show's language; its capital letters
are at least 5% of the frame's shorter side (5.5% is used, for a margin). There is no switch to turn it off:
a frame the label cannot be drawn on raises `LabelError`, and `guarded_frames` lets no such frame through.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import numpy as np

from compliance.overlay import (
    LabelError,
    Sprite,
    cap_height,
    check_frame,
    font_px_for_cap,
    render_panel,
    text_block,
)

__all__ = ["LabelError", "Labeller", "DisclosureSchedule", "draw_label", "guarded_frames", "label_lang",
           "label_lines", "label_sprite", "label_text", "rhythm_cue", "spoken_disclosure"]

MIN_HEIGHT_RATIO = 0.05  # GB 45438 §5.4†: text height ≥ 5% of the shorter side
CAP_RATIO = 0.055  # what is drawn: a margin above the minimum
OPENING_CAP_RATIO = 0.10
OPENING_S = 2.0  # the opening card stays at least this long

_LINES = {
    "en": ("AI-generated", "virtual host"),
    "zh": ("AI生成", "数字人主播"),
}
_JOIN = {"en": " ", "zh": " · "}
_DISCLOSURE = {
    "en": "This live room is hosted by an AI-generated virtual host.",
    "zh": "本直播间由AI生成的数字人主播主持。",
}


def label_lang(lang: str) -> str:
    """The label language for a show language: Chinese variants → "zh", anything else → "en"."""
    code = (lang or "").strip().lower().replace("_", "-")
    return "zh" if code.split("-")[0] in ("zh", "cmn", "yue") else "en"


def label_lines(lang: str) -> tuple[str, str]:
    """The label as its two halves, for a two-line layout."""
    return _LINES[label_lang(lang)]


def label_text(lang: str) -> str:
    """The visible label text, e.g. "AI-generated virtual host" / "AI生成 · 数字人主播"."""
    key = label_lang(lang)
    return _JOIN[key].join(_LINES[key])


def spoken_disclosure(lang: str) -> str:
    """The audible disclosure, spoken at the start, every 10 minutes and after a takeover."""
    return _DISCLOSURE[label_lang(lang)]


@lru_cache(maxsize=64)
def label_sprite(lang: str, height: int, width: int, opening: bool = False) -> Sprite:
    """The label pre-rendered for frames of one size: the corner pill, or the bigger opening card."""
    key = label_lang(lang)
    short = min(height, width)
    min_cap = math.ceil(MIN_HEIGHT_RATIO * short)
    cap = math.ceil((OPENING_CAP_RATIO if opening else CAP_RATIO) * short)
    margin = max(2, round(0.03 * short))
    while True:
        px = font_px_for_cap(cap)
        pad = max(2, round(0.35 * px))
        lines: tuple[str, ...] = (label_text(key),)
        tw, _, _ = text_block(lines, px)
        if opening or tw + 2 * pad > 0.62 * width:
            lines = _LINES[key]
            tw, _, _ = text_block(lines, px)
        if tw + 2 * pad + 2 * margin <= (0.9 if opening else 1.0) * width:
            break
        if cap <= min_cap:
            raise LabelError(f"a {width}x{height} frame is too small for a readable AI label")
        cap = max(min_cap, cap - 1)
    if opening:  # below the face, over the body; the corner label stays above it
        inv, pre = render_panel(lines, px, pad=pad, align="center", min_width=round(0.8 * width))
        corner = label_sprite(key, height, width, False)
        x = (width - inv.shape[1]) // 2
        y = max(corner.y + corner.inv.shape[0] + margin, min(round(0.58 * height), height - inv.shape[0] - margin))
    else:
        inv, pre = render_panel(lines, px, pad=pad)
        x, y = margin, margin
    if y + inv.shape[0] > height:
        raise LabelError(f"a {width}x{height} frame is too small for a readable AI label")
    return Sprite(inv, pre, x, y, cap_height(px))


def draw_label(frame: np.ndarray, lang: str, *, opening: bool = False) -> None:
    """Burn the AI label into an RGB uint8 frame in place: top-left, plus the big card when `opening`."""
    check_frame(frame)
    try:
        label_sprite(lang, frame.shape[0], frame.shape[1], False).blend(frame)
        if opening:
            label_sprite(lang, frame.shape[0], frame.shape[1], True).blend(frame)
    except LabelError:
        raise
    except Exception as e:  # any drawing failure means the frame must not go out
        raise LabelError(f"the AI label could not be drawn: {type(e).__name__}: {e}") from e


class Labeller:
    """A draw function for the video path: the opening card for the first `opening_s`, then the corner label."""

    def __init__(self, lang: str, *, fps: float, opening_s: float = OPENING_S) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.lang = lang
        self.opening_frames = math.ceil(max(opening_s, OPENING_S) * fps)
        self.frames = 0
        self._lock = threading.Lock()

    def __call__(self, frame: np.ndarray) -> None:
        with self._lock:
            opening = self.frames < self.opening_frames
            draw_label(frame, self.lang, opening=opening)
            self.frames += 1

    def warm(self, height: int, width: int) -> None:
        """Render the label bitmaps for this frame size now, so the first frames cost no more than the rest."""
        label_sprite(self.lang, height, width, False)
        label_sprite(self.lang, height, width, True)

    def restart(self) -> None:
        """A new stream begins: show the opening card again."""
        with self._lock:
            self.frames = 0


def guarded_frames(frames: Iterable[np.ndarray], draw: Callable[[np.ndarray], None]) -> Iterator[np.ndarray]:
    """Yield each frame only after `draw` labelled it; any failure raises LabelError and ends the stream."""
    for frame in frames:
        try:
            draw(check_frame(frame))
        except LabelError:
            raise
        except Exception as e:
            raise LabelError(f"the AI label could not be drawn: {type(e).__name__}: {e}") from e
        yield frame


class DisclosureSchedule:
    """When the spoken disclosure is due: at the start, every `interval_s`, and after a takeover ends."""

    def __init__(self, interval_s: float = 600.0) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = interval_s
        self._last: float | None = None
        self._after_takeover = False
        self._in_takeover = False
        self._lock = threading.Lock()

    def due(self, now: float) -> bool:
        """True when the host should say the disclosure now (not while a human has taken over)."""
        with self._lock:
            if self._in_takeover:
                return False
            return self._last is None or self._after_takeover or now - self._last >= self.interval_s

    def spoken(self, now: float) -> None:
        """The disclosure was said at `now`: the next one is due `interval_s` later."""
        with self._lock:
            self._last = now
            self._after_takeover = False

    def takeover_started(self, now: float) -> None:
        """A human operator speaks through the host: no disclosure until the takeover ends."""
        del now
        with self._lock:
            self._in_takeover = True

    def takeover_ended(self, now: float) -> None:
        """The AI host speaks again: the disclosure is due at once."""
        del now
        with self._lock:
            self._in_takeover = False
            self._after_takeover = True


def rhythm_cue(rate: int = 22050, *, unit_s: float = 0.08, freq: float = 880.0) -> np.ndarray:
    """The audible AI cue of GB 45438†: Morse "AI" (short-long-short-short) as float32 PCM in [-1, 1]."""
    tones = (1, 3, 1, 1)  # dit dah | dit dit, in Morse units
    gaps = (1, 3, 1, 0)  # gap inside a letter is 1 unit, between letters 3
    out: list[np.ndarray] = []
    fade = max(1, int(0.005 * rate))
    for tone, gap in zip(tones, gaps, strict=True):
        n = int(tone * unit_s * rate)
        t = np.arange(n) / rate
        wave = 0.5 * np.sin(2 * np.pi * freq * t)
        env = np.ones(n)
        env[:fade] = np.linspace(0, 1, fade)
        env[-fade:] = np.linspace(1, 0, fade)
        out += [wave * env, np.zeros(int(gap * unit_s * rate))]
    return np.concatenate(out).astype(np.float32)
