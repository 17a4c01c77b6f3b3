"""Mp4Sink through real PyAV/FFmpeg, checked with ffprobe and by decoding: streams, lengths, tags, pixels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from avatar.sinks import Mp4Sink, SinkError, create, fragments, read_mp4_metadata
from avatar.types import VideoFrame
from tests.avatar.synthetic import frame, read_index, tone

FPS, RATE, W, H = 25, 22050, 320, 240
SPF = RATE // FPS
AIGC = {"Label": 1, "ContentProducer": "nightshift", "ProduceID": "clip-1", "ReservedCode1": "",
        "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


def end_s(stream: dict) -> float:
    """Where a stream's presentation ends: its start (the AAC priming before 0 s) plus its length."""
    return float(stream.get("start_time", 0.0)) + float(stream["duration"])


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        rate = c.streams.audio[0].rate
        rs = av.AudioResampler(format="s16", layout="mono", rate=rate)
        pcm = np.concatenate([g.to_ndarray().reshape(-1) for f in c.decode(audio=0) for g in rs.resample(f)])
    return pcm, rate


@pytest.fixture(params=[False, True], ids=["whole", "fragmented"])
def fragmented(request: pytest.FixtureRequest) -> bool:
    """Both layouts: a clip's single index, and a long recording's fragments."""
    return request.param


def write(path: Path, n_frames: int, audio_s: float, metadata: dict | None = None,
          gap: tuple[float, float] | None = None, *, fragmented: bool = False) -> Mp4Sink:
    sink = Mp4Sink(path, metadata, fragmented=fragmented)
    sink.open(W, H, FPS, RATE)
    n_audio = round(audio_s * RATE)
    for i in range(max(n_frames, n_audio // SPF + 1)):
        if i < n_frames:
            sink.write_video(VideoFrame(frame(i, W, H), i, i / FPS))
        start = i * SPF
        if start < n_audio:
            t = start / RATE
            if gap is None or not (gap[0] <= t < gap[1]):
                sink.write_audio(tone(min(SPF, n_audio - start), RATE, start=start), t)
    sink.close()
    return sink


def test_streams_lengths_and_tags(tmp_path: Path, fragmented: bool) -> None:
    path = tmp_path / "clip.mp4"
    write(path, 75, 3.0, {"AIGC": AIGC, "comment": "labelled"}, fragmented=fragmented)
    info = ffprobe(path)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (video["codec_name"], video["pix_fmt"], video["width"], video["height"]) == ("h264", "yuv420p", W, H)
    assert video["r_frame_rate"] == "25/1" and int(video["nb_read_frames"]) == 75
    assert (audio["codec_name"], int(audio["sample_rate"]), audio["channels"]) == ("aac", RATE, 1)
    assert float(video["duration"]) == pytest.approx(3.0, abs=1e-3)
    assert abs(end_s(audio) - end_s(video)) <= 1 / FPS
    tags = info["format"]["tags"]
    assert json.loads(tags["AIGC"]) == AIGC and tags["comment"] == "labelled"
    meta = read_mp4_metadata(path)
    assert json.loads(meta["AIGC"]) == AIGC


def test_pixels_and_colour_order_survive(tmp_path: Path, fragmented: bool) -> None:
    path = tmp_path / "clip.mp4"
    write(path, 30, 1.2, fragmented=fragmented)
    with av.open(str(path)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert [read_index(img) for img in decoded] == list(range(30))
    for i in (0, 17, 29):
        diff = np.abs(decoded[i].astype(int) - frame(i, W, H).astype(int)).mean()
        assert diff < 4, (i, diff)
    y = H // 2 + 20
    red, blue = decoded[5][y, 30], decoded[5][y, W - 30]
    assert red[0] > 180 and red[2] < 70, red  # RGB in, RGB out: red stays red
    assert blue[2] > 180 and blue[0] < 70, blue


@pytest.mark.parametrize(("frames", "audio_s"), [(25, 2.0), (75, 1.0)])
def test_unequal_inputs_become_equal_streams(tmp_path: Path, frames: int, audio_s: float, fragmented: bool) -> None:
    path = tmp_path / "clip.mp4"
    sink = write(path, frames, audio_s, fragmented=fragmented)
    longer = max(frames / FPS, audio_s)
    info = ffprobe(path)
    durations = {s["codec_type"]: end_s(s) for s in info["streams"]}
    assert durations["video"] == pytest.approx(longer, abs=1 / FPS)
    assert abs(durations["audio"] - durations["video"]) <= 1 / FPS
    assert sink.duration_s == pytest.approx(longer, abs=1 / FPS)
    pcm, rate = decode_audio(path)
    # a decoder returns the last AAC frame whole: up to 1024 samples past the track's end
    assert -1 / FPS <= len(pcm) / rate - durations["video"] <= 1024 / rate + 1e-3
    # The tone lasts exactly audio_s: what follows is silence, not a stretched or repeated sound.
    level = lambda a, b: float(np.sqrt(np.mean(pcm[int(a * rate) : int(b * rate)].astype(float) ** 2)))  # noqa: E731
    assert level(0.1, audio_s - 0.1) > 3000
    if frames / FPS > audio_s:
        assert level(audio_s + 0.1, frames / FPS - 0.05) < 100


def test_audio_gap_is_silence_at_the_right_time(tmp_path: Path, fragmented: bool) -> None:
    path = tmp_path / "clip.mp4"
    write(path, 75, 3.0, gap=(1.0, 2.0), fragmented=fragmented)
    pcm, rate = decode_audio(path)
    env = np.sqrt(np.convolve(pcm.astype(float) ** 2, np.ones(220) / 220, mode="same"))
    loud = env > 2000
    edges = np.flatnonzero(np.diff(loud.astype(int)))
    # tone stops at 1.0 s and resumes at 2.0 s (timestamps exact to a few ms, AAC priming removed)
    assert edges[0] / rate == pytest.approx(1.0, abs=0.012)
    assert edges[1] / rate == pytest.approx(2.0, abs=0.012)
    assert -1 / FPS <= len(pcm) / rate - 3.0 <= 1024 / rate + 1e-3


def test_errors_are_clear(tmp_path: Path) -> None:
    sink = create("mp4", tmp_path / "a.mp4")
    with pytest.raises(SinkError, match="open"):
        sink.write_video(VideoFrame(frame(0, W, H), 0, 0.0))
    with pytest.raises(SinkError, match="even"):
        Mp4Sink(tmp_path / "b.mp4").open(321, 240, FPS, RATE)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SinkError, match="cannot write"):
        Mp4Sink(blocker / "c.mp4").open(W, H, FPS, RATE)
    with pytest.raises(SinkError, match="cannot write"):
        Mp4Sink("/proc/nightshift-test.mp4").open(W, H, FPS, RATE)  # a folder no file can be made in
    ok = Mp4Sink(tmp_path / "d.mp4")
    ok.open(W, H, FPS, RATE)
    with pytest.raises(ValueError, match="frame of"):
        ok.write_video(VideoFrame(frame(0, 640, 480), 0, 0.0))
    ok.close()
    ok.close()
    with pytest.raises(SinkError, match="closed"):
        ok.write_audio(np.zeros(10, np.int16), 0.0)
    with pytest.raises(SinkError, match="cannot read"):
        read_mp4_metadata(blocker)


def test_dropped_frames_repeat_the_one_before(tmp_path: Path, fragmented: bool) -> None:
    """A frame the programme dropped leaves a gap in pts: the file stays constant-rate, showing the frame before."""
    path = tmp_path / "clip.mp4"
    sink = Mp4Sink(path, fragmented=fragmented)
    sink.open(W, H, FPS, RATE)
    for i in [*range(10), *range(15, 25)]:
        sink.write_video(VideoFrame(frame(i, W, H), i, i / FPS))
    sink.write_video(VideoFrame(frame(99, W, H), 24, 24 / FPS))  # not after the last one: skipped
    sink.write_audio(tone(RATE, RATE), 0.0)
    sink.close()
    assert sink.frames_skipped == 1
    with av.open(str(path)) as c:
        shown = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert shown == [*range(10), 9, 9, 9, 9, 9, *range(15, 25)]
    assert float(ffprobe(path)["streams"][0]["duration"]) == pytest.approx(1.0, abs=1e-3)


def test_a_fragmented_recording_cut_short_still_plays(tmp_path: Path) -> None:
    """A process killed mid-recording never closes its file: the fragments written so far still play."""
    path = tmp_path / "cut.mp4"
    script = f"""
import os, sys
sys.path.insert(0, {str(Path.cwd())!r})
from pathlib import Path
from tests.avatar.test_sinks_mp4 import W, H, FPS, RATE, SPF, AIGC
from tests.avatar.synthetic import frame, tone
from avatar.sinks import Mp4Sink
from avatar.types import VideoFrame
sink = Mp4Sink(Path({str(path)!r}), {{"AIGC": AIGC}}, fragmented=True)
sink.open(W, H, FPS, RATE)
for i in range(6 * FPS):
    sink.write_video(VideoFrame(frame(i, W, H), i, i / FPS))
    sink.write_audio(tone(SPF, RATE, start=i * SPF), i / FPS)
os._exit(9)  # no close(): as if killed
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    with av.open(str(path)) as c:
        shown = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert len(shown) >= 3 * FPS, "at most the last 2-s fragment (and the encoder's lookahead) is lost"
    assert shown == list(range(len(shown)))
    pcm, rate = decode_audio(path)
    assert len(pcm) / rate >= 3.0
    assert json.loads(read_mp4_metadata(path)["AIGC"]) == AIGC


def test_a_fragment_cut_off_is_trimmed_away(tmp_path: Path) -> None:
    """A full disk stops a write mid-fragment: the file is cut back to its last whole fragment, which decodes."""
    path = tmp_path / "whole.mp4"
    write(path, 6 * FPS, 6.0, fragmented=True)
    size = path.stat().st_size
    boxes = fragments.whole_length(path)
    assert boxes == size, "a finished fragmented file ends on a whole box"
    with av.open(str(path)) as c:
        all_frames = sum(1 for _ in c.decode(video=0))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(path.read_bytes()[: size * 2 // 3])  # the disk filled two thirds of the way through
    removed = fragments.trim_to_whole_fragments(cut)
    assert 0 < removed < size // 2
    with av.open(str(cut)) as c:
        shown = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert 0 < len(shown) < all_frames and shown == list(range(len(shown)))
    assert fragments.trim_to_whole_fragments(cut) == 0
