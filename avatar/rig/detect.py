"""MediaPipe FaceMesh and selfie segmentation, run once per portrait (models ship inside the mediapipe wheel)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from avatar.rig import landmarks as L

DETECT_MAX_SIDE = 1280  # FaceMesh works on a copy no larger than this; coordinates are mapped back
_lock = threading.Lock()  # the solution graphs are not re-entrant


@dataclass
class Face:
    """One face found: 478 landmarks (x, y, z) in the picture's pixels, its width and a yaw estimate."""

    points: np.ndarray  # (478, 3) float64; z in the same pixel scale as x, negative = towards the camera
    width: float
    yaw_deg: float


@lru_cache(maxsize=1)
def _face_mesh():  # type: ignore[no-untyped-def]
    import mediapipe as mp

    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=5, min_detection_confidence=0.5
    )


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import mediapipe as mp

    return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)


def yaw_estimate(p: np.ndarray) -> float:
    """Degrees the face is turned (positive: towards the picture's right), from the 3-D cheek points.

    FaceMesh's depth is flatter than the true head: ×1.3 brings half-profile photos to about 35°.
    """
    r, l_ = p[L.CHEEK_RIGHT], p[L.CHEEK_LEFT]
    yaw = math.degrees(math.atan2(l_[2] - r[2], l_[0] - r[0])) * 1.3
    span = l_[0] - r[0]
    if abs(span) > 1e-6:  # the nose tip at the face's edge is a profile whatever the depth says
        ratio = (p[L.NOSE_TIP, 0] - r[0]) / span
        if ratio < 0.05 or ratio > 0.95:
            yaw = math.copysign(max(abs(yaw), 60.0), ratio - 0.5)
    return yaw


def find_faces(rgb: np.ndarray) -> list[Face]:
    """Every face FaceMesh finds (at most 5), largest first; small pictures are also tried enlarged."""
    h, w = rgb.shape[:2]
    k = min(1.0, DETECT_MAX_SIDE / max(h, w))
    tries = [k] if max(h, w) * k >= 900 else [k, k * 2.0, k * 3.0]
    for scale in tries:
        img = rgb if scale == 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)),
                                                  interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        faces = _mesh(img, 1.0 / scale)
        if faces:
            return sorted(faces, key=lambda f: -f.width)
    return []


def _mesh(img: np.ndarray, back: float) -> list[Face]:
    h, w = img.shape[:2]
    with _lock:
        res = _face_mesh().process(np.ascontiguousarray(img))
    out: list[Face] = []
    for f in res.multi_face_landmarks or []:
        p = np.array([[q.x * w, q.y * h, q.z * w] for q in f.landmark], dtype=np.float64) * back
        width = float(p[:L.N_MESH, 0].max() - p[:L.N_MESH, 0].min())
        out.append(Face(points=p, width=width, yaw_deg=yaw_estimate(p)))
    return out


def person_mask(rgb: np.ndarray) -> np.ndarray:
    """Soft person/background mask (float32 0..1, picture size) from MediaPipe selfie segmentation."""
    h, w = rgb.shape[:2]
    k = min(1.0, 1024 / max(h, w))
    img = rgb if k == 1.0 else cv2.resize(rgb, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
    with _lock:
        m = _segmenter().process(np.ascontiguousarray(img)).segmentation_mask
    m = np.asarray(m, dtype=np.float32)
    if m.shape[:2] != (h, w):
        m = cv2.resize(m, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(m, 0.0, 1.0)
