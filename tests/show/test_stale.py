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
    before answering anything else, once for all who asked before it said so (a second time at most, for
    those who asked while it was saying it), and each of them is recorded as answered by that line; the price
    questions are all answered; a viewer who asks a minute later gets their own answer."""
    asks = ["are you a real person?", "are you real?", "is this a bot?", "are u human", "r u a robot?",
            "is this AI generated?"]
    burst = [{"id": "hello", "user": "early", "text": "hi!", "ts": 0.0}]  # the replay's clock starts here
    burst += [{"id": f"real{i}", "user": f"a{i}", "text": f"{t} ({i})", "ts": 40.0} for i, t in enumerate(asks)]
    burst += [{"id": f"q{i}", "user": f"v{i}", "text": q, "ts": 40.0} for i, q in enumerate(QUESTIONS[:4])]
    burst.append({"id": "later", "user": "late", "text": "are you a real person?", "ts": 100.0})
    code, err = run_to_end(write_show(tmp_path, burst, clock="fast", minutes=2.5))
    assert code == 0, err[-3000:]
    replies = {r["id"]: r for r in map(json.loads, (tmp_path / "replies.jsonl").read_text("utf-8").splitlines())}
    spoken = [d for d in of_kind(tmp_path / "audit.jsonl", "spoken") if d.get("comment_id")]
    order = [d["comment_id"] for d in spoken]
    said = list(dict.fromkeys(i for i in order if i.startswith("real")))
    assert said[:1] == ["real0"] and len(said) <= 2, f"said once for the room (twice at most), not to {said}"
    assert order.index("real0") < min(order.index(f"q{i}") for i in range(4)), "are you real? goes first"
    together = {d["id"]: d["by"] for d in of_kind(tmp_path / "audit.jsonl", "answered_with")}
    assert len(together) >= len(asks) - len(said)
    for i in range(len(asks)):
        r = replies[f"real{i}"]
        assert r["action"] == "reply" and "AI" in r["text"] and "not a real person" in r["text"]
        assert f"real{i}" in said or (together[f"real{i}"] in said and f"answered_with:{together[f'real{i}']}" in r["flags"])
    assert all(replies[f"q{i}"]["action"] == "reply" for i in range(4)), "the questions are still answered"
    assert "later" in order and "later" not in together, "asked a minute after hearing it: answered in turn"
    assert verify(tmp_path / "audit.jsonl").ok
