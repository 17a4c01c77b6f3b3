"""Avatar bench: render and encode cost per frame, lip-sync figures per portrait, a 60 s RTMP push.

Figures (flat, names ending in their unit): render_ms_per_frame (p50) and render_p95_ms_per_frame
for a 720×1280 frame with every layer on one core; label_ms_per_frame (p50, and label_p95_ms_per_frame: the
AI label drawn on a 720×1280 frame, its bitmap cached); encode_ms_per_frame (MP4, one encoder thread);
lipsync_corr / lipsync_lag_ms / lips_closed_pbm_ratio / face_redetected_ratio, each the worst over
the portraits, and per portrait as <portrait>_lipsync_corr etc.; rtmp_60s_received_s, the seconds of
video a local nginx-rtmp server recorded from a 60 s real-time push (with the frames dropped on the way);
the takeover figures of bench.takeover (takeover_first_frame_ms, track_ms_per_frame, ...).
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

log = logging.getLogger(__name__)

# Rich in p/b/m closures and open vowels, about four seconds with the Piper voice.
SENTENCE = "Bob bought my mom a big blue bamboo lamp, and maybe a pair of pink pumps."
CAPTION = "Ask me anything · 有问必答"
PRODUCT = ("Cloud Cotton Hoodie", "$24.50")
FPS = 25
SIZE = (720, 1280)
TEST_PORTRAITS = ("hopper", "dark_skin", "beard")  # hopper wears glasses and a cap


def _pct(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(samples) * 1000.0, q)), 2)


def _renderer(portrait: Path, every_layer: bool = True) -> Any:
    from avatar.render import Renderer
    from avatar.rig import build_rig

    rig = build_rig(portrait, size=SIZE)
    if not every_layer:
        return Renderer(rig)
    from avatar.layers import Caption, LabelSlot, LayerStack, ProductCard
    from compliance.labels import Labeller

    layers = LayerStack()
    layers.add(Caption(CAPTION))
    layers.add(ProductCard(*PRODUCT))
    layers.add(LabelSlot(Labeller("en", fps=FPS)))
    return Renderer(rig, layers=layers)


def _repo_on_path() -> bool:
    """Make the repository's tests/ importable (the test portraits and the nginx-rtmp launcher live there)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "tests" / "avatar").is_dir():
        return False
    if str(root) not in sys.path:
        sys.path.append(str(root))
    return True


def portraits() -> dict[str, Path]:
    """The default portrait and the test portraits (glasses and cap, darker skin, beard), by name."""
    import assets

    found = {"default": Path(assets.path("portraits/default.png"))}
    try:
        _repo_on_path()
        from tests.avatar.portraits import make_all
    except ImportError:  # an installed package without the repository's tests
        log.warning("tests/avatar/portraits.py not found: only the default portrait is measured")
        return found
    made = make_all(Path(tempfile.mkdtemp(prefix="nightshift-portraits-")))
    found.update({name: Path(made[name]) for name in TEST_PORTRAITS if name in made})
    return found


def bench_render_encode(portrait: Path, speech: Any, n: int, step: Callable[[], object]) -> dict[str, float]:
    """Render n frames of speech (and idle when it runs out) and encode each, timing both separately."""
    import cv2

    from avatar.animate import Animator
    from avatar.sinks import Mp4Sink
    from avatar.types import VideoFrame

    cv2.setNumThreads(1)
    renderer = _renderer(portrait)
    animator = Animator(fps=FPS, seed=0)
    track = animator.speech_track(speech)
    params = (track * (n // max(1, len(track)) + 1))[:n]
    renderer.render(params[0])  # warm caches
    render_s: list[float] = []
    encode_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        sink = Mp4Sink(Path(tmp) / "bench.mp4", threads=1)
        sink.open(SIZE[0], SIZE[1], FPS, speech.sample_rate)
        for i, p in enumerate(params):
            t = time.perf_counter()
            image = renderer.render(p)
            render_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            sink.write_video(VideoFrame(image, i, i / FPS))
            encode_s.append(time.perf_counter() - t)
            step()
        t = time.perf_counter()
        sink.close()  # the encoder's look-ahead frames come out here: part of the encode cost
        encode_s[-1] += time.perf_counter() - t
    return {
        "render_ms_per_frame": _pct(render_s, 50),
        "render_p95_ms_per_frame": _pct(render_s, 95),
        "encode_ms_per_frame": round(1000.0 * statistics.fmean(encode_s), 2),
        "encode_p95_ms_per_frame": _pct(encode_s, 95),
    }


def bench_label(n: int = 300) -> dict[str, float]:
    """The AI label burnt into n 720×1280 frames after its first (which renders and caches the bitmap)."""
    from compliance.labels import draw_label

    frame = np.random.default_rng(0).integers(0, 256, (SIZE[1], SIZE[0], 3), dtype=np.uint8)
    draw_label(frame, "zh")
    took: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        draw_label(frame, "zh")
        took.append(time.perf_counter() - t)
    return {"label_ms_per_frame": _pct(took, 50), "label_p95_ms_per_frame": _pct(took, 95)}


def bench_lipsync(portrait: Path, speech: Any) -> dict[str, float]:
    """Play the speech through the show's programme clock (offline) and re-detect the mouth in every frame."""
    from avatar.animate import Animator
    from avatar.lipsync import ApertureSink
    from avatar.program import Program

    sink = ApertureSink()
    program = Program(render=_renderer(portrait, every_layer=False).render, animator=Animator(fps=FPS, seed=0),
                      sinks=[sink], fps=FPS, sample_rate=speech.sample_rate, realtime=False)
    started: list[float] = []
    program.start()
    try:
        program.run_for(0.4)
        program.enqueue(speech, on_event=lambda kind, pts: started.append(pts) if kind == "first_audio" else None)
        program.run_for(speech.duration_s + 0.4 + 1.0 / FPS)
    finally:
        program.stop()
    return sink.report(speech, started[0]).figures()


def bench_rtmp(portrait: Path, speech: Any, seconds: float = 60.0) -> dict[str, float]:
    """Push `seconds` of programme in real time to a local nginx-rtmp through the show's programme clock (the
    sentence, then 0.6 s of idle face, over and over); measure what the server recorded."""
    import av

    from avatar.animate import Animator
    from avatar.program import Program
    from avatar.sinks import RtmpSink

    if not _repo_on_path():
        raise RuntimeError("the RTMP bench needs the repository's tests/avatar/nginx_rtmp.py")
    from tests.avatar.nginx_rtmp import NginxRtmp

    renderer = _renderer(portrait)
    render_s: list[float] = []

    def render(params: Any) -> np.ndarray:
        t = time.perf_counter()
        image: np.ndarray = renderer.render(params)
        render_s.append(time.perf_counter() - t)
        return image

    with tempfile.TemporaryDirectory() as tmp, NginxRtmp(Path(tmp)) as server:
        sink = RtmpSink(server.url("bench"))
        program = Program(render=render, animator=Animator(fps=FPS, seed=0), sinks=[sink], fps=FPS,
                          sample_rate=speech.sample_rate, realtime=True)
        next_at = [0.0]  # programme time the next sentence may start: 0.6 s after the last one ended

        def on_event(kind: str, pts: float) -> None:
            if kind == "done":
                next_at[0] = pts + 0.6

        program.start()
        try:
            while program.now_s < seconds:
                now = program.now_s
                if not program.speaking and now >= next_at[0] and now + speech.duration_s <= seconds:
                    next_at[0] = float("inf")  # until this one is done
                    program.enqueue(speech, on_event=on_event)
                time.sleep(0.01)
        finally:
            program.stop()
        pushed_s = program.now_s
        time.sleep(0.5)
        received = 0.0
        for flv in server.recordings():
            with av.open(str(flv)) as c:
                pts = [float(p.pts * p.time_base) for p in c.demux(video=0) if p.pts is not None]
            if pts:
                received += max(pts) - min(pts) + 1.0 / FPS
    return {
        "rtmp_60s_received_s": round(received, 2),
        "rtmp_60s_pushed_s": round(pushed_s, 2),
        "rtmp_60s_player_dropped_frames": float(program.stats.dropped),
        "rtmp_60s_sink_dropped_frames": float(sink.stats.frames_dropped),
        "rtmp_60s_render_ms_per_frame": round(1000.0 * statistics.fmean(render_s), 2) if render_s else 0.0,
    }


def bench_avatar(n: int = 250, *, rtmp_s: float = 60.0) -> dict[str, float]:
    """Measure the avatar stage; see the module docstring for the figures."""
    from voice.tts.piper import PiperTTS

    speech = PiperTTS().synthesize(SENTENCE, "en")
    faces = portraits()
    figures: dict[str, float] = {}
    with tqdm(total=n + len(faces) + 1, desc="avatar bench", file=sys.stderr, unit="step") as bar:
        figures.update(bench_render_encode(faces["default"], speech, n, lambda: bar.update(1)))
        figures.update(bench_label())
        per: dict[str, dict[str, float]] = {}
        for name, path in faces.items():
            try:
                per[name] = bench_lipsync(path, speech)
            except Exception as e:  # noqa: BLE001  (a portrait the rig refuses is reported, not fatal)
                log.error("portrait %s: %s", name, e)
            bar.update(1)
        for name, values in per.items():
            figures.update({f"{name}_{key}": value for key, value in values.items()})
        if per:
            rows = list(per.values())
            figures["lipsync_corr"] = min(r["lipsync_corr"] for r in rows)
            figures["lipsync_lag_ms"] = max((r["lipsync_lag_ms"] for r in rows), key=abs)
            figures["lips_closed_pbm_ratio"] = min(r["lips_closed_pbm_ratio"] for r in rows)
            figures["face_redetected_ratio"] = min(r["face_redetected_ratio"] for r in rows)
        from bench.takeover import bench_takeover

        figures.update(bench_takeover())  # the operator's camera and microphone driving the programme
        if rtmp_s > 0:
            try:
                figures.update(bench_rtmp(faces["default"], speech, rtmp_s))
            except RuntimeError as e:  # no nginx with the RTMP module here: say so, measure the rest
                log.error("RTMP push not measured: %s", e)
        bar.update(1)
    return figures
