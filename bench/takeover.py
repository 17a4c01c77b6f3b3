"""Takeover bench: a live programme handed to an operator's camera and microphone, in real time.

A feeder thread plays the console's part: it sends the fake camera's frames as JPEG at 30 fps and the
fake microphone in 20 ms chunks, as a browser would over the WebSocket. Figures:
takeover_first_frame_ms (the takeover starting → the first programme frame the operator's face drove,
the session created at that moment, MediaPipe's start-up included; the target is ≤ 500),
takeover_warm_first_frame_ms (the same with the session made when the camera opened, `begin()` at the
click: at most a frame or so), track_ms_per_frame (FaceMesh per camera frame),
takeover_voice_buffer_ms (the operator's voice waiting in the jitter buffer, on average: the delay it
adds) and takeover_underruns (times it ran dry), takeover_dropped_ratio
(programme frames dropped while driven), takeover_mouth_corr (the programme's rendered mouth, re-detected,
against the operator's jaw; offline, every frame).
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from avatar.drive import Takeover

FPS = 25
RATE = 22050
SIZE = (360, 640)


class _Null:
    """A sink that takes the programme and keeps nothing (the bench measures the engine, not an output)."""

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        pass

    def write_video(self, frame: object) -> None:
        pass

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        pass

    def close(self) -> None:
        pass


def _feed(takeover: Takeover, jpegs: list[bytes], mic: np.ndarray, mic_rate: int, stop: threading.Event) -> None:
    """Camera at 30 fps and microphone in 20 ms chunks, looping, until stopped."""
    t0 = time.monotonic()
    chunk = mic_rate // 50
    sent_v = sent_a = 0
    while not stop.is_set():
        now = time.monotonic() - t0
        while sent_v <= now * 30:
            takeover.push_video(jpegs[sent_v % len(jpegs)], sent_v / 30)
            sent_v += 1
        while sent_a <= now * 50:
            i = (sent_a * chunk) % (len(mic) - chunk)
            takeover.push_audio(mic[i : i + chunk], mic_rate)
            sent_a += 1
        time.sleep(0.005)


def bench_takeover(seconds: float = 4.0) -> dict[str, float]:
    """Measure a real-time takeover of a running programme; see the module docstring for the figures."""
    import assets
    from avatar.animate import Animator
    from avatar.drive import Takeover
    from avatar.drive.fakecam import AUDIO_RATE, make_fakecam, voice
    from avatar.lipsync import ApertureSink
    from avatar.program import Program
    from avatar.render import Renderer
    from avatar.rig import build_rig

    with tempfile.TemporaryDirectory() as tmp:
        cam = make_fakecam(Path(tmp), seconds=4.0, fps=30, size=(640, 480))
        import av

        with av.open(str(cam.y4m)) as c:
            frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    jpegs = [cv2.imencode(".jpg", cv2.cvtColor(f, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
             for f in frames]  # fmt: skip
    mic = voice(4.0, AUDIO_RATE)
    host = Renderer(build_rig(assets.default_portrait(), size=SIZE))
    program = Program(render=host.render, animator=Animator(fps=FPS), sinks=[_Null()], fps=FPS, sample_rate=RATE)
    program.start()
    stop = threading.Event()
    try:
        time.sleep(0.5)  # the show is on air before the operator takes over
        dropped0, frames0 = program.stats.dropped, program.stats.frames
        takeover = Takeover.for_program(program)  # cold: created at the click
        takeover.attach(program)
        feeder = threading.Thread(target=_feed, args=(takeover, jpegs, mic, AUDIO_RATE, stop), daemon=True)
        feeder.start()
        buffered = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.05)
            buffered.append(takeover.buffered_s)
        stats = takeover.stats
        first = stats.first_face_s
        driven = program.stats.frames - frames0
        dropped = program.stats.dropped - dropped0
        takeover.detach(ease=False)  # back to the host; the same session, still tracking, takes over again
        time.sleep(0.3)
        takeover.attach(program)
        while takeover.stats.first_face_s is None and time.monotonic() < end + 5.0:
            time.sleep(0.01)
        warm = takeover.stats.first_face_s
    finally:
        stop.set()
        program.takeover = None
        program.stop()
    takeover.close()
    figures = {
        "takeover_first_frame_ms": round(1000.0 * (first or float("nan")), 1),
        "takeover_warm_first_frame_ms": round(1000.0 * (warm or float("nan")), 1),
        "track_ms_per_frame": round(stats.track_ms_per_frame, 2),
        "takeover_voice_buffer_ms": round(1000.0 * float(np.mean(buffered[len(buffered) // 4 :])), 1),
        "takeover_underruns": float(stats.underruns),
        "takeover_dropped_ratio": round(dropped / max(driven, 1), 4),
    }
    # offline: every operator frame through a non-real-time programme, its mouth re-detected
    sink = ApertureSink()
    offline = Program(render=host.render, animator=Animator(fps=FPS), sinks=[sink], fps=FPS, sample_rate=RATE,
                      realtime=False)  # fmt: skip
    sink.open(*SIZE, FPS, RATE)
    with Takeover(sample_rate=RATE, fps=FPS, threaded=False) as tk:
        tk.attach(offline)
        n = len(frames) * FPS // 30
        for i in range(n):
            tk.push_video(frames[i * 30 // FPS], i / FPS)
            offline.run_for(1 / FPS)
    sink.close()
    ap = sink.series(0.0, n / FPS)
    jaw = cam.jaw[(np.arange(n) * 30) // FPS]
    ok = ~np.isnan(ap)
    figures["takeover_mouth_corr"] = round(float(np.corrcoef(ap[ok], jaw[ok])[0, 1]), 3)
    return figures
