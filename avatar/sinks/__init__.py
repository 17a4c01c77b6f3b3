"""Where the programme goes: the window OBS captures, an MP4 file, an RTMP push, the audio device.

Every sink takes frames and audio with their pts on the one programme clock (see avatar.player).
Importing this package registers every sink; heavy imports (PyAV, pygame, sounddevice) stay inside each.
"""

from avatar.sinks.audio import AudioDeviceSink
from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, available, create, register
from avatar.sinks.mp4 import Mp4Sink, read_mp4_metadata
from avatar.sinks.rtmp import RtmpSink, RtmpStats
from avatar.sinks.wavfile import WavFileSink
from avatar.sinks.window import WindowSink

__all__ = [
    "AudioDeviceSink",
    "Mp4Sink",
    "RtmpSink",
    "RtmpStats",
    "SinkCapabilities",
    "SinkError",
    "VideoSink",
    "WavFileSink",
    "WindowSink",
    "available",
    "create",
    "read_mp4_metadata",
    "register",
]
