"""An answer's sources in the audit log: every gate decision and spoken line of an answer names the catalog
entries it rests on, from its first sentence on (the responder streams sentences before its draft is done)."""

from __future__ import annotations

from pathlib import Path

from compliance.audit import verify
from tests.show.showkit import of_kind, run_to_end, write_show

COMMENTS = [
    {"id": "q1", "user": "ann", "text": "how much is the hoodie?", "ts": 0.5},
    {"id": "q2", "user": "bo", "text": "is the mug in stock?", "ts": 1.0},
    {"id": "q3", "user": "cy", "text": "what is your return policy?", "ts": 1.5},
]


def test_every_gate_and_spoken_entry_of_an_answer_names_its_sources(tmp_path: Path) -> None:
    show = write_show(tmp_path, COMMENTS, clock="fast", minutes=0.5, pitch_interval_s=1000.0)
    code, stderr = run_to_end(show)
    assert code == 0, stderr[-3000:]
    log = tmp_path / "audit.jsonl"
    assert verify(log).ok
    replies = {r["id"]: r for r in _replies(tmp_path)}
    gates = [g for g in of_kind(log, "gate") if g["kind"] == "answer"]
    spoken = [s for s in of_kind(log, "spoken") if s["kind"] == "answer"]
    for cid in ("q1", "q2", "q3"):
        expected = replies[cid]["sources"]
        assert expected, f"{cid}: the reply record names its sources"
        mine = [g for g in gates if g["comment_id"] == cid]
        said = [s for s in spoken if s["comment_id"] == cid]
        assert mine and said, f"{cid} was answered"
        assert all(g["sources"] == expected for g in mine), (cid, expected, mine)
        assert all(s.get("sources") == expected for s in said), (cid, expected, said)
    assert replies["q1"]["sources"] == ["product:HD-102"]


def _replies(folder: Path) -> list[dict]:
    import json

    return [json.loads(x) for x in (folder / "replies.jsonl").read_text("utf-8").splitlines() if x.strip()]
