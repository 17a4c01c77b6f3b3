"""Reading a portrait file: any common format, EXIF rotation applied, greyscale/RGBA/16-bit folded to RGB."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from avatar.rig.errors import RigError

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 120_000_000  # beyond this a picture is almost certainly not a portrait (and would eat memory)


def load_portrait(path: str | Path) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """The picture as RGB uint8, its alpha (float32 0..1) if it has real transparency, and whether it is grey.

    Raises RigError with a plain message when the file is missing, unreadable or not a picture.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = Path(path)
    if not p.exists():
        raise RigError(f"{p}: the file does not exist.")
    if p.is_dir():
        raise RigError(f"{p}: this is a folder, not a picture.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(p) as im:
                im.load()
                upright = ImageOps.exif_transpose(im) or im
                return _to_arrays(upright)
    except UnidentifiedImageError:
        raise RigError(f"{p}: this is not a picture Nightshift can read; use a JPEG, PNG or WebP photo.") from None
    except Image.DecompressionBombError:
        raise RigError(f"{p}: the picture is too large (over {MAX_PIXELS // 1_000_000} megapixels).") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise RigError(f"{p}: the picture could not be read ({e}); it may be damaged or cut short.") from None


def _to_arrays(im: Image.Image) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """Fold every Pillow mode into RGB uint8 plus an optional alpha."""
    alpha: np.ndarray | None = None
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(im, dtype=np.float64)
        top = max(float(a.max()), 1.0)
        im_arr = np.clip(a / (65535.0 if top > 255 else 255.0) * 255.0, 0, 255).astype(np.uint8)
        rgb = np.repeat(im_arr[:, :, None], 3, axis=2)
        return rgb, None, True
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        a = np.asarray(im.getchannel("A"), dtype=np.float32) / 255.0
        if float(a.min()) < 0.98:
            alpha = a
    grey = im.mode in ("1", "L", "LA", "La", "I", "F")
    rgb = np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))
    if not grey:
        small = rgb[:: max(1, rgb.shape[0] // 256), :: max(1, rgb.shape[1] // 256)].astype(np.int16)
        grey = bool(np.abs(small - small.mean(axis=2, keepdims=True)).max() <= 3)
    if alpha is not None:  # transparent pixels carry no colour: flatten them to mid grey
        rgb = (rgb * alpha[:, :, None] + 128.0 * (1.0 - alpha[:, :, None])).astype(np.uint8)
    return rgb, alpha, grey
