"""The operator console end to end: a real show in a child process, its console in headless chromium.

The tests run in order against one show: refusals, the preview, the feed, held lines (approve, edit,
reject), say-this, the product switch, pause/resume, the idle prompt, the phone layout, and last the
emergency stop, after which the show ends and its recording is checked.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.liveshow import LiveShow, sign_in
from console.messages import SERVER_MESSAGE, Approve, ErrorMsg, Result, Takeover, Welcome
from tests.console.pages import entries, held_for, ns, wait_until

SEEN: dict[str, float] = {}  # programme times the recording is checked at, once the show has ended


def test_refused_without_the_token(show: LiveShow) -> None:
    for path in ("/", "/static/app.js", "/api/state"):
        assert httpx.get(show.url + path).status_code == 401, path
        assert httpx.get(show.url + path, headers={"Authorization": "Bearer wrong-token-123"}).status_code == 401
    r = httpx.get(show.url + "/")
    assert '<form method="post" action="/signin"' in r.text
    r = httpx.post(show.url + "/signin", data={"name": "eve", "token": "not-the-token"})
    assert r.status_code == 401 and "Wrong token" in r.text
    assert entries(show, "console_signin", ok=False, operator="eve")
    bearer = {"Authorization": f"Bearer {show.token}"}
    assert httpx.get(show.url + "/api/state", headers=bearer).status_code == 200
    rebound = httpx.get(show.url + "/api/state", headers={**bearer, "Host": "evil.example"})
    assert rebound.status_code == 421, "a page on another host name (DNS rebinding) gets nothing"

    ws_url = "ws" + show.url[4:] + "/ws?operator=bot"
    origin = show.url
    with pytest.raises(ConnectionClosed) as e, connect(ws_url, origin=origin) as ws:  # type: ignore[arg-type]
        ws.recv(timeout=5)
    assert e.value.rcvd is not None and e.value.rcvd.code == 4401
    auth = {"Authorization": f"Bearer {show.token}"}
    with pytest.raises(ConnectionClosed) as e, connect(ws_url, origin="http://evil.example",  # type: ignore[arg-type]
                                                       additional_headers=auth) as ws:
        ws.recv(timeout=5)
    assert e.value.rcvd is not None and e.value.rcvd.code == 4403
    with connect(ws_url, origin=origin, additional_headers=auth) as ws:  # type: ignore[arg-type]
        first = SERVER_MESSAGE.validate_json(ws.recv(timeout=5))
        assert isinstance(first, Welcome) and first.operator == "bot"
        ws.send('{"type": "approve"}')
        ws.send("not json")
        ws.send(Takeover(on=True).model_dump_json())
        for _ in range(12):
            ws.send(Approve(id="no-such-line").model_dump_json())
        replies = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len([r for r in replies if isinstance(r, (Result, ErrorMsg))]) < 15:
            raw = ws.recv(timeout=5)
            if isinstance(raw, str):
                replies.append(SERVER_MESSAGE.validate_json(raw))
    errors = [r.message for r in replies if isinstance(r, ErrorMsg)]
    assert len(errors) == 2 and all(e.startswith("bad message") for e in errors), errors
    results = [r for r in replies if isinstance(r, Result)]
    takeover = next(r for r in results if r.action == "takeover")
    assert not takeover.outcome.ok and "not available" in takeover.outcome.message
    approves = [r.outcome.message for r in results if r.action == "approve"]
    assert "no held line with that id" in approves and any("too many actions" in m for m in approves)
    assert entries(show, "operator_action", action="takeover", operator="bot", ok=False)


def test_sign_in_in_the_browser(browser: Any, show: LiveShow) -> None:
    context = browser.new_context()
    p = context.new_page()
    p.goto(show.url + "/")
    p.fill("#name", "Eve")
    p.fill("#token", "wrong-token-000")
    p.click("#signin-button")
    assert "Wrong token" in p.inner_text("#error")
    assert p.evaluate("() => window.ns === undefined"), "no console without the token"
    sign_in(p, show, "Eve")
    assert entries(show, "console_signin", ok=True, operator="Eve")
    context.close()


def test_preview_shows_the_programme_at_ten_fps_or_more(page: Any) -> None:
    wait_until(lambda: ns(page, "frames") >= 5)
    f0, i0 = ns(page, "frames"), ns(page, "lastIndex")
    shot0 = page.locator("#preview").screenshot()
    time.sleep(2.0)
    f1, i1 = ns(page, "frames"), ns(page, "lastIndex")
    shot1 = page.locator("#preview").screenshot()
    assert (f1 - f0) / 2.0 >= 1, f"preview at {(f1 - f0) / 2.0} fps"  # generous: a tenth of the 10 fps target
    assert i1 > i0 + 20, "frame indices advance with the programme"
    assert shot0 != shot1, "the picture changes"
    assert float(page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('level')).width)")) >= 0


def test_comment_feed_shows_triage(page: Any, show: LiveShow) -> None:
    show.post({"id": "f1", "user": "ann", "text": "how much is the hoodie?"},
              {"id": "f2", "user": "spammer", "text": "FREE followers at www.spam.example click now"})
    ann = page.locator("#comments li", has_text="how much is the hoodie?")
    ann.wait_for(timeout=15000)
    assert ann.locator(".tag.intent").inner_text() == "price" and ann.locator(".tag.lang").inner_text() == "en"
    spam = page.locator("#comments li", has_text="FREE followers")
    spam.wait_for(timeout=15000)
    assert "skip" in spam.locator(".tag.skip").inner_text().lower()
    line = held_for(page, "how much is the hoodie?")
    assert "approval required" in line.locator(".reasons").inner_text()


def test_approve_a_held_line_and_it_is_spoken(page: Any, show: LiveShow) -> None:
    line = held_for(page, "how much is the hoodie?")
    line_id = line.get_attribute("data-id")
    line.locator("button[data-action=approve]").click()
    spoken = show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["id"] == line_id)
    assert "$39.90" in spoken["data"]["text"]
    action = entries(show, "operator_action", action="approve", id=line_id)[0]
    assert action["data"]["operator"] == "Mei" and action["data"]["ok"] is True
    gate = entries(show, "gate", id=line_id, verdict="pass")[0]
    assert gate["data"]["by"] == "Mei"
    SEEN["approved_pts"] = action["data"]["pts_s"]
    trace = wait_until(lambda: [x for x in show.state()["traces"] if x["id"] == line_id and x["on_air_pts_s"]])
    SEEN["approved_on_air"] = trace[0]["on_air_pts_s"]
    page.locator(f"#pending li[data-id='{line_id}']").wait_for(state="detached", timeout=5000)
    wait_until(lambda: show.state()["summary"]["answered"] >= 1, timeout=10)
    answered = page.locator("#summary dt", has_text="answered").locator("xpath=following-sibling::dd[1]")
    wait_until(lambda: answered.inner_text() != "0", timeout=5)
    page.locator("#audit li", has_text="operator_action").first.wait_for(timeout=5000)
    assert "Mei" in page.locator("#audit li", has_text="operator_action").first.inner_text()


def edit_held(page: Any, show: LiveShow, comment: dict[str, str], text: str) -> str:
    """Post a comment, wait for its held answer, approve it rewritten as `text`; the line's id."""
    show.post(comment)
    line = held_for(page, comment["text"])
    line_id = str(line.get_attribute("data-id"))
    line.locator("button[data-action=edit]").click()
    line.locator("textarea").fill(text)
    line.locator("button[data-action=save]").click()
    return line_id


def test_edit_is_spoken_as_edited_and_a_bad_edit_is_blocked(page: Any, show: LiveShow) -> None:
    edited = "The Stone Mug is $14.50, and it is dishwasher safe."
    line_id = edit_held(page, show, {"id": "e1", "user": "bo", "text": "how much is the mug?"}, edited)
    spoken = show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["id"] == line_id)
    assert spoken["data"]["text"] == edited

    line_id = edit_held(page, show, {"id": "e2", "user": "cy", "text": "how much are the socks?"},
                        "These are the best socks in the world, guaranteed.")
    gate = show.wait_audit(lambda e: e["kind"] == "gate" and e["data"]["id"] == line_id
                           and e["data"]["verdict"] == "block")
    assert any("Mei's edit" in r for r in gate["data"]["reasons"])
    wait_until(lambda: page.locator("#toast.bad").count() and "blocked" in page.inner_text("#toast"), timeout=5)
    time.sleep(1.0)
    assert not entries(show, "spoken", id=line_id), "a blocked edit is never spoken"


def test_reject_is_never_spoken(page: Any, show: LiveShow) -> None:
    show.post({"id": "r1", "user": "dee", "text": "how much is the tea?"})
    line = held_for(page, "how much is the tea?")
    line_id = line.get_attribute("data-id")
    line.locator("button[data-action=reject]").click()
    gate = show.wait_audit(lambda e: e["kind"] == "gate" and e["data"]["id"] == line_id
                           and e["data"]["verdict"] == "block")
    assert gate["data"]["reasons"] == ["rejected by Mei"]
    time.sleep(1.0)
    assert not entries(show, "spoken", id=line_id)
    assert entries(show, "operator_action", action="reject", id=line_id, operator="Mei")


def test_say_this_goes_through_the_gate(page: Any, show: LiveShow) -> None:
    page.fill("#say-text", "Thanks for staying up with us tonight.")
    page.click("#say")
    spoken = show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["kind"] == "operator")
    assert spoken["data"]["text"] == "Thanks for staying up with us tonight."
    assert entries(show, "gate", id=spoken["data"]["id"])[0]["data"]["operator"] == "Mei"
    page.fill("#say-text", "This is the number one hoodie, guaranteed.")
    page.click("#say")
    wait_until(lambda: "blocked" in page.inner_text("#toast"), timeout=5)
    assert not [e for e in entries(show, "spoken") if "guaranteed" in e["data"]["text"]]
    page.fill("#say-text", "")


def test_product_switch(page: Any, show: LiveShow) -> None:
    page.click("#products button[data-sku='MG-2']")
    wait_until(lambda: show.state()["product"] == "MG-2", timeout=10)
    page.locator("#products button.active[data-sku='MG-2']").wait_for(timeout=5000)
    page.locator("#pitch li", has_text="Stone Mug").first.wait_for(timeout=5000)
    show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["kind"] == "pitch" and "Stone Mug" in e["data"]["text"])
    assert entries(show, "operator_action", action="set_product", sku="MG-2", operator="Mei")


def test_pause_holds_answers_until_resume(page: Any, show: LiveShow) -> None:
    page.click("#pause")
    wait_until(lambda: show.state()["mode"] == "paused", timeout=10)
    assert page.locator("#mode.mode-paused").count() == 1 or wait_until(
        lambda: page.locator("#mode.mode-paused").count(), timeout=3)
    show.post({"id": "p1", "user": "eli", "text": "how much is the hoodie in navy?"})
    wait_until(lambda: any(c["id"] == "p1" for c in show.state()["comments"]), timeout=10)
    time.sleep(2.0)
    assert not [h for h in show.state()["pending"] if h["comment_id"] == "p1"], "no answer while paused"
    page.click("#resume")
    wait_until(lambda: show.state()["mode"] == "live", timeout=10)
    wait_until(lambda: [h for h in show.state()["pending"] if h["comment_id"] == "p1"], timeout=15)
    kinds = [e["data"]["action"] for e in entries(show, "operator_action", operator="Mei")]
    assert "pause" in kinds and "resume" in kinds


def test_are_you_there_prompt_then_heartbeats_stop(browser: Any, show: LiveShow) -> None:
    context = browser.new_context()
    p = context.new_page()
    p.clock.install()
    sign_in(p, show, "Lin")
    wait_until(lambda: ns(p, "heartbeats") >= 1)
    show.wait_audit(lambda e: e["kind"] == "operator_presence" and e["data"]["operator"] == "Lin")
    p.clock.fast_forward(181_000)  # three minutes without input
    p.locator("#idle").wait_for(state="visible", timeout=5000)
    p.clock.fast_forward(31_000)  # the question unanswered
    show.wait_audit(lambda e: e["kind"] == "operator_presence" and e["data"]["operator"] == "Lin"
                    and e["data"]["state"] == "away", timeout=10)
    beats = ns(p, "heartbeats")
    p.clock.fast_forward(20_000)
    assert ns(p, "heartbeats") == beats, "no heartbeats once the prompt went unanswered"
    assert "Lin" not in show.state()["on_duty"]
    p.click("#idle-yes")
    show.wait_audit(lambda e: e["kind"] == "operator_presence" and e["data"]["operator"] == "Lin"
                    and e["data"].get("confirmed") is True, timeout=10)
    assert "Lin" in show.state()["on_duty"]
    context.close()


def test_phone_layout_language_and_screenshots(browser: Any, page: Any, show: LiveShow, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    sign_in(phone, show, "Ana")
    wait_until(lambda: ns(phone, "frames") >= 3)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    stop = phone.locator("#stop").bounding_box()
    assert stop is not None and stop["width"] >= 200, "the stop button is easy to hit on a phone"
    phone.click("#lang-toggle")
    assert phone.inner_text("#stop") == "紧急停止" and phone.inner_text("#lang-toggle") == "English"
    phone.click("#lang-toggle")
    assert phone.inner_text("#stop") == "STOP"
    time.sleep(2.5)  # a full window for the fps figure on the page
    shots = [tmp_path / "console_laptop.png", tmp_path / "console_phone.png"]
    page.screenshot(path=str(shots[0]))
    phone.screenshot(path=str(shots[1]))
    assert all(s.stat().st_size > 20_000 for s in shots)
    if os.environ.get("NIGHTSHIFT_CONSOLE_SHOTS"):  # refresh the README's pictures
        for s in shots:
            shutil.copy(s, Path(os.environ["NIGHTSHIFT_CONSOLE_SHOTS"]) / s.name)
    context.close()


def test_sign_in_attempts_are_rate_limited(show: LiveShow) -> None:
    codes: list[int] = []
    while len(codes) < 12 and 429 not in codes:  # the bucket (5 at once) may be partly spent by earlier sign-ins
        codes.append(httpx.post(show.url + "/signin", data={"name": "eve", "token": f"guess-{len(codes):08d}"})
                     .status_code)
    assert codes[-1] == 429 and set(codes[:-1]) <= {401} and len(codes) <= 7, codes
    right = httpx.post(show.url + "/signin", data={"name": "eve", "token": show.token})
    assert right.status_code == 429, "while limited, even the right token waits"


def _audio(mp4: Path) -> tuple[np.ndarray, int]:
    with av.open(str(mp4)) as c:
        stream = c.streams.audio[0]
        pcm = np.concatenate([f.to_ndarray()[0] for f in c.decode(stream)])
        return pcm, stream.rate


def _rms(pcm: np.ndarray, rate: int, a: float, b: float) -> float:
    seg = pcm[max(0, int(a * rate)): int(b * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(seg * seg))) if len(seg) else 0.0


def test_emergency_stop_silences_the_programme_and_the_recording_agrees(page: Any, show: LiveShow) -> None:
    """Silent within 200 ms of the programme's time of the stop; how soon on the wall clock, from the stop
    reaching the show and from the click, is `nightshift bench console` (stop_to_silence_ms, click_to_silence_ms)."""
    page.fill("#say-text", "Here is a longer note from the team: the hoodie is back next week, and every order "
                           "ships within two business days.")
    page.click("#say")
    spoken = show.wait_audit(lambda e: e["kind"] == "spoken" and "longer note" in e["data"]["text"])
    wait_until(lambda: show.state()["level"] > 0.05, timeout=15, every=0.02)
    time.sleep(0.5)
    page.click("#stop")
    stop = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "stop")["data"]
    assert stop["ok"] and stop["operator"] == "Mei"
    assert 0 <= stop["silent_pts_s"] - stop["stop_pts_s"] <= 0.2, stop  # the programme's own clock
    wait_until(lambda: show.state()["mode"] == "stopped", timeout=5)
    page.fill("#say-text", "hello again")
    page.click("#say")
    wait_until(lambda: "resume first" in page.inner_text("#toast"), timeout=5)
    time.sleep(1.5)  # stays silent
    page.click("#resume")
    wait_until(lambda: show.state()["mode"] == "live", timeout=10)
    assert show.finish() == 0, show.stderr()[-2000:]

    pcm, rate = _audio(show.mp4)
    t, on_air = SEEN["approved_pts"], SEEN["approved_on_air"]
    assert on_air >= t, "the approved line went on air after the approval"
    assert _rms(pcm, rate, on_air, on_air + 1.5) > 0.02, "and the recording has it there"
    assert _rms(pcm, rate, stop["stop_pts_s"] - 0.5, stop["stop_pts_s"]) > 0.02, "the host was speaking"
    quiet = pcm[int((stop["silent_pts_s"] + 0.05) * rate): int((stop["silent_pts_s"] + 1.5) * rate)]
    assert len(quiet) and float(np.abs(quiet).max()) < 0.01, "silence after the stop"
    assert spoken["data"]["kind"] == "operator"
