"""The load bench's own accounting, on a short flood into a real show: every comment sent is either taken or
refused with a retry, every one taken is settled and in the audit log, the shedding is counted and was said,
the programme's clock and memory are sampled, and the plot is drawn."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load import bench_load
from bench.traffic import flood


def test_a_short_flood_is_accounted_for(tmp_path: Path) -> None:
    res = bench_load(rate=200, seconds=6, before_s=3, after_s=10, size=(180, 320), model=False, out=tmp_path / "load")
    replies = {r["id"]: r for r in map(json.loads, (tmp_path / "load" / "replies.jsonl").read_text("utf-8").splitlines())}
    assert res["comments_sent"] == 1200
    assert res["flood_rate_per_s"] > 20, "the sender did not flood"  # generous: a tenth of the 200/s asked for
    assert res["comments_taken"] + res["comments_refused_retry"] + res["comments_unanswered_requests"] == 1200
    assert res["comments_unanswered_requests"] == 0
    assert res["comments_lost"] == 0 and res["skips_without_reason"] == 0 and res["audit_chain_ok"] == 1
    assert res["comments_replied"] + res["comments_skipped"] + res["comments_held"] == res["comments_taken"]
    shed = [r for r in replies.values() if "shed:queue_full" in r["flags"]]  # (tests/show/test_load.py: it fills)
    assert res["comments_shed"] == len(shed) and res["shed_said_in_log"] == (len(shed) > 0)
    assert res["queue_max"] <= 200
    assert res["comments_replied"] >= 1 and res["reply_p50_ms"] > 0
    assert res["frames"] > 25 * 10, "every frame's slot is counted, drawn or dropped"
    assert 0 <= res["frames_dropped_in_flood"] <= res["frames_dropped"] <= res["frames"], res  # relative: a part of all
    assert 0 <= res["clock_lag_beyond_frame_max_ms"] < 1000, "the programme kept the wall's time"  # generous: ~75x 13 ms
    assert min(res["rss_before_mb"], res["rss_flood_max_mb"], res["rss_end_mb"]) > 300
    assert (tmp_path / "load" / "load.png").stat().st_size > 10_000
    sent = json.loads((tmp_path / "load" / "sent.json").read_text("utf-8"))
    assert all(i in replies for row in sent for i in row["accepted"])
    real = [r for r in replies.values() if "asks_identity" in r["flags"]]
    assert real, "the flood asks whether the host is real"
    assert not [r for r in real if "shed:queue_full" in r["flags"]], "are you real? is never shed"
    assert any(r["action"] == "reply" and "not a real person" in r["text"] for r in real)


def test_the_flood_has_repeats_other_languages_long_and_malformed_comments() -> None:
    items = flood(200, 10)
    assert len(items) == 2000 and items[-1]["ts"] < 10
    texts = [str(i.get("text", "")) for i in items]
    assert len(set(texts)) < len(texts) / 2, "most of a flood repeats a few questions"
    assert any("卫衣" in t for t in texts) and any(len(t) > 1000 for t in texts)
    assert any("text" not in i for i in items), "a connector's malformed item"
    assert flood(200, 10) == items, "seeded: two runs see the same flood"
