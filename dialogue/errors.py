"""Errors that mean "the user's input is wrong": the CLI turns them into exit code 2.

`InputError` lives in `core.errors` (compliance and show raise it too); it is the same class here.
"""

from __future__ import annotations

from core.errors import InputError

__all__ = ["InputError", "ModelError"]


class ModelError(InputError):
    """A model file that is missing, unreadable or not a model."""
