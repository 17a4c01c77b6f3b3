"""AudioDeviceSink through real PortAudio/ALSA on a `null` PCM (no sound card needed).

PortAudio reads the ALSA configuration once per process, so each case runs in its own interpreter
with HOME and XDG_CONFIG_HOME pointing at a private configuration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NULL_PCM = "pcm.!default {\n    type null\n}\n"

SCRIPT = r"""
import json, time
import numpy as np
from avatar.sinks import AudioDeviceSink, SinkError, create
from avatar.types import VideoFrame
try:
    blocks = []
    sink = create("audio", monitor=blocks.append)
except SinkError as e:
    print(json.dumps({"unavailable": str(e)}))
    raise SystemExit(0)
rate = 22050
a = np.arange(1, 11026, dtype=np.int16)            # 0.5 s, never zero
b = -np.arange(1, 11026, dtype=np.int16)           # 0.5 s at pts 1.0: a gap of 0.5 s before it
c = np.full(4410, 7, dtype=np.int16)               # 0.2 s at pts 1.4: its first 0.1 s overlaps b
sink.open(320, 240, 25, rate)
sink.write_video(VideoFrame(np.zeros((240, 320, 3), np.uint8), 0, 0.0))  # ignored: audio only
sink.write_audio(a, 0.0)
sink.write_audio(b, 1.0)
sink.write_audio(c, 1.4)
sink.close()
sink.close()
out = np.concatenate(blocks)
try:
    sink.write_audio(a, 2.0)
    closed = False
except SinkError:
    closed = True
sound = out[out != 0]
print(json.dumps({
    "device": sink.device_name, "latency_s": sink.latency_s, "played": sink.samples_played,
    "queued_s": sink.queued_s, "closed": closed,
    "sound_ok": bool(np.array_equal(sound, np.concatenate([a, b, c[2205:]]))),
    "a_to_b_silence": int(np.flatnonzero(out == -1)[0] - np.flatnonzero(out == 11025)[0] - 1),
}))
"""


def _run(home: Path, alsa: bool) -> dict:
    if alsa:
        (home / ".config" / "alsa").mkdir(parents=True)
        (home / ".config" / "alsa" / "asoundrc").write_text(NULL_PCM)
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("ALSA_CONFIG_PATH", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_plays_the_programme_audio_in_order_on_an_alsa_null_device(tmp_path: Path) -> None:
    got = _run(tmp_path, alsa=True)
    assert got["device"] == "default"
    assert got["latency_s"] > 0
    assert got["closed"] and got["queued_s"] == 0
    # every sample reached PortAudio, in order; the overlapping 0.1 s was cut, nothing else lost
    assert got["sound_ok"]
    # the 0.5 s pts gap is silence: queued by the sink, or already played by the device while it waited
    inserted = got["played"] - (11025 * 2 + 2205)
    assert got["a_to_b_silence"] >= 11025, got
    assert 0 <= inserted <= 11025 if got["a_to_b_silence"] == 11025 else inserted == 0, got


def test_no_device_is_a_clear_error(tmp_path: Path) -> None:
    got = _run(tmp_path, alsa=False)
    if Path("/dev/snd").exists() or Path("/etc/asound.conf").exists():
        assert "device" in got, got
    else:
        assert "no audio output device found" in got["unavailable"], got
