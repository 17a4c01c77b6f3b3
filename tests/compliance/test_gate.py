"""The gate: nothing forbidden is spoken, a lapse holds, approval holds, and every decision is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.audit import AuditLog, verify
from compliance.gate import Gate, GateDecision, GateError, Utterance, Verdict
from compliance.labels import spoken_disclosure
from compliance.presence import Presence, holding_line
from compliance.profiles import get_profile
from dialogue.catalog import Catalog
from dialogue.types import Action, Draft


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture()
def audit(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")
    yield log
    log.close()


def _entries(log: AuditLog) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.path.read_text("utf-8").splitlines()]


def _gate_entries(log: AuditLog) -> list[dict[str, object]]:
    return [e["data"] for e in _entries(log) if e["kind"] == "gate"]


def answer(text: str, lang: str = "en", cid: str = "c1") -> Utterance:
    return Utterance("answer", text, lang, comment_id=cid, sources=["product:TEA-01"])


def test_clean_lines_pass_and_forbidden_claims_are_blocked(audit: AuditLog, shop_en: Catalog) -> None:
    gate = Gate(get_profile("generic"), audit, promotions=shop_en.promotions)
    ok = gate.submit(answer("The mug holds 350 ml and ships in two days."))
    assert ok.verdict is Verdict.PASS and ok.passed
    cases = [
        answer("This tea cures high blood pressure."),
        answer("这是全网最低价，最好的茶。", "zh"),
        answer("I'm a real person and I use this mug every day."),
        answer("Today only: 50% off everything!"),
        Utterance("pitch", "Guaranteed the best socks in the world.", "en"),
    ]
    for u in cases:
        d = gate.submit(u)
        assert d.verdict is Verdict.BLOCK, u.text
        assert d.violations and all(r.startswith("moderation: ") for r in d.reasons)
    promo = gate.submit(Utterance("pitch", shop_en.promotions[0], "en"))
    assert promo.passed, promo.reasons  # a discount the shop runs may be repeated
    logged = _gate_entries(audit)
    assert [e["verdict"] for e in logged] == ["pass"] + ["block"] * 5 + ["pass"]
    assert logged[1]["violations"][0]["rule"] == "medical" and "cures" in logged[1]["reasons"][0]
    assert logged[0]["text"] == "The mug holds 350 ml and ships in two days." and logged[0]["comment_id"] == "c1"
    assert verify(audit.path).ok


def test_operators_cannot_bypass_moderation(audit: AuditLog) -> None:
    gate = Gate(get_profile("generic"), audit)
    assert gate.submit(Utterance("operator", "Thanks for waiting, everyone!", "en", operator="ops-anna")).passed
    d = gate.submit(Utterance("operator", "This cream treats eczema.", "en", operator="ops-anna"))
    assert d.verdict is Verdict.BLOCK and d.violations[0].rule == "medical"
    anon = gate.submit(Utterance("operator", "Hello!", "en"))
    assert anon.verdict is Verdict.BLOCK and "name its operator" in anon.reasons[0]
    assert gate.submit(answer("   ")).verdict is Verdict.BLOCK


def test_douyin_holds_while_the_operator_is_away(audit: AuditLog) -> None:
    clock = Clock()
    presence = Presence(30, clock=clock)
    with pytest.raises(ValueError, match="presence"):
        Gate(get_profile("douyin"), audit)  # douyin without presence tracking is refused outright
    gate = Gate(get_profile("douyin"), audit, presence)
    held = gate.submit(answer("The tea is 25 dollars."))  # no heartbeat yet
    assert held.verdict is Verdict.HOLD and "no operator present" in held.reasons[0]
    presence.heartbeat("ops-anna")
    assert gate.submit(answer("The tea is 25 dollars.", cid="c2")).passed
    assert gate.submit(Utterance("pitch", "Our mug is stoneware.", "en")).passed
    clock.t = 31.0  # the heartbeats stopped 31 s ago: past douyin's 30 s
    lapsed = [gate.submit(answer("The mug is 18 dollars.", cid="c3")),
              gate.submit(Utterance("pitch", "The socks are merino wool.", "en"))]
    assert all(d.verdict is Verdict.HOLD for d in lapsed)
    for u in (Utterance("disclosure", spoken_disclosure("en"), "en"), Utterance("holding", holding_line("en"), "en"),
              Utterance("operator", "Back in a minute, folks.", "en", operator="ops-anna")):
        assert gate.submit(u).passed, u.kind  # the label, the pause line and the human's own words go out
    presence.heartbeat("ops-anna")
    assert gate.submit(answer("The mug is 18 dollars.", cid="c4")).passed
    assert [u.comment_id for u in gate.pending()][:2] == ["c1", "c3"]
    verdicts = [e["verdict"] for e in _gate_entries(audit)]
    assert verdicts == ["hold", "pass", "pass", "hold", "hold", "pass", "pass", "pass", "pass"]


def test_approval_flow(audit: AuditLog) -> None:
    gate = Gate(get_profile("douyin", approval="answers"), audit, Presence(30))
    gate.presence.heartbeat("ops-anna")  # type: ignore[union-attr]
    a = gate.submit(answer("The tea comes in 100 g tins.", cid="a"))
    b = gate.submit(answer("The mug is blue.", cid="b"))
    c = gate.submit(answer("The socks are wool.", cid="c"))
    d = gate.submit(answer("Shipping takes two days.", cid="d"))
    assert all(x.verdict is Verdict.HOLD and "approval required" in x.reasons[-1] for x in (a, b, c, d))
    assert gate.submit(Utterance("pitch", "Our mug is stoneware.", "en")).passed  # pitches need no approval here
    assert [u.comment_id for u in gate.pending()] == ["a", "b", "c", "d"]

    ok = gate.approve(a.id, "ops-anna")
    assert ok.passed and ok.by == "ops-anna" and ok.utterance.text == "The tea comes in 100 g tins."
    edited = gate.approve(b.id, "ops-anna", edited_text="The mug is navy blue.")
    assert edited.passed and edited.utterance.text == "The mug is navy blue." and edited.utterance.operator == "ops-anna"
    sneaky = gate.approve(c.id, "ops-anna", edited_text="The socks are the best in the world, guaranteed!")
    assert sneaky.verdict is Verdict.BLOCK and sneaky.violations and "edit" in sneaky.reasons[0]
    no = gate.reject(d.id, "ops-anna", "off topic")
    assert no.verdict is Verdict.BLOCK and no.reasons == ("rejected by ops-anna: off topic",)
    assert gate.pending() == []
    with pytest.raises(GateError):
        gate.approve(a.id, "ops-anna")  # already decided: cannot be spoken twice
    with pytest.raises(GateError):
        gate.reject("nope", "ops-anna")
    e = gate.submit(answer("The tea is green.", cid="e"))
    with pytest.raises(ValueError):
        gate.approve(e.id, "")
    assert gate.withdraw(e.id, "the viewer left").reasons == ("withdrawn: the viewer left",)

    logged = _gate_entries(audit)
    assert len(logged) == 11
    by_id = {}
    for entry in logged:
        by_id.setdefault(entry["id"], []).append(entry["verdict"])
    assert by_id[a.id] == ["hold", "pass"] and by_id[c.id] == ["hold", "block"] and by_id[e.id] == ["hold", "block"]
    assert logged[-4]["text"] == "The socks are the best in the world, guaranteed!"  # the edit is on record
    assert verify(audit.path).ok


def test_approval_all_holds_pitches_too(audit: AuditLog) -> None:
    gate = Gate(get_profile("generic"), audit, approval="all")
    assert gate.submit(Utterance("pitch", "Our mug is stoneware.", "en")).verdict is Verdict.HOLD
    assert gate.submit(Utterance("disclosure", spoken_disclosure("zh"), "zh")).passed


def test_drafts_from_the_responder(audit: AuditLog) -> None:
    seen: list[GateDecision] = []
    gate = Gate(get_profile("generic"), audit)
    gate.subscribe(seen.append)
    assert gate.submit_draft(Draft("s1", Action.SKIP, None, "en", flags=["spam"])) is None
    reply = gate.submit_draft(Draft("r1", Action.REPLY, "The mug is 18 dollars.", "en", sources=["product:MUG"]))
    assert reply is not None and reply.passed and reply.utterance.sources == ("product:MUG",)
    hold = gate.submit_draft(Draft("h1", Action.HOLD, "The tea ships in a tin.", "en", flags=["unknown_product"]))
    assert hold is not None and hold.verdict is Verdict.HOLD and "unknown_product" in hold.reasons[0]
    assert [d.verdict for d in seen] == [Verdict.PASS, Verdict.HOLD]
    assert len(_gate_entries(audit)) == 2


def test_every_decision_survives_a_restart_of_the_log(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    Gate(get_profile("generic"), log).submit(answer("The mug is 18 dollars."))
    log.close()
    log = AuditLog(path)
    Gate(get_profile("generic"), log).submit(answer("This tea cures colds."))
    log.close()
    assert [e["data"]["verdict"] for e in map(json.loads, path.read_text("utf-8").splitlines())] == ["pass", "block"]
    assert verify(path).ok
