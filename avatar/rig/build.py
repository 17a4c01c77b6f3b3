"""build_rig: portrait file → Rig (detect, check, frame, cut out, then precompute every warp basis)."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from avatar.rig import landmarks as L
from avatar.rig.backdrop import load_backdrop
from avatar.rig.detect import Face, find_faces, person_mask
from avatar.rig.errors import RigError
from avatar.rig.eyes import EyeRig, build_eye
from avatar.rig.framing import (
    composite,
    face_box,
    framing_transform,
    grabcut_mask,
    refine_mask,
    warp_to_canvas,
)
from avatar.rig.head import HeadRig, build_head
from avatar.rig.image import load_portrait
from avatar.rig.interior import Interior, Sprite, build_interior
from avatar.rig.model import Rig
from avatar.rig.mouth import build_mouth

MIN_FACE_PX = 60
MAX_YAW_DEG = 35.0
PARTED = 0.03  # lips further apart than this share of the mouth width count as parted


def build_rig(image_path: str | Path, *, size: tuple[int, int] = (720, 1280), background: str | Path | None = None) -> Rig:
    """Build the face rig for a portrait on a canvas of `size` = (width, height) in front of `background`.

    Raises RigError (plain words) for a missing, unreadable or non-image file, no face, a face under
    60 px wide or turned more than 35°. With several faces the largest is used and a note says so.
    """
    w, h = int(size[0]), int(size[1])
    if w < 64 or h < 64:
        raise RigError(f"the output size {w}x{h} is too small; use at least 64x64.")
    rgb, alpha, grey = load_portrait(image_path)
    src = str(image_path)
    faces = find_faces(rgb)
    if not faces:
        raise RigError(f"{src}: no face found. Use a well-lit portrait with one face looking into the camera.")
    notes: list[str] = []
    if len(faces) > 1:
        notes.append(f"{len(faces)} faces found; using the largest one ({faces[0].width:.0f} px wide).")
    face = faces[0]
    if face.width < MIN_FACE_PX:
        raise RigError(f"{src}: the face is only {face.width:.0f} px wide; use a picture where it is at least "
                       f"{MIN_FACE_PX} px wide (200 or more looks best).")  # fmt: skip
    if abs(face.yaw_deg) > MAX_YAW_DEG:
        raise RigError(f"{src}: the face is turned about {abs(face.yaw_deg):.0f}° away from the camera; use a "
                       f"portrait that looks straight into the camera (within {MAX_YAW_DEG:.0f}°).")  # fmt: skip
    m = framing_transform(face.points, (rgb.shape[0], rgb.shape[1]), (w, h))
    scale = float(m[0, 0])
    mask_src = alpha if alpha is not None else person_mask(rgb)
    person, mask = warp_to_canvas(rgb, mask_src, m, (w, h))
    pts = _refine_landmarks(person, face, m)
    fw = face_box(pts)[2]
    oval = np.zeros((h, w), np.uint8)
    cv2.fillPoly(oval, [np.round(pts[list(L.FACE_OVAL), :2]).astype(np.int32)], 255)
    mask = np.maximum(mask, oval.astype(np.float32) / 255.0)  # the face itself is always the person
    if alpha is None:
        mask = refine_mask(person, grabcut_mask(person, mask, fw), fw)
        mask = np.maximum(mask, cv2.GaussianBlur(oval.astype(np.float32) / 255.0, (0, 0), 2.0))
    backdrop = load_backdrop(background, (w, h))
    canvas = composite(person, mask, backdrop, fw)
    land = pts[:, :2].astype(np.float32)
    depth = pts[:, 2].astype(np.float32)
    mouth = build_mouth(pts, depth, fw, (w, h))
    eyes = (build_eye(pts, "right", (w, h)), build_eye(pts, "left", (w, h)))
    head = build_head(pts, (w, h), [mouth.box, eyes[0].box, eyes[1].box])
    if mouth.neutral_gap > PARTED * mouth.mouth_width:
        # parted lips (teeth showing): the rest pose closes them once, so every opening shows the
        # painted interior and p/b/m need no special case
        canvas, pts = _close_lips(canvas, pts, depth, fw, (w, h), head, eyes)
        land = pts[:, :2].astype(np.float32)
        mouth = build_mouth(pts, depth, fw, (w, h))
        head = build_head(pts, (w, h), [mouth.box, eyes[0].box, eyes[1].box])
        notes.append("the portrait's parted lips are closed for the resting face.")
    interior = build_interior(canvas, pts, grey, scale)
    e = pts[L.LEFT_IRIS[0], :2] - pts[L.RIGHT_IRIS[0], :2]
    tilt = math.degrees(math.atan2(e[1], e[0]))
    if abs(tilt) > 1.0:
        interior = _rotate_interior(interior, tilt)
    notes.append(f"face {face.width:.0f} px wide in the picture, shown {fw:.0f} px wide "
                 f"(×{scale:.2f}); turned {face.yaw_deg:+.0f}°, tilted {tilt:+.0f}°.")  # fmt: skip
    if grey:
        notes.append("greyscale picture: the mouth interior is painted in grey to match.")
    if alpha is not None:
        notes.append("the picture's transparency is used as the person's outline.")
    return Rig(
        size=(w, h), notes=notes, landmarks=land, depth=depth, canvas=canvas,
        mask=np.clip(mask * 255.0 + 0.5, 0, 255).astype(np.uint8), face_width=float(fw), upscale=scale,
        head=head, mouth=mouth, eyes=eyes, interior=interior, source=src,
        meta={"yaw_deg": face.yaw_deg, "tilt_deg": tilt, "faces": len(faces), "grey": grey},
    )  # fmt: skip


def _close_lips(canvas: np.ndarray, pts: np.ndarray, depth: np.ndarray, fw: float, size: tuple[int, int],
                head: HeadRig, eyes: tuple[EyeRig, EyeRig]) -> tuple[np.ndarray, np.ndarray]:
    """The canvas with the lips pressed shut (no roll-in), and the landmarks where the lips now are."""
    from avatar.render.renderer import Renderer
    from avatar.types import FaceParams

    closer = build_mouth(pts, depth, fw, size, roll_in=False, overlap=0.012 * fw)
    tmp = Rig(size=size, notes=[], landmarks=pts[:, :2].astype(np.float32), depth=depth, canvas=canvas,
              mask=np.zeros(canvas.shape[:2], np.uint8), face_width=fw, upscale=1.0, head=head, mouth=closer,
              eyes=eyes, interior=Interior.empty())  # fmt: skip
    closed = Renderer(tmp).render(FaceParams(lips_pressed=1.0))
    moved = pts.copy()  # the lips now meet on the midline
    moved[:, :2] += build_mouth(pts, depth, fw, size, roll_in=False).forward[3]
    # where the lips now meet, the warp jumps from upper to lower lip: soften that line (no stair steps)
    # and shade it a little, as the line between closed lips is
    seam = np.zeros(canvas.shape[:2], np.float32)
    line = np.round(moved[list(L.INNER_UPPER), :2] * 16).astype(np.int32)
    cv2.polylines(seam, [line], False, 1.0, max(2, int(fw * 0.008)), cv2.LINE_AA, 4)
    seam = cv2.GaussianBlur(seam, (0, 0), 1.0)[..., None]
    soft = cv2.GaussianBlur(closed, (0, 0), 1.0).astype(np.float32) * 0.88
    out = closed.astype(np.float32) * (1.0 - seam) + soft * seam
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), moved


def _refine_landmarks(person: np.ndarray, face: Face, m: np.ndarray) -> np.ndarray:
    """Landmarks found again on the framed canvas (sharper than the first pass); the moved first pass if lost."""
    moved = face.points.copy()
    moved[:, :2] = face.points[:, :2] * m[0, 0] + m[:, 2]
    moved[:, 2] = face.points[:, 2] * m[0, 0]
    found = find_faces(person)
    if not found:
        return moved
    target = moved[:, :2].mean(axis=0)
    best = min(found, key=lambda f: float(np.linalg.norm(f.points[:, :2].mean(axis=0) - target)))
    if np.linalg.norm(best.points[:, :2].mean(axis=0) - target) > 0.25 * face_box(moved)[2]:
        return moved
    return best.points


def _rotate_interior(it: Interior, deg: float) -> Interior:
    def rot(s: Sprite) -> Sprite:
        h, w = s.rgba.shape[:2]
        pad = int(0.3 * max(h, w)) + 2
        img = cv2.copyMakeBorder(s.rgba, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        ax, ay = s.anchor[0] + pad, s.anchor[1] + pad
        r = cv2.getRotationMatrix2D((ax, ay), -deg, 1.0)
        out = cv2.warpAffine(img, r, (img.shape[1], img.shape[0]), flags=cv2.INTER_LINEAR)
        return Sprite(rgba=out, anchor=(ax, ay))

    return Interior(cavity=rot(it.cavity), upper_teeth=rot(it.upper_teeth), lower_teeth=rot(it.lower_teeth),
                    tongue=rot(it.tongue), softness=it.softness)  # fmt: skip
