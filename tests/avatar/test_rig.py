"""build_rig on real portraits and variants, every failure case, the preview, the cache, `nightshift rig`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from avatar.render import Renderer, draw_preview, load_backdrop
from avatar.rig import Rig, RigError, build_rig
from avatar.rig import landmarks as L
from avatar.types import FaceParams
from dialogue.errors import InputError
from show.commands.rig import run_rig
from tests.avatar.portraits import make_all


@pytest.fixture(scope="module")
def portraits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("portraits"))


@pytest.fixture(scope="module")
def default_rig(portraits: dict[str, Path]) -> Rig:
    return build_rig(portraits["astronaut"])


def _check_rig(rig: Rig, size: tuple[int, int] = (720, 1280)) -> None:
    w, h = size
    assert rig.size == size and rig.canvas.shape == (h, w, 3) and rig.canvas.dtype == np.uint8
    assert rig.landmarks.shape == (478, 2)
    assert (rig.landmarks >= 0).all() and (rig.landmarks[:, 0] < w).all() and (rig.landmarks[:, 1] < h).all()
    # head and shoulders: face ≈ 40 % of a vertical canvas's width, in the upper half, centred
    face_w = rig.landmarks[:468, 0].max() - rig.landmarks[:468, 0].min()
    assert 0.30 * w < face_w < 0.50 * w
    cx, cy = rig.landmarks[:468].mean(axis=0)
    assert abs(cx - w / 2) < 0.08 * w and 0.2 * h < cy < 0.5 * h
    # anatomy the right way up: eyes above the nose above the mouth above the chin
    p = rig.landmarks
    assert p[159, 1] < p[1, 1] < p[13, 1] < p[152, 1]
    # the face is the person; the top corners are studio
    x, y = np.round(p[1]).astype(int)
    assert rig.mask[y, x] == 255
    assert rig.mask[5, 5] == 0 and rig.mask[5, w - 6] == 0
    assert rig.notes


@pytest.mark.parametrize("name", ["astronaut", "hopper", "dark_skin", "beard"])
def test_rig_builds_on_real_faces_and_variants(portraits: dict[str, Path], name: str) -> None:
    """Glasses and a cap (Hopper), a drawn beard, a darker skin tone: all rig and frame the same way."""
    rig = build_rig(portraits[name])
    _check_rig(rig)
    assert abs(rig.meta["yaw_deg"]) < 15


def test_background_outside_the_person_is_the_studio(default_rig: Rig) -> None:
    studio = load_backdrop(None, default_rig.size).astype(int)
    outside = default_rig.mask == 0
    top = np.zeros_like(outside)
    top[:60, :] = True  # far from the person: no contact shadow there
    sel = outside & top
    assert sel.sum() > 10_000
    assert np.abs(default_rig.canvas.astype(int)[sel] - studio[sel]).max() <= 2
    # the photo's own light wall above her head is gone: the top of the frame is the darker studio
    old = np.asarray(Image.open(default_rig.source).convert("RGB"))
    assert old[:20, 120:330].mean() > 150
    assert default_rig.canvas[:60, 200:520].mean() < 110


def test_greyscale_portrait_gets_grey_mouth_interior(portraits: dict[str, Path]) -> None:
    rig = build_rig(portraits["grey"])
    _check_rig(rig)
    assert any("greyscale" in n for n in rig.notes)
    teeth = rig.interior.upper_teeth.rgba
    solid = teeth[teeth[..., 3] > 0.9][:, :3]
    assert np.abs(solid - solid.mean(axis=1, keepdims=True)).max() < 1.0


def test_rgba_portrait_uses_its_transparency(portraits: dict[str, Path]) -> None:
    rig = build_rig(portraits["rgba"])
    _check_rig(rig)
    assert any("transparency" in n for n in rig.notes)


def test_exif_rotated_portrait_is_turned_upright(portraits: dict[str, Path], default_rig: Rig) -> None:
    rig = build_rig(portraits["exif"])
    _check_rig(rig)
    # same face, same framing as the upright original (JPEG and re-detection allow a few pixels)
    assert np.median(np.linalg.norm(rig.landmarks - default_rig.landmarks, axis=1)) < 6.0


def test_very_large_portrait(portraits: dict[str, Path]) -> None:
    assert Image.open(portraits["large"]).size == (6000, 4000)
    rig = build_rig(portraits["large"])
    _check_rig(rig)
    assert rig.upscale < 1.0


def test_several_faces_uses_the_largest_and_says_so(portraits: dict[str, Path]) -> None:
    rig = build_rig(portraits["two_faces"])
    _check_rig(rig)
    assert rig.notes[0].startswith("2 faces found; using the largest")
    assert rig.meta["faces"] == 2


def test_landscape_canvas(portraits: dict[str, Path]) -> None:
    rig = build_rig(portraits["hopper"], size=(1280, 720))
    assert rig.canvas.shape == (720, 1280, 3)
    face_w = rig.landmarks[:468, 0].max() - rig.landmarks[:468, 0].min()
    assert 0.2 * 720 < face_w < 0.4 * 720


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("landscape", "no face found"),
        ("tiny", "px wide"),
        ("turned", "turned about"),
        ("text", "not a picture"),
    ],
)
def test_unusable_portraits_raise_plain_rig_errors(portraits: dict[str, Path], name: str, words: str) -> None:
    with pytest.raises(RigError, match=words) as err:
        build_rig(portraits[name])
    assert "Traceback" not in str(err.value) and str(portraits[name]) in str(err.value)


def test_missing_and_folder_paths(tmp_path: Path) -> None:
    with pytest.raises(RigError, match="does not exist"):
        build_rig(tmp_path / "nope.jpg")
    with pytest.raises(RigError, match="folder"):
        build_rig(tmp_path)


def test_truncated_image_file(portraits: dict[str, Path], tmp_path: Path) -> None:
    data = Path(portraits["exif"]).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[:600])
    with pytest.raises(RigError, match="could not be read|not a picture"):
        build_rig(cut)


def test_preview_draws_what_was_found(default_rig: Rig) -> None:
    img = draw_preview(default_rig)
    w, h = default_rig.size
    assert img.dtype == np.uint8 and img.shape[1] == w and img.shape[0] > h  # plus the closed/open/blink strip
    # the inner lip line is drawn in red, the eyes in green, on top of the face
    p = default_rig.landmarks
    for idx, channel in ((L.INNER_LOOP, 0), (L.RIGHT_EYE_UPPER, 1)):
        q = p[list(idx)]
        pts = np.round((q[:-1] + q[1:]) / 2).astype(int)  # between the points: the line, not a dot
        px = img[pts[:, 1], pts[:, 0]].astype(int)
        others = [c for c in range(3) if c != channel]
        assert (px[:, channel] > px[:, others].max(axis=1) + 40).mean() > 0.6
    assert not np.array_equal(img[:h], default_rig.canvas)


def test_rig_cache_round_trip(default_rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "rig.npz"
    default_rig.save(path)
    again = Rig.load(path)
    assert again.size == default_rig.size and again.notes == default_rig.notes
    params = FaceParams(jaw_open=0.6, blink_left=0.7, blink_right=0.7, head_yaw=2.0, gaze_x=0.3)
    assert np.array_equal(Renderer(again).render(params), Renderer(default_rig).render(params))


def test_rig_command_writes_labelled_preview(portraits: dict[str, Path], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "preview.png"
    rc = run_rig(argparse.Namespace(image=str(portraits["two_faces"]), out=str(out), size="720x1280"))
    assert rc == 0
    im = Image.open(out)
    assert im.size[0] == 720 and im.size[1] > 1280
    label = json.loads(im.text["AIGC"])
    assert label["Label"] == 1 and label["ContentProducer"] == "nightshift"
    said = capsys.readouterr().out
    assert "2 faces found" in said and "preview written" in said


@pytest.mark.parametrize(("name", "size", "words"), [("landscape", "720x1280", "no face"),
                                                     ("text", "720x1280", "not a picture"),
                                                     ("astronaut", "big", "WIDTHxHEIGHT")])  # fmt: skip
def test_rig_command_bad_input_is_exit_2(portraits: dict[str, Path], tmp_path: Path, name: str, size: str,
                                         words: str) -> None:  # fmt: skip
    with pytest.raises(InputError, match=words):
        run_rig(argparse.Namespace(image=str(portraits[name]), out=str(tmp_path / "p.png"), size=size))
