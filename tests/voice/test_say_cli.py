"""`nightshift say` end to end, through the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from voice.tts.piper import bundled_voice
from voice.wav import read_wav_info

NIGHTSHIFT = Path(sys.executable).parent / "nightshift"


def say(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NIGHTSHIFT), "say", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def _wav(path: Path) -> tuple[int, float]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.getframerate(), w.getnframes() / w.getframerate()


def test_english_with_piper(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "hello.wav"
    done = say("Hello! The HD-102 hoodie costs $24.50 today. It ships in 3-5 days.", "--out", out)
    assert done.returncode == 0, done.stderr
    rate, seconds = _wav(out)
    assert rate == 22050 and 4.0 < seconds < 14.0  # the price and code are spoken as words: long
    info = read_wav_info(out)
    label = json.loads(info["AIGC"])
    assert label["Label"] == 1 and label["ProduceID"]
    assert info["INAM"].startswith("Hello!")


def test_chinese_switches_to_espeak(tmp_path: Path) -> None:
    out = tmp_path / "zh.wav"
    done = say("你好！这件卫衣¥89，打八折。", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "using espeak" in done.stderr
    rate, seconds = _wav(out)
    assert rate == 22050 and 2.0 < seconds < 10.0
    assert json.loads(read_wav_info(out)["AIGC"])["Label"] == 1


def test_espeak_voice_and_language_flags(tmp_path: Path) -> None:
    out = tmp_path / "de.wav"
    done = say("Guten Abend, willkommen.", "--voice", "espeak", "--lang", "de", "--out", out)
    assert done.returncode == 0, done.stderr
    assert _wav(out)[1] > 1.0


def test_user_piper_model(tmp_path: Path) -> None:
    model, config = bundled_voice()
    shutil.copy(model, tmp_path / "v.onnx")
    shutil.copy(config, tmp_path / "v.onnx.json")
    done = say("Okay.", "--voice-model", tmp_path / "v.onnx", "--out", tmp_path / "o.wav")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--out", "x.wav"], "TEXT: nothing to say"),
        (["   ", "--out", "x.wav"], "TEXT: nothing to say"),
        (["hi", "--out", "x.wav", "--portrait", "face.png"], "--out"),
        (["hi", "--out", "x.mp4", "--portrait", "x.png"], "x.png"),
        (["hi", "--out", "x.ogg"], "--out"),
        (["hi", "--out", "x.wav", "--voice", "robot"], "--voice: unknown voice 'robot'"),
        (["hi", "--out", "x.wav", "--voice", "coqui"], "--voice-model"),
        (["hi", "--out", "x.wav", "--voice", "espeak", "--lang", "xx"], "--lang"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    done = say(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.glob("x.*"))


def test_missing_and_corrupt_voice_models_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.onnx"
    done = say("hi", "--voice-model", missing, "--out", tmp_path / "a.wav")
    assert done.returncode == 2 and f"{missing}: Piper voice model not found" in done.stderr
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00garbage" * 500)
    shutil.copy(bundled_voice()[1], tmp_path / "bad.onnx.json")
    done = say("hi", "--voice-model", bad, "--out", tmp_path / "b.wav")
    assert done.returncode == 2 and f"{bad}: not a usable Piper voice" in done.stderr
    done = say("hi", "--voice", "coqui", "--voice-model", tmp_path / "none", "--out", tmp_path / "c.wav")
    assert done.returncode == 2 and str(tmp_path / "none") in done.stderr


def test_coqui_from_a_local_directory(tmp_path: Path) -> None:
    from tests.voice.vits import SAMPLE_RATE, make_tiny_vits

    model_dir = make_tiny_vits(tmp_path / "tiny")
    out = tmp_path / "coqui.wav"
    done = say("hello there.", "--voice", "coqui", "--voice-model", model_dir, "--out", out)
    assert done.returncode == 0, done.stderr
    assert _wav(out)[0] == SAMPLE_RATE
    assert json.loads(read_wav_info(out)["AIGC"])["Label"] == 1
