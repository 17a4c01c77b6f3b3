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
MIN_GAP_S = 0.06  # a quiet stretch shorter than this may be a plosive's closure, not a word gap
_PAUSES = frozenset(",.;:!?…_|，。；：！？")  # punctuation a timeline marks as a pause


def word_boundaries(speech: Speech) -> np.ndarray:
    """Sample positions (sorted, ending with the line's end) at which the line can stop between words."""
    n = len(speech.pcm)
    rate = speech.sample_rate
    cuts = [int(round(0.5 * (span.start_s + span.end_s) * rate)) for span in speech.phonemes[1:-1]
            if span.phoneme.strip() == "" or span.phoneme in _PAUSES]
    if not cuts:  # a timeline without word gaps (espeak's events): the audio's own pauses
        cuts = _quiet_gaps(speech.pcm, rate)
    cuts.append(n)
    return np.unique(np.clip(np.asarray(cuts, np.int64), 0, n))


def _quiet_gaps(pcm: np.ndarray, rate: int) -> list[int]:
    hop = max(1, int(rate * QUIET_FRAME_S))
    frames = len(pcm) // hop
    if frames < 3:
        return []
    x = pcm[: frames * hop].astype(np.float32).reshape(frames, hop)
    rms = np.sqrt((x * x).mean(axis=1))
    voiced = rms[rms > rms.max() * 0.05]
    if voiced.size == 0:
        return []
    quiet = rms < QUIET_RATIO * float(np.median(voiced))
    need = max(1, int(round(MIN_GAP_S / QUIET_FRAME_S)))
    cuts, run = [], 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run == need:  # the middle of the first `need` quiet frames
            cuts.append((i - need // 2) * hop + hop // 2)
    return cuts


def next_boundary(boundaries: np.ndarray, pos: int) -> int:
    """The first boundary at or after sample `pos` (the line's end if none)."""
    i = int(np.searchsorted(boundaries, pos, side="left"))
    return int(boundaries[min(i, len(boundaries) - 1)]) if len(boundaries) else pos
