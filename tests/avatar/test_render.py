"""The renderer's pixels: identity at rest, mouth opening and closing (re-detected by FaceMesh), blinks that
touch only the eyes, teeth that hang from the upper lip, no seam, determinism, and every layer on every frame."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.layers import Caption, LabelSlot, LayerStack, ProductCard
from avatar.render import Renderer
from avatar.rig import Rig, build_rig
from avatar.rig.detect import find_faces
from avatar.types import FaceParams
from tests.avatar.portraits import bearded, hopper, save


@pytest.fixture(scope="module")
def rig() -> Rig:
    return build_rig(assets.default_portrait())


@pytest.fixture(scope="module")
def renderer(rig: Rig) -> Renderer:
    return Renderer(rig)


def _measure(frame: np.ndarray) -> tuple[float, float]:
    """(mouth aperture, mean eye opening) of the face re-detected in a frame, over the inter-ocular distance."""
    faces = find_faces(frame)
    assert faces, "the face was not re-detected in the rendered frame"
    p = faces[0].points[:, :2]
    iod = float(np.linalg.norm(p[468] - p[473]))
    eyes = (np.linalg.norm(p[159] - p[145]) + np.linalg.norm(p[386] - p[374])) / 2
    return float(np.linalg.norm(p[13] - p[14])) / iod, float(eyes) / iod


def _lum(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def test_rest_pose_is_the_portrait_exactly(rig: Rig, renderer: Renderer) -> None:
    frame = renderer.render(FaceParams())
    assert frame.shape == (1280, 720, 3) and frame.dtype == np.uint8
    assert np.array_equal(frame, rig.canvas)


def test_same_params_same_bytes(renderer: Renderer) -> None:
    p = FaceParams(jaw_open=0.4, lip_spread=0.3, blink_left=0.5, blink_right=0.5, head_yaw=1.3, head_roll=-0.7,
                   breath=0.4, gaze_x=0.2, gaze_y=-0.1)  # fmt: skip
    assert np.array_equal(renderer.render(p), renderer.render(p))


def test_idle_frames_are_reproducible_and_smooth(rig: Rig) -> None:
    a = [Renderer(rig).render(p) for p in Animator(seed=5).idle(30)]
    b = [Renderer(rig).render(p) for p in Animator(seed=5).idle(30)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    # no jitter: consecutive idle frames (no blink in the first second) change only a little
    steps = [float(np.abs(x.astype(int) - y.astype(int)).mean()) for x, y in zip(a, a[1:], strict=False)]
    assert max(steps) < 1.0


def test_mouth_region_darkens_as_the_jaw_opens(rig: Rig, renderer: Renderer) -> None:
    p = rig.landmarks
    x0, y0 = np.floor(p[[61, 13]].min(axis=0)).astype(int)
    x1, y1 = np.ceil(p[[291, 17]].max(axis=0)).astype(int)
    box = (slice(y0 - 5, y1 + 45), slice(x0, x1))
    levels = [float(_lum(renderer.render(FaceParams(jaw_open=j))[box]).mean()) for j in (0.0, 0.3, 0.6, 0.9)]
    assert all(b < a - 3 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_open_and_pressed_lips_are_seen_by_facemesh(rig: Rig, renderer: Renderer) -> None:
    """The portrait smiles with parted lips: the rig rests them shut; the jaw opens them, press keeps them shut."""
    assert any("parted lips are closed" in n for n in rig.notes)
    rest, _ = _measure(renderer.render(FaceParams()))
    pressed, _ = _measure(renderer.render(FaceParams(lips_pressed=1.0)))
    half, _ = _measure(renderer.render(FaceParams(jaw_open=0.4)))
    wide, _ = _measure(renderer.render(FaceParams(jaw_open=0.8)))
    assert rest < 0.03 and pressed < 0.03
    assert rest + 0.05 < half < wide - 0.05


def test_blink_changes_only_the_eyes(rig: Renderer, renderer: Renderer) -> None:
    rest = renderer.render(FaceParams())
    shut = renderer.render(FaceParams(blink_left=1.0, blink_right=1.0))
    changed = np.abs(shut.astype(int) - rest.astype(int)).sum(axis=2) > 0
    inside = np.zeros_like(changed)
    for eye in rig.eyes:
        x0, y0, x1, y1 = eye.box
        inside[y0:y1, x0:x1] = True
        assert changed[y0:y1, x0:x1].mean() > 0.15
    assert not changed[~inside].any()
    _, open_eyes = _measure(rest)
    _, closed_eyes = _measure(shut)
    assert closed_eyes < 0.4 * open_eyes


def test_closed_lid_is_skin_not_a_blob(rig: Rig, renderer: Renderer) -> None:
    """The closed lid carries the skin's own texture (variance), and is darker only at the lash line."""
    shut = renderer.render(FaceParams(blink_left=1.0, blink_right=1.0))
    p = rig.landmarks
    for up, lo in ((159, 145), (386, 374)):
        cx, cy = np.round((p[up] + p[lo]) / 2).astype(int)
        lid = _lum(shut[cy - 8 : cy - 2, cx - 8 : cx + 8])
        assert lid.std() > 1.5  # texture, not a flat fill
        assert lid.mean() > 0.55 * _lum(rig.canvas[cy - 40 : cy - 30, cx - 8 : cx + 8]).mean()  # skin-bright


def test_teeth_hang_from_the_upper_lip(rig: Rig, renderer: Renderer) -> None:
    """The upper teeth's edge under the lip stays put while the jaw drops (they do not float with it)."""
    p = rig.landmarks
    cx, y13 = int(round(p[13, 0])), int(round(p[13, 1]))

    def profile(jaw: float) -> np.ndarray:
        col = _lum(renderer.render(FaceParams(jaw_open=jaw))[:, cx - 3 : cx + 4]).mean(axis=1)
        return col[y13 - 12 : y13 + 16]

    def best_shift(a: np.ndarray, b: np.ndarray) -> int:
        errs = {s: float(np.abs(a[6:-6] - b[6 + s : len(b) - 6 + s]).mean()) for s in range(-5, 6)}
        return min(errs, key=errs.__getitem__)

    mid, wide = profile(0.5), profile(0.9)
    assert mid.max() - mid.min() > 60  # lip and teeth are both in the window
    assert abs(best_shift(mid, wide)) <= 1
    # while the lower lip does move: the same comparison lower down finds a large shift
    low = [_lum(renderer.render(FaceParams(jaw_open=j))[:, cx - 3 : cx + 4]).mean(axis=1) for j in (0.5, 0.9)]
    drop = int(0.4 * rig.mouth.mouth_width * 0.42)
    seg = slice(y13 + 10, y13 + 10 + 3 * drop)
    errs = {s: float(np.abs(low[0][seg] - np.roll(low[1], -s)[seg]).mean()) for s in range(0, 2 * drop)}
    assert min(errs, key=errs.__getitem__) >= drop // 2


def test_head_motion_has_no_seam(rig: Rig, renderer: Renderer) -> None:
    frame = renderer.render(FaceParams(head_yaw=3.0, head_pitch=-2.0, head_roll=2.0, breath=1.0, jaw_open=0.4))
    diff = np.abs(frame.astype(int) - rig.canvas.astype(int)).sum(axis=2)
    x0, y0, x1, y1 = rig.head.roi
    outside = np.ones_like(diff, bool)
    outside[y0:y1, x0:x1] = False
    assert diff[outside].max() == 0
    ring = np.concatenate([diff[y0 : y0 + 3, x0:x1].ravel(), diff[y1 - 3 : y1, x0:x1].ravel(),
                           diff[y0:y1, x0 : x0 + 3].ravel(), diff[y0:y1, x1 - 3 : x1].ravel()])  # fmt: skip
    assert ring.max() <= 3  # the motion has faded out before the region's edge
    assert diff[y0:y1, x0:x1].mean() > 2  # and the head did move


@pytest.mark.parametrize("variant", ["hopper", "beard"])
def test_other_portraits_open_and_close(variant: str, tmp_path: Path) -> None:
    """Glasses and a cap, with and without a beard: the mouth opens and shuts, the irises go under the lids."""
    img = hopper() if variant == "hopper" else bearded(hopper())
    rig = build_rig(save(img, tmp_path / f"{variant}.png"))
    r = Renderer(rig)
    rest_img = r.render(FaceParams())
    rest, _ = _measure(rest_img)
    wide, _ = _measure(r.render(FaceParams(jaw_open=0.7)))
    pressed, _ = _measure(r.render(FaceParams(lips_pressed=1.0)))
    assert wide > rest + 0.08 and pressed <= rest + 0.01
    shut_img = r.render(FaceParams(blink_left=1.0, blink_right=1.0))
    p = rig.landmarks
    for iris in (468, 473):  # behind glasses FaceMesh guesses eyes; the pixels say the iris is covered
        r_px = float(np.linalg.norm(p[iris + 1] - p[iris]))
        disk = np.zeros(rest_img.shape[:2], np.uint8)
        cv2.circle(disk, tuple(np.round(p[iris]).astype(int)), max(2, int(0.7 * r_px)), 1, -1)
        assert _lum(shut_img)[disk > 0].mean() > 1.3 * _lum(rest_img)[disk > 0].mean()


def test_every_layer_on_every_frame(rig: Rig) -> None:
    """Captions, a product card and the label slot on every 720×1280 frame. The time per frame is a figure of
    `nightshift bench avatar` (render_ms_per_frame, target ≤ 10 ms on one core)."""
    labelled: list[np.ndarray] = []

    def label(f: np.ndarray) -> None:
        f[10:60, 10:300] = 0
        labelled.append(f)

    layers = LayerStack([Caption("这款龙井茶清香回甘 — fresh spring Longjing"), ProductCard("明前龙井 Longjing 250 g", "¥168"),
                         LabelSlot(label)])  # fmt: skip
    r = Renderer(rig, layers=layers)
    frames = Animator(seed=2).idle(30)
    talk = [FaceParams(jaw_open=0.2 + 0.6 * abs(np.sin(i / 3)), blink_left=float(i % 20 == 0)) for i in range(30)]
    shown = [r.render(p) for p in frames + talk]
    assert len(labelled) == len(shown), "the label slot draws on every frame"
    assert all(f.shape == (1280, 720, 3) and not f[10:60, 10:300].any() for f in shown), "the label is in every frame"


@pytest.mark.parametrize("make", [lambda i: Caption(f"这款龙井茶清香回甘 — fresh spring Longjing {i}"),
                                  lambda i: ProductCard(f"明前龙井 Longjing {i} g", "¥168")],
                         ids=["caption", "product card"])  # fmt: skip
def test_a_layer_is_drawn_once_and_blended_after(make: Callable[[int], Any]) -> None:
    """A layer's text is rendered on its first frame only: drawing it again costs a fraction of that, measured
    side by side (so a busy machine slows both alike); one drawn from scratch on every frame costs the same."""
    frame = np.full((1280, 720, 3), 90, np.uint8)
    first, again = [], []
    for i in range(15):
        layer = make(i)
        t0 = time.perf_counter()
        layer.draw(frame)
        t1 = time.perf_counter()
        layer.draw(frame)
        again.append(time.perf_counter() - t1)
        first.append(t1 - t0)
    ratio = float(np.median(again) / np.median(first))
    assert ratio < 0.5, f"drawn again at {ratio:.2f}x its first drawing"  # relative: the same layer's first frame
