"""The soak bench's own accounting, on a few real minutes of the show: every comment settled and logged,
the audit chain, the recording's A/V offset read from the finished file, and the plot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from avatar.sinks.encode import AvEncoder
from bench.soak import _file_offset_ms, bench_soak


def test_a_short_night_on_the_fast_clock(tmp_path: Path) -> None:
    res = bench_soak(hours=0.05, out=tmp_path / "soak")
    assert res["comments_total"] >= 2 and res["comments_lost"] == 0
    assert res["audit_chain_ok"] == 1 and res["soak_realtime"] == 0
    assert res["soak_programme_hours"] >= 0.05
    assert abs(res["av_offset_end_ms"]) <= 40 and res["av_offset_max_ms"] <= 40
    assert 300 < res["rss_start_mb"] <= res["rss_end_mb"] * 1.5
    assert "reply_p50_ms_hour1" in res
    assert (tmp_path / "soak" / "soak.png").stat().st_size > 10_000
    assert (tmp_path / "soak" / "night.mp4").is_file() and (tmp_path / "soak" / "replies.jsonl").is_file()


def test_the_wall_clock_run_takes_its_programme_time(tmp_path: Path) -> None:
    res = bench_soak(hours=0.01, out=tmp_path / "soak", clock="realtime")
    assert res["soak_realtime"] == 1 and res["comments_lost"] == 0 and res["audit_chain_ok"] == 1
    stamps = [json.loads(x)["ts"] for x in (tmp_path / "soak" / "night.jsonl").read_text("utf-8").splitlines()]
    # the replay's clock starts at its first comment: the show lasts at least until its last one arrives
    assert res["soak_wall_s"] >= max(stamps) - min(stamps), "a real-time show cannot run ahead of the clock"
    assert res["frames_dropped"] >= 0, "dropped frames are counted (how many: BENCHMARKS, bench soak --clock realtime)"


def test_the_offset_is_read_from_where_the_streams_end(tmp_path: Path) -> None:
    path = tmp_path / "uneven.mp4"
    enc = AvEncoder(str(path), fmt="mp4", width=64, height=64, fps=25, sample_rate=16000)
    image = np.zeros((64, 64, 3), np.uint8)
    for i in range(50):  # 2.0 s of picture
        enc.write_video(image, i / 25)
    enc.write_audio(np.zeros(16000 * 3 // 2, np.int16), 0.0)  # 1.5 s of sound
    enc.close()
    assert abs(_file_offset_ms(path) - 500.0) <= 1000 * 1024 / 16000  # to within one AAC frame
