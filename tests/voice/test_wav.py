"""WAV files with a RIFF LIST/INFO chunk: the AIGC label round-trips, and other readers still work."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from avatar.sinks import SpeechWriter, WavFileSink
from voice.types import Speech
from voice.wav import WavWriter, read_wav, read_wav_info, write_wav

AIGC = {
    "Label": 1,
    "ContentProducer": "demo-shop",
    "ProduceID": "a1b2c3",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}


def _tone(n: int = 22050, rate: int = 22050) -> np.ndarray:
    t = np.arange(n) / rate
    return (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def test_info_round_trip_and_wave_module_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "label.wav"
    info = {
        "AIGC": json.dumps(AIGC),
        "ISFT": "nightshift",
        "INAM": "深夜小店 · AI生成",  # UTF-8, odd byte length
        "ICMT": "abc",  # odd length: padded
        "produced_by": "console operator 7",  # not a four-character id: kept in IXKV
        "x": "",
    }
    pcm = _tone()
    write_wav(path, pcm, 22050, info)
    assert read_wav_info(path) == info
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1,
            2,
            22050,
            len(pcm),
        )
        assert np.array_equal(np.frombuffer(w.readframes(len(pcm)), dtype="<i2"), pcm)
    samples, rate = read_wav(path)
    assert rate == 22050 and np.array_equal(samples, pcm)
    assert json.loads(read_wav_info(path)["AIGC"]) == AIGC


def test_riff_sizes_are_consistent(tmp_path: Path) -> None:
    path = tmp_path / "sizes.wav"
    write_wav(path, _tone(1001), 16000, {"AIGC": "{}", "ISFT": "n"})
    data = path.read_bytes()
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert len(data) % 2 == 0


def test_ffprobe_sees_the_label(tmp_path: Path) -> None:
    path = tmp_path / "probe.wav"
    write_wav(path, _tone(), 22050, {"AIGC": json.dumps(AIGC), "ISFT": "nightshift"})
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tags = json.loads(out)["format"]["tags"]
    assert json.loads(tags["AIGC"]) == AIGC


def test_without_info_and_float_input(tmp_path: Path) -> None:
    path = tmp_path / "plain.wav"
    write_wav(path, np.array([0.0, 0.5, -1.0, 2.0]), 8000)
    assert read_wav_info(path) == {}
    samples, _ = read_wav(path)
    assert samples.tolist() == [0, 16383, -32767, 32767]
    with pytest.raises(ValueError, match="mono"):
        write_wav(tmp_path / "stereo.wav", np.zeros((10, 2), dtype=np.int16), 8000)
    (tmp_path / "not.wav").write_bytes(b"hello world, not a wav")
    with pytest.raises(ValueError, match="RIFF"):
        read_wav_info(tmp_path / "not.wav")


def test_streaming_writer(tmp_path: Path) -> None:
    path = tmp_path / "stream.wav"
    with WavWriter(path, 22050, {"ISFT": "nightshift"}) as w:
        for _ in range(3):
            w.write(_tone(1000))
        w.info["AIGC"] = "late label"  # metadata can still change before close
    assert read_wav_info(path) == {"ISFT": "nightshift", "AIGC": "late label"}
    assert read_wav(path)[0].shape == (3000,)
    with pytest.raises(ValueError, match="closed"):
        w.write(_tone(10))


def test_wav_sink(tmp_path: Path) -> None:
    path = tmp_path / "sink.wav"
    a = Speech(pcm=_tone(2205), sample_rate=22050, text="a")
    b = Speech(pcm=_tone(4410), sample_rate=22050, text="b")
    wav = WavFileSink(path, {"AIGC": AIGC, "ISFT": "nightshift"})
    sink = SpeechWriter(wav)
    sink.write(a)
    sink.write(b)
    assert sink.duration_s == pytest.approx(0.3)
    with pytest.raises(ValueError, match="16000 Hz"):
        sink.write(Speech(pcm=_tone(100), sample_rate=16000, text="c"))
    wav.metadata["ProduceID"] = "p-1"
    sink.close()
    sink.close()
    info = read_wav_info(path)
    assert json.loads(info["AIGC"]) == AIGC and info["ProduceID"] == "p-1"
    samples, rate = read_wav(path)
    assert rate == 22050 and np.array_equal(samples, np.concatenate([a.pcm, b.pcm]))
    with pytest.raises(ValueError, match="closed"):
        sink.write(a)


def test_empty_wav_sink_still_writes_a_labelled_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    SpeechWriter(WavFileSink(path, {"AIGC": AIGC})).close()
    assert json.loads(read_wav_info(path)["AIGC"]) == AIGC
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == 0
