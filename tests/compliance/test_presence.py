"""Operator presence: heartbeats, a lapse reported once, the return, and the holding slate."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from compliance.ocr import label_found, read_label, tesseract_text
from compliance.presence import Presence, PresenceChange, draw_slate, holding_line
from dialogue.moderation import check_output


class Clock:
    """Virtual time for the show's clock."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_lapse_and_return_are_each_reported_once() -> None:
    clock = Clock()
    p = Presence(30, clock=clock)
    seen: list[PresenceChange] = []
    p.subscribe(seen.append)
    assert p.state() == "lapsed" and p.poll() is None  # nobody on duty yet; nothing changed
    back = p.heartbeat("ops-anna")
    assert back is not None and back.state == "present" and back.operator == "ops-anna"
    assert p.poll() is None
    clock.t += 30
    assert p.present() and p.poll() is None  # exactly at the limit still counts
    clock.t += 0.5
    gone = p.poll()
    assert gone is not None and gone.state == "lapsed" and gone.silent_s == pytest.approx(30.5)
    assert p.poll() is None and p.state() == "lapsed"
    assert p.heartbeat("ops-bo") is not None and p.operator == "ops-bo"
    assert [c.state for c in seen] == ["present", "lapsed", "present"]
    assert seen[1].to_audit() == {"state": "lapsed", "operator": "ops-anna", "silent_s": 30.5}


def test_any_operator_on_duty_keeps_the_host_attended() -> None:
    clock = Clock()
    p = Presence(10, clock=clock)
    p.heartbeat("a")
    clock.t += 8
    p.heartbeat("b")
    clock.t += 8  # a is silent for 16 s, b for 8 s
    assert p.present() and p.operator == "b"
    with pytest.raises(ValueError):
        p.heartbeat("  ")


def test_the_last_operator_leaving_lapses_at_once() -> None:
    clock = Clock()
    p = Presence(30, clock=clock)
    seen: list[PresenceChange] = []
    p.subscribe(seen.append)
    p.heartbeat("a")
    p.heartbeat("b")
    assert p.on_duty() == ["a", "b"]
    assert p.leave("a", "console disconnected") is None, "b is still on duty"
    assert p.present() and p.on_duty() == ["b"]
    clock.t += 1  # well inside the lapse window
    gone = p.leave("b", "are-you-there prompt unanswered")
    assert gone is not None and gone.state == "lapsed" and gone.operator == "b"
    assert gone.to_audit() == {"state": "lapsed", "operator": "b", "silent_s": None,
                               "reason": "are-you-there prompt unanswered"}
    assert p.state() == "lapsed" and p.on_duty() == [] and p.poll() is None
    assert p.leave("b", "console disconnected") is None, "leaving twice is no new change"
    back = p.heartbeat("b")
    assert back is not None and back.state == "present" and back.reason is None
    assert [c.state for c in seen] == ["present", "lapsed", "present"]


def test_on_duty_agrees_with_the_state() -> None:
    clock = Clock()
    p = Presence(10, clock=clock)
    assert p.on_duty() == [] and p.state() == "lapsed"
    p.heartbeat("a")
    clock.t += 6
    p.heartbeat("b")
    clock.t += 6  # a is silent for 12 s: no longer on duty; b is
    assert p.on_duty() == ["b"] and p.present()
    clock.t += 5
    assert p.on_duty() == [] and p.state() == "lapsed"


def test_a_commit_holds_the_state_until_it_is_done() -> None:
    """While a line is committed on the presence it was meant for, a leave waits for it."""
    p = Presence(30)
    p.heartbeat("ops")
    order: list[str] = []
    with p.steady() as present:
        leaving = threading.Thread(target=lambda: (p.leave("ops", "console disconnected"), order.append("left")))
        leaving.start()
        leaving.join(0.2)
        order.append(f"committed while present={present}")
    leaving.join()
    assert order == ["committed while present=True", "left"] and not p.present()


def test_real_clock_lapse() -> None:
    p = Presence(0.2)
    p.heartbeat("ops")
    assert p.present()
    time.sleep(0.3)
    assert p.state() == "lapsed"
    change = p.poll()
    assert change is not None and change.state == "lapsed" and change.silent_s >= 0.2


def test_concurrent_polls_report_a_lapse_exactly_once() -> None:
    clock = Clock()
    p = Presence(5, clock=clock)
    changes: list[PresenceChange] = []
    lock = threading.Lock()

    def record(c: PresenceChange) -> None:
        with lock:
            changes.append(c)

    p.subscribe(record)
    p.heartbeat("ops")
    clock.t += 6
    start = threading.Barrier(8)

    def poller() -> None:
        start.wait()
        for _ in range(500):
            p.poll()

    threads = [threading.Thread(target=poller) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [c.state for c in changes] == ["present", "lapsed"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_holding_line_passes_moderation(lang: str) -> None:
    assert check_output(holding_line(lang), lang) == []


@pytest.mark.parametrize(("lang", "words"), [("en", "right back"), ("zh", "稍后回来")])
def test_holding_slate_reads_and_stays_labelled(lang: str, words: str) -> None:
    frame = np.full((1280, 720, 3), 200, np.uint8)  # whatever the host frame was
    draw_slate(frame, lang)
    text = tesseract_text(frame, "chi_sim+eng" if lang == "zh" else "eng", psm=11)
    assert words in text.replace(" ", "" if lang == "zh" else " "), text
    assert label_found(read_label(frame, lang), lang)
    again = np.zeros((1280, 720, 3), np.uint8)
    draw_slate(again, lang)
    assert np.array_equal(frame, again)  # the slate replaces the picture entirely
