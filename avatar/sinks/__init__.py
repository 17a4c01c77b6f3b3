"""Where the programme goes: the window OBS captures, an MP4 file, an RTMP push, the audio device.

Every sink takes frames and audio with their pts on the one programme clock (avatar.program); audio-only sinks
(a WAV file, the sound card) are members too, and `SpeechWriter` feeds whole utterances to any of them.
Importing this package registers every sink; heavy imports (PyAV, pygame, sounddevice) stay inside each.
"""

from avatar.sinks.audio import AudioDeviceSink, output_devices
from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, available, create, register
from avatar.sinks.mp4 import Mp4Sink, read_mp4_metadata
from avatar.sinks.rtmp import RtmpSink, RtmpStats
from avatar.sinks.speech import SpeechWriter
from avatar.sinks.wavfile import WavFileSink
from avatar.sinks.window import WindowSink

__all__ = [
    "AudioDeviceSink",
    "Mp4Sink",
    "RtmpSink",
    "RtmpStats",
    "SinkCapabilities",
    "SinkError",
    "SpeechWriter",
    "VideoSink",
    "WavFileSink",
    "WindowSink",
    "available",
    "create",
    "output_devices",
    "read_mp4_metadata",
    "register",
]
