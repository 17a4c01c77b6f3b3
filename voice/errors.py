"""Errors of the voice stage that mean the user's input is wrong (the CLI maps them to exit 2)."""

from __future__ import annotations


class VoiceModelError(ValueError):
    """A voice model file or directory that is missing, unreadable or not a model: names the path."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"{path}: {what}")
        self.path = path
        self.what = what


class VoiceUnavailableError(RuntimeError):
    """A backend whose engine is not installed or has no usable voice/device here; says how to fix it."""
