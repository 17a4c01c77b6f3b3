"""The operator's camera and microphone, read: FaceTracker (real MediaPipe) on the fake operator clip and on
real photos, the live loudness of MicDriver, and the fake camera/microphone files as Chromium takes them.

The "operator" is the project's own renderer on the default portrait, recorded to a Y4M clip with a known
jaw pattern, blinks and head turns (avatar.drive.fakecam; fixtures in conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest

from avatar.drive import FaceTracker, MicDriver, StreamResampler
from avatar.drive.fakecam import AUDIO_RATE, FakeCam, jaw_pattern, voice
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.types import FaceParams
from tests.avatar.chromium_capture import capture
from tests.avatar.drive_media import FPS, RATE, SECONDS, corr, read_y4m
from tests.avatar.portraits import astronaut, hopper, save, turned
from voice.resample import resample


@pytest.fixture(scope="module")
def tracked(operator_frames: list[np.ndarray]) -> list[FaceParams | None]:
    with FaceTracker() as tracker:
        return [tracker.track(f, i / FPS) for i, f in enumerate(operator_frames)]


def test_fakecam_files_are_what_chromium_reads(operator_clip: FakeCam, operator_frames: list[np.ndarray]) -> None:
    """Y4M 4:2:0 with the frame count and size promised; the WAV's loudness follows the same jaw pattern."""
    assert operator_clip.y4m.read_bytes()[:64].split(b"\n")[0] == b"YUV4MPEG2 W640 H480 F25:1 Ip A1:1 C420jpeg"
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(operator_clip.y4m)],
        check=True, capture_output=True, text=True).stdout)["streams"][0]  # fmt: skip
    assert (probe["width"], probe["height"], probe["pix_fmt"]) == (640, 480, "yuv420p")
    assert int(probe["nb_read_frames"]) == operator_clip.frames == SECONDS * FPS == len(operator_frames)
    assert operator_frames[0].shape == (480, 640, 3)
    with wave.open(str(operator_clip.wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, AUDIO_RATE)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert len(pcm) == SECONDS * AUDIO_RATE
    rms = np.sqrt((pcm.astype(np.float64).reshape(operator_clip.frames, -1) ** 2).mean(axis=1))
    assert corr(rms, jaw_pattern((np.arange(operator_clip.frames) + 0.5) / FPS)) > 0.95  # each frame's middle
    assert json.loads(operator_clip.pattern.read_text())["jaw_open"][:10] == np.round(operator_clip.jaw[:10], 4).tolist()


def test_chromium_takes_the_files_as_camera_and_microphone(operator_clip: FakeCam) -> None:
    """Headless Chromium opens the clip as its webcam and the WAV as its microphone; the tracker reads the face."""
    got = capture(operator_clip.y4m, operator_clip.wav, frames=30)
    assert (got.width, got.height) == (640, 480) and str(operator_clip.y4m) in got.labels
    assert got.levels.max() > 0.1 and got.levels.min() < 0.05, got.levels  # the voice, with its pauses
    with FaceTracker() as tracker:
        jaw = []
        for i, jpeg in enumerate(got.jpegs):
            p = tracker.track(cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR),
                                           cv2.COLOR_BGR2RGB), i * 0.04)  # fmt: skip
            assert p is not None, f"no face in the camera frame {i}"
            jaw.append(p.jaw_open)
    assert max(jaw) > 0.3 and min(jaw) < 0.05, jaw  # the mouth talks and closes


def test_tracker_recovers_the_jaw_pattern(operator_clip: FakeCam, tracked: list[FaceParams | None]) -> None:
    assert all(p is not None for p in tracked), "the face was lost in the operator clip"
    jaw = np.array([p.jaw_open for p in tracked])  # type: ignore[union-attr]
    c0 = corr(jaw, operator_clip.jaw)
    assert c0 >= 0.8, c0
    # the smoothing adds no lag: the best match is at no shift, not a frame later
    assert c0 >= corr(jaw[1:], operator_clip.jaw[:-1]), "the tracked mouth trails the picture"
    closed = operator_clip.jaw < 0.02
    assert jaw[closed].mean() < 0.12 and jaw[operator_clip.jaw > 0.6].mean() > 0.35


def test_tracker_sees_the_blinks(operator_clip: FakeCam, tracked: list[FaceParams | None]) -> None:
    left = np.array([p.blink_left for p in tracked])  # type: ignore[union-attr]
    right = np.array([p.blink_right for p in tracked])  # type: ignore[union-attr]
    shut = operator_clip.blink >= 0.99
    far = np.convolve(operator_clip.blink > 0, np.ones(7), "same") == 0  # no blink within 3 frames
    assert shut.sum() >= 2 and far.sum() > 50
    for lid in (left, right):
        assert lid[shut].min() > 0.5, lid[shut]
        assert np.percentile(lid[far], 95) < 0.25


def test_tracker_follows_the_head_turn(operator_clip: FakeCam, operator_frames: list[np.ndarray], tracked: list[FaceParams | None]) -> None:
    """Positive yaw turns the face towards the picture's right, in the clip and in what is tracked."""
    yaw = np.array([p.head_yaw for p in tracked])  # type: ignore[union-attr]
    assert corr(yaw, operator_clip.yaw) > 0.8
    by_lag = [corr(yaw[d:], operator_clip.yaw[: len(yaw) - d]) for d in range(5)]
    assert int(np.argmax(by_lag)) <= 1, by_lag  # the smoothing keeps the head within a frame of the camera
    assert yaw[operator_clip.yaw > 4].mean() > 1.0 and yaw[operator_clip.yaw < -4].mean() < -1.0
    assert np.abs(yaw).max() <= 8.0
    with FaceTracker(mirror=True) as mirrored:  # a camera that sends a mirror image: the turn flips back
        turned = sorted(np.argsort(-operator_clip.yaw)[:6])  # the frames turned furthest to the picture's right
        flipped = [mirrored.track(operator_frames[i], k / FPS) for k, i in enumerate(turned)]
    assert all(p is not None and p.head_yaw < -0.5 for p in flipped), flipped
    pitch = np.array([p.head_pitch for p in tracked])  # type: ignore[union-attr]
    assert abs(corr(pitch, operator_clip.jaw)) < 0.3, "talking nods the head (the jaw's tilt of the mesh is not taken out)"


def test_tracker_reads_gaze_pitch_roll_and_lips(operator_renderer: Renderer) -> None:
    """Each other channel moves the way it was rendered (after a second at rest, the operator's neutral)."""
    poses = {"gaze+": FaceParams(gaze_x=1.0), "gaze-": FaceParams(gaze_x=-1.0), "down": FaceParams(head_pitch=7.0),
             "up": FaceParams(head_pitch=-7.0), "cw": FaceParams(head_roll=7.0), "ccw": FaceParams(head_roll=-7.0),
             "spread": FaceParams(lip_spread=1.0), "pucker": FaceParams(pucker=1.0),
             "press": FaceParams(lips_pressed=1.0)}  # fmt: skip
    rest = operator_renderer.render(FaceParams())
    seen: dict[str, FaceParams] = {}
    with FaceTracker() as tracker:
        clip = [("rest", rest)] * 26
        for name, pose in poses.items():
            clip += [(name, operator_renderer.render(pose))] * 4 + [("rest", rest)] * 3
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
    assert corr(levels, expect) > 0.8
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


def test_fakecam_command_line(tmp_path: Path) -> None:
    """`python -m avatar.drive.fakecam DIR` writes the three files, at the size and length asked for."""
    out = subprocess.run([sys.executable, "-m", "avatar.drive.fakecam", str(tmp_path), "--seconds", "0.4",
                          "--size", "320x240", "--still"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "10 frames, 320x240" in out.stdout
    pattern = json.loads((tmp_path / "operator.json").read_text())
    assert pattern["frames"] == 10 and set(pattern["head_yaw"]) == {0.0}
    assert len(read_y4m(tmp_path / "operator.y4m")) == 10
