"""MicDriver: the operator's microphone → audio at the programme's rate, and a live loudness for the mouth.

The offline loudness (avatar.animate.envelope) scales each utterance by its own loud parts; live audio has
no end to look at, so here the scale is a peak that follows the voice (quick to rise, a few seconds to
fall) over a noise floor that follows the room, and the same attack/release shapes the result.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from avatar.animate.envelope import RANGE_DB
from voice.resample import resample

if TYPE_CHECKING:
    import av

PEAK_RELEASE_S = 3.0  # a loud moment sets the scale for about this long
MIN_PEAK = 0.01  # -40 dBFS: quieter than this is never "loud", however long the silence
NOISE_RISE = 0.002  # per frame: the room's floor creeps up slowly, and drops at once
NOISE_MARGIN = 2.0  # sound must be this many times the room's floor to move the mouth
ATTACK, RELEASE = 0.75, 0.45  # per frame, as in the offline loudness
LOUDNESS_JAW, LOUDNESS_SPREAD = 0.7, 0.12  # the mouth a loudness opens (the Animator's loudness fallback)


class StreamResampler:
    """Mono int16 chunks at any rate → one continuous stream at `rate` (FFmpeg's resampler, kept open)."""

    def __init__(self, rate: int) -> None:
        self.rate = int(rate)
        self._src: int | None = None
        self._resampler: av.AudioResampler | None = None

    def __call__(self, pcm: np.ndarray, sample_rate: int) -> np.ndarray:
        """The chunk at the target rate; the resampler's state runs on across calls (no clicks at the joins)."""
        a = np.asarray(pcm).reshape(-1)
        if a.dtype != np.int16:
            raise ValueError(f"microphone audio must be int16 PCM, got {a.dtype}")
        if sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {sample_rate}")
        if sample_rate == self.rate or not len(a):
            return a.copy()
        import av

        if self._src != sample_rate or self._resampler is None:  # a new source rate: start a fresh resampler
            self._src = sample_rate
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=self.rate)
        frame = av.AudioFrame.from_ndarray(a.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = sample_rate
        parts = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)


class MicDriver:
    """Live loudness of the operator's voice, one value per programme frame, and the mouth it opens."""

    def __init__(self, *, sample_rate: int = 22050, fps: float = 25.0) -> None:
        self.rate, self.fps = int(sample_rate), float(fps)
        self.resample = StreamResampler(self.rate)
        self._peak = MIN_PEAK
        self._noise: float | None = None
        self._level = 0.0
        self._release = math.exp(-1.0 / (PEAK_RELEASE_S * self.fps))

    @property
    def level(self) -> float:
        """The loudness of the last frame fed (0 silent .. 1 the voice's loud parts)."""
        return self._level

    def feed(self, frame_pcm: np.ndarray) -> float:
        """Loudness of the audio played over one frame (int16 at the programme rate); updates the scales."""
        a = np.asarray(frame_pcm, dtype=np.float64).reshape(-1) / 32768.0
        rms = float(np.sqrt(np.mean(a * a))) if len(a) else 0.0
        if self._noise is None or rms < self._noise:
            self._noise = rms
        else:
            self._noise += NOISE_RISE * (rms - self._noise)
        self._peak = max(MIN_PEAK, rms, self._peak * self._release)
        floor = max(self._peak * 10 ** (-RANGE_DB / 20), NOISE_MARGIN * self._noise)
        x = float(np.clip((rms - floor) / max(self._peak - floor, 1e-9), 0.0, 1.0))
        self._level += (x - self._level) * (ATTACK if x > self._level else RELEASE)
        return self._level

    def mouth(self) -> tuple[float, float]:
        """(jaw_open, lip_spread) for the current loudness: the face's mouth when the camera sees no face."""
        return LOUDNESS_JAW * self._level, LOUDNESS_SPREAD * self._level

    def levels(self, pcm: np.ndarray, sample_rate: int) -> np.ndarray:
        """Loudness per programme frame over a whole recording (resampled first): the live envelope, offline."""
        a = resample(np.asarray(pcm).reshape(-1).astype(np.int16), sample_rate, self.rate)
        edges = np.round(np.arange(int(len(a) * self.fps / self.rate) + 1) * self.rate / self.fps).astype(int)
        return np.array([self.feed(a[lo:hi]) for lo, hi in zip(edges[:-1], edges[1:], strict=True)])


def pcm16(pcm: np.ndarray | bytes) -> np.ndarray:
    """Mono int16 samples from little-endian bytes, an int16 array, or a float array in -1..1."""
    if isinstance(pcm, bytes | bytearray | memoryview):
        raw = memoryview(pcm).cast("B")
        return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int16)  # a stray odd byte is dropped
    a = np.asarray(pcm)
    if a.ndim > 1 and a.size != max(a.shape):
        raise ValueError(f"microphone audio must be mono, got shape {a.shape}")
    a = a.reshape(-1)
    if a.dtype.kind == "f":
        return (np.clip(a, -1.0, 1.0) * 32767.0).astype(np.int16)
    return a
