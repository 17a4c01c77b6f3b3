"""The AI label is readable (tesseract) in what every output carries: the RTMP push as the server recorded it,
the window OBS captures, and the MP4 file — the opening card first, then the persistent label."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import Mp4Sink, RtmpSink, WindowSink
from compliance.labels import Labeller
from compliance.ocr import label_found, read_label
from tests.avatar.nginx_rtmp import NginxRtmp

FPS = 25


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_output_carries_a_readable_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    import av

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    renderer = Renderer(build_rig(assets.path("portraits/default.png"), size=(360, 640)))
    label = Labeller(lang, fps=FPS)
    server = NginxRtmp(tmp_path / "nginx")
    server.start()
    try:
        rtmp, window, mp4 = RtmpSink(server.url(f"label-{lang}")), WindowSink(), Mp4Sink(tmp_path / "show.mp4")
        program = Program(render=renderer.render, animator=Animator(fps=FPS), sinks=[rtmp, window, mp4],
                          fps=FPS, realtime=False, overlay=lambda frame, _pts: label(frame))
        program.start()
        for _ in range(4 * FPS):  # paced like a live programme, so the push keeps every frame
            program.run_for(1 / FPS)
            time.sleep(0.01)
        shown = window.shown().copy()
        program.stop()
        time.sleep(0.3)
        (flv,) = server.recordings()
        with av.open(str(flv)) as c:
            pushed = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    finally:
        server.stop()
    with av.open(str(tmp_path / "show.mp4")) as c:
        recorded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(pushed) >= 90 and len(recorded) == 4 * FPS
    for name, frames in (("rtmp", pushed), ("mp4", recorded)):
        assert label_found(read_label(frames[10], lang, opening=True), lang), f"{name}: no opening card"
        assert label_found(read_label(frames[-5], lang), lang), f"{name}: no label after the opening"
    assert label_found(read_label(np.ascontiguousarray(shown), lang), lang), "window: no label"
