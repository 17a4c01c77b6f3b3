"""The operator's voice on its way to the programme: a small jitter buffer that also keeps the capture times.

Chunks arrive from the network in bursts; the programme takes a fixed slice every frame. The buffer holds
back PREFILL before playing (and again after running dry), drops the oldest audio beyond its limit (a
microphone clock that runs fast must not build up delay), and knows, for each slice it hands out, when
the operator said it — so the face shown with it can be the one the camera saw at that moment.
"""

from __future__ import annotations

from collections import deque

import numpy as np


class VoiceBuffer:
    """FIFO of int16 chunks at one rate, each with the capture time of its first sample (or None). Not locked."""

    def __init__(self, rate: int, *, prefill_s: float, max_s: float) -> None:
        self.rate = int(rate)
        self.prefill = int(prefill_s * self.rate)
        self.max_s = float(max_s)
        self._chunks: deque[tuple[np.ndarray, float | None]] = deque()
        self.buffered = 0  # samples waiting
        self.primed = False
        self.underruns = 0
        self.dropped = 0  # samples thrown away to keep the delay bounded

    def push(self, pcm: np.ndarray, ts: float | None) -> None:
        """Queue a chunk captured at `ts` (seconds on the operator's clock, or None)."""
        if len(pcm):
            self._chunks.append((pcm, ts))
            self.buffered += len(pcm)
        self.trim(self.max_s)

    def trim(self, keep_s: float) -> None:
        """Drop the oldest audio beyond keep_s seconds."""
        limit = int(keep_s * self.rate)
        while self.buffered > limit and self._chunks:
            cut = min(self.buffered - limit, len(self._chunks[0][0]))
            self._consume(cut)
            self.dropped += cut

    def take(self, n: int) -> tuple[np.ndarray, float | None]:
        """The next n samples (silence where there is none yet) and the capture time of their middle."""
        out = np.zeros(n, np.int16)
        if not self.primed and self.buffered >= self.prefill:
            self.primed = True
        if not self.primed:
            return out, None
        heard = None
        captured = self._chunks[0][1] if self._chunks else None
        if captured is not None:
            heard = captured + min(n, self.buffered) / 2 / self.rate
        got = 0
        while got < n and self._chunks:
            take = min(n - got, len(self._chunks[0][0]))
            out[got : got + take] = self._chunks[0][0][:take]
            self._consume(take)
            got += take
        if got < n:
            self.primed = False
            self.underruns += 1
        return out, heard

    def _consume(self, k: int) -> None:
        """Remove k samples from the front chunk, moving its capture time on by as much."""
        pcm, ts = self._chunks[0]
        if k >= len(pcm):
            self._chunks.popleft()
        else:
            self._chunks[0] = (pcm[k:], None if ts is None else ts + k / self.rate)
        self.buffered -= min(k, len(pcm))
