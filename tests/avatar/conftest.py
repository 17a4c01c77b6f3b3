"""Fixtures of the takeover tests: the fake operator's renderer, clip (Y4M + WAV + pattern) and its frames."""

from __future__ import annotations

import numpy as np
import pytest

import assets
from avatar.drive.fakecam import FakeCam, make_fakecam
from avatar.render import Renderer
from avatar.rig import build_rig
from tests.avatar.drive_media import FPS, SECONDS, read_y4m


@pytest.fixture(scope="session")
def operator_renderer() -> Renderer:
    """The "operator" in front of a 640x480 webcam: the default portrait, rendered."""
    return Renderer(build_rig(assets.default_portrait(), size=(640, 480)))


@pytest.fixture(scope="session")
def operator_clip(tmp_path_factory: pytest.TempPathFactory, operator_renderer: Renderer) -> FakeCam:
    """The operator talking for SECONDS: avatar.drive.fakecam's Y4M, WAV and pattern."""
    return make_fakecam(tmp_path_factory.mktemp("fakecam"), seconds=SECONDS, fps=FPS, renderer=operator_renderer)


@pytest.fixture(scope="session")
def operator_frames(operator_clip: FakeCam) -> list[np.ndarray]:
    """The clip's frames, decoded back from the Y4M file."""
    return read_y4m(operator_clip.y4m)
