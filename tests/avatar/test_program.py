"""The programme clock (avatar.program) with the real rig, renderer, animator and Piper voice: pts, pacing,
dropped frames, and frames held back for a sound card's latency."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import assets
from avatar.animate import Animator
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import Mp4Sink, VideoSink
from avatar.types import FaceParams, VideoFrame
from voice.types import Speech

FPS = 25
SIZE = (360, 640)  # half the default canvas: the same code path, quicker tests


class Recorder(VideoSink):
    """A sink that keeps what it was given, and when (wall clock)."""

    def __init__(self, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s  # an audio output's latency (a sound card); 0: none
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


def program(render: Callable[[FaceParams], np.ndarray], sinks: list[VideoSink], rate: int, *, realtime: bool,
            **options: object) -> Program:
    return Program(render=render, animator=Animator(fps=FPS, seed=0), sinks=list(sinks), fps=FPS,
                   sample_rate=rate, realtime=realtime, **options)  # type: ignore[arg-type]


class Line:
    """A queued utterance's events: where it started (programme time), and when it was done (wall clock)."""

    def __init__(self) -> None:
        self.start_s: float | None = None
        self.done = threading.Event()
        self.done_at = 0.0

    def __call__(self, kind: str, pts: float) -> None:
        if kind == "first_audio":
            self.start_s = pts
        elif kind == "done":
            self.done_at = time.monotonic()
            self.done.set()


def play_offline(prog: Program, speech: Speech) -> float:
    """Play one utterance to its end on an offline programme; returns its start (programme time)."""
    line = Line()
    prog.enqueue(speech, on_event=line)
    while prog.speaking:
        prog.run_for(1.0 / FPS)
    assert line.start_s is not None
    return line.start_s


def played(rec: Recorder, start_s: float, speech: Speech, pcm: list[np.ndarray]) -> None:
    """The utterance's samples are in the programme audio unchanged, from `start_s` on."""
    out = np.concatenate(pcm)
    at = round(start_s * speech.sample_rate)
    assert np.array_equal(out[at: at + len(speech.pcm)], speech.pcm)


class Keeper(Recorder):
    """A recorder that also keeps the audio samples."""

    def __init__(self, latency_s: float = 0.0) -> None:
        super().__init__(latency_s)
        self.pcm: list[np.ndarray] = []

    def write_audio(self, pcm: np.ndarray, pts_s: float) -> None:
        super().write_audio(pcm, pts_s)
        self.pcm.append(np.asarray(pcm).copy())


def test_files_get_every_frame_with_consistent_pts(renderer: Renderer, speech: Speech, tmp_path: Path) -> None:
    rec = Keeper()
    mp4 = Mp4Sink(tmp_path / "p.mp4")
    prog = program(renderer.render, [rec, mp4], speech.sample_rate, realtime=False)
    prog.start()
    try:
        prog.run_for(0.4)
        start = play_offline(prog, speech)
        prog.run_for(0.2)
    finally:
        prog.stop()
    n_speech = math.ceil(speech.duration_s * FPS - 1e-9)
    assert start == pytest.approx(0.4)
    assert rec.opened == (*SIZE, FPS, speech.sample_rate) and rec.closed
    assert prog.stats.sent == len(rec.frames) == 10 + n_speech + 5
    assert prog.stats.dropped == 0 and prog.stats.rendered == len(rec.frames)
    assert [i for _, i, _ in rec.frames] == list(range(len(rec.frames)))
    assert all(pts == pytest.approx(i / FPS) for pts, i, _ in rec.frames)
    assert_audio_continuous(rec, speech.sample_rate)
    # the programme's audio is exactly as long as its pictures, and the speech is in it unchanged
    assert sum(n for _, n, _ in rec.audio) == round(len(rec.frames) / FPS * speech.sample_rate)
    assert prog.stats.speaking_s == pytest.approx(n_speech / FPS, abs=0.5 / speech.sample_rate)
    played(rec, start, speech, rec.pcm)
    assert mp4.duration_s == pytest.approx(len(rec.frames) / FPS, abs=1 / FPS)


def test_a_slow_renderer_drops_frames_never_the_audio(renderer: Renderer, speech: Speech) -> None:
    """60 ms per render against a 40 ms frame interval: frames are dropped and counted, audio is untouched."""
    rec = Keeper()
    prog = program(SlowRenderer(renderer, 0.06).render, [rec], speech.sample_rate, realtime=True)
    line = Line()
    prog.enqueue(speech, on_event=line)  # queued before the clock starts: it begins at pts 0
    prog.start()
    try:
        assert line.done.wait(10 * speech.duration_s)
    finally:
        prog.stop()
    assert prog.origin is not None
    wall = line.done_at - prog.origin
    slots = math.ceil(speech.duration_s * FPS - 1e-9)
    end_s = slots / FPS
    stats = prog.stats
    # every frame slot is sent or dropped, and counted; each slot had its audio
    assert stats.blocked == 0 and stats.sent + stats.dropped == stats.frames == len(rec.audio)
    assert stats.sent == len(rec.frames)
    sent = [f for f in rec.frames if f[0] < end_s - 1e-9]  # the utterance's slots
    assert slots - len(sent) >= slots // 4, stats  # relative: a 60 ms render sends at most 2 of 3 slots
    could = wall / (stats.render_s / stats.rendered)  # frames the renderer had time for
    assert len(sent) >= 0.5 * could, (stats, could)  # relative: frames go out as fast as they are made
    assert wall < 1.25 * speech.duration_s  # relative: waiting for every 60 ms frame would take 1.5x the sound
    # the audio went out whole and unshifted from pts 0, a slice on every slot whether its frame was sent
    # or dropped, each before the next slot's frame; every frame that went out was on time
    assert line.start_s == 0.0
    assert_audio_continuous(rec, speech.sample_rate)
    played(rec, 0.0, speech, rec.pcm)
    audio_at = {round(pts * FPS): wall_at for pts, _, wall_at in rec.audio}
    assert all(audio_at[index - 1] <= wall_at for _, index, wall_at in rec.frames if index > 0)
    origin = prog.origin
    for pts, _, wall_at in rec.audio:
        assert wall_at - origin - pts - 1.0 / FPS <= 0.2, pts  # generous: 10x 20 ms; never held for frames
    for pts, index, wall_at in rec.frames:
        assert index == round(pts * FPS)
        late = wall_at - origin - pts - 1.0 / FPS
        assert late <= 0.2, (pts, late)  # generous: 10x 20 ms; sent late, each 60 ms frame would add 20 ms more
    assert [i for _, i, _ in rec.frames] == sorted({i for _, i, _ in rec.frames})


def test_realtime_paces_frames_on_the_audio_clock(renderer: Renderer, speech: Speech) -> None:
    rec = Recorder()
    prog = program(renderer.render, [rec], speech.sample_rate, realtime=True)
    first, second_line = Line(), Line()
    prog.enqueue(speech, on_event=first)
    prog.start()
    try:
        assert first.done.wait(10 * speech.duration_s)
        time.sleep(0.5)  # nobody plays: the programme clock runs on
        prog.enqueue(speech, on_event=second_line)
        assert second_line.done.wait(10 * speech.duration_s)
    finally:
        prog.stop()
    stats = prog.stats
    assert stats.blocked == 0 and stats.sent + stats.dropped == stats.frames == len(rec.audio)
    assert stats.sent == len(rec.frames)
    assert stats.dropped <= 0.5 * stats.frames, stats  # generous: 10x 5% on a quiet machine
    assert prog.origin is not None
    origin = prog.origin
    early = [pts - (wall - origin) for pts, _, wall in rec.frames]
    assert max(early) < 0.005  # never shown before its time
    slots = math.ceil(speech.duration_s * FPS - 1e-9)
    second = second_line.start_s
    assert second is not None
    assert second >= slots / FPS + 0.45  # the second line starts when it is played, not back to back
    sent_at = next(wall for pts, _, wall in rec.audio if pts == pytest.approx(second)) - origin
    assert sent_at >= second - 0.05, "the second line went out before its time"
    assert sent_at < second + 0.5  # generous: 10x the 50 ms it may be late
    assert second * FPS == pytest.approx(round(second * FPS))


def test_frames_wait_for_a_sound_cards_latency(renderer: Renderer, speech: Speech) -> None:
    """With a sink that has an output latency, a realtime programme sends the audio first and each frame that
    much later; without the option, or offline, frames are not held."""
    card = Recorder(latency_s=0.12)
    prog = program(renderer.render, [card], speech.sample_rate, realtime=True, sync_to_sound_card=True)
    line = Line()
    prog.enqueue(speech, on_event=line)
    prog.start()
    try:
        assert line.done.wait(10 * speech.duration_s)
    finally:
        prog.stop()
    assert prog.video_delay_s == pytest.approx(0.12)
    assert prog.origin is not None
    origin = prog.origin
    audio_at = {round(pts * FPS): wall for pts, _, wall in card.audio}
    assert card.frames and prog.stats.sent == len(card.frames)
    for pts, index, wall in card.frames:
        assert wall - origin >= pts + 0.12 - 0.005, (pts, wall - origin)  # never before its sound is heard
        assert audio_at[index] <= wall  # its audio went first
    shown_late = [wall - origin - pts - 0.12 for pts, _, wall in card.frames]
    assert float(np.median(shown_late)) < 0.05  # generous: held by the latency, not by much more
    assert_audio_continuous(card, speech.sample_rate)
    for realtime, sync in ((True, False), (False, True)):
        other = program(renderer.render, [Recorder(latency_s=0.12)], speech.sample_rate, realtime=realtime,
                        sync_to_sound_card=sync)
        other.start()
        other.stop()
        assert other.video_delay_s == 0.0


def test_a_frame_without_its_label_does_not_go_out(renderer: Renderer, speech: Speech) -> None:
    rec = Recorder()

    def broken_label(frame: np.ndarray, pts: float) -> None:
        raise RuntimeError("font missing")

    prog = program(renderer.render, [rec], speech.sample_rate, realtime=False, overlay=broken_label)
    prog.start()
    try:
        prog.run_for(0.4)
    finally:
        prog.stop()
    assert prog.stats.blocked == 10 and not rec.frames and prog.stats.sent == 0
    assert rec.audio  # the sound is not the label's business


def test_speech_without_a_timeline_moves_the_mouth_by_loudness(renderer: Renderer, speech: Speech) -> None:
    bare = Speech(pcm=speech.pcm, sample_rate=speech.sample_rate, text=speech.text)
    images: list[np.ndarray] = []

    class Keep(Recorder):
        def write_video(self, frame: VideoFrame) -> None:
            images.append(frame.image.copy())

    prog = program(renderer.render, [Keep()], speech.sample_rate, realtime=False)
    prog.start()
    try:
        play_offline(prog, bare)
    finally:
        prog.stop()
    assert len(images) == math.ceil(speech.duration_s * FPS - 1e-9)
    moving = [float(np.abs(a.astype(int) - b.astype(int)).mean()) for a, b in zip(images, images[1:], strict=False)]
    assert max(moving) > 0.5  # the face moves while it speaks


WINDOW_AND_DEVICE = r"""
import json, threading, time
import numpy as np
import assets
from avatar.animate import Animator
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks import AudioDeviceSink, WindowSink
from voice.tts.piper import PiperTTS

speech = PiperTTS().synthesize("Maybe my mom bought both.", "en")
heard = []
audio = AudioDeviceSink(monitor=lambda block: heard.append((time.monotonic(), len(block))))
given = []
orig_audio = audio.write_audio
def give(pcm, pts):
    orig_audio(pcm, pts)
    given.append((pts, len(pcm)))
audio.write_audio = give
window = WindowSink()
shown = []
orig = window.write_video
def watch(frame):
    orig(frame)
    shown.append((frame.pts_s, time.monotonic(), float(window.shown().mean())))
window.write_video = watch
done = threading.Event()
program = Program(render=Renderer(build_rig(assets.path("portraits/default.png"), size=(360, 640))).render,
                  animator=Animator(fps=25, seed=0), sinks=[window, audio], fps=25, sample_rate=speech.sample_rate,
                  realtime=True, sync_to_sound_card=True)
program.enqueue(speech, on_event=lambda kind, pts: done.set() if kind == "done" else None)
program.start()
done.wait(60)
program.stop()
print(json.dumps({"delay": program.video_delay_s, "latency": audio.latency_s, "played": audio.samples_played,
                  "given": sum(n for _, n in given), "samples": len(speech.pcm), "shown": len(shown),
                  "dropped": program.stats.dropped, "slots": program.stats.frames, "size": window.size,
                  "first_audio": heard[0][0], "first_frame": shown[0][1], "lit": min(s[2] for s in shown)}))
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
    assert got["played"] == got["given"] >= got["samples"]  # every sample reached the device
    assert got["delay"] == pytest.approx(got["latency"]) and got["latency"] > 0  # frames wait for the sound
    assert got["shown"] + got["dropped"] == got["slots"] >= math.ceil(got["samples"] / 22050 * 25 - 1e-9)
    assert got["first_audio"] <= got["first_frame"]
    assert got["size"] == [360, 640] and got["lit"] > 10  # real pictures in the window
