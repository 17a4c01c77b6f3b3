"""MediaPipe FaceMesh and selfie segmentation, run once per portrait (models ship inside the mediapipe wheel)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
def _face_mesh() -> Any:  # a mediapipe solution (untyped)
    import mediapipe as mp

    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=5, min_detection_confidence=0.5
    )


@lru_cache(maxsize=1)
def _segmenter() -> Any:  # a mediapipe solution (untyped)
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


@lru_cache(maxsize=1)
def _detector() -> Any:  # a mediapipe solution (untyped)
    import mediapipe as mp

    return mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)


def find_faces(rgb: np.ndarray) -> list[Face]:
    """Every face FaceMesh finds (at most 5), largest first.

    FaceMesh's own detector expects a face filling much of the picture; small pictures are also tried
    enlarged, and faces small within a large picture are located by the full-range detector first.
    """
    h, w = rgb.shape[:2]
    k = min(1.0, DETECT_MAX_SIDE / max(h, w))
    tries = [k] if max(h, w) * k >= 900 else [k, k * 2.0, k * 3.0]
    faces: list[Face] = []
    for scale in tries:
        faces = _mesh(_scaled(rgb, scale), (1.0 / scale, 0.0, 0.0))
        if faces:
            break
    faces += _via_detector(rgb, k, faces)  # faces the mesh's own detector missed
    return sorted(faces, key=lambda f: -f.width)


def _scaled(rgb: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return rgb
    h, w = rgb.shape[:2]
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp)


def _via_detector(rgb: np.ndarray, k: float, known: list[Face]) -> list[Face]:
    """Find face boxes with the full-range detector, then run FaceMesh on a crop around each new one."""
    small = _scaled(rgb, k)
    with _lock:
        res = _detector().process(np.ascontiguousarray(small))
    h, w = rgb.shape[:2]
    out: list[Face] = []
    for det in (res.detections or [])[:5]:
        b = det.location_data.relative_bounding_box
        bw, bh = b.width * w, b.height * h
        cx, cy = (b.xmin + b.width / 2) * w, (b.ymin + b.height / 2) * h
        if any(np.hypot(*(f.points[:, :2].mean(axis=0) - (cx, cy))) < 0.5 * max(f.width, bw) for f in known):
            continue
        side = 2.6 * max(bw, bh)
        x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
        x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
        if x1 - x0 < 16 or y1 - y0 < 16:
            continue
        s = 512.0 / max(x1 - x0, y1 - y0)
        found = _mesh(_scaled(rgb[y0:y1, x0:x1], s), (1.0 / s, float(x0), float(y0)))
        out.extend(found[:1])
    return out


def _mesh(img: np.ndarray, back: tuple[float, float, float]) -> list[Face]:
    """FaceMesh on img; points mapped back by (scale, x offset, y offset) into the picture's pixels."""
    h, w = img.shape[:2]
    with _lock:
        res = _face_mesh().process(np.ascontiguousarray(img))
    out: list[Face] = []
    s, ox, oy = back
    for f in res.multi_face_landmarks or []:
        p = np.array([[q.x * w, q.y * h, q.z * w] for q in f.landmark], dtype=np.float64) * s
        p[:, 0] += ox
        p[:, 1] += oy
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
