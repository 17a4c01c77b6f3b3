"""The programme output window (pygame): what OBS or a screen capture picks up and sends on air."""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any

import numpy as np

from avatar.sinks.base import SinkCapabilities, SinkError, VideoSink, register
from avatar.types import VideoFrame

log = logging.getLogger(__name__)

TITLE = "Nightshift — program output"
SCREEN_SHARE = 0.9  # the window takes at most this share of the screen's width and height


def _pygame() -> Any:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pygame's own pkg_resources deprecation notice
            import pygame
    except ImportError as e:
        raise SinkError(f"the window output needs pygame: {e}") from e
    return pygame


def fit_size(width: int, height: int, bound: tuple[int, int] | None) -> tuple[int, int]:
    """The largest size with the frame's aspect ratio inside `bound` (never larger than the frame)."""
    if not bound or bound[0] <= 0 or bound[1] <= 0:
        return width, height
    scale = min(1.0, bound[0] / width, bound[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


@register("window")
class WindowSink(VideoSink):
    """A window of the frame size, scaled down to fit the screen; frames are shown as they come."""

    name = "window"
    capabilities = SinkCapabilities(video=True, audio=False, live=True)

    def __init__(
        self, title: str = TITLE, *, fit_screen: bool = True, max_size: tuple[int, int] | None = None
    ) -> None:
        self.title = title
        self.fit_screen = fit_screen
        self.max_size = max_size
        self.size: tuple[int, int] = (0, 0)  # the window's size
        self.frames_shown = 0
        self.last_pts_s: float | None = None
        self.closed_by_viewer = False  # the window's close button was pressed
        self._pg: Any = None
        self._screen: Any = None
        self._frame_size: tuple[int, int] = (0, 0)
        self._closed = False

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        if self._screen is not None or self._closed:
            raise SinkError("window already opened")
        pg = _pygame()
        try:
            pg.display.init()
            bound = self.max_size
            if self.fit_screen:
                info = pg.display.Info()
                screen = (int(info.current_w * SCREEN_SHARE), int(info.current_h * SCREEN_SHARE))
                bound = screen if bound is None else (min(bound[0], screen[0]), min(bound[1], screen[1]))
            self.size = fit_size(width, height, bound)
            self._screen = pg.display.set_mode(self.size)
            pg.display.set_caption(self.title)
        except pg.error as e:
            raise SinkError(f"cannot open a window ({e}); on a headless machine use SDL_VIDEODRIVER=dummy") from e
        self._pg = pg
        self._frame_size = (width, height)
        if self.size != (width, height):
            log.info("program window %dx%d shows %dx%d frames scaled to fit the screen", *self.size, width, height)

    def write_video(self, frame: VideoFrame) -> None:
        if self._closed:
            raise SinkError("window already closed")
        if self._screen is None:
            raise SinkError("open() the window first")
        image = frame.image
        if (image.shape[1], image.shape[0]) != self._frame_size:
            raise ValueError(f"frame of {image.shape[1]}x{image.shape[0]}, window opened for {self._frame_size}")
        if self.size != self._frame_size:
            import cv2

            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        pg = self._pg
        surface = pg.image.frombuffer(np.ascontiguousarray(image).tobytes(), self.size, "RGB")
        self._screen.blit(surface, (0, 0))
        pg.display.flip()
        self.frames_shown += 1
        self.last_pts_s = frame.pts_s
        for event in pg.event.get():  # keeps the window responsive
            if event.type == pg.QUIT:
                self.closed_by_viewer = True

    def shown(self) -> np.ndarray:
        """What the window shows now, as RGB (H, W, 3): read back from the display surface."""
        if self._screen is None:
            raise SinkError("the window is not open")
        return np.ascontiguousarray(self._pg.surfarray.array3d(self._pg.display.get_surface()).transpose(1, 0, 2))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pg is not None:
            self._pg.display.quit()
        self._screen = None
