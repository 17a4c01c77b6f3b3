"""RtmpSink against a real nginx-rtmp server on loopback: a push arrives whole, and survives a restart."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from avatar.sinks import RtmpSink, SinkError
from avatar.types import VideoFrame
from tests.avatar.nginx_rtmp import NginxRtmp, free_port
from tests.avatar.synthetic import frame, read_index, tone

FPS, RATE, W, H = 25, 22050, 320, 240
SPF = RATE // FPS


@pytest.fixture
def server(tmp_path: Path) -> Iterator[NginxRtmp]:
    nginx = NginxRtmp(tmp_path / "nginx")
    nginx.start()
    try:
        yield nginx
    finally:
        nginx.stop()


def push(sink: RtmpSink, seconds: float, on_frame=None) -> float:  # type: ignore[no-untyped-def]
    """Feed frames and audio in real time, as the programme does; returns the longest write call in seconds."""
    sink.open(W, H, FPS, RATE)
    t0 = time.monotonic()
    longest = 0.0
    for i in range(round(seconds * FPS)):
        wait = t0 + i / FPS - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        image = frame(i, W, H)
        start = time.perf_counter()
        sink.write_video(VideoFrame(image, i, i / FPS))
        sink.write_audio(tone(SPF, RATE, start=i * SPF), i / FPS)  # after its frame, as avatar.program does
        longest = max(longest, time.perf_counter() - start)
        if on_frame:
            on_frame(i)
    return longest


def recorded(path: Path) -> dict[str, object]:
    """Seconds of video and audio in an FLV recording, and the indices of the decoded frames."""
    with av.open(str(path)) as c:
        kinds = sorted(s.type for s in c.streams)
        spans: dict[str, list[float]] = {"video": [], "audio": []}
        for packet in c.demux():
            if packet.pts is not None and packet.stream.type in spans:
                spans[packet.stream.type].append(float(packet.pts * packet.time_base))
    with av.open(str(path)) as c:
        indices = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    video_s = max(spans["video"]) - min(spans["video"]) + 1 / FPS if spans["video"] else 0.0
    audio_s = max(spans["audio"]) - min(spans["audio"]) if spans["audio"] else 0.0
    return {"kinds": kinds, "video_s": video_s, "audio_s": audio_s, "indices": indices}


def test_a_push_arrives_whole(server: NginxRtmp) -> None:
    sink = RtmpSink(server.url("whole"))
    longest = push(sink, 4.0)
    sink.close()
    assert sink.stats.frames_in == 100 and sink.stats.frames_sent == 100 and sink.stats.frames_dropped == 0
    assert sink.stats.connects == 1 and not sink.stats.gaps_s
    assert longest < 0.4  # generous: 10x the 40 ms between frames
    time.sleep(0.3)
    (flv,) = server.recordings()
    got = recorded(flv)
    assert got["kinds"] == ["audio", "video"]
    assert got["video_s"] == pytest.approx(4.0, abs=1 / FPS)
    assert got["audio_s"] == pytest.approx(4.0, abs=0.1)  # the last AAC packet starts < 1 packet before the end
    assert got["indices"] == list(range(100))


def test_reconnects_after_a_server_restart(server: NginxRtmp) -> None:
    sink = RtmpSink(server.url("restart"))

    def restart_at_2s(i: int) -> None:
        if i == 50:
            server.stop()
        elif i == 75:
            server.start()

    longest = push(sink, 6.0, restart_at_2s)
    sink.close()
    stats = sink.stats
    assert stats.connects == 2 and len(stats.gaps_s) == 1
    assert 0.8 < stats.gaps_s[0] < 3.0, stats.gaps_s
    assert stats.frames_dropped >= 20, stats  # the server was down for 1 s
    assert stats.frames_sent + stats.frames_dropped == stats.frames_in == 150
    assert longest < 0.4  # generous: 10x the 40 ms between frames; the caller never waited on the network
    time.sleep(0.3)
    first, second = server.recordings()
    before, after = recorded(first), recorded(second)
    assert before["indices"][0] == 0 and max(before["indices"]) <= 50
    assert after["kinds"] == ["audio", "video"]
    # later frames arrive: the second stream runs to the very last frame, in order, with its audio
    assert after["indices"][-1] == 149
    assert after["indices"] == sorted(after["indices"])
    assert after["video_s"] == pytest.approx((150 - after["indices"][0]) / FPS, abs=1 / FPS)
    assert after["audio_s"] == pytest.approx(after["video_s"], abs=0.1)


def test_no_server_never_blocks(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # bound but not listening: connections are refused
        sink = RtmpSink(f"rtmp://127.0.0.1:{port}/live/none")
        longest = push(sink, 1.0)
        t = time.monotonic()
        sink.close()
    assert time.monotonic() - t < 2.0  # generous: a close that waited on the connection would hang
    assert longest < 0.4  # generous: 10x the 40 ms between frames
    assert sink.stats.connects == 0 and sink.stats.frames_sent == 0 and sink.stats.frames_dropped == 25
    assert "refused" in sink.stats.last_error.lower()


def test_bad_use_is_an_error() -> None:
    with pytest.raises(SinkError, match="rtmp://"):
        RtmpSink("http://example.invalid/live")
    sink = RtmpSink("rtmp://127.0.0.1:9/live/x")
    with pytest.raises(SinkError, match="open"):
        sink.write_audio(np.zeros(4, np.int16), 0.0)
