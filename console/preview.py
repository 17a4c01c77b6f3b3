"""Preview frames for the console: programme frames as small JPEGs behind a fixed binary header."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from console.messages import FRAME_HEADER, FRAME_MAGIC

PREVIEW_WIDTH = 360  # the preview's width in pixels: enough to judge the picture, cheap to send
QUALITY = 70


class FrameEncoder:
    """Encodes each programme frame once, however many consoles are watching."""

    def __init__(self, width: int = PREVIEW_WIDTH, quality: int = QUALITY) -> None:
        self.width, self.quality = width, quality
        self._lock = threading.Lock()
        self._last: tuple[int, bytes] | None = None

    def encode(self, index: int, pts_s: float, image: np.ndarray, level: float) -> bytes:
        """The binary message for frame `index`: header + JPEG (RGB in)."""
        with self._lock:
            if self._last is not None and self._last[0] == index:
                jpeg = self._last[1]
            else:
                h, w = image.shape[:2]
                if w > self.width:
                    image = cv2.resize(image, (self.width, round(h * self.width / w)), interpolation=cv2.INTER_AREA)
                ok, buf = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                                       [cv2.IMWRITE_JPEG_QUALITY, self.quality])
                if not ok:
                    raise RuntimeError("JPEG encoding failed")
                jpeg = buf.tobytes()
                self._last = (index, jpeg)
        header = FRAME_HEADER.pack(FRAME_MAGIC, index, int(round(pts_s * 1000)), float(level))
        return header + jpeg


def decode_header(data: bytes) -> tuple[int, int, float, bytes]:
    """(index, pts_ms, level, jpeg) of a preview message; ValueError if it is not one."""
    if len(data) < FRAME_HEADER.size:
        raise ValueError("preview message shorter than its header")
    magic, index, pts_ms, level = FRAME_HEADER.unpack_from(data)
    if magic != FRAME_MAGIC:
        raise ValueError("not a preview frame")
    return index, pts_ms, level, data[FRAME_HEADER.size:]
