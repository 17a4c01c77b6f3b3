"""The whole show in real time: comment → first audible word, and frames dropped at 25 fps while the
model and the voice run. Comments arrive one at a time, 16 s apart, after the opening disclosure, while the
host pitches products between answers (a comment ends a pitch at its next word gap). The gap lets the host
finish one viewer's answer before the next arrives: answers are never cut, so a comment that arrives during
another's answer waits for it, and that wait is not the engine's latency."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml

import assets
from bench.dialogue import QUESTIONS
from show.commands.run import run_show
from show.config import load_show


def bench_show(n: int = 12, gap_s: float = 16.0, first_s: float = 30.0, out: Path | None = None) -> dict[str, float]:
    """`out`, when given, keeps the run (trace.jsonl: where each reply's time went, show.mp4, audit.jsonl)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(out).resolve() if out else Path(tmp)
        t.mkdir(parents=True, exist_ok=True)
        for stale in ("audit.jsonl", "audit.jsonl.head"):  # a kept run starts a new log
            (t / stale).unlink(missing_ok=True)
        comments = t / "comments.jsonl"
        comments.write_text("".join(
            json.dumps({"id": f"b{i}", "user": f"viewer{i}", "text": QUESTIONS[i % len(QUESTIONS)],
                        "ts": first_s + i * gap_s}) + "\n" for i in range(n)), encoding="utf-8")
        cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local",
               "comments": {"replay": str(comments), "start_s": first_s}, "outputs": {"mp4": str(t / "show.mp4")},
               "audit_log": str(t / "audit.jsonl"), "pitch_interval_s": 8.0}
        (t / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        figures = run_show(load_show(t / "show.yaml"), out_dir=t)
        replies = [json.loads(x) for x in (t / "replies.jsonl").read_text("utf-8").splitlines()]
        figures["llm_phrased"] = sum("grounded:llm" in r.get("flags", ()) for r in replies)
        figures["llm_too_slow"] = sum("llm_slow" in r.get("flags", ()) for r in replies)
    keep = ("comment_to_audio_p50_ms", "comment_to_audio_p95_ms", "frames", "frames_dropped", "on_air_s",
            "answered", "comments_seen", "llm_phrased", "llm_too_slow")
    return {k: float(figures[k]) for k in keep}
