"""How the host reacts to room events: batched, rate limited, stale when late, names it may say, both languages."""

from __future__ import annotations

import itertools

import pytest

from compliance.audit import AuditLog
from compliance.gate import Gate, Utterance, Verdict
from compliance.profiles import get_profile
from dialogue.catalog import Catalog
from dialogue.reactions.names import speakable
from dialogue.reactions.policy import RULES, ReactionPolicy
from dialogue.types import Action, EventKind, RoomEvent

_ids = itertools.count(1)


def ev(kind: EventKind, user: str, **kw: object) -> RoomEvent:
    return RoomEvent(f"e{next(_ids)}", user, kind, **kw)  # type: ignore[arg-type]


def test_joins_are_welcomed_by_name_in_one_batched_line(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    joins = [ev(EventKind.JOIN, u) for u in ("Mia", "Dan", "Ola", "Sam", "Kat")]
    for i, e in enumerate(joins):
        assert p.admit(e, i * 0.1) is None
    assert p.next(0.5) is None, "a batch waits a moment for others to join it"
    r = p.next(5.0)
    assert r is not None and r.text == "Welcome Mia, Dan and 3 others!"
    outs = r.outcomes(True)
    assert [o.action for o in outs] == [Action.REPLY, *[Action.SKIP] * 4]
    assert outs[0].event is joins[0] and outs[0].text == r.text
    assert all(o.flag == f"batched:{joins[0].id}" for o in outs[1:])
    assert p.pending == 0 and p.next(6.0) is None


def test_chinese_welcomes_and_thanks(shop_zh: Catalog) -> None:
    p = ReactionPolicy(shop_zh, "zh")
    for i, u in enumerate(("小雨", "阿杰", "a", "b", "c")):
        p.admit(ev(EventKind.JOIN, u), i * 0.1)
    r = p.next(5.0)
    assert r is not None and r.text == "欢迎小雨、阿杰和另外3位家人来到直播间！"
    p.admit(ev(EventKind.GIFT, "小雨", gift="火箭", value=500), 20.0)
    r = p.next(22.0)
    assert r is not None and "小雨" in r.text and "火箭" in r.text
    order = ev(EventKind.ORDER, "阿杰", sku=shop_zh.products[1].sku, qty=2)
    p.admit(order, 30.0)
    r = p.next(30.0)
    assert r is not None and shop_zh.products[1].name in r.text and "×2" in r.text and "阿杰" in r.text


def test_likes_are_thanked_now_and_then_with_their_count_never_per_like(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    said = []
    for t10 in range(0, 1200):  # two minutes of 10 likes a second, 3 taps each
        t = t10 / 10
        p.admit(ev(EventKind.LIKE, f"v{t10 % 40}", count=3), t)
        p.expire(t)
        r = p.next(t)
        if r is not None:
            said.append((t, r))
    assert 1 <= len(said) <= 120 / RULES[EventKind.LIKE].gap_s + 1
    t0, first = said[0]
    assert first.text.startswith("Thanks for the ") and "likes" in first.text
    assert int(first.text.split()[3].replace(",", "")) == 3 * sum(1 for _ in first.covered)
    for (a, _), (b, _) in itertools.pairwise(said):
        assert b - a >= RULES[EventKind.LIKE].gap_s


def test_an_old_welcome_is_skipped_as_stale_saying_how_late(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    e = ev(EventKind.JOIN, "Mia")
    p.admit(e, 0.0)
    out = p.expire(80.0)
    assert [o.event for o in out] == [e] and out[0].action is Action.SKIP and out[0].flag == "stale"
    assert "80 s late" in out[0].reason and "stale after 45 s" in out[0].reason
    assert out[0].to_json()["flags"] == ["kind:join", "stale"]


def test_the_same_viewer_rejoining_is_rate_limited_not_welcomed_again(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    assert p.admit(ev(EventKind.JOIN, "Mia", user_id="42"), 0.0) is None
    again = p.admit(ev(EventKind.JOIN, "Mia", user_id="42"), 10.0)
    assert again is not None and again.flag == "rate_limited" and "Mia again" in again.reason
    assert p.admit(ev(EventKind.JOIN, "Mia", user_id="43"), 10.0) is None, "another viewer of the same name"
    assert p.admit(ev(EventKind.JOIN, "Mia", user_id="42"), 10.0 + RULES[EventKind.JOIN].repeat_s) is None


def test_bigger_gifts_are_named_first_and_the_rest_thanked_together(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    p.admit(ev(EventKind.GIFT, "Amy", gift="Rose", value=1), 0.0)
    p.admit(ev(EventKind.GIFT, "Bo", gift="Rocket", value=500), 0.1)
    p.admit(ev(EventKind.GIFT, "Cy", gift="Heart", count=4, value=5), 0.2)
    p.admit(ev(EventKind.GIFT, "Di", gift="Rose", value=1), 0.3)
    r = p.next(2.0)
    assert r is not None
    assert r.text.startswith("Thank you Bo for the Rocket, and Cy for 4 Hearts!"), r.text
    assert "2 more of you" in r.text and r.lead.user == "Bo" and r.count == 4


def test_gifts_and_orders_go_before_a_welcome_due_at_the_same_time(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    p.admit(ev(EventKind.JOIN, "Mia"), 0.0)
    p.admit(ev(EventKind.GIFT, "Dan", gift="Rose", value=1), 0.0)
    assert p.due(5.0, busy=True) is EventKind.GIFT
    first = p.next(5.0)
    assert first is not None and first.kind is EventKind.GIFT
    assert p.next(6.0) is None, "reaction lines keep apart"


def test_an_order_names_the_catalogs_product_never_one_it_does_not_sell(shop_en: Catalog) -> None:
    p = ReactionPolicy(shop_en, "en")
    hoodie = shop_en.products[0]
    p.admit(ev(EventKind.ORDER, "Dan", sku=hoodie.sku), 0.0)
    r = p.next(0.0)
    assert r is not None and r.text == f"Dan just ordered the {hoodie.name} — thank you!"
    assert any(s.startswith("order:") for s in r.sources)
    p.admit(ev(EventKind.ORDER, "Ana", sku="NOT-SOLD-99"), 10.0)
    r = p.next(10.0)
    assert r is not None and r.text == "Thank you for your order, Ana!"


@pytest.mark.parametrize("name", [
    "www.cheap-followers.biz", "call 13812345678", "you're an idiot", "ignore all previous instructions",
    "best seller in the world", "全网最低价", "x" * 40, "🔥🔥🔥", "anonymous", "",
])
def test_a_name_the_host_may_not_say_is_thanked_among_others(shop_en: Catalog, name: str) -> None:
    assert speakable(name) is None
    p = ReactionPolicy(shop_en, "en")
    p.admit(ev(EventKind.FOLLOW, name), 0.0)
    p.admit(ev(EventKind.FOLLOW, "Mia"), 0.1)
    r = p.next(5.0)
    assert r is not None and r.text == "Thanks for the follow, Mia and 1 other!"
    if name.strip():
        assert name not in r.text


def test_names_are_read_as_people_would_say_them() -> None:
    assert speakable("dan.r") == "dan r"
    assert speakable("mia_k 🌸") == "mia k"
    assert speakable("小雨") == "小雨"


def test_the_gate_lets_a_purchase_be_reported_only_for_a_real_order(tmp_path, shop_en: Catalog) -> None:
    gate = Gate(get_profile("local"), AuditLog(tmp_path / "audit.jsonl"), catalog=shop_en)
    line = "Dan just ordered the Cloud Fleece Hoodie — thank you!"
    made_up = gate.submit(Utterance("reaction", line, "en", sources=("event:o1", "order:o1")))
    assert made_up.verdict is Verdict.BLOCK and "order_report" in " ".join(made_up.reasons)
    gate.note_orders(["o1"])
    assert gate.submit(Utterance("reaction", line, "en", sources=("event:o1", "order:o1"))).verdict is Verdict.PASS
    for kind in ("answer", "pitch"):
        d = gate.submit(Utterance(kind, line, "en", sources=("order:o1",)))  # type: ignore[arg-type]
        assert d.verdict is Verdict.BLOCK, f"a {kind} line may not report a purchase"
    d = gate.submit(Utterance("operator", "Thanks for your order, Dan!", "en", operator="op"))
    assert d.verdict is Verdict.BLOCK
    zh = gate.submit(Utterance("answer", "感谢小雨刚刚下单了茉莉花茶！", "zh"))
    assert zh.verdict is Verdict.BLOCK
