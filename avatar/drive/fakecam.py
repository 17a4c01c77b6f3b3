"""Test media for takeover: a Y4M clip of a face talking and a WAV whose loudness follows the same mouth.

Chromium reads these as a fake camera and microphone (--use-file-for-fake-video-capture=FILE.y4m,
--use-file-for-fake-audio-capture=FILE.wav), so a browser test can drive the host like an operator.
The face is the project's own renderer on a portrait, with a known jaw pattern, blinks and head turns;
the pattern is written next to the clip (JSON, one value per frame).

    python -m avatar.drive.fakecam OUT_DIR [--seconds 6] [--portrait IMG] [--size 640x480] [--fps 25] [--still]
"""

from __future__ import annotations

import argparse
import json
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from avatar.types import FaceParams

if TYPE_CHECKING:
    from avatar.render import Renderer

SYLLABLE_HZ = 4.0  # syllables per second while "talking"
PHRASE_S, PAUSE_S = 1.6, 0.6  # talk, then a pause, repeated
BLINKS_S = (0.9, 3.1, 5.3)  # blink starts, repeated every BLINK_PERIOD_S
BLINK_PERIOD_S = 6.6
BLINK_FRAMES_S = (0.06, 0.08, 0.1)  # closing, closed, opening
YAW_PERIOD_S, YAW_DEG = 4.0, 6.0
AUDIO_RATE = 48000
F0_HZ = 130.0


def jaw_pattern(t: np.ndarray) -> np.ndarray:
    """The clip's jaw opening at times t (s): syllables of varied height in phrases, closed in the pauses."""
    t = np.asarray(t, np.float64)
    ph = np.mod(t, PHRASE_S + PAUSE_S)
    talking = ph < PHRASE_S
    syl = np.floor(t * SYLLABLE_HZ)
    height = 0.45 + 0.5 * (0.5 + 0.5 * np.sin(1.7 * syl + 0.3))  # 0.45 .. 0.95, changing per syllable
    shape = np.sin(np.pi * np.mod(t * SYLLABLE_HZ, 1.0)) ** 2
    return np.where(talking, height * shape, 0.0)


def blink_pattern(t: np.ndarray) -> np.ndarray:
    """Lid closure 0..1 at times t: quick blinks at BLINKS_S (repeating)."""
    t = np.mod(np.asarray(t, np.float64), BLINK_PERIOD_S)
    close, hold, open_ = BLINK_FRAMES_S
    out = np.zeros_like(t)
    for b in BLINKS_S:
        dt = t - b
        out = np.maximum(out, np.where((dt >= 0) & (dt < close), dt / close, 0.0))
        out = np.maximum(out, np.where((dt >= close) & (dt < close + hold), 1.0, 0.0))
        k = (dt - close - hold) / open_
        out = np.maximum(out, np.where((k >= 0) & (k < 1), 1.0 - k, 0.0))
    return out


def yaw_pattern(t: np.ndarray) -> np.ndarray:
    """Head yaw (degrees) at times t: a slow turn from side to side."""
    return YAW_DEG * np.sin(2 * np.pi * np.asarray(t, np.float64) / YAW_PERIOD_S)


def params_at(t: float, *, head: bool = True) -> FaceParams:
    """The clip's face at time t (head=False keeps the head still)."""
    ta = np.array([t])
    b = float(blink_pattern(ta)[0])
    return FaceParams(jaw_open=float(jaw_pattern(ta)[0]), blink_left=b, blink_right=b,
                      head_yaw=float(yaw_pattern(ta)[0]) if head else 0.0)  # fmt: skip


def voice(seconds: float, rate: int = AUDIO_RATE, seed: int = 0) -> np.ndarray:
    """A voiced buzz (harmonics of F0_HZ, a little vibrato) whose amplitude follows the jaw: int16 mono."""
    t = np.arange(int(round(seconds * rate))) / rate
    f0 = F0_HZ * (1.0 + 0.03 * np.sin(2 * np.pi * 5.0 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    buzz = sum(np.sin(k * phase) / k for k in range(1, 12))
    buzz /= np.abs(buzz).max()
    env = jaw_pattern(t)  # the sound's amplitude is the mouth's opening, moment by moment
    noise = np.random.default_rng(seed).normal(0.0, 10 ** (-60 / 20), len(t))  # a quiet room
    return np.clip((0.5 * env * buzz + noise) * 32767, -32768, 32767).astype(np.int16)


def write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    """Mono 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(pcm, "<i2").tobytes())


class Y4mWriter:
    """Writes RGB frames as YUV4MPEG2 4:2:0 (the C420jpeg layout Chromium's file capture reads)."""

    def __init__(self, path: Path, width: int, height: int, fps: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"4:2:0 needs an even frame size, got {width}x{height}")
        self.size = (width, height)
        self._f = open(path, "wb")  # noqa: SIM115  (closed in close())
        self._f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        self.frames = 0

    def write(self, rgb: np.ndarray) -> None:
        """Append one RGB frame of the writer's size."""
        if rgb.shape[1::-1] != self.size:
            raise ValueError(f"frame is {rgb.shape[1]}x{rgb.shape[0]}, the clip is {self.size[0]}x{self.size[1]}")
        self._f.write(b"FRAME\n")
        self._f.write(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420).tobytes())
        self.frames += 1

    def close(self) -> None:
        """Finish the file (Y4M has no trailer: every frame written is complete)."""
        self._f.close()


@dataclass
class FakeCam:
    """The files written, and the pattern they show, one value per frame."""

    y4m: Path
    wav: Path
    pattern: Path
    frames: int
    fps: int
    size: tuple[int, int]
    jaw: np.ndarray
    blink: np.ndarray
    yaw: np.ndarray


def make_fakecam(out_dir: str | Path, *, seconds: float = 6.0, fps: int = 25, size: tuple[int, int] = (640, 480),
                 portrait: str | Path | None = None, head: bool = True,
                 renderer: Renderer | None = None) -> FakeCam:  # fmt: skip
    """Render the talking face into out_dir/operator.y4m with out_dir/operator.wav and operator.json.

    A given `renderer` is used as it is (its rig's size wins over `size` and `portrait`).
    """
    if renderer is None:
        import assets
        from avatar.render import Renderer
        from avatar.rig import build_rig

        renderer = Renderer(build_rig(portrait or assets.default_portrait(), size=size))
    size = renderer.rig.size
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = int(round(seconds * fps))
    times = np.arange(n) / fps
    y4m = Y4mWriter(out / "operator.y4m", size[0], size[1], fps)
    try:
        for t in times:
            y4m.write(renderer.render(params_at(float(t), head=head)))
    finally:
        y4m.close()
    write_wav(out / "operator.wav", voice(seconds, AUDIO_RATE), AUDIO_RATE)
    jaw, blink = jaw_pattern(times), blink_pattern(times)
    yaw = yaw_pattern(times) if head else np.zeros(n)
    (out / "operator.json").write_text(json.dumps({
        "fps": fps, "size": list(size), "frames": n, "audio_rate": AUDIO_RATE,
        "jaw_open": np.round(jaw, 4).tolist(), "blink": np.round(blink, 4).tolist(), "head_yaw": np.round(yaw, 3).tolist(),
    }))  # fmt: skip
    return FakeCam(out / "operator.y4m", out / "operator.wav", out / "operator.json", n, fps, size, jaw, blink, yaw)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the fake camera and microphone files."""
    ap = argparse.ArgumentParser(prog="python -m avatar.drive.fakecam", description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--size", default="640x480", help="WIDTHxHEIGHT, both even")
    ap.add_argument("--portrait", default=None)
    ap.add_argument("--still", action="store_true", help="keep the head still (mouth and blinks only)")
    a = ap.parse_args(argv)
    w, h = (int(v) for v in a.size.lower().split("x"))
    cam = make_fakecam(a.out_dir, seconds=a.seconds, fps=a.fps, size=(w, h), portrait=a.portrait, head=not a.still)
    print(f"{cam.y4m} ({cam.frames} frames, {w}x{h} at {cam.fps} fps), {cam.wav}, {cam.pattern}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
