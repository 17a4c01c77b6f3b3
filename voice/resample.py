"""Mono int16 audio at another sample rate (FFmpeg's resampler through PyAV): the programme's one rate."""

from __future__ import annotations

import numpy as np


def resample(pcm: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Mono int16 audio at another sample rate (FFmpeg's resampler through PyAV)."""
    if src_rate == dst_rate or not len(pcm):
        return pcm
    import av

    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1).astype(np.int16), format="s16", layout="mono")
    frame.sample_rate = src_rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=dst_rate)
    parts = [f.to_ndarray().reshape(-1) for f in [*resampler.resample(frame), *resampler.resample(None)]]
    return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)
