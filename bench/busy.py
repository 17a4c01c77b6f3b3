"""A busy room in real time: the bundled English replay (18 comments in about 3 minutes, several arriving
while the host is still answering another) run as one show on the wall clock, into an MP4.

comment → audio is measured for each comment from the moment it was read to the first audio of its own answer:
in a turn that answers several viewers, the start of that viewer's part, not the turn's. `answered` counts the
comments given a reply of their own (not those who heard "I am an AI" said for someone else), `replied` every
comment replied to; `grouped_turns` counts the turns that answered more than one viewer. The replay's room
events (joins, likes, gifts, orders) are reacted to as in any show."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml

import assets
from show.commands.run import run_show
from show.config import load_show
from show.runtime import Brain

REPLAY = "demo_comments_en.jsonl"


def bench_busy(out: Path | None = None) -> dict[str, float]:
    """`out`, when given, keeps the run (trace.jsonl: where each reply's time went, replies.jsonl, show.mp4)."""
    brains: list[Brain] = []
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(out).resolve() if out else Path(tmp)
        t.mkdir(parents=True, exist_ok=True)
        for stale in ("audit.jsonl", "audit.jsonl.head"):  # a kept run starts a new log
            (t / stale).unlink(missing_ok=True)
        cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": "realtime",
               "voice": {"kind": "piper"}, "comments": {"replay": str(assets.path(REPLAY))},
               "outputs": {"mp4": str(t / "show.mp4")}, "audit_log": str(t / "audit.jsonl"),
               "pitch_interval_s": 20.0, "console": {"enabled": False}}
        (t / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        figures = run_show(load_show(t / "show.yaml"), out_dir=t, prepare=brains.append)
        replies = [json.loads(x) for x in (t / "replies.jsonl").read_text("utf-8").splitlines()]
        comments = [r for r in replies if not any(f.startswith("kind:") for f in r["flags"])]  # not room events
        figures["replied"] = sum(r["action"] == "reply" for r in comments)
        figures["grouped_turns"] = getattr(brains[0], "grouped_turns", 0) if brains else 0
    keep = ("comment_to_audio_p50_ms", "comment_to_audio_p95_ms", "answered", "replied", "comments_seen",
            "skipped", "held", "frames", "frames_dropped", "on_air_s", "grouped_turns")
    return {k: float(figures[k]) for k in keep}
