"""Frames from a rig: precomputed fields summed per frame, one remap of the head region, layers on top."""

from avatar.render.preview import draw_preview
from avatar.render.renderer import Renderer
from avatar.rig.backdrop import load_backdrop, make_studio_backdrop

__all__ = ["Renderer", "draw_preview", "load_backdrop", "make_studio_backdrop"]
