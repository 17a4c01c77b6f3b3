"""The Rig: everything about one portrait that the renderer needs, computed once (and cacheable as .npz)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np

from avatar.rig.eyes import EyeRig
from avatar.rig.head import HeadRig
from avatar.rig.interior import Interior, Sprite
from avatar.rig.mesh import Raster
from avatar.rig.mouth import MouthRig

FORMAT = 1


@dataclass
class Rig:
    """A portrait made ready to animate: framed canvas, landmarks, warp bases, eyelids and mouth interior."""

    size: tuple[int, int]  # (width, height) of the output canvas
    notes: list[str]
    landmarks: np.ndarray  # (478, 2) float32, canvas pixels
    depth: np.ndarray  # (478,) float32, FaceMesh depth in canvas pixels (negative: towards the camera)
    canvas: np.ndarray  # (H, W, 3) uint8: the person over the studio backdrop, at rest
    mask: np.ndarray  # (H, W) uint8 person mask, 255 = person
    face_width: float
    upscale: float  # how much the portrait was enlarged to fill the frame
    head: HeadRig
    mouth: MouthRig
    eyes: tuple[EyeRig, EyeRig]  # (right, left)
    interior: Interior
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        """Write the rig to an .npz cache (no pickles)."""
        arrays: dict[str, np.ndarray] = {}
        scalars: dict[str, Any] = {}
        _flatten(self, "", arrays, scalars)
        arrays["__meta__"] = np.frombuffer(json.dumps({"format": FORMAT, "scalars": scalars}).encode(), np.uint8)
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> Rig:
        """Read a rig written by save()."""
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(bytes(arrays.pop("__meta__")).decode())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: rig cache format {meta.get('format')} is not {FORMAT}")
        return _build(cls, "", arrays, meta["scalars"])


_TYPES: dict[str, type] = {
    "head": HeadRig, "mouth": MouthRig, "interior": Interior, "raster": Raster,
    "cavity": Sprite, "upper_teeth": Sprite, "lower_teeth": Sprite, "tongue": Sprite,
}  # fmt: skip


def _flatten(obj: Any, prefix: str, arrays: dict[str, np.ndarray], scalars: dict[str, Any]) -> None:
    for f in fields(obj):
        v = getattr(obj, f.name)
        key = prefix + f.name
        if isinstance(v, np.ndarray):
            arrays[key] = v
        elif is_dataclass(v):
            _flatten(v, key + ".", arrays, scalars)
        elif f.name == "eyes":
            for i, eye in enumerate(v):
                _flatten(eye, f"{key}.{i}.", arrays, scalars)
        else:
            scalars[key] = list(v) if isinstance(v, tuple) else v


def _build(cls: type, prefix: str, arrays: dict[str, np.ndarray], scalars: dict[str, Any]) -> Any:
    kw: dict[str, Any] = {}
    for f in fields(cls):
        key = prefix + f.name
        if key in arrays:
            kw[f.name] = arrays[key]
        elif f.name == "eyes":
            kw[f.name] = tuple(_build(EyeRig, f"{key}.{i}.", arrays, scalars) for i in range(2))
        elif f.name in _TYPES:
            kw[f.name] = _build(_TYPES[f.name], key + ".", arrays, scalars)
        elif key in scalars:
            v = scalars[key]
            kw[f.name] = tuple(v) if isinstance(v, list) and f.name in ("size", "box", "roi", "anchor", "coarse_origin") else v
    return cls(**kw)
