"""Talking clips end to end: Piper/espeak voice, real rig and renderer, labelled MP4 checked by decoding."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

import assets
from avatar.clip import render_clip, write_clip
from avatar.lipsync import measure_mp4
from avatar.render import Renderer
from avatar.rig import RigError, build_rig
from avatar.sinks import read_mp4_metadata
from avatar.types import FaceParams
from compliance.metadata import aigc_label
from voice.tts.espeak import EspeakTTS
from voice.tts.piper import PiperTTS

PORTRAIT = assets.path("portraits/default.png")


@pytest.fixture(scope="module")
def piper() -> PiperTTS:
    return PiperTTS()


def streams(path: Path) -> dict[str, dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return {s["codec_type"]: s for s in json.loads(out.stdout)["streams"]}


def test_say_renders_a_labelled_lip_synced_clip(piper: PiperTTS, tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    label = aigc_label("nightshift", produce_id="clip-42")
    result = render_clip("Hello! Bob bought my mom a big blue bamboo lamp for $24.50.", PORTRAIT, out, piper, "en",
                         {"AIGC": label})
    assert result.path == out and result.voice == "piper" and result.lang == "en"
    assert result.speech is not None and result.speech.phonemes
    info = streams(out)
    assert (info["video"]["width"], info["video"]["height"]) == (720, 1280)
    video_s, audio_s = float(info["video"]["duration"]), float(info["audio"]["duration"])
    assert abs(video_s - audio_s) <= 1 / 25
    assert video_s == pytest.approx(result.speech.duration_s + 0.8, abs=0.1)  # lead-in + speech + tail
    assert json.loads(read_mp4_metadata(out)["AIGC"]) == label
    # the picture that left the engine moves its lips with the sound, after H.264 and AAC
    report = measure_mp4(out, result.speech.phonemes, start_s=result.speech_start_s)
    assert report.face_redetected_ratio >= 0.98, report
    assert report.corr >= 0.5 and abs(report.lag_ms) <= 40, report
    assert report.lips_closed_pbm_ratio >= 0.9, report


def test_every_frame_carries_the_visible_label(piper: PiperTTS, tmp_path: Path) -> None:
    out = tmp_path / "short.mp4"
    result = render_clip("Hi.", PORTRAIT, out, piper, "en", size=(360, 640))
    assert "AIGC" in result.metadata and json.loads(result.metadata["AIGC"])["Label"] == 1
    plain = Renderer(build_rig(PORTRAIT, size=(360, 640))).render(FaceParams())
    with av.open(str(out)) as c:
        first = next(iter(c.decode(video=0))).to_ndarray(format="rgb24")
    corner = np.abs(first[:40, :120].astype(int) - plain[:40, :120].astype(int)).mean()
    assert corner > 20  # the label pill sits in the top-left corner of every frame


def test_chinese_with_espeak(tmp_path: Path) -> None:
    out = tmp_path / "zh.mp4"
    result = render_clip("这件卫衣现在有货，价格是99元。", PORTRAIT, out, EspeakTTS(), None, size=(360, 640))
    assert result.lang.startswith("zh") and result.voice == "espeak"
    info = streams(out)
    assert float(info["video"]["duration"]) == pytest.approx(result.duration_s, abs=0.05)
    assert abs(float(info["video"]["duration"]) - float(info["audio"]["duration"])) <= 1 / 25


def test_a_show_of_several_lines_and_pauses(piper: PiperTTS, tmp_path: Path) -> None:
    lines = [piper.synthesize("Welcome to the shop.", "en"), 0.5, piper.synthesize("Ask me anything.", "en")]
    result = write_clip(lines, PORTRAIT, tmp_path / "show.mp4", "en", size=(360, 640))
    (s1, a), (s2, b) = result.parts
    assert s1 == pytest.approx(0.4) and s2 >= s1 + a.duration_s + 0.5
    assert result.duration_s == pytest.approx(s2 + b.duration_s + 0.4, abs=0.05)


def test_bad_input_is_refused(piper: PiperTTS, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        render_clip("  ", PORTRAIT, tmp_path / "a.mp4", piper, "en")
    with pytest.raises(ValueError, match="does not speak"):
        render_clip("你好", PORTRAIT, tmp_path / "b.mp4", piper, "zh")
    text = tmp_path / "portrait.png"
    text.write_text("not an image")
    with pytest.raises(RigError):
        render_clip("Hello.", text, tmp_path / "c.mp4", piper, "en")
    assert not (tmp_path / "c.mp4").exists()
