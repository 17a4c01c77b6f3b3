"""After a burst, small talk that waited too long is skipped with its reason; questions are all answered,
and small talk that is still fresh is answered too."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.audit import verify
from tests.show.showkit import of_kind, run_to_end, write_show

QUESTIONS = ["how much is the hoodie?", "is the lamp in stock?", "what sizes do the socks come in?",
             "how long does shipping take?", "what colours does the mug come in?", "is the tote bag sold out?",
             "how much is the green tea?", "what is your return policy?", "can I pay with PayPal?",
             "does the mug go in the dishwasher?", "what is the hoodie made of?", "how bright is the lamp?"]


def test_small_talk_left_waiting_by_a_burst_goes_stale_and_says_why(tmp_path: Path) -> None:
    burst = [{"id": f"q{i}", "user": f"v{i}", "text": q, "ts": 1.0} for i, q in enumerate(QUESTIONS)]
    burst.append({"id": "thx", "user": "late", "text": "thanks!", "ts": 1.2})
    burst.append({"id": "fresh", "user": "later", "text": "thanks!", "ts": 110.0})  # the queue is empty by then
    code, err = run_to_end(write_show(tmp_path, burst, clock="fast", minutes=2.2))
    assert code == 0, err[-3000:]
    replies = {r["id"]: r for r in map(json.loads, (tmp_path / "replies.jsonl").read_text("utf-8").splitlines())}
    assert all(replies[f"q{i}"]["action"] == "reply" for i in range(len(QUESTIONS))), "questions never go stale"
    assert replies["thx"]["action"] == "skip" and "stale:small_talk" in replies["thx"]["flags"]
    assert replies["fresh"]["action"] == "reply", "small talk that did not wait is answered"
    stale = of_kind(tmp_path / "audit.jsonl", "stale")
    assert [s["id"] for s in stale] == ["thx"] and "waited" in stale[0]["reason"]
    spoken_for = {d.get("comment_id") for d in of_kind(tmp_path / "audit.jsonl", "spoken")}
    assert "thx" not in spoken_for and "fresh" in spoken_for
    assert verify(tmp_path / "audit.jsonl").ok


def test_a_room_asking_are_you_real_hears_it_first_and_once(tmp_path: Path) -> None:
    """Many viewers ask at once whether the host is real, among price questions: the host says it is an AI
    before anything else, once for all who asked before it said so; each of them is recorded as answered by
    that line; the price questions are all answered; a viewer who asks after hearing it gets their own answer."""
    asks = ["are you a real person?", "are you real?", "is this a bot?", "are u human", "r u a robot?",
            "is this AI generated?"]
    burst = [{"id": f"real{i}", "user": f"a{i}", "text": f"{t} ({i})", "ts": 40.0 + 0.1 * i} for i, t in enumerate(asks)]
    burst += [{"id": f"q{i}", "user": f"v{i}", "text": q, "ts": 39.9} for i, q in enumerate(QUESTIONS[:4])]
    burst.append({"id": "later", "user": "late", "text": "are you a real person?", "ts": 100.0})
    code, err = run_to_end(write_show(tmp_path, burst, clock="fast", minutes=2.5))
    assert code == 0, err[-3000:]
    replies = {r["id"]: r for r in map(json.loads, (tmp_path / "replies.jsonl").read_text("utf-8").splitlines())}
    answered = [f"real{i}" for i in range(len(asks)) if replies[f"real{i}"]["action"] == "reply"]
    assert len(answered) == 1, f"said once for the room, not {len(answered)} times"
    others = [f"real{i}" for i in range(len(asks)) if f"real{i}" not in answered]
    assert all(replies[i]["action"] == "skip" and "answered:ai_said" in replies[i]["flags"] for i in others)
    assert all(replies[f"q{i}"]["action"] == "reply" for i in range(4)), "the questions are still answered"
    assert replies["later"]["action"] == "reply", "asked after hearing it: answered in turn"
    spoken = [d for d in of_kind(tmp_path / "audit.jsonl", "spoken") if d.get("comment_id")]
    order = [d["comment_id"] for d in spoken]
    assert order.index(answered[0]) < min(order.index(f"q{i}") for i in range(4)), "are you real? goes first"
    assert "AI" in next(d["text"] for d in spoken if d["comment_id"] == answered[0])
    stale = {s["id"]: s for s in of_kind(tmp_path / "audit.jsonl", "stale")}
    assert set(others) <= set(stale) and all("said it is an AI" in stale[i]["reason"] for i in others)
    assert verify(tmp_path / "audit.jsonl").ok
