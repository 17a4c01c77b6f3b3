"""The one error a portrait can cause."""

from __future__ import annotations


class RigError(Exception):
    """A portrait the rig cannot use; the message says why in plain words for a shop owner."""
