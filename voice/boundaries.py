"""Where a line may be cut without cutting a word: the gaps between words, as sample positions.

A comment may interrupt a product pitch, but never mid-word. With a phoneme timeline the word gaps are
its spaces and pauses; without one (a backend that gives no timeline) they are the quiet stretches of the
audio itself.
"""

from __future__ import annotations

import numpy as np

from voice.types import Speech

QUIET_FRAME_S = 0.010  # loudness is measured over 10 ms frames
QUIET_RATIO = 0.08  # a frame quieter than 8% of the line's typical voiced level counts as a gap
SEARCH_S = 0.06  # a marked gap is placed at the quietest point this close to it
MIN_GAP_S = 0.06  # a quiet stretch shorter than this may be a plosive's closure, not a word gap
_PAUSES = frozenset(",.;:!?…_|，。；：！？")  # punctuation a timeline marks as a pause


def word_boundaries(speech: Speech) -> np.ndarray:
    """Sample positions (sorted, ending with the line's end) at which the line can stop between words."""
    n = len(speech.pcm)
    rate = speech.sample_rate
    rms, hop = _frame_rms(speech.pcm, rate)
    level = _voiced_level(rms)
    cuts: list[int] = []
    for span in speech.phonemes[1:-1]:
        a, z = int(span.start_s * rate), int(span.end_s * rate)
        if span.phoneme == "":  # a pause event (espeak's), which may run a little off the audio
            at = _place(speech.pcm, rate, level, a, z)
            if at is not None:
                cuts.append(at)
        elif span.phoneme.strip() == "" or span.phoneme in _PAUSES:  # a word separator in the timeline
            cuts.append(_quietest(speech.pcm, rate, a, z)[0])
    if not cuts:  # a timeline without word gaps: the audio's own pauses
        cuts = _quiet_gaps(rms, hop, level)
    cuts.append(n)
    return np.unique(np.clip(np.asarray(cuts, np.int64), 0, n))


def _frame_rms(pcm: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """RMS of each 10 ms frame, and the frame length in samples."""
    hop = max(1, int(rate * QUIET_FRAME_S))
    frames = len(pcm) // hop
    x = pcm[: frames * hop].astype(np.float32).reshape(frames, hop)
    return np.sqrt((x * x).mean(axis=1)), hop


def _voiced_level(rms: np.ndarray) -> float:
    """The line's typical loudness where it speaks (the median of its frames above 5% of the loudest)."""
    if rms.size == 0:
        return 0.0
    voiced = rms[rms > rms.max() * 0.05]
    return float(np.median(voiced)) if voiced.size else 0.0


def _quietest(pcm: np.ndarray, rate: int, lo: int, hi: int) -> tuple[int, float]:
    """The quietest 10 ms point in [lo, hi) and its RMS."""
    win = max(1, int(QUIET_FRAME_S * rate))
    lo, hi = max(0, lo), min(len(pcm), hi)
    if hi - lo <= win:
        mid = (lo + hi) // 2
        seg = pcm[max(0, mid - win // 2): mid + win // 2].astype(np.float32)
        return mid, float(np.sqrt(np.mean(seg * seg))) if seg.size else 0.0
    x = pcm[lo:hi].astype(np.float32) ** 2
    energy = np.convolve(x, np.ones(win, np.float32), mode="valid") / win
    i = int(np.argmin(energy))
    quiet = energy <= 2.0 * energy[i] + 1.0  # the whole quiet stretch around the minimum: cut in its middle
    a = i
    while a > 0 and quiet[a - 1]:
        a -= 1
    z = i
    while z + 1 < len(quiet) and quiet[z + 1]:
        z += 1
    mid = (a + z) // 2
    return lo + mid + win // 2, float(np.sqrt(energy[mid]))


def _place(pcm: np.ndarray, rate: int, level: float, start: int, end: int) -> int | None:
    """Where to cut for a pause event: the quietest point close to it (the events may run a little off
    the audio), or None when the voice goes on there."""
    near, rms = _quietest(pcm, rate, start - int(SEARCH_S * rate), end + int(SEARCH_S * rate))
    return near if rms <= QUIET_RATIO * 2 * level else None


def _quiet_gaps(rms: np.ndarray, hop: int, level: float) -> list[int]:
    """The middle of the first MIN_GAP_S of each quiet stretch (a line without word marks)."""
    if len(rms) < 3 or level <= 0:
        return []
    quiet = rms < QUIET_RATIO * level
    need = max(1, int(round(MIN_GAP_S / QUIET_FRAME_S)))
    cuts, run = [], 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run == need:
            cuts.append((i - need // 2) * hop + hop // 2)
    return cuts


def next_boundary(boundaries: np.ndarray, pos: int) -> int:
    """The first boundary at or after sample `pos` (the line's end if none)."""
    i = int(np.searchsorted(boundaries, pos, side="left"))
    return int(boundaries[min(i, len(boundaries) - 1)]) if len(boundaries) else pos
