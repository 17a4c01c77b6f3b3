"""Presence as the `douyin` rule means it, end to end: a real douyin show (recorded; its host the shop's own,
consented, as in test_live_faults) and its operators' consoles in chromium. The host pitches without pause; the heartbeat lapse is long (60 s), so what
takes it off air here is the operator leaving, never the lapse window.

- Two operators on duty: one leaving changes nothing; when the last one's console closes, the host starts nothing
  new from that moment (no pitch, no answer), and the console's `on_duty` and presence say so at once.
- The operator lets "are you there?" go unanswered: the same, at once; when they answer, the holding line is not
  said any more (withdrawn before it went on air, or cut).

The tests run in order against one show.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from bench.liveshow import LiveShow, sign_in
from tests.show.test_live_faults import _own_host

LAPSE_S = 60.0
NEW = ("pitch", "answer")  # what the host starts by itself


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveShow]:
    folder = tmp_path_factory.mktemp("douyin-presence")
    consent = _own_host(folder)
    s = LiveShow(folder / "show", platform="douyin", consent=str(consent), portrait=str(folder / "host.png"),
                 voice={"kind": "piper", "model": str(folder / "host-voice.onnx")}, pitch_interval_s=1.0,
                 operator={"approval": "none", "heartbeat_lapse_s": LAPSE_S}, console={"takeover": False},
                 minutes=10.0).start()
    yield s
    s.finish()


def _console(browser: Any, show: LiveShow, name: str, *, clock: bool = False) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if clock:
        page.clock.install()
    sign_in(page, show, name)
    return context, page


def _after(show: LiveShow, seq: int, entry: str, **match: Any) -> dict[str, Any]:
    """The first entry of kind `entry` after `seq` whose data has `match` (waiting for it)."""
    return show.wait_audit(lambda e: e["seq"] > seq and e["kind"] == entry
                           and all(e["data"].get(k) == v for k, v in match.items()), timeout=30)


def _started(show: LiveShow, after: int, before: int | None = None) -> list[dict[str, Any]]:
    """Pitch and answer lines put on air after `after` (and before `before`)."""
    return [e["data"] for e in show.audit() if e["kind"] == "spoken" and e["data"]["kind"] in NEW
            and e["seq"] > after and (before is None or e["seq"] < before)]


def _on_duty(show: LiveShow) -> tuple[list[str], str]:
    st = show.state()
    return sorted(st["on_duty"]), st["presence"]


def test_the_host_starts_nothing_new_once_the_last_console_closes(browser: Any, show: LiveShow) -> None:
    lin, _ = _console(browser, show, "Lin")
    mo, _ = _console(browser, show, "Mo")
    on = _after(show, 0, "spoken", kind="pitch")  # on air once an operator is on duty
    for name in ("Lin", "Mo"):
        show.wait_audit(lambda e, name=name: e["kind"] == "operator_presence" and e["data"]["operator"] == name)
    assert _on_duty(show) == (["Lin", "Mo"], "present")
    lin.close()
    one = _after(show, on["seq"], "console_disconnected", operator="Lin")
    assert _on_duty(show) == (["Mo"], "present"), "one operator is still on duty"
    _after(show, one["seq"], "spoken", kind="pitch")  # and the host goes on
    mo.close()
    gone = _after(show, one["seq"], "console_disconnected", operator="Mo")
    assert _on_duty(show) == ([], "lapsed"), "the console's state and the host's presence are one truth"
    show.post({"id": "q-away", "user": "ann", "text": "how much is the hoodie?"})
    # the host pauses at once (Mo is off duty before the disconnect is logged), not when the heartbeats would
    # lapse: until then pitches ran on
    first = show.wait_audit(lambda e: (e["kind"] == "paused" and e["data"]["reason"] == "presence"
                                       and e["seq"] > one["seq"]) or
                            (e["kind"] == "spoken" and e["data"]["kind"] in NEW and e["seq"] > gone["seq"]),
                            timeout=LAPSE_S - 10)
    assert first["kind"] == "paused", f"started after the last operator left: {first['data']}"
    time.sleep(4.0)  # what was being voiced at the moment would be on air by now
    started = _started(show, gone["seq"])
    assert not started, f"started after the last operator left: {started}"
    lapse = next(e for e in show.audit() if e["kind"] == "presence" and e["seq"] > one["seq"])
    assert lapse["data"]["state"] == "lapsed" and lapse["data"]["reason"] == "console disconnected"


def test_are_you_there_unanswered_stops_new_lines_and_the_answer_silences_the_holding_line(
        browser: Any, show: LiveShow) -> None:
    start = show.audit()[-1]["seq"]
    context, page = _console(browser, show, "Lin", clock=True)
    back = _after(show, start, "resumed", reason="presence")
    answered = _after(show, start, "spoken", kind="answer", comment_id="q-away")
    assert answered["seq"] > back["seq"], "the question that came while nobody was on duty is answered now"
    _after(show, back["seq"], "spoken", kind="pitch")
    page.clock.fast_forward(181_000)  # three minutes without input: "are you there?"
    page.locator("#idle").wait_for(state="visible", timeout=5000)
    page.clock.fast_forward(31_000)  # unanswered
    away = _after(show, back["seq"], "operator_presence", operator="Lin", state="away")
    paused = _after(show, back["seq"], "paused", reason="presence")  # Lin is off duty before "away" is logged
    page.click("#idle-yes")  # back, while the host is about to say it will be right back
    confirmed = _after(show, away["seq"], "operator_presence", operator="Lin", confirmed=True)
    resumed = _after(show, paused["seq"], "resumed", reason="presence")
    assert _on_duty(show) == (["Lin"], "present")
    _after(show, resumed["seq"], "spoken", kind="pitch")  # on air again
    log = show.audit()
    started = _started(show, away["seq"], resumed["seq"])
    assert not started, f"started while Lin was away: {started}"
    holding = [e for e in log if e["kind"] == "spoken" and e["data"]["kind"] == "holding" and e["seq"] > away["seq"]]
    assert all(e["seq"] < confirmed["seq"] for e in holding), "no holding line goes on air after the answer"
    cut = {e["data"]["id"] for e in log if e["kind"] in ("line_cut", "line_dropped") and e["seq"] > confirmed["seq"]}
    withdrawn = [e["data"] for e in log if e["kind"] == "line_withdrawn" and e["seq"] > away["seq"]]
    assert all(e["data"]["id"] in cut for e in holding), "a holding line on air when Lin answered is cut"
    assert holding or any(w["kind"] == "holding" and w["reason"] == "the operator is back" for w in withdrawn)
    context.close()
