"""Loudness of speech audio per video frame: the mouth fallback when a voice gives no timeline.

The level is read slightly ahead of each frame (LEAD_S), so the mouth opens just before the sound.
"""

from __future__ import annotations

import numpy as np

LEAD_S = 0.03
RANGE_DB = 30.0  # levels this far under the loud parts count as a closed mouth


def loudness(pcm: np.ndarray, sample_rate: int, fps: float, n_frames: int | None = None) -> np.ndarray:
    """Loudness per frame, 1 ≈ the loud parts (0..1.2; attack fast, release slower), from int16 or float PCM."""
    src = np.asarray(pcm).reshape(-1)
    a = src.astype(np.float64)
    if src.dtype.kind in "iu" or np.abs(a).max(initial=0.0) > 2.0:
        a = a / 32768.0
    n = n_frames if n_frames is not None else int(np.ceil(len(a) / sample_rate * fps - 1e-9))
    if n <= 0 or len(a) == 0:
        return np.zeros(max(n, 0))
    half = int(sample_rate / fps)  # a window of two frames, centred on the frame's moment plus the lead
    centres = ((np.arange(n) + 0.5) / fps + LEAD_S) * sample_rate
    c2 = np.concatenate([[0.0], np.cumsum(a * a)])
    lo = np.clip((centres - half).astype(int), 0, len(a))
    hi = np.clip((centres + half).astype(int), 0, len(a))
    rms = np.sqrt((c2[hi] - c2[lo]) / np.maximum(hi - lo, 1))
    loud = rms[rms > 1e-4]
    if len(loud) == 0:
        return np.zeros(n)
    top = float(np.percentile(loud, 95))
    # linear in amplitude (the jaw opens with the sound pressure), gated RANGE_DB under the loud parts
    floor = top * 10 ** (-RANGE_DB / 20)
    level = np.clip((rms - floor) / max(top - floor, 1e-9), 0.0, 1.2)
    out = np.zeros(n)
    v = 0.0
    for i, x in enumerate(level):
        v += (x - v) * (0.75 if x > v else 0.45)
        out[i] = v
    return out


def envelope_at(env: np.ndarray, fps: float, t: np.ndarray) -> np.ndarray:
    """Loudness at arbitrary times t (s from the utterance start), by linear interpolation of the frames."""
    if len(env) == 0:
        return np.zeros_like(np.asarray(t, np.float64))
    x = (np.arange(len(env)) + 0.5) / fps
    return np.interp(t, x, env, left=0.0, right=0.0)
