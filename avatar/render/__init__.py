"""Frames from a rig: precomputed fields summed per frame, one remap of the head region, layers on top."""

from avatar.render.backdrop import load_backdrop, make_studio_backdrop
from avatar.render.renderer import Renderer

__all__ = ["Renderer", "load_backdrop", "make_studio_backdrop"]
