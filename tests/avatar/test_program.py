"""The programme clock with the real rig, renderer, animator and Piper voice: pts, pacing, dropped frames."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.player import Player
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import Mp4Sink, VideoSink
from avatar.types import FaceParams, VideoFrame
from voice.types import Speech

FPS = 25
SIZE = (360, 640)  # half the default canvas: the same code path, quicker tests


class Recorder(VideoSink):
    """A sink that keeps what it was given, and when (wall clock)."""

    def __init__(self) -> None:
        self.opened: tuple[int, int, float, int] | None = None
        self.audio: list[tuple[float, int, float]] = []  # (pts_s, samples, wall)
        self.frames: list[tuple[float, int, float]] = []  # (pts_s, index, wall)
        self.closed = False

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        self.opened = (width, height, fps, sample_rate)

    def write_video(self, frame: VideoFrame) -> None:
        self.frames.append((frame.pts_s, frame.index, time.monotonic()))

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        self.audio.append((pts_s, len(pcm), time.monotonic()))

    def close(self) -> None:
        self.closed = True


class SlowRenderer:
    """The real renderer, made slower than the frame interval by sleeping inside render (a real fault)."""

    def __init__(self, renderer: Renderer, delay_s: float) -> None:
        self.renderer, self.delay_s = renderer, delay_s

    def render(self, params: FaceParams) -> np.ndarray:
        time.sleep(self.delay_s)
        return self.renderer.render(params)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(build_rig(assets.path("portraits/default.png"), size=SIZE))


@pytest.fixture(scope="module")
def speech() -> Speech:
    from voice.tts.piper import PiperTTS

    return PiperTTS().synthesize("Bob bought my mom a big blue lamp.", "en")


def assert_audio_continuous(rec: Recorder, rate: int) -> None:
    """Each audio chunk starts exactly where the one before ended: the sound was never shifted."""
    assert rec.audio[0][0] == 0.0
    for (pts, n, _), (nxt, _, _) in zip(rec.audio, rec.audio[1:], strict=False):
        assert nxt >= pts + n / rate - 0.5 / rate
        assert nxt - (pts + n / rate) < 1.0 / FPS  # a segment starts on the next frame boundary


def test_files_get_every_frame_with_consistent_pts(renderer: Renderer, speech: Speech, tmp_path: Path) -> None:
    rec = Recorder()
    mp4 = Mp4Sink(tmp_path / "p.mp4")
    with Player(renderer, Animator(fps=FPS, seed=0), [rec, mp4], fps=FPS, realtime=False,
                sample_rate=speech.sample_rate) as player:
        assert player.idle(0.4) == 0.0
        start = player.play(speech)
        player.idle(0.2)
    n_speech = math.ceil(speech.duration_s * FPS - 1e-9)
    assert start == pytest.approx(0.4)
    assert rec.opened == (*SIZE, FPS, speech.sample_rate) and rec.closed
    assert player.stats.frames_sent == len(rec.frames) == 10 + n_speech + 5
    assert player.stats.frames_dropped == 0 and player.stats.frames_rendered == len(rec.frames)
    assert [i for _, i, _ in rec.frames] == list(range(len(rec.frames)))
    assert all(pts == pytest.approx(i / FPS) for pts, i, _ in rec.frames)
    assert_audio_continuous(rec, speech.sample_rate)
    assert sum(n for _, n, _ in rec.audio) / speech.sample_rate == pytest.approx(player.stats.audio_s)
    assert mp4.duration_s == pytest.approx(len(rec.frames) / FPS, abs=1 / FPS)


def test_a_slow_renderer_drops_frames_never_the_audio(renderer: Renderer, speech: Speech) -> None:
    """60 ms per render against a 40 ms frame interval: frames are dropped and counted, audio is untouched."""
    rec = Recorder()
    player = Player(SlowRenderer(renderer, 0.06), Animator(fps=FPS, seed=0), [rec], fps=FPS, realtime=True,
                    sample_rate=speech.sample_rate)
    t = time.monotonic()
    with player:
        player.play(speech)
    wall = time.monotonic() - t
    slots = math.ceil(speech.duration_s * FPS - 1e-9)
    stats = player.stats
    assert stats.frames_dropped >= slots // 4, stats
    assert stats.frames_sent + stats.frames_dropped == slots
    assert stats.frames_sent == len(rec.frames)
    could = wall / (stats.render_s / stats.frames_rendered)  # frames the renderer had time for
    assert stats.frames_sent >= 0.5 * could, (stats, could)  # relative: frames go out as fast as they are made
    assert wall < 1.25 * speech.duration_s  # relative: waiting for every 60 ms frame would take 1.5x the sound
    # the audio went out whole, at pts 0, before any frame; every frame that went out was on time
    assert rec.audio == [(0.0, len(speech.pcm), rec.audio[0][2])]
    assert rec.audio[0][2] <= rec.frames[0][2]
    origin = rec.audio[0][2]
    for pts, index, wall_at in rec.frames:
        assert index == round(pts * FPS)
        late = wall_at - origin - pts - 1.0 / FPS
        assert late <= 0.2, (pts, late)  # generous: 10x 20 ms; sent late, each 60 ms frame would add 20 ms more
    assert [i for _, i, _ in rec.frames] == sorted({i for _, i, _ in rec.frames})


def test_realtime_paces_frames_on_the_audio_clock(renderer: Renderer, speech: Speech) -> None:
    rec = Recorder()
    with Player(renderer, Animator(fps=FPS, seed=0), [rec], fps=FPS, realtime=True,
                sample_rate=speech.sample_rate) as player:
        player.play(speech)
        time.sleep(0.5)  # nobody plays: the programme clock runs on
        second = player.play(speech)
    slots = math.ceil(speech.duration_s * FPS - 1e-9)
    assert player.stats.frames_sent + player.stats.frames_dropped == 2 * slots
    assert player.stats.frames_dropped <= 0.5 * 2 * slots, player.stats  # generous: 10x 5% on a quiet machine
    origin = rec.audio[0][2]
    early = [pts - (wall - origin) for pts, _, wall in rec.frames]
    assert max(early) < 0.005  # never shown before its time
    assert second >= slots / FPS + 0.45  # the second line starts when it is played, not back to back
    assert rec.audio[1][0] == pytest.approx(second)
    sent_at = rec.audio[1][2] - origin
    assert sent_at >= second - 0.05, "the second line went out before its time"
    assert sent_at < second + 0.5  # generous: 10x the 50 ms it may be late
    assert second * FPS == pytest.approx(round(second * FPS))


def test_a_frame_without_its_label_does_not_go_out(renderer: Renderer, speech: Speech) -> None:
    rec = Recorder()

    def broken_label(frame: np.ndarray) -> None:
        raise RuntimeError("font missing")

    with Player(renderer, Animator(fps=FPS, seed=0), [rec], fps=FPS, overlay=broken_label) as player:
        player.idle(0.4)
    assert player.stats.frames_blocked == 10 and not rec.frames and player.stats.frames_sent == 0
    assert rec.audio  # the sound is not the label's business


def test_speech_without_a_timeline_moves_the_mouth_by_loudness(renderer: Renderer, speech: Speech) -> None:
    bare = Speech(pcm=speech.pcm, sample_rate=speech.sample_rate, text=speech.text)
    images: list[np.ndarray] = []

    class Keep(Recorder):
        def write_video(self, frame: VideoFrame) -> None:
            images.append(frame.image.copy())

    with Player(renderer, Animator(fps=FPS, seed=0), [Keep()], fps=FPS) as player:
        player.play(bare)
    assert len(images) == math.ceil(speech.duration_s * FPS - 1e-9)
    moving = [float(np.abs(a.astype(int) - b.astype(int)).mean()) for a, b in zip(images, images[1:], strict=False)]
    assert max(moving) > 0.5  # the face moves while it speaks


WINDOW_AND_DEVICE = r"""
import json, time
import numpy as np
import assets
from avatar.animate import Animator
from avatar.player import Player
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import AudioDeviceSink, WindowSink
from voice.tts.piper import PiperTTS

speech = PiperTTS().synthesize("Maybe my mom bought both.", "en")
heard = []
audio = AudioDeviceSink(monitor=lambda block: heard.append((time.monotonic(), len(block))))
window = WindowSink()
shown = []
orig = window.write_video
def watch(frame):
    orig(frame)
    shown.append((frame.pts_s, time.monotonic(), float(window.shown().mean())))
window.write_video = watch
player = Player(Renderer(build_rig(assets.path("portraits/default.png"), size=(360, 640))),
                Animator(fps=25, seed=0), [window, audio], fps=25, realtime=True, sample_rate=speech.sample_rate)
with player:
    player.play(speech)
print(json.dumps({"delay": player.video_delay_s, "latency": audio.latency_s, "played": audio.samples_played,
                  "samples": len(speech.pcm), "shown": len(shown), "dropped": player.stats.frames_dropped,
                  "size": window.size, "first_audio": heard[0][0], "first_frame": shown[0][1],
                  "lit": min(s[2] for s in shown)}))
"""


def test_window_and_audio_device_play_together(tmp_path: Path) -> None:
    """The program window (SDL dummy) and the sound card (ALSA null PCM) on one clock, in a fresh process."""
    (tmp_path / ".config" / "alsa").mkdir(parents=True)
    (tmp_path / ".config" / "alsa" / "asoundrc").write_text("pcm.!default {\n    type null\n}\n")
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"), SDL_VIDEODRIVER="dummy")
    env.pop("ALSA_CONFIG_PATH", None)
    done = subprocess.run([sys.executable, "-c", WINDOW_AND_DEVICE], capture_output=True, text=True, env=env,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["played"] == got["samples"]  # every sample reached the device
    assert got["delay"] == pytest.approx(got["latency"]) and got["latency"] > 0  # frames wait for the sound
    assert got["shown"] + got["dropped"] == math.ceil(got["samples"] / 22050 * 25 - 1e-9)
    assert got["first_audio"] <= got["first_frame"]
    assert got["size"] == [360, 640] and got["lit"] > 10  # real pictures in the window
