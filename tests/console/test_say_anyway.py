"""Say this and Edit in the console against the catalog, in chromium: a line the catalog does not hold is
refused with its reason, "Say anyway" asks for a reason in the page, and the audit log records who and why;
moderation cannot be overridden. The show runs the English demo shop (hoodie $39.90, desk lamp $59)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import assets
from bench.liveshow import LiveShow
from console.messages import CLIENT_MESSAGE, Edit, Say

FREE_LAMP = "The desk lamp is free today, only $1!"
CHEAP_HOODIE = "The Cloud Fleece Hoodie is only $5 today"
SPEAK_S = 60.0  # a line is spoken after the one on air (a pitch) ends; a busy machine makes that slower


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveShow]:
    s = LiveShow(tmp_path_factory.mktemp("say-anyway"), catalog=str(assets.path("demo_shop_en.yaml")),
                 console={"takeover": False}).start()
    yield s
    s.finish()


def wait_until(fn: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def spoken(show: LiveShow, text: str) -> list[dict[str, Any]]:
    return [e for e in show.audit() if e["kind"] == "spoken" and e["data"]["text"] == text]


def last_result(page: Any, action: str) -> dict[str, Any]:
    return dict(page.evaluate(f"() => window.ns.results.filter((r) => r.action === '{action}').slice(-1)[0]"))


def results(page: Any) -> int:
    return int(page.evaluate("() => window.ns.results.length"))


def test_the_force_fields_are_typed() -> None:
    say = CLIENT_MESSAGE.validate_json('{"type": "say", "text": "x", "force": true, "reason": "owner agreed"}')
    assert isinstance(say, Say) and say.force and say.reason == "owner agreed"
    edit = CLIENT_MESSAGE.validate_json('{"type": "edit", "id": "a1", "text": "x"}')
    assert isinstance(edit, Edit) and not edit.force and edit.reason == ""
    for bad in ('{"type": "say", "text": "x", "force": "yes please"}',
                '{"type": "edit", "id": "a1", "text": "x", "force": true, "reason": "' + "r" * 201 + '"}'):
        with pytest.raises(ValidationError):
            CLIENT_MESSAGE.validate_json(bad)


def test_say_this_is_refused_with_its_reason_and_said_anyway_with_one(page: Any, show: LiveShow) -> None:
    page.fill("#say-text", FREE_LAMP)
    page.click("#say")
    box = page.locator("#say-force")
    box.wait_for(timeout=10000)
    why = box.inner_text()
    assert "$59" in why and "$1" in why, why
    gate = show.wait_audit(lambda e: e["kind"] == "gate" and e["data"]["text"] == FREE_LAMP)["data"]
    assert gate["verdict"] == "block" and gate["forceable"] and gate["operator"] == "Mei"
    anyway = box.locator("[data-testid=say-anyway]")
    assert anyway.is_disabled(), "no reason typed yet"
    box.locator("[data-testid=force-reason]").fill("the owner's midnight giveaway")
    anyway.click()
    action = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "say"
                             and e["data"].get("forced"))["data"]
    assert action["operator"] == "Mei" and action["reason"] == "the owner's midnight giveaway"
    assert action["text"] == FREE_LAMP and {f.split(":")[0] for f in action["findings"]} == {"free", "price"}
    show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["text"] == FREE_LAMP, timeout=SPEAK_S)
    page.locator("#say-force").wait_for(state="detached", timeout=5000)


def test_say_anyway_without_a_reason_is_refused(page: Any, show: LiveShow) -> None:
    n = results(page)
    page.evaluate(f"() => window.ns.send({{type: 'say', text: {CHEAP_HOODIE!r}, force: true, reason: '  '}})")
    wait_until(lambda: results(page) > n, timeout=10)
    out = last_result(page, "say")["outcome"]
    assert not out["ok"] and "needs a reason" in out["message"]
    time.sleep(1.0)
    assert not spoken(show, CHEAP_HOODIE)


def test_a_grounded_line_is_spoken_without_a_question(page: Any, show: LiveShow) -> None:
    page.fill("#say-text", "The hoodie comes in navy.")
    page.click("#say")
    show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["text"] == "The hoodie comes in navy.",
                    timeout=SPEAK_S)
    assert page.locator("#say-force").count() == 0


def test_moderation_offers_no_say_anyway(page: Any, show: LiveShow) -> None:
    n = results(page)
    page.fill("#say-text", "This jasmine tea cures colds.")
    page.click("#say")
    wait_until(lambda: results(page) > n, timeout=10)
    out = last_result(page, "say")["outcome"]
    assert not out["ok"] and not out["forceable"] and out["message"].startswith("blocked: moderation")
    assert page.locator("#say-force").count() == 0
    n = results(page)
    page.evaluate("() => window.ns.send({type: 'say', text: 'This jasmine tea cures colds.', force: true, "
                  "reason: 'I insist'})")
    wait_until(lambda: results(page) > n, timeout=10)
    assert not last_result(page, "say")["outcome"]["ok"]
    time.sleep(1.0)
    assert not spoken(show, "This jasmine tea cures colds.")


def test_an_edit_is_refused_stays_held_and_is_said_anyway(page: Any, show: LiveShow, tmp_path: Path) -> None:
    show.post({"id": "h1", "user": "ann", "text": "how much is the hoodie?"})
    line = page.locator("#pending li.held", has_text="how much is the hoodie?").first
    line.wait_for(timeout=30000)
    line_id = str(line.get_attribute("data-id"))
    line.locator("button[data-action=edit]").click()
    line.locator("textarea").fill(CHEAP_HOODIE)
    line.locator("button[data-action=save]").click()
    box = line.locator("[data-testid=force-box]")
    box.wait_for(timeout=10000)
    assert "$39.90" in box.inner_text()
    page.screenshot(path=str(tmp_path / "refused_edit.png"))
    assert line_id in [x["id"] for x in show.state()["pending"]], "the line stays held"
    assert not spoken(show, CHEAP_HOODIE)
    box.locator("[data-testid=force-reason]").fill("price cut agreed with the shop owner")
    box.locator("[data-testid=say-anyway]").click()
    said = show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["id"] == line_id, timeout=SPEAK_S)
    assert said["data"]["text"] == CHEAP_HOODIE
    action = [e["data"] for e in show.audit() if e["kind"] == "operator_action" and e["data"]["action"] == "edit"
              and e["data"]["ok"]][-1]
    assert action["forced"] and action["reason"] == "price cut agreed with the shop owner"
    assert action["operator"] == "Mei" and action["findings"][0].startswith("price:")
    page.locator(f"#pending li[data-id='{line_id}']").wait_for(state="detached", timeout=5000)
