"""Typed values of the avatar stage: the parameters that drive the face each frame, and a frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FaceParams:
    """Everything that moves the host's face in one frame. Zero everywhere is the neutral, closed face."""

    jaw_open: float = 0.0  # 0 closed .. 1 wide open
    lip_spread: float = 0.0  # 0 neutral .. 1 wide (E, I, SS)
    pucker: float = 0.0  # 0 neutral .. 1 rounded and protruded (O, U, CH)
    lips_pressed: float = 0.0  # 0 .. 1 lips pressed together (p, b, m)
    blink_left: float = 0.0  # 0 open .. 1 closed
    blink_right: float = 0.0
    head_yaw: float = 0.0  # degrees, small (±5)
    head_pitch: float = 0.0
    head_roll: float = 0.0
    breath: float = 0.0  # -1 .. 1, shoulders and chest rise
    gaze_x: float = 0.0  # -1 .. 1, iris offset as a share of the eye's half width
    gaze_y: float = 0.0


@dataclass
class VideoFrame:
    """One rendered picture (RGB, uint8, H×W×3) and its time on the audio clock."""

    image: np.ndarray
    index: int
    pts_s: float
