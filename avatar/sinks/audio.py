"""The programme's sound on an audio output device (PortAudio through sounddevice), beside the window.

Audio is queued ahead and played by the device's callback, so a slow frame never starves the sound.
The queue follows the programme's pts: a gap between two chunks becomes silence. `latency_s` is the
device's output latency, which a realtime programme with `sync_to_sound_card` adds to the frames' schedule
so picture and sound meet.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, as_pcm, register

log = logging.getLogger(__name__)


def output_devices() -> list[dict[str, Any]]:
    """PortAudio's output devices (empty when there is no sound card or sounddevice is missing)."""
    try:
        import sounddevice as sd
    except (ImportError, OSError):
        return []
    return [dict(d) for d in sd.query_devices() if d.get("max_output_channels", 0) > 0]


@register("audio")
class AudioDeviceSink(VideoSink):
    """Plays the programme's audio on a device (default: the system's); frames are ignored."""

    name = "audio"
    capabilities = SinkCapabilities(video=False, audio=True, live=True)

    def __init__(
        self,
        device: int | str | None = None,
        *,
        latency: float | str = "low",
        monitor: Callable[[np.ndarray], None] | None = None,
    ) -> None:
        try:
            import sounddevice as sd
        except (ImportError, OSError) as e:  # OSError: the PortAudio library itself is missing
            raise SinkError(f"audio output needs sounddevice and PortAudio (Debian: libportaudio2): {e}") from e
        if not output_devices():
            raise SinkError(
                "no audio output device found: connect one, or leave the audio out "
                "(a headless machine can use an ALSA 'null' PCM in ~/.asoundrc)"
            )
        try:
            info = sd.query_devices(device, kind="output")
        except (ValueError, sd.PortAudioError) as e:
            raise SinkError(f"audio output device {device!r} not usable: {e}") from e
        self._sd = sd
        self.device = device
        self.device_name = str(info["name"])
        self.requested_latency = latency
        self.monitor = monitor  # sees every block handed to the device (a level meter, a test)
        self.latency_s = 0.0
        self.samples_played = 0  # samples of programme audio handed to the device
        self.silence_samples = 0  # samples of silence the device asked for while nothing was queued
        self._chunks: collections.deque[np.ndarray] = collections.deque()
        self._queued = 0
        self._waited = 0  # silence samples played since the queue last ran dry
        self._end_s: float | None = None  # programme time where the queued audio ends
        self._lock = threading.Lock()
        self._stream: Any = None
        self._rate = 0
        self._closed = False

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        if self._stream is not None or self._closed:
            raise SinkError("audio device sink already opened")
        self._rate = int(sample_rate)
        try:
            self._stream = self._sd.OutputStream(
                samplerate=self._rate,
                channels=1,
                dtype="int16",
                device=self.device,
                latency=self.requested_latency,
                callback=self._callback,
            )
            self._stream.start()
        except self._sd.PortAudioError as e:
            raise SinkError(f"cannot open audio device {self.device_name!r}: {e}") from e
        self.latency_s = float(self._stream.latency)

    def _callback(self, out: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        filled = 0
        with self._lock:
            while filled < frames and self._chunks:
                chunk = self._chunks[0]
                n = min(frames - filled, len(chunk))
                out[filled : filled + n, 0] = chunk[:n]
                filled += n
                if n == len(chunk):
                    self._chunks.popleft()
                else:
                    self._chunks[0] = chunk[n:]
            self._queued -= filled
            self.samples_played += filled
            self.silence_samples += frames - filled
            self._waited += frames - filled
        if filled < frames:
            out[filled:, 0] = 0
        if self.monitor is not None:
            self.monitor(out[:, 0].copy())

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        """Queue samples for the device; a gap after the previous chunk's end is queued as silence."""
        if self._closed:
            raise SinkError("audio device sink already closed")
        if self._stream is None:
            raise SinkError("open() the audio device sink first")
        pcm = as_pcm(pcm)
        with self._lock:
            end = pts_s + len(pcm) / self._rate
            if self._end_s is not None:
                gap = round((pts_s - self._end_s) * self._rate)
                if gap < 0:
                    pcm = pcm[-gap:]  # overlaps what is already queued
                # A gap the device already filled with silence while its queue was empty is not queued again.
                silence = gap - self._waited
                if silence > 0:
                    self._chunks.append(np.zeros(silence, np.int16))
                    self._queued += silence
            self._waited = 0
            if len(pcm):
                self._chunks.append(pcm.copy())
                self._queued += len(pcm)
            self._end_s = end if self._end_s is None else max(self._end_s, end)

    @property
    def queued_s(self) -> float:
        """Seconds of audio waiting to be played."""
        with self._lock:
            return self._queued / self._rate if self._rate else 0.0

    def close(self) -> None:
        """Play what is queued (waiting at most its duration plus a second), then release the device."""
        if self._closed:
            return
        self._closed = True
        if self._stream is None:
            return
        deadline = time.monotonic() + self.queued_s + self.latency_s + 1.0
        while self.queued_s > 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            self._stream.stop()
        finally:
            self._stream.close()
            self._stream = None
