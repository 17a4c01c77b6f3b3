"""The show examples, run short: the overnight segment and the douyin presence rehearsal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from compliance.audit import verify
from compliance.metadata import read_label
from tests.show.showkit import ROOT, decode_mp4, entries, of_kind


def _example(name: str, *args: str) -> str:
    r = subprocess.run([sys.executable, str(ROOT / "examples" / name), *args], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    return r.stdout


def test_overnight_segment_records_an_audited_summarised_night(tmp_path: Path) -> None:
    out = tmp_path / "night"
    stdout = _example("overnight_demo.py", "--out", str(out), "--minutes", "0.5", "--size", "360x640")
    for f in ("show.mp4", "audit.jsonl", "summary.md"):
        assert str(out / f) in stdout, f"the script says where {f} is"
    assert "verified" in stdout
    frames, audio, rate = decode_mp4(out / "show.mp4")
    assert frames >= 0.5 * 60 * 25 and len(audio) / rate >= 30, "half a programme minute, both streams"
    assert read_label(out / "show.mp4")["Label"] == 1
    log = out / "audit.jsonl"
    assert verify(log).ok
    comments = {c["id"]: c for c in of_kind(log, "comment")}
    assert len(comments) == 14, "every comment of the night is on record, answered or not"
    skips = {c["flags"][0] for c in comments.values() if c["skip"]}
    assert {"duplicate", "abuse", "link", "too_long"} <= skips, "the night's noise is triaged away"
    spoken = of_kind(log, "spoken")
    said = " ".join(s["text"] for s in spoken)
    assert "$39.90" in said and "idiot" not in said and "spam.example" not in said
    zh = next(c for c in comments.values() if c["lang"] == "zh")
    assert any(s["comment_id"] == zh["id"] and "AI-generated" in s["text"] for s in spoken), "the Chinese viewer"
    summary = (out / "summary.md").read_text("utf-8")
    assert "| duplicate | 2 |" in summary and "hash chain intact" in summary


def test_douyin_rehearsal_pauses_without_heartbeats_and_resumes_with_them(tmp_path: Path) -> None:
    out = tmp_path / "douyin"
    stdout = _example("douyin_presence.py", "--out", str(out), "--seconds", "24", "--away-at", "8",
                      "--away", "8", "--lapse", "1.5")
    assert "paused (presence)" in stdout and "resumed (presence)" in stdout
    assert str(out / "rehearsal.mp4") in stdout and str(out / "audit.jsonl") in stdout
    log = out / "audit.jsonl"
    assert verify(log).ok
    es = entries(log)

    def first(pred, after: int = 0) -> int:  # type: ignore[no-untyped-def]
        return next(i for i, e in enumerate(es) if i > after and pred(e))

    lapsed = first(lambda e: e["kind"] == "presence" and e["data"]["state"] == "lapsed")
    paused = first(lambda e: e["kind"] == "paused" and e["data"]["reason"] == "presence", lapsed - 1)
    holding = first(lambda e: e["kind"] == "spoken" and e["data"]["kind"] == "holding", paused)
    back = first(lambda e: e["kind"] == "presence" and e["data"]["state"] == "present", paused)
    resumed = first(lambda e: e["kind"] == "resumed" and e["data"]["reason"] == "presence", paused)
    assert lapsed <= paused < holding < resumed and back <= resumed
    while_away = [e for e in es[paused:resumed] if e["kind"] == "spoken" and e["data"]["kind"] == "answer"]
    assert not while_away, "no answer is spoken while the operator is away"
    assert any(e["kind"] == "spoken" and e["data"]["kind"] == "answer" for e in es[resumed:]), "answers resume"
    assert any(e["kind"] == "spoken" and e["data"]["kind"] == "answer" for e in es[:lapsed]), "and ran before"
    frames, audio, _ = decode_mp4(out / "rehearsal.mp4")
    assert frames > 100 and len(audio) and read_label(out / "rehearsal.mp4")["Label"] == 1
