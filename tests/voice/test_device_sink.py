"""DeviceSink through real PortAudio/ALSA: plays on an ALSA `null` PCM, and fails clearly with no device.

PortAudio reads the ALSA configuration once per process, so each case runs in its own interpreter
with HOME and XDG_CONFIG_HOME pointing at a private configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NULL_PCM = "pcm.!default {\n    type null\n}\n"

SCRIPT = """
import numpy as np
from voice.errors import VoiceUnavailableError
from voice.sinks import DeviceSink, output_devices
from voice.types import Speech
try:
    sink = DeviceSink()
except VoiceUnavailableError as e:
    print("UNAVAILABLE:", e)
    raise SystemExit(0)
tone = (8000 * np.sin(np.arange(4410) / 10)).astype(np.int16)
sink.write(Speech(pcm=tone, sample_rate=22050, text="a"))
sink.write(Speech(pcm=tone, sample_rate=16000, text="b"))  # a new rate reopens the stream
sink.close()
sink.close()
try:
    sink.write(Speech(pcm=tone, sample_rate=22050, text="c"))
except ValueError as e:
    print("CLOSED:", e)
print("PLAYED on", sink.device_name, "of", len(output_devices()))
"""


def _run(home: Path, alsa_config: Path | None = None) -> str:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("ALSA_CONFIG_PATH", None)
    if alsa_config is not None:
        env["ALSA_CONFIG_PATH"] = str(alsa_config)
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_plays_on_an_alsa_null_device(tmp_path: Path) -> None:
    (tmp_path / ".config" / "alsa").mkdir(parents=True)
    (tmp_path / ".config" / "alsa" / "asoundrc").write_text(NULL_PCM)
    out = _run(tmp_path)
    assert "PLAYED on default" in out, out
    assert "CLOSED:" in out


def test_no_device_is_a_clear_error(tmp_path: Path) -> None:
    """With no user ALSA configuration: a machine without sound hardware gets a clear error, not a crash;
    a machine with sound hardware plays on it."""
    out = _run(tmp_path)
    if Path("/dev/snd").exists() or Path("/etc/asound.conf").exists():
        assert "PLAYED on" in out, out
    else:
        assert "UNAVAILABLE: no audio output device found" in out, out
