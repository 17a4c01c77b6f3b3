"""The gate on the operator's own words: the catalog check refuses what the catalog does not hold; only that
refusal can be overridden, with a reason, and the audit log records who, why, the text and the findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.audit import AuditLog, verify
from compliance.gate import Gate, Utterance, Verdict
from compliance.profiles import get_profile
from dialogue.catalog import Catalog

BLOCKED = [json.loads(x) for x in (Path(__file__).parents[1] / "redteam" / "operator_lines.jsonl")
           .read_text("utf-8").splitlines() if x.strip() and json.loads(x)["expect"] == "block"]


@pytest.fixture()
def audit(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")
    yield log
    log.close()


def _gate(audit: AuditLog, catalog: Catalog, approval: str = "none") -> Gate:
    return Gate(get_profile("generic"), audit, promotions=[*catalog.promotions, *(f.a for f in catalog.faq)],
                approval=approval, catalog=catalog)  # type: ignore[arg-type]


def _entries(log: AuditLog) -> list[dict]:
    return [json.loads(x)["data"] for x in log.path.read_text("utf-8").splitlines() if '"gate"' in x]


def say(text: str, lang: str = "en") -> Utterance:
    return Utterance("operator", text, lang, operator="Mei")


def test_say_this_is_checked_against_the_catalog(audit: AuditLog, shop_en: Catalog) -> None:
    gate = _gate(audit, shop_en)
    assert gate.submit(say("The Cloud Fleece Hoodie is $39.90.")).passed
    d = gate.submit(say("The Cloud Fleece Hoodie is only $5 today"))
    assert d.verdict is Verdict.BLOCK and d.forceable and not d.violations
    assert any("$5" in r and "$39.90" in r for r in d.reasons)
    assert _entries(audit)[-1]["findings"] == list(d.findings) and _entries(audit)[-1]["forceable"] is True


def test_say_anyway_needs_a_reason_and_is_recorded(audit: AuditLog, shop_en: Catalog) -> None:
    gate = _gate(audit, shop_en)
    text = "The desk lamp is free today, only $1!"
    for empty in ("", "   "):
        d = gate.submit(say(text), force_reason=empty)
        assert d.verdict is Verdict.BLOCK and d.forceable and "needs a reason" in d.reasons[-1]
    d = gate.submit(say(text), force_reason="the owner's giveaway, agreed on the phone")
    assert d.passed and d.forced == "the owner's giveaway, agreed on the phone"
    entry = _entries(audit)[-1]
    assert entry["verdict"] == "pass" and entry["operator"] == "Mei" and entry["text"] == text
    assert entry["forced"] == "the owner's giveaway, agreed on the phone"
    assert {f.split(":")[0] for f in entry["findings"]} == {"free", "price"}
    assert verify(audit.path).ok


def test_an_unbacked_discount_is_a_catalog_refusal_for_the_operator(audit: AuditLog, shop_en: Catalog) -> None:
    gate = _gate(audit, shop_en)
    d = gate.submit(say("Everything in the shop is 30% off tonight."))
    assert d.forceable and any(f.startswith("discount:") for f in d.findings)
    assert gate.submit(say("Everything in the shop is 30% off tonight."), force_reason="flash sale the owner started").passed
    a = gate.submit(Utterance("answer", "Everything in the shop is 30% off tonight.", "en"))
    assert a.verdict is Verdict.BLOCK and not a.forceable, "the host's own lines are never forced"
    assert gate.submit(Utterance("answer", "The hoodie is $39.90.", "en"),
                       force_reason="x").verdict is Verdict.BLOCK


@pytest.mark.parametrize("case", BLOCKED, ids=[c["id"] for c in BLOCKED])
def test_moderation_can_never_be_forced(case: dict, audit: AuditLog, shop_en: Catalog, shop_zh: Catalog) -> None:
    gate = _gate(audit, shop_en if case["shop"] == "en" else shop_zh)
    d = gate.submit(say(case["text"], case["shop"]), force_reason="I take responsibility")
    assert d.verdict is Verdict.BLOCK and not d.forceable and d.forced is None
    assert all(r.startswith("moderation") for r in d.reasons), d.reasons


def test_an_edit_is_checked_and_the_line_stays_held_until_forced(audit: AuditLog, shop_en: Catalog) -> None:
    gate = _gate(audit, shop_en, approval="answers")
    held = gate.submit(Utterance("answer", "The Cloud Fleece Hoodie is $39.90.", "en", comment_id="c1"))
    assert held.verdict is Verdict.HOLD
    d = gate.approve(held.id, "Mei", "The Cloud Fleece Hoodie is only $5 today")
    assert d.verdict is Verdict.BLOCK and d.forceable and d.reasons[-1] == "the line stays held"
    assert [u.id for u in gate.pending()] == [held.id]
    again = gate.approve(held.id, "Mei", "The Cloud Fleece Hoodie is only $5 today", force_reason=" ")
    assert again.verdict is Verdict.BLOCK and [u.id for u in gate.pending()] == [held.id]
    ok = gate.approve(held.id, "Mei", "The Cloud Fleece Hoodie is only $5 today", force_reason="price cut by the owner")
    assert ok.passed and ok.forced == "price cut by the owner" and ok.by == "Mei" and not gate.pending()
    entry = _entries(audit)[-1]
    assert entry["forced"] == "price cut by the owner" and entry["findings"][0].startswith("price:")


def test_a_grounded_edit_passes_and_a_moderated_one_ends_the_line(audit: AuditLog, shop_en: Catalog) -> None:
    gate = _gate(audit, shop_en, approval="answers")
    one = gate.submit(Utterance("answer", "The mug is $14.50.", "en", comment_id="c1"))
    assert gate.approve(one.id, "Mei", "The Stoneware Coffee Mug is $14.50, and it holds 350 ml.").passed
    two = gate.submit(Utterance("answer", "The mug is $14.50.", "en", comment_id="c2"))
    d = gate.approve(two.id, "Mei", "This mug cures headaches.", force_reason="no")
    assert d.verdict is Verdict.BLOCK and not d.forceable and not gate.pending()
