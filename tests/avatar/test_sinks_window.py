"""WindowSink through real pygame/SDL with the dummy video driver: read back what the window shows."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from avatar.sinks import SinkError, WindowSink, create
from avatar.sinks.window import TITLE, fit_size
from avatar.types import VideoFrame
from tests.avatar.synthetic import frame, read_index


@pytest.fixture(autouse=True)
def dummy_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    yield


def test_shows_each_frame_exactly() -> None:
    sink = create("window", fit_screen=False)
    assert isinstance(sink, WindowSink)
    sink.open(320, 240, 25, 22050)
    import pygame

    assert pygame.display.get_caption()[0] == TITLE == "Nightshift — program output"
    assert sink.size == (320, 240)
    for i in (3, 4, 200):
        image = frame(i, 320, 240)
        sink.write_video(VideoFrame(image, i, i / 25))
        shown = sink.shown()
        assert shown.shape == (240, 320, 3)
        assert np.array_equal(shown, image)  # RGB order and every pixel as sent
        assert read_index(shown) == i
    assert sink.frames_shown == 3 and sink.last_pts_s == pytest.approx(8.0)
    sink.close()
    sink.close()
    assert not pygame.display.get_init()
    with pytest.raises(SinkError, match="closed"):
        sink.write_video(VideoFrame(frame(0, 320, 240), 0, 0.0))


def test_a_tall_frame_is_scaled_to_fit_the_screen() -> None:
    """The dummy screen is 1024×768: a 720×1280 frame is shown smaller, same aspect, same picture."""
    sink = WindowSink()
    sink.open(720, 1280, 25, 22050)
    import pygame

    screen_w, screen_h = pygame.display.get_desktop_sizes()[0]
    width, height = sink.size
    assert height <= 0.9 * screen_h and width <= 0.9 * screen_w
    assert abs(width / height - 720 / 1280) < 0.01
    image = np.zeros((1280, 720, 3), np.uint8)
    image[:640] = (250, 30, 30)
    image[640:] = (30, 30, 250)
    sink.write_video(VideoFrame(image, 0, 0.0))
    shown = sink.shown()
    assert shown.shape == (height, width, 3)
    assert tuple(shown[height // 4, width // 2]) == (250, 30, 30)
    assert tuple(shown[3 * height // 4, width // 2]) == (30, 30, 250)
    sink.close()


def test_fit_size_and_wrong_frames() -> None:
    assert fit_size(720, 1280, (1000, 700)) == (394, 700)
    assert fit_size(320, 240, (1000, 700)) == (320, 240)  # never enlarged
    assert fit_size(320, 240, None) == (320, 240)
    sink = WindowSink(fit_screen=False)
    with pytest.raises(SinkError, match="open"):
        sink.write_video(VideoFrame(frame(0), 0, 0.0))
    sink.open(320, 240, 25, 22050)
    with pytest.raises(ValueError, match="frame of"):
        sink.write_video(VideoFrame(np.zeros((100, 100, 3), np.uint8), 0, 0.0))
    sink.close()
