"""`nightshift rig IMG --out PREVIEW.png [--size 720x1280] [--background IMG]`: show the face rig found in a portrait."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from compliance.metadata import aigc_json, aigc_label
from dialogue.errors import InputError


def parse_size(text: str) -> tuple[int, int]:
    """'720x1280' → (720, 1280); InputError for anything else."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", text or "")
    if not m:
        raise InputError("--size", f"{text!r} is not WIDTHxHEIGHT, e.g. 720x1280")
    w, h = int(m.group(1)), int(m.group(2))
    if not (64 <= w <= 7680 and 64 <= h <= 7680):
        raise InputError("--size", f"{w}x{h} is out of range (64 to 7680 pixels a side)")
    return w, h


def write_png(path: Path, rgb: np.ndarray) -> None:
    """Save an RGB picture as PNG carrying the machine-readable AI label (a text chunk named AIGC)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("AIGC", aigc_json(aigc_label("nightshift")))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path, pnginfo=info, optimize=True)


def run_rig(args: argparse.Namespace) -> int:
    """Build the rig for args.image and write its preview to args.out. Exit 2 for an unusable portrait."""
    from avatar.render import draw_preview
    from avatar.rig import RigError, build_rig

    image = Path(args.image)
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise InputError(str(out), "the preview is written as PNG: give a file name ending in .png")
    size = parse_size(getattr(args, "size", None) or "720x1280")
    background = getattr(args, "background", None)
    try:
        rig = build_rig(image, size=size, background=background)
    except RigError as e:
        msg = str(e)
        if msg.startswith("background: "):
            src, msg = str(background), msg.removeprefix("background: ").removeprefix(f"{background}: ")
        else:
            src, msg = str(image), msg.removeprefix(f"{image}: ")
        raise InputError(src, msg) from None
    try:
        write_png(out, draw_preview(rig))
    except OSError as e:
        raise InputError(str(out), f"cannot write the preview ({e.strerror or e})") from None
    for note in rig.notes:
        print(f"{image}: {note}")
    print(f"{out}: rig preview written ({size[0]}x{size[1]} canvas)")
    return 0
