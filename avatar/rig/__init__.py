"""The face rig: one portrait → landmarks, framing, cut-out, warp mesh and bases, eyelids, mouth interior.

`build_rig(path)` does all the per-portrait work once; `Renderer` (avatar.render) then only combines
precomputed fields per frame.
"""

from avatar.rig.build import MAX_YAW_DEG, MIN_FACE_PX, build_rig
from avatar.rig.errors import RigError
from avatar.rig.model import Rig

__all__ = ["MAX_YAW_DEG", "MIN_FACE_PX", "Rig", "RigError", "build_rig"]
