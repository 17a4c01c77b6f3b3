"""The AIGC metadata label reads back from every file type the engine writes."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from skimage import data

from compliance.labels import draw_label
from compliance.metadata import (
    FIELDS,
    MP4_OPTIONS,
    LabelMissing,
    aigc_json,
    aigc_label,
    mp4_metadata,
    parse_aigc,
    read_label,
    read_mp4_label,
    read_png_label,
    read_wav_label,
    wav_info,
    write_png,
)
from compliance.ocr import label_found
from compliance.ocr import read_label as ocr_label
from voice.wav import read_wav, write_wav


def write_mp4(path: Path, frames: list[np.ndarray], metadata: dict[str, str] | None, fps: int = 25) -> None:
    """A real H.264 + AAC MP4 through PyAV, with container metadata as the engine's sink writes it."""
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w", options=MP4_OPTIONS) as c:
        c.metadata.update(metadata or {})
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = w, h, "yuv420p"
        a = c.add_stream("aac", rate=22050)
        a.layout = "mono"
        for f in frames:
            for p in v.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                c.mux(p)
        tone = (0.2 * np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050)).astype(np.float32)[None, :]
        af = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
        af.sample_rate = 22050
        for p in a.encode(af):
            c.mux(p)
        for s in (v, a):
            for p in s.encode():
                c.mux(p)


def test_label_has_the_annex_e_fields() -> None:
    a = aigc_label("shop:demo-tea", propagator="douyin")
    b = aigc_label("shop:demo-tea")
    assert list(json.loads(aigc_json(a))) == list(FIELDS)
    assert a["Label"] == 1 and a["ContentProducer"] == "shop:demo-tea" and a["ContentPropagator"] == "douyin"
    assert len(a["ProduceID"]) == 32 and a["ProduceID"] != b["ProduceID"]
    assert a["PropagateID"] and b["PropagateID"] == ""
    assert aigc_label("x", produce_id="rec-1")["ProduceID"] == "rec-1"
    with pytest.raises(ValueError):
        aigc_label("  ")


def test_parse_refuses_a_label_that_does_not_say_ai() -> None:
    good = aigc_label("shop")
    assert parse_aigc(aigc_json(good)) == good
    for bad in (None, "", "not json", "[1]", json.dumps({**good, "Label": 0}),
                json.dumps({k: v for k, v in good.items() if k != "ProduceID"})):
        with pytest.raises(LabelMissing):
            parse_aigc(bad, "x")


def test_png_round_trip(tmp_path: Path) -> None:
    label = aigc_label("shop:nightshift-demo", propagator="local")
    rgb = data.astronaut()
    p = write_png(tmp_path / "thumb.png", rgb, label)
    assert read_png_label(p) == label
    assert read_label(p) == label
    assert np.array_equal(np.asarray(Image.open(p)), rgb)  # the picture itself is unchanged
    plain = tmp_path / "plain.png"
    Image.fromarray(rgb).save(plain)
    with pytest.raises(LabelMissing, match="no AIGC"):
        read_label(plain)


def test_wav_round_trip(tmp_path: Path) -> None:
    label = aigc_label("shop:测试店", propagator="微信")
    pcm = (0.3 * np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000)).astype(np.float32)
    p = tmp_path / "line.wav"
    write_wav(p, pcm, 16000, {**wav_info(label), "ICMT": "host line"})
    assert read_wav_label(p) == label
    assert read_label(p) == label
    samples, rate = read_wav(p)
    assert rate == 16000 and len(samples) == 16000
    write_wav(tmp_path / "bare.wav", pcm, 16000)
    with pytest.raises(LabelMissing):
        read_label(tmp_path / "bare.wav")


def test_mp4_round_trip_and_the_burned_in_label_survives_encoding(tmp_path: Path) -> None:
    label = aigc_label("shop:nightshift-demo")
    frames = []
    for i in range(30):
        f = np.asarray(Image.fromarray(data.astronaut()).resize((480, 480))).copy()
        f[:, : i * 4] = 40  # some motion, so the encoder works
        draw_label(f, "zh", opening=i < 25)
        frames.append(f)
    p = tmp_path / "show.mp4"
    write_mp4(p, frames, mp4_metadata(label))
    assert read_mp4_label(p) == label
    assert read_label(p) == label
    with av.open(str(p)) as c:
        decoded = [fr.to_ndarray(format="rgb24") for fr in c.decode(video=0)]
    assert len(decoded) == 30
    assert label_found(ocr_label(decoded[0], "zh", opening=True), "zh")
    assert label_found(ocr_label(decoded[-1], "zh"), "zh")
    write_mp4(tmp_path / "bare.mp4", frames[:3], None)
    with pytest.raises(LabelMissing):
        read_label(tmp_path / "bare.mp4")


def test_unknown_file_type(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    with pytest.raises(LabelMissing, match="not a PNG, WAV or MP4"):
        read_label(p)
