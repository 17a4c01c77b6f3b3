"""TTS backends. Importing this package registers every backend; heavy imports stay inside each."""

from voice.tts import coqui, espeak, piper  # noqa: F401
from voice.tts.base import TTSBackend, TTSCapabilities, create, register

__all__ = ["TTSBackend", "TTSCapabilities", "create", "register"]
