"""Test portraits made from the two public-domain photos the environment ships, plus the failure cases.

Real faces: scikit-image's astronaut (Eileen Collins, NASA) and matplotlib's Grace Hopper (US Navy; she
wears glasses and a cap). Variants: a darker skin tone, a drawn beard, greyscale, RGBA, EXIF-rotated,
6000×4000, two faces. Failures: a landscape, a tiny face, a turned face, a text file.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

import assets


def astronaut() -> np.ndarray:
    return np.asarray(Image.open(assets.default_portrait()).convert("RGB"))


def hopper() -> np.ndarray:
    import matplotlib

    p = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return np.asarray(Image.open(p).convert("RGB"))


def _landmarks(rgb: np.ndarray) -> np.ndarray:
    from avatar.rig.detect import find_faces

    faces = find_faces(rgb)
    assert faces, "test portrait lost its face"
    return faces[0].points


def darker_skin(rgb: np.ndarray) -> np.ndarray:
    """The same person with a deep brown skin tone: skin pixels (by colour, inside the face and neck) in Lab."""
    p = _landmarks(rgb)
    ycc = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    skin = ((ycc[..., 1] > 135) & (ycc[..., 1] < 180) & (ycc[..., 2] > 80) & (ycc[..., 2] < 130)).astype(np.float32)
    near = np.zeros(rgb.shape[:2], np.uint8)
    hull = cv2.convexHull(p[:468, :2].astype(np.int32))
    cv2.fillConvexPoly(near, hull, 1)
    near = cv2.dilate(near, np.ones((25, 25), np.uint8))
    m = cv2.GaussianBlur(skin * near, (0, 0), 2.0)[..., None]
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    dark = lab.copy()
    dark[..., 0] = lab[..., 0] * 0.42
    dark[..., 1] = 128 + (lab[..., 1] - 128) * 0.9 + 6
    dark[..., 2] = 128 + (lab[..., 2] - 128) * 0.9 + 12
    out = lab * (1 - m) + dark * m
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def bearded(rgb: np.ndarray, seed: int = 3) -> np.ndarray:
    """A full short beard and moustache, drawn as thousands of short hair strokes over the jaw and lip."""
    p = _landmarks(rgb)[:, :2]
    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    jaw = [234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323, 454]
    upper = [454, 352, 411, 427, 436, 322, 391, 287, 375, 321, 405, 314, 17, 84, 181, 91, 146, 57, 61, 165, 92,
             216, 207, 187, 123, 234]  # fmt: skip
    region = np.zeros((h, w), np.uint8)
    cv2.fillPoly(region, [p[jaw + upper[1:-1]].astype(np.int32)], 255)
    stache = [57, 186, 92, 165, 167, 164, 393, 391, 322, 410, 287, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185, 61]
    cv2.fillPoly(region, [p[stache].astype(np.int32)], 255)
    lips = np.zeros((h, w), np.uint8)
    cv2.fillPoly(lips, [p[[61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]].astype(np.int32)], 255)
    region[lips > 0] = 0
    fw = float(p[:, 0].max() - p[:, 0].min())
    hair = np.zeros((h, w, 3), np.float32)
    cover = np.zeros((h, w), np.float32)
    ys, xs = np.nonzero(region)
    n = min(len(xs), int(fw * fw * 0.9))
    pick = rng.choice(len(xs), size=n, replace=len(xs) < n)
    length = max(2.0, fw * 0.035)
    for i in pick:
        x, y = float(xs[i]), float(ys[i])
        ang = math.pi / 2 + rng.normal(0, 0.35) + (0.5 if x < p[1, 0] else -0.5) * 0.4
        dx, dy = math.cos(ang) * length, math.sin(ang) * length
        shade = rng.uniform(25, 70)
        col = (shade * 1.05, shade * 0.8, shade * 0.6)
        cv2.line(hair, (int(x), int(y)), (int(x + dx), int(y + dy)), col, 1, cv2.LINE_AA)
        cv2.line(cover, (int(x), int(y)), (int(x + dx), int(y + dy)), 1.0, 1, cv2.LINE_AA)
    soft = cv2.GaussianBlur(region.astype(np.float32) / 255.0, (0, 0), fw * 0.015)
    a = np.clip(cover * 0.9 + soft * 0.55, 0, 1) * soft
    base = rgb.astype(np.float32) * 0.55 + np.array([40, 30, 24]) * 0.45
    col = np.where(cover[..., None] > 0, hair / np.maximum(cover[..., None], 1e-3), base)
    out = rgb * (1 - a[..., None]) + col * a[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def turned(rgb: np.ndarray, deg: float = 50.0) -> np.ndarray:
    """The face turned `deg` about the vertical axis: its mesh rotated in 3-D and re-projected (painter's order)."""
    from avatar.rig import landmarks as L

    p = _landmarks(rgb)[: L.N_MESH].copy()
    p[:, 2] *= 2.0  # FaceMesh depth is flatter than a head
    h, w = rgb.shape[:2]
    c = p.mean(axis=0)
    a = math.radians(deg)
    rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    q = (p - c) @ rot.T + c
    squeeze = np.float32([[math.cos(a), 0, c[0] * (1 - math.cos(a)) + q[:, 0].mean() - c[0]], [0, 1, 0]])
    out = cv2.warpAffine(rgb, squeeze, (w, h), borderMode=cv2.BORDER_REFLECT)
    tris = sorted(L.triangles(), key=lambda t: -q[list(t), 2].mean())
    for t in tris:
        s, d = p[list(t), :2].astype(np.float32), q[list(t), :2].astype(np.float32)
        n0 = (s[1, 0] - s[0, 0]) * (s[2, 1] - s[0, 1]) - (s[1, 1] - s[0, 1]) * (s[2, 0] - s[0, 0])
        n1 = (d[1, 0] - d[0, 0]) * (d[2, 1] - d[0, 1]) - (d[1, 1] - d[0, 1]) * (d[2, 0] - d[0, 0])
        if n0 * n1 <= 0:
            continue
        patch = cv2.warpAffine(rgb, cv2.getAffineTransform(s, d), (w, h))
        m = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(m, np.round(d).astype(np.int32), 1)
        out[m > 0] = patch[m > 0]
    return out


def two_faces() -> np.ndarray:
    """Hopper (large) and the astronaut (smaller) side by side."""
    a = cv2.resize(astronaut(), (440, 440), interpolation=cv2.INTER_AREA)
    b = hopper()
    canvas = np.full((600, 1000, 3), 200, np.uint8)
    canvas[:, :512] = b
    canvas[80:520, 540:980] = a
    return canvas


def save(rgb: np.ndarray, path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    Image.fromarray(rgb).save(path, **kw)
    return path


def make_all(folder: Path) -> dict[str, Path]:
    """Write every test portrait into folder; returns name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    ast, hop = astronaut(), hopper()
    out: dict[str, Path] = {
        "astronaut": assets.default_portrait(),
        "hopper": save(hop, folder / "hopper_glasses_cap.png"),
        "dark_skin": save(darker_skin(ast), folder / "dark_skin.png"),
        "beard": save(bearded(hop), folder / "beard.png"),
        "grey": save(np.asarray(Image.fromarray(ast).convert("L")), folder / "grey.png"),
        "two_faces": save(two_faces(), folder / "two_faces.png"),
    }
    rgba = np.dstack([ast, np.full(ast.shape[:2], 255, np.uint8)])
    rgba[:, :40, 3] = 0  # a transparent strip: a real alpha channel
    out["rgba"] = save(rgba, folder / "rgba.png")
    rotated = Image.fromarray(ast).transpose(Image.Transpose.ROTATE_90)  # stored on its side ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and tagged "rotate 90° clockwise to view"
    out["exif"] = folder / "exif_rotated.jpg"
    rotated.save(out["exif"], exif=exif, quality=92)
    big = np.full((4000, 6000, 3), (150, 160, 170), np.uint8)
    big[200:3784, 1200:4784] = cv2.resize(ast, (3584, 3584), interpolation=cv2.INTER_CUBIC)
    out["large"] = save(big, folder / "large_6000x4000.jpg", quality=85)
    from skimage import data

    out["landscape"] = save(data.rocket(), folder / "landscape.png")
    out["tiny"] = save(cv2.resize(ast, (180, 180), interpolation=cv2.INTER_AREA), folder / "tiny.png")
    out["turned"] = save(turned(ast), folder / "turned.png")
    out["text"] = folder / "notes.jpg"
    out["text"].write_text("this is not a picture\n")
    return out
