"""TTS backends. Each registers itself from its own module; `VOICES` finds them when first asked, and their
heavy libraries load only when a voice is built."""

from voice.tts.base import VOICES, TTSBackend, TTSCapabilities, VoiceSettings, build, create, register

__all__ = ["VOICES", "TTSBackend", "TTSCapabilities", "VoiceSettings", "build", "create", "register"]
