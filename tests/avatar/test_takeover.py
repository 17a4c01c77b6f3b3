"""Takeover: the operator drives a real programme (avatar.program.Program) — face, voice, the held queue,
the jitter buffer, capture-time matching, and the threads as on air."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.drive import Takeover
from avatar.drive.fakecam import AUDIO_RATE, FakeCam, voice
from avatar.lipsync import ApertureSink
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.types import FaceParams, VideoFrame
from tests.avatar.drive_media import FPS, RATE, SECONDS, AudioRecorder, corr
from tests.avatar.portraits import astronaut
from voice.resample import resample
from voice.types import Speech


@pytest.fixture(scope="module")
def host() -> Renderer:
    """The host on air: the default portrait at half the programme size (the same code path, quicker)."""
    return Renderer(build_rig(assets.default_portrait(), size=(360, 640)))


def test_takeover_drives_a_real_programme(host: Renderer, operator_frames: list[np.ndarray],
                                          operator_clip: FakeCam) -> None:
    """Operator frames and voice go through Takeover into Program: its frames' mouth follows the operator,
    its audio is the operator's voice, the queued line is held, and without a face the voice moves the mouth."""
    sink, rec = ApertureSink(), AudioRecorder()
    program = Program(render=host.render, animator=Animator(fps=FPS), sinks=[sink, rec], fps=FPS,
                      sample_rate=RATE, realtime=False)  # fmt: skip
    for s in program.sinks:
        s.open(360, 640, FPS, RATE)  # type: ignore[attr-defined]
    line = Speech(pcm=(3000 * np.sin(np.arange(RATE) / 8)).astype(np.int16), sample_rate=RATE, text="held")
    program.enqueue(line)
    program.run_for(0.2)  # the line starts ...
    held = program.queued_s
    # an offline programme: the session keeps the programme's time too, so a face goes stale by the programme's
    # frames however long the machine takes over each one
    takeover = Takeover.for_program(program, threaded=False, clock=lambda: program.now_s)
    takeover.attach(program)  # ... and is held while the operator drives
    assert program.takeover is takeover and takeover.rate == RATE
    mic = voice(SECONDS, AUDIO_RATE)
    step = AUDIO_RATE // FPS
    start = program.frame_index
    for i, f in enumerate(operator_frames):
        takeover.push_video(f, i / FPS)
        takeover.push_audio(mic[i * step : (i + 1) * step].tobytes(), AUDIO_RATE, i / FPS)
        program.run_for(1 / FPS)
    assert program.queued_s == pytest.approx(held)
    assert takeover.stats.video_tracked == len(operator_frames) and takeover.stats.first_frame_s is not None
    out = np.concatenate(rec.parts[start:])
    sent = resample(mic, AUDIO_RATE, RATE)
    k = int(np.argmax([np.dot(out[d : d + RATE].astype(float), sent[: RATE]) for d in range(0, 4000, 20)])) * 20
    assert 0.03 * RATE <= k <= 0.12 * RATE, f"voice delayed {k / RATE * 1000:.0f} ms"  # the jitter buffer
    assert corr(out[k : k + 2 * RATE].astype(float), sent[: 2 * RATE].astype(float)) > 0.95
    assert takeover.stats.underruns == 0
    # the face is shown with the voice of its moment: both come out delayed by the buffer, together
    ap = sink.series(start / FPS, program.frame_index / FPS)
    lag = round(k / RATE * FPS)
    by_lag = {d: corr(ap[d:], operator_clip.jaw[: len(ap) - d]) for d in range(4)}
    assert by_lag[lag] >= 0.8 and by_lag[lag] == max(by_lag.values()), (lag, by_lag)
    # the camera loses the face: the operator's voice moves the mouth
    blank = np.full((480, 640, 3), 90, np.uint8)
    start2 = program.frame_index
    for i in range(len(operator_frames)):
        takeover.push_video(blank, SECONDS + i / FPS)
        takeover.push_audio(mic[i * step : (i + 1) * step], AUDIO_RATE)
        program.run_for(1 / FPS)
    ap2 = sink.series(start2 / FPS, program.frame_index / FPS)
    assert takeover.stats.video_no_face == len(operator_frames)
    # the mouth moves with the sound the programme plays in the same frame: in sync, whatever the buffer's delay
    heard = np.array([np.sqrt(np.mean(part.astype(float) ** 2)) for part in rec.parts[start2:]])
    sync = {d: corr(ap2[max(d, 0) : len(ap2) + min(d, 0)], heard[max(-d, 0) : len(heard) - max(d, 0)]) for d in (-2, -1, 0, 1, 2)}
    assert sync[0] > 0.75 and sync[0] == max(sync.values()), sync
    takeover.close()  # hands back
    assert program.takeover is None
    program.run_for(1.2)
    assert program.queued_s == 0 and not program.speaking, "the held line did not resume and finish"


def test_live_programme_with_a_console_thread(host: Renderer, operator_frames: list[np.ndarray]) -> None:
    """All three threads as on air: the console pushing JPEG at 30 fps and 20 ms of mic, the tracker, and a
    real-time programme; the operator's face goes on air and their voice comes out (how soon after the click
    is bench.takeover's takeover_first_frame_ms, target ≤ 500 ms)."""
    rec = AudioRecorder()
    program = Program(render=host.render, animator=Animator(fps=FPS), sinks=[rec], fps=FPS, sample_rate=RATE)
    jpegs = [cv2.imencode(".jpg", cv2.cvtColor(f, cv2.COLOR_RGB2BGR))[1].tobytes() for f in operator_frames[:30]]
    mic = voice(SECONDS, AUDIO_RATE)
    stop = threading.Event()

    def console() -> None:
        t0, n = time.monotonic(), 0
        while not stop.is_set():
            if n <= (time.monotonic() - t0) * 50:  # a camera frame every 1/30 s, a mic chunk every 20 ms
                if n % 5 in (0, 2, 3):
                    tk.push_video(jpegs[(n * 3 // 5) % len(jpegs)])
                tk.push_audio(mic[(n * 960) % (len(mic) - 960) :][:960], AUDIO_RATE)
                n += 1
            time.sleep(0.002)

    program.start()
    try:
        time.sleep(0.3)
        with Takeover.for_program(program) as tk:
            first = len(rec.parts)
            tk.attach(program)
            feeder = threading.Thread(target=console, daemon=True)
            feeder.start()
            time.sleep(1.5)
            stats = tk.stats
            on_air = tk.stats.source
            driven = rec.parts[first:]
            stop.set()
            feeder.join(timeout=2)
        assert program.takeover is None  # closing the session handed back
    finally:
        stop.set()
        program.stop()
    assert stats.first_frame_s is not None and stats.first_face_s is not None, stats
    assert stats.first_frame_s <= stats.first_face_s, stats
    assert on_air == "face" and stats.video_bad == 0, stats
    assert stats.video_tracked >= 0.1 * stats.video_in, stats  # generous: a busy tracker skips stale frames
    assert np.abs(np.concatenate(driven)).max() > 3000, "the operator's voice did not come out"


def test_face_shown_is_the_one_seen_when_the_voice_was_said(operator_frames: list[np.ndarray], operator_clip: FakeCam) -> None:
    """With capture times on one clock, each slice of voice comes with the camera frame of its moment:
    the voice waits in the jitter buffer, so the newest face would run ahead of it."""
    mic = voice(SECONDS, AUDIO_RATE)
    step = AUDIO_RATE // FPS
    for shift, expect_aligned in ((0.0, True), (1000.0, False)):  # the second: the two clocks disagree
        with Takeover(sample_rate=RATE, fps=FPS, threaded=False) as tk:
            jaw, offsets = [], []
            for i in range(40):
                tk.push_video(operator_frames[i], i / FPS)
                tk.push_audio(mic[i * step : (i + 1) * step], AUDIO_RATE, i / FPS + shift)
                tk.audio(RATE // FPS)
                jaw.append(tk.params(i / FPS).jaw_open)
                offsets.append(tk.stats.av_offset_ms)
        jaw_a = np.array(jaw[5:])
        now, late = corr(jaw_a, operator_clip.jaw[5:40]), corr(jaw_a, operator_clip.jaw[4:39])  # the frame just in, or the one before
        if expect_aligned:
            assert all(o is not None and 0.0 <= o <= 1000.0 / FPS for o in offsets[5:]), offsets  # within a frame
            assert late > now, (late, now)  # the face follows the voice's moment, one frame behind the camera
        else:
            assert all(o is None for o in offsets) and now > late  # times ignored: the newest face


def test_every_frame_the_operator_drives_is_labelled(host: Renderer, operator_frames: list[np.ndarray]) -> None:
    """A takeover changes who drives the face, never the AI label: each frame leaves with it burned in."""
    from compliance.labels import Labeller, draw_label

    plain: dict[int, np.ndarray] = {}
    program: Program

    def render(p: FaceParams) -> np.ndarray:
        frame = host.render(p)
        plain[program.frame_index] = frame.copy()  # as rendered, before the overlay
        return frame

    class Frames(AudioRecorder):
        def __init__(self) -> None:
            super().__init__()
            self.video: dict[int, np.ndarray] = {}

        def write_video(self, frame: VideoFrame) -> None:
            self.video[frame.index] = frame.image.copy()

    label, out = Labeller("en", fps=FPS), Frames()
    program = Program(render=render, animator=Animator(fps=FPS), sinks=[out], fps=FPS, sample_rate=RATE,
                      realtime=False, overlay=lambda frame, pts: label(frame))  # fmt: skip
    with Takeover.for_program(program, threaded=False) as tk:
        tk.attach(program)
        for i, frame in enumerate(operator_frames[:75]):  # past the 2 s opening card, into the corner label
            tk.push_video(frame, i / FPS)
            program.run_for(1 / FPS)
        assert tk.stats.source == "face"
    assert sorted(out.video) == list(range(75)) and label.frames == 75
    for i in (10, 60, 74):
        expect = plain[i].copy()
        draw_label(expect, "en", opening=i < 50)
        assert np.array_equal(out.video[i], expect), f"frame {i} left without its label"


def test_the_face_eases_between_camera_and_voice(host: Renderer) -> None:
    """Going on air, losing the face, finding it again and handing back move the head smoothly, never in one
    jump: what the programme renders is watched frame by frame."""
    img = astronaut()
    h, w = img.shape[:2]
    tilted = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), -14.0, 1.0), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    blank = np.full_like(img, 100)
    shown: list[FaceParams] = []

    def render(p: FaceParams) -> np.ndarray:
        shown.append(p)
        return host.render(p)

    program = Program(render=render, animator=Animator(fps=FPS), sinks=[], fps=FPS, sample_rate=RATE,
                      realtime=False)  # fmt: skip
    program.run_for(0.4)  # the host on its own
    with Takeover.for_program(program, threaded=False) as tk:
        tk.attach(program)
        for i, frame in enumerate([tilted] * 15 + [blank] * 15 + [tilted] * 15):
            tk.push_video(frame, i / FPS)
            program.run_for(1 / FPS)
        tk.detach()  # eases back to the host, then lets go
        program.run_for(0.2)
        assert program.takeover is tk
        program.run_for(0.2)
        assert program.takeover is None
    roll = np.array([p.head_roll for p in shown])  # 10 frames alone, 45 driven, 10 handing back and after
    assert len(roll) == 65
    assert roll[10 + 14] > 5.0 and abs(roll[10 + 29]) < 1.5 and roll[10 + 44] > 5.0 and abs(roll[-1]) < 1.5, roll
    assert np.abs(np.diff(roll)).max() < 2.5, np.round(roll, 1)  # without the fades: steps of about 7°


def test_threaded_takeover_takes_jpeg_and_never_blocks(operator_frames: list[np.ndarray]) -> None:
    """The console's path: JPEG bytes in from another thread; params/audio never wait on the tracker."""
    with Takeover(sample_rate=RATE, fps=FPS) as tk:
        t0 = time.monotonic()
        assert tk.params(0.0) == tk.params(0.0) and tk.stats.source == "idle"
        assert not tk.audio(882).any(), "silence before any voice"
        jpegs = [cv2.imencode(".jpg", cv2.cvtColor(f, cv2.COLOR_RGB2BGR))[1].tobytes() for f in operator_frames[:20]]
        for i, j in enumerate(jpegs):
            tk.push_video(j, i / FPS)
            time.sleep(0.01)
        deadline = time.monotonic() + 5
        while tk.stats.source != "face" and time.monotonic() < deadline:
            tk.params(time.monotonic() - t0)
            time.sleep(0.005)
        assert tk.stats.source == "face" and tk.face_visible
        assert tk.stats.first_face_s is not None, tk.stats
        # a browser's microphone: float32 at 48 kHz in 10 ms chunks (stereo is refused, not mixed up)
        tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(4800) / 48000)).astype(np.float32)
        for i in range(0, len(tone), 480):
            tk.push_audio(tone[i : i + 480], 48000)
        assert 0.07 <= tk.buffered_s <= 0.1, tk.buffered_s
        played = np.concatenate([tk.audio(882) for _ in range(2)])
        assert np.abs(played).max() > 0.25 * 32767 and tk.voice_level > 0.5
        with pytest.raises(ValueError, match="mono"):
            tk.push_audio(np.zeros((480, 2), np.float32), 48000)
        tk.push_audio(b"\x00\x01\x02", 48000)  # a truncated message: the stray byte is dropped, not fatal
        for _ in range(50):  # half a second with nobody reading: the buffer stays bounded ...
            tk.push_audio(tone[:480], 48000)
        assert tk.buffered_s <= 0.21 and tk.stats.audio_dropped_s > 0.25
        tk.begin()  # ... and going on air keeps only the prefill, so no backlog delays the voice
        assert tk.buffered_s <= 0.061 and tk.stats.first_face_s is None
        t1 = time.perf_counter()
        for _ in range(50):
            tk.params(1.0)
            tk.audio(882)
        per_call_ms = (time.perf_counter() - t1) / 50 * 1000
        assert per_call_ms < tk.stats.track_ms_per_frame, per_call_ms  # relative: less than FaceMesh on one frame
        tk.push_video(b"not a picture", 2.0)
        time.sleep(0.1)
        assert tk.stats.video_bad == 1
        assert tk.stats.video_in == 21 and tk.stats.video_tracked + tk.stats.video_dropped + 1 <= 21


