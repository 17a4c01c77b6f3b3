"""The load bench's own accounting, on a short flood into a real show: every comment sent is either taken or
refused with a retry, every one taken is settled and in the audit log, the shedding is counted and was said,
the programme's clock and memory are sampled, and the plot is drawn. The room's events sent beside it (likes,
joins, gifts) are each accounted for the same way, and their CPU windows close."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench.load import bench_load
from bench.traffic import flood, room_events
from dialogue.sources import read_comments
from dialogue.types import EventKind, RoomEvent


def _settled(events: dict[str, float]) -> float:
    return sum(events[f"events_{k}"] for k in ("reply", "batched", "rate_limited", "stale", "show_ended", "other"))


def test_a_short_flood_is_accounted_for(tmp_path: Path) -> None:
    """Quiet, the room's events alone, then the comment flood with the events beside it."""
    res = bench_load(rate=200, seconds=6, before_s=3, after_s=10, size=(180, 320), model=False, out=tmp_path / "load",
                     window_s=4)
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
    assert all(i in replies for row in sent if row["stream"] == "comments" for i in row["accepted"])
    rows = [r for r in sent if r["stream"] == "events"]
    assert {r["phase"] for r in rows} == {"events_only", "flood"}
    assert all(len(r["ids"]) <= 60 for r in rows), "a batch is what happened in 100 ms"
    assert res["events_sent"] == (4 + 6) * (500 + 50 + 2) == sum(len(r["ids"]) for r in rows)
    assert res["events_accepted"] + res["events_refused_retry"] + res["events_unanswered_requests"] == res["events_sent"]
    assert res["events_unanswered_requests"] == 0 and res["events_malformed"] == 0
    assert res["events_lost"] == 0 and res["like_events_lost"] == 0 and res["likes_unaccounted"] == 0
    assert res["events_settled_twice"] == 0 and res["events_skipped_without_reason"] == 0
    assert _settled(res) == res["events_accepted"], "every event accepted has exactly one outcome"
    assert res["likes_accepted"] > res["like_events_accepted"], "tap bursts: a like event may count several"
    assert 0 < res["events_taken_by_intake"] <= res["events_accepted"]
    entries = [json.loads(x) for x in (tmp_path / "load" / "audit.jsonl").read_text("utf-8").splitlines()]
    said = [e for e in entries if e["kind"] == "reaction" and e["data"]["said"]]
    assert res["events_reply"] == len(said), "each reaction said carries one event's reply"
    spoken = [e for e in entries if e["kind"] == "spoken" and e["data"]["kind"] == "reaction"]
    assert res["reactions_spoken"] <= len(spoken), "a reaction on air was on record first"
    assert res["reaction_lines_between_two_answers_max"] <= 1, "a question waits one line at most for events"
    assert res["question_wait_extra_lines_max"] >= 0 and res["question_wait_because_of_events_max_ms"] >= 0
    for key in ("events_cpu_pct_of_core", "quiet_cpu_pct_of_core", "events_loop_path_cpu_pct_of_core",
                "events_cpu_ingest_thread_pct_of_core"):
        assert math.isfinite(res[key]), key  # both windows closed while the show ran
    assert res["quiet_cpu_pct_of_core"] > 0
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


def test_the_room_has_likes_joins_and_gifts_in_the_order_sent(tmp_path: Path) -> None:
    events = room_events(10)
    kinds = {k: [e for e in events if e["kind"] == k] for k in ("like", "join", "gift")}
    assert [len(kinds[k]) for k in kinds] == [5000, 500, 20]
    assert [e["id"] for e in kinds["like"]] == [f"like{n}" for n in range(5000)], "ids say the order sent"
    ts = [float(e["ts"]) for e in events]  # type: ignore[arg-type]
    assert ts == sorted(ts) and ts[-1] < 10
    assert len({e["value"] for e in kinds["gift"]}) >= 3, "gifts of varied worth"
    assert any(int(e["count"]) > 1 for e in kinds["like"]), "tap bursts"  # type: ignore[call-overload]
    assert len({e["user_id"] for e in kinds["join"]}) < 500, "now and then a viewer joins again"
    assert room_events(10) == events and room_events(10, seed=1) != events, "seeded"
    path = tmp_path / "room.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    items = read_comments(path)
    assert len(items) == len(events) and all(isinstance(i, RoomEvent) for i in items), "each a valid room event"
    assert {i.kind for i in items if isinstance(i, RoomEvent)} == {EventKind.LIKE, EventKind.JOIN, EventKind.GIFT}
