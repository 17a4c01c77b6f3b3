"""Takeover: the operator's camera and microphone drive the host (real MediaPipe, real renderer, real programme).

The "operator" is the project's own renderer on the default portrait, recorded to a Y4M clip with a known
jaw pattern, blinks and head turns (avatar.drive.fakecam); a second portrait checks another face.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.drive import FaceTracker, MicDriver, StreamResampler, Takeover
from avatar.drive.fakecam import AUDIO_RATE, FakeCam, jaw_pattern, make_fakecam, voice
from avatar.lipsync import ApertureSink
from avatar.player import resample
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import VideoSink
from avatar.types import FaceParams
from show.program import Program
from tests.avatar.chromium_capture import capture
from tests.avatar.portraits import astronaut, hopper, save, turned
from voice.types import Speech

FPS = 25
RATE = 22050
SECONDS = 4.0


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _read_y4m(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


@pytest.fixture(scope="module")
def operator() -> Renderer:
    """The "operator" in front of a 640x480 webcam: the default portrait, rendered."""
    return Renderer(build_rig(assets.default_portrait(), size=(640, 480)))


@pytest.fixture(scope="module")
def cam(tmp_path_factory: pytest.TempPathFactory, operator: Renderer) -> FakeCam:
    return make_fakecam(tmp_path_factory.mktemp("fakecam"), seconds=SECONDS, fps=FPS, renderer=operator)


@pytest.fixture(scope="module")
def frames(cam: FakeCam) -> list[np.ndarray]:
    return _read_y4m(cam.y4m)


@pytest.fixture(scope="module")
def tracked(frames: list[np.ndarray]) -> list[FaceParams | None]:
    with FaceTracker() as tracker:
        return [tracker.track(f, i / FPS) for i, f in enumerate(frames)]


def test_fakecam_files_are_what_chromium_reads(cam: FakeCam, frames: list[np.ndarray]) -> None:
    """Y4M 4:2:0 with the frame count and size promised; the WAV's loudness follows the same jaw pattern."""
    assert cam.y4m.read_bytes()[:64].split(b"\n")[0] == b"YUV4MPEG2 W640 H480 F25:1 Ip A1:1 C420jpeg"
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(cam.y4m)],
        check=True, capture_output=True, text=True).stdout)["streams"][0]  # fmt: skip
    assert (probe["width"], probe["height"], probe["pix_fmt"]) == (640, 480, "yuv420p")
    assert int(probe["nb_read_frames"]) == cam.frames == SECONDS * FPS == len(frames)
    assert frames[0].shape == (480, 640, 3)
    with wave.open(str(cam.wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, AUDIO_RATE)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert len(pcm) == SECONDS * AUDIO_RATE
    rms = np.sqrt((pcm.astype(np.float64).reshape(cam.frames, -1) ** 2).mean(axis=1))
    assert _corr(rms, jaw_pattern((np.arange(cam.frames) + 0.5) / FPS)) > 0.95  # each frame's middle
    assert json.loads(cam.pattern.read_text())["jaw_open"][:10] == np.round(cam.jaw[:10], 4).tolist()


def test_chromium_takes_the_files_as_camera_and_microphone(cam: FakeCam) -> None:
    """Headless Chromium opens the clip as its webcam and the WAV as its microphone; the tracker reads the face."""
    got = capture(cam.y4m, cam.wav, frames=30)
    assert (got.width, got.height) == (640, 480) and str(cam.y4m) in got.labels
    assert got.levels.max() > 0.1 and got.levels.min() < 0.05, got.levels  # the voice, with its pauses
    with FaceTracker() as tracker:
        jaw = []
        for i, jpeg in enumerate(got.jpegs):
            p = tracker.track(cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR),
                                           cv2.COLOR_BGR2RGB), i * 0.04)  # fmt: skip
            assert p is not None, f"no face in the camera frame {i}"
            jaw.append(p.jaw_open)
    assert max(jaw) > 0.3 and min(jaw) < 0.05, jaw  # the mouth talks and closes


def test_tracker_recovers_the_jaw_pattern(cam: FakeCam, tracked: list[FaceParams | None]) -> None:
    assert all(p is not None for p in tracked), "the face was lost in the operator clip"
    jaw = np.array([p.jaw_open for p in tracked])  # type: ignore[union-attr]
    c0 = _corr(jaw, cam.jaw)
    assert c0 >= 0.8, c0
    # the smoothing adds no lag: the best match is at no shift, not a frame later
    assert c0 >= _corr(jaw[1:], cam.jaw[:-1]), "the tracked mouth trails the picture"
    closed = cam.jaw < 0.02
    assert jaw[closed].mean() < 0.12 and jaw[cam.jaw > 0.6].mean() > 0.35


def test_tracker_sees_the_blinks(cam: FakeCam, tracked: list[FaceParams | None]) -> None:
    left = np.array([p.blink_left for p in tracked])  # type: ignore[union-attr]
    right = np.array([p.blink_right for p in tracked])  # type: ignore[union-attr]
    shut = cam.blink >= 0.99
    far = np.convolve(cam.blink > 0, np.ones(7), "same") == 0  # no blink within 3 frames
    assert shut.sum() >= 2 and far.sum() > 50
    for lid in (left, right):
        assert lid[shut].min() > 0.5, lid[shut]
        assert np.percentile(lid[far], 95) < 0.25


def test_tracker_follows_the_head_turn(cam: FakeCam, frames: list[np.ndarray], tracked: list[FaceParams | None]) -> None:
    """Positive yaw turns the face towards the picture's right, in the clip and in what is tracked."""
    yaw = np.array([p.head_yaw for p in tracked])  # type: ignore[union-attr]
    assert _corr(yaw, cam.yaw) > 0.8
    assert yaw[cam.yaw > 4].mean() > 1.0 and yaw[cam.yaw < -4].mean() < -1.0
    assert np.abs(yaw).max() <= 8.0
    with FaceTracker(mirror=True) as mirrored:  # a camera that sends a mirror image: the turn flips back
        turned = sorted(np.argsort(-cam.yaw)[:6])  # the frames turned furthest to the picture's right
        flipped = [mirrored.track(frames[i], k / FPS) for k, i in enumerate(turned)]
    assert all(p is not None and p.head_yaw < -0.5 for p in flipped), flipped
    pitch = np.array([p.head_pitch for p in tracked])  # type: ignore[union-attr]
    assert abs(_corr(pitch, cam.jaw)) < 0.3, "talking nods the head (the jaw's tilt of the mesh is not taken out)"


def test_tracker_reads_gaze_pitch_roll_and_lips(operator: Renderer) -> None:
    """Each other channel moves the way it was rendered (after a second at rest, the operator's neutral)."""
    poses = {"gaze+": FaceParams(gaze_x=1.0), "gaze-": FaceParams(gaze_x=-1.0), "down": FaceParams(head_pitch=7.0),
             "up": FaceParams(head_pitch=-7.0), "cw": FaceParams(head_roll=7.0), "ccw": FaceParams(head_roll=-7.0),
             "spread": FaceParams(lip_spread=1.0), "pucker": FaceParams(pucker=1.0),
             "press": FaceParams(lips_pressed=1.0)}  # fmt: skip
    rest = operator.render(FaceParams())
    seen: dict[str, FaceParams] = {}
    with FaceTracker() as tracker:
        clip = [("rest", rest)] * 26
        for name, pose in poses.items():
            clip += [(name, operator.render(pose))] * 4 + [("rest", rest)] * 3
        for i, (name, frame) in enumerate(clip):
            p = tracker.track(frame, i / FPS)
            assert p is not None
            seen[name] = p  # the last frame of each pose, and of the rest before the first pose
            if i == 25:
                seen["neutral"] = p
    n = seen["neutral"]
    assert abs(n.gaze_x) < 0.1 and abs(n.head_pitch) < 0.5 and n.lip_spread < 0.1 and n.pucker < 0.05, n
    assert seen["gaze+"].gaze_x > 0.15 and seen["gaze-"].gaze_x < -0.15
    assert seen["down"].head_pitch > 1.5 and seen["up"].head_pitch < -1.0
    assert seen["cw"].head_roll > n.head_roll + 1.5 and seen["ccw"].head_roll < n.head_roll - 1.5
    assert seen["spread"].lip_spread > 0.5 and seen["spread"].pucker < 0.05
    assert seen["pucker"].pucker > 0.3 and seen["pucker"].lip_spread < 0.1 and seen["pucker"].lips_pressed < 0.01
    assert seen["press"].lips_pressed > 0.3 and seen["press"].pucker < 0.05 and n.lips_pressed < 0.05


def test_another_face_and_no_face(tmp_path: Path) -> None:
    """A different operator (glasses, cap) calibrates to their own eyes and mouth; no face gives None."""
    renderer = Renderer(build_rig(save(hopper(), tmp_path / "hopper.png"), size=(640, 480)))
    with FaceTracker() as tracker:
        seq = [FaceParams()] * 8 + [FaceParams(jaw_open=0.9)] * 3 + [FaceParams()] * 3 + \
              [FaceParams(blink_left=1.0, blink_right=1.0)] * 2 + [FaceParams()] * 4 + \
              [FaceParams(blink_right=1.0)] * 2 + [FaceParams()] * 2  # fmt: skip
        out = [tracker.track(renderer.render(p), i / FPS) for i, p in enumerate(seq)]
        assert all(p is not None for p in out)
        jaw = [p.jaw_open for p in out]  # type: ignore[union-attr]
        assert max(jaw[:8]) < 0.1 and min(jaw[9:11]) > 0.4, jaw
        for lid in ([p.blink_left for p in out], [p.blink_right for p in out]):  # type: ignore[union-attr]
            assert max(lid[14:16]) > 0.5 and max(lid[:14]) < 0.2, lid
        wink_right, wink_left = [p.blink_right for p in out[20:22]], [p.blink_left for p in out[20:22]]  # type: ignore[union-attr]
        assert max(wink_right) > 0.5 and max(wink_left) < 0.2, (wink_right, wink_left)  # a wink stays a wink
        blank = np.full((480, 640, 3), 128, np.uint8)
        assert tracker.track(blank, 1.0) is None
        from skimage import data

        assert tracker.track(np.ascontiguousarray(data.rocket()), 1.04) is None


@pytest.mark.parametrize("photo", ["astronaut", "hopper"])
def test_real_photos_turned_and_tilted(photo: str) -> None:
    """Real pixels, not the rig's warp: a photo tilted in the picture, and its face turned in 3-D (portraits.turned)."""
    img = astronaut() if photo == "astronaut" else hopper()
    h, w = img.shape[:2]

    def head(frame: np.ndarray) -> tuple[float, float]:
        with FaceTracker() as tracker:
            for i in range(4):
                p = tracker.track(frame, i / FPS)
            assert p is not None and tracker.last is not None
            return p.head_roll, tracker.last.measure.yaw_deg

    def tilt(deg: float) -> np.ndarray:  # clockwise on the screen for deg > 0
        return cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), -deg, 1.0), (w, h),
                              borderMode=cv2.BORDER_REPLICATE)  # fmt: skip

    roll0, yaw0 = head(img)
    assert abs(yaw0) < 5
    for deg in (-12.0, 12.0):  # the rig gets half the operator's tilt
        assert head(tilt(deg))[0] - roll0 == pytest.approx(deg / 2, abs=2.0)
    if photo == "hopper":  # turning a face in 3-D takes a few seconds: one photo is enough
        left, right = head(turned(img, 25.0))[1], head(turned(img, -25.0))[1]  # +25: to the picture's left
        assert -32 < left < -12 and 12 < right < 32, (left, right)


def test_mic_driver_follows_the_loudness() -> None:
    pcm = voice(SECONDS, AUDIO_RATE)
    mic = MicDriver(sample_rate=RATE, fps=FPS)
    levels = mic.levels(pcm, AUDIO_RATE)
    expect = jaw_pattern((np.arange(len(levels)) + 0.5) / FPS)
    assert len(levels) == SECONDS * FPS
    assert _corr(levels, expect) > 0.8
    assert levels[expect == 0].mean() < 0.1
    quiet = MicDriver(sample_rate=RATE, fps=FPS).levels((np.random.default_rng(1).normal(0, 30, 48000)).astype(np.int16), 48000)
    assert quiet.max() < 0.05, "room noise alone moved the mouth"


def test_stream_resampler_joins_chunks_without_clicks() -> None:
    t = np.arange(48000) / 48000
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    rs = StreamResampler(RATE)
    out = np.concatenate([rs(tone[i : i + 480], 48000) for i in range(0, len(tone), 480)])
    whole = resample(tone, 48000, RATE)
    assert abs(len(out) - RATE) < 300
    n = min(len(out), len(whole)) - 400
    lag = int(np.argmax([np.dot(out[200 : 200 + n].astype(float), whole[200 + k : 200 + k + n]) for k in range(0, 100)]))
    err = out[200 : 200 + n].astype(float) - whole[200 + lag : 200 + lag + n]
    assert np.abs(err).max() < 400, "chunk joins distort the voice"


class AudioRecorder(VideoSink):
    """Keeps the programme's audio, whole."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        pass

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        self.parts.append(pcm.copy())

    def close(self) -> None:
        pass


def test_takeover_drives_a_real_programme(frames: list[np.ndarray], cam: FakeCam) -> None:
    """Operator frames and voice go through Takeover into Program: its frames' mouth follows the operator,
    its audio is the operator's voice, the queued line is held, and without a face the voice moves the mouth."""
    host = Renderer(build_rig(assets.default_portrait(), size=(360, 640)))
    sink, rec = ApertureSink(), AudioRecorder()
    program = Program(render=host.render, animator=Animator(fps=FPS), sinks=[sink, rec], fps=FPS,
                      sample_rate=RATE, realtime=False)  # fmt: skip
    for s in program.sinks:
        s.open(360, 640, FPS, RATE)  # type: ignore[attr-defined]
    line = Speech(pcm=(3000 * np.sin(np.arange(RATE) / 8)).astype(np.int16), sample_rate=RATE, text="held")
    program.enqueue(line)
    program.run_for(0.2)  # the line starts ...
    held = program.queued_s
    takeover = Takeover.for_program(program, threaded=False)
    takeover.attach(program)  # ... and is held while the operator drives
    assert program.takeover is takeover and takeover.rate == RATE
    mic = voice(SECONDS, AUDIO_RATE)
    step = AUDIO_RATE // FPS
    start = program.frame_index
    for i, f in enumerate(frames):
        takeover.push_video(f, i / FPS)
        takeover.push_audio(mic[i * step : (i + 1) * step].tobytes(), AUDIO_RATE, i / FPS)
        program.run_for(1 / FPS)
    assert program.queued_s == pytest.approx(held)
    assert takeover.stats.video_tracked == len(frames) and takeover.stats.first_frame_s is not None
    out = np.concatenate(rec.parts[start:])
    sent = resample(mic, AUDIO_RATE, RATE)
    k = int(np.argmax([np.dot(out[d : d + RATE].astype(float), sent[: RATE]) for d in range(0, 4000, 20)])) * 20
    assert 0.03 * RATE <= k <= 0.12 * RATE, f"voice delayed {k / RATE * 1000:.0f} ms"  # the jitter buffer
    assert _corr(out[k : k + 2 * RATE].astype(float), sent[: 2 * RATE].astype(float)) > 0.95
    assert takeover.stats.underruns == 0
    # the face is shown with the voice of its moment: both come out delayed by the buffer, together
    ap = sink.series(start / FPS, program.frame_index / FPS)
    lag = round(k / RATE * FPS)
    by_lag = {d: _corr(ap[d:], cam.jaw[: len(ap) - d]) for d in range(4)}
    assert by_lag[lag] >= 0.8 and by_lag[lag] == max(by_lag.values()), (lag, by_lag)
    # the camera loses the face: the operator's voice moves the mouth
    blank = np.full((480, 640, 3), 90, np.uint8)
    start2 = program.frame_index
    for i in range(len(frames)):
        takeover.push_video(blank, SECONDS + i / FPS)
        takeover.push_audio(mic[i * step : (i + 1) * step], AUDIO_RATE)
        program.run_for(1 / FPS)
    ap2 = sink.series(start2 / FPS, program.frame_index / FPS)
    assert takeover.stats.video_no_face == len(frames)
    # the mouth moves with the sound the programme plays in the same frame: in sync, whatever the buffer's delay
    heard = np.array([np.sqrt(np.mean(part.astype(float) ** 2)) for part in rec.parts[start2:]])
    sync = {d: _corr(ap2[max(d, 0) : len(ap2) + min(d, 0)], heard[max(-d, 0) : len(heard) - max(d, 0)]) for d in (-2, -1, 0, 1, 2)}
    assert sync[0] > 0.75 and sync[0] == max(sync.values()), sync
    takeover.close()  # hands back
    assert program.takeover is None
    program.run_for(1.2)
    assert program.queued_s == 0 and not program.speaking, "the held line did not resume and finish"


def test_live_programme_with_a_console_thread(frames: list[np.ndarray]) -> None:
    """All three threads as on air: the console pushing JPEG at 30 fps and 20 ms of mic, the tracker, and a
    real-time programme; the operator is on air within 500 ms of the click and their voice comes out."""
    host = Renderer(build_rig(assets.default_portrait(), size=(360, 640)))
    rec = AudioRecorder()
    program = Program(render=host.render, animator=Animator(fps=FPS), sinks=[rec], fps=FPS, sample_rate=RATE)
    jpegs = [cv2.imencode(".jpg", cv2.cvtColor(f, cv2.COLOR_RGB2BGR))[1].tobytes() for f in frames[:30]]
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
    assert stats.first_face_s is not None and stats.first_face_s <= 0.5, stats
    assert on_air == "face" and stats.video_tracked >= 20 and stats.video_bad == 0, stats
    assert np.abs(np.concatenate(driven)).max() > 3000, "the operator's voice did not come out"


def test_face_shown_is_the_one_seen_when_the_voice_was_said(frames: list[np.ndarray], cam: FakeCam) -> None:
    """With capture times on one clock, each slice of voice comes with the camera frame of its moment:
    the voice waits in the jitter buffer, so the newest face would run ahead of it."""
    mic = voice(SECONDS, AUDIO_RATE)
    step = AUDIO_RATE // FPS
    for shift, expect_aligned in ((0.0, True), (1000.0, False)):  # the second: the two clocks disagree
        with Takeover(sample_rate=RATE, fps=FPS, threaded=False) as tk:
            jaw, offsets = [], []
            for i in range(40):
                tk.push_video(frames[i], i / FPS)
                tk.push_audio(mic[i * step : (i + 1) * step], AUDIO_RATE, i / FPS + shift)
                tk.audio(RATE // FPS)
                jaw.append(tk.params(i / FPS).jaw_open)
                offsets.append(tk.stats.av_offset_ms)
        jaw_a = np.array(jaw[5:])
        now, late = _corr(jaw_a, cam.jaw[5:40]), _corr(jaw_a, cam.jaw[4:39])  # the frame just in, or the one before
        if expect_aligned:
            assert all(o is not None and 0.0 <= o <= 1000.0 / FPS for o in offsets[5:]), offsets  # within a frame
            assert late > now, (late, now)  # the face follows the voice's moment, one frame behind the camera
        else:
            assert all(o is None for o in offsets) and now > late  # times ignored: the newest face


def test_threaded_takeover_takes_jpeg_and_never_blocks(frames: list[np.ndarray]) -> None:
    """The console's path: JPEG bytes in from another thread; params/audio answer at once; first frame ≤ 500 ms."""
    with Takeover(sample_rate=RATE, fps=FPS) as tk:
        t0 = time.monotonic()
        assert tk.params(0.0) == tk.params(0.0) and tk.stats.source == "idle"
        assert not tk.audio(882).any(), "silence before any voice"
        jpegs = [cv2.imencode(".jpg", cv2.cvtColor(f, cv2.COLOR_RGB2BGR))[1].tobytes() for f in frames[:20]]
        for i, j in enumerate(jpegs):
            tk.push_video(j, i / FPS)
            time.sleep(0.01)
        deadline = time.monotonic() + 5
        while tk.stats.source != "face" and time.monotonic() < deadline:
            tk.params(time.monotonic() - t0)
            time.sleep(0.005)
        assert tk.stats.source == "face" and tk.face_visible
        assert tk.stats.first_face_s is not None and tk.stats.first_face_s <= 0.5, tk.stats
        # a browser's microphone: float32 at 48 kHz in 10 ms chunks (stereo is refused, not mixed up)
        tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(4800) / 48000)).astype(np.float32)
        for i in range(0, len(tone), 480):
            tk.push_audio(tone[i : i + 480], 48000)
        assert 0.07 <= tk.buffered_s <= 0.1, tk.buffered_s
        played = np.concatenate([tk.audio(882) for _ in range(2)])
        assert np.abs(played).max() > 0.25 * 32767 and tk.voice_level > 0.5
        with pytest.raises(ValueError, match="mono"):
            tk.push_audio(np.zeros((480, 2), np.float32), 48000)
        for _ in range(50):  # half a second with nobody reading: the buffer stays bounded ...
            tk.push_audio(tone[:480], 48000)
        assert tk.buffered_s <= 0.21 and tk.stats.audio_dropped_s > 0.25
        tk.begin()  # ... and going on air keeps only the prefill, so no backlog delays the voice
        assert tk.buffered_s <= 0.061 and tk.stats.first_face_s is None
        t1 = time.perf_counter()
        for _ in range(50):
            tk.params(1.0)
            tk.audio(882)
        assert (time.perf_counter() - t1) / 50 < 0.002
        tk.push_video(b"not a picture", 2.0)
        time.sleep(0.1)
        assert tk.stats.video_bad == 1
        assert tk.stats.video_in == 21 and tk.stats.video_tracked + tk.stats.video_dropped + 1 <= 21


def test_fakecam_command_line(tmp_path: Path) -> None:
    """`python -m avatar.drive.fakecam DIR` writes the three files, at the size and length asked for."""
    out = subprocess.run([sys.executable, "-m", "avatar.drive.fakecam", str(tmp_path), "--seconds", "0.4",
                          "--size", "320x240", "--still"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "10 frames, 320x240" in out.stdout
    pattern = json.loads((tmp_path / "operator.json").read_text())
    assert pattern["frames"] == 10 and set(pattern["head_yaw"]) == {0.0}
    assert len(_read_y4m(tmp_path / "operator.y4m")) == 10
