"""FaceTracker: the operator's camera frames → FaceParams, with MediaPipe FaceMesh in tracking mode.

FaceMesh (refine_landmarks=True: 478 points with the irises) follows the face from frame to frame; the
measurements are calibrated against the operator's own face (avatar.drive.calibrate) and lightly smoothed
with one-euro filters tuned to lag at most about a frame on fast moves (a blink or a syllable).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from avatar.drive.calibrate import Calibration
from avatar.drive.filters import OneEuro
from avatar.drive.measure import FaceMeasure, measure
from avatar.types import FaceParams

LOST_RESET_S = 0.5  # after this long without a face the filters start afresh (no glide from a stale pose)
MIN_OCULAR_PX = 8.0  # a "face" with the eyes closer than this is a false detection

# (min_cutoff Hz, beta) per channel: the mouth and lids must follow a syllable or a blink within a frame
_FILTERS: dict[str, tuple[float, float]] = {
    "jaw_open": (3.0, 2.0), "lip_spread": (2.0, 2.0), "pucker": (2.0, 2.0), "lips_pressed": (6.0, 6.0),
    "blink_left": (10.0, 10.0), "blink_right": (10.0, 10.0),
    "head_yaw": (3.0, 0.5), "head_pitch": (3.0, 0.5), "head_roll": (3.0, 0.5),
    "gaze_x": (2.0, 1.0), "gaze_y": (2.0, 1.0),
}  # fmt: skip


@dataclass(frozen=True)
class Tracked:
    """One tracked frame: the raw measurements and the FaceParams they drive."""

    measure: FaceMeasure
    params: FaceParams
    ts: float


class FaceTracker:
    """MediaPipe FaceMesh over a stream of RGB frames (one operator); `track` gives FaceParams or None.

    `mirror=True` flips each frame first, for a camera that sends a mirrored picture. One thread at a
    time: the tracker keeps the face from the previous frame.
    """

    def __init__(self, *, mirror: bool = False, min_confidence: float = 0.5, smooth: bool = True) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False, max_num_faces=1, refine_landmarks=True,
            min_detection_confidence=min_confidence, min_tracking_confidence=min_confidence,
        )  # fmt: skip
        self.mirror = mirror
        self.smooth = smooth
        self.calibration = Calibration()
        self._filters = {k: OneEuro(min_cutoff=c, beta=b) for k, (c, b) in _FILTERS.items()}
        self._last_ts: float | None = None
        self._lock = threading.Lock()
        self.last: Tracked | None = None

    def landmarks(self, image: np.ndarray) -> np.ndarray | None:
        """The (478, 3) landmarks in pixels of the face in an RGB frame, or None when there is none."""
        rgb = np.ascontiguousarray(cv2.flip(image, 1) if self.mirror else image)
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an RGB image (H, W, 3), got shape {rgb.shape}")
        h, w = rgb.shape[:2]
        with self._lock:
            res = self._mesh.process(rgb)
        if not res.multi_face_landmarks:
            return None
        return np.array([(q.x * w, q.y * h, q.z * w) for q in res.multi_face_landmarks[0].landmark])

    def track(self, image: np.ndarray, ts: float) -> FaceParams | None:
        """FaceParams for the operator's face in this RGB frame taken at `ts` (seconds); None if no face."""
        pts = self.landmarks(image)
        m = measure(pts) if pts is not None else None
        if m is None or m.ocular_px < MIN_OCULAR_PX:
            return None
        if self._last_ts is not None and ts - self._last_ts > LOST_RESET_S:
            for f in self._filters.values():
                f.reset()
        self._last_ts = ts
        params = self._smooth(self._raw(m), ts)
        self.last = Tracked(m, params, ts)
        return params

    def recenter(self) -> None:
        """Take the last tracked face as the operator's neutral gaze and head pitch."""
        if self.last is not None:
            self.calibration.recenter(self.last.measure)

    def _raw(self, m: FaceMeasure) -> dict[str, float]:
        c = self.calibration
        jaw = c.jaw(m.lip_gap)
        spread, pucker, pressed = c.lips(m.lip_width, m.lip_thickness, jaw)
        gx, gy = c.gaze(m.iris_x, m.iris_y)
        yaw, pitch, roll = c.head(m)
        blink_right, blink_left = c.blinks(m.eye_right, m.eye_left)
        return {"jaw_open": jaw, "lip_spread": spread, "pucker": pucker, "lips_pressed": pressed,
                "blink_right": blink_right, "blink_left": blink_left,
                "head_yaw": yaw, "head_pitch": pitch, "head_roll": roll, "gaze_x": gx, "gaze_y": gy}  # fmt: skip

    def _smooth(self, raw: dict[str, float], ts: float) -> FaceParams:
        if self.smooth:
            raw = {k: self._filters[k](v, ts) for k, v in raw.items()}
        return FaceParams(**raw)

    def close(self) -> None:
        """Release the MediaPipe graph."""
        self._mesh.close()

    def __enter__(self) -> FaceTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decode_image(data: bytes) -> np.ndarray | None:
    """RGB pixels of a JPEG or PNG, or None if the bytes are not a picture."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
