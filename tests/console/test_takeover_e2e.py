"""Takeover end to end: a real show, its console in headless chromium whose webcam and mic are the fake
operator's files (avatar.drive.fakecam). The operator takes over from the page; the recording carries
their voice and the host's mouth follows their jaw; nothing of the AI's starts meanwhile; the hand-back
says the AI disclosure again before anything else. Closing the driver's page, an emergency stop or a pause
hands back too; a stopped show refuses a takeover.
"""

from __future__ import annotations

import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from avatar.drive.fakecam import FakeCam, make_fakecam
from avatar.lipsync import MouthTracker, rms_envelope
from bench.liveshow import LiveShow, launch_browser, sign_in

SHOP = Path(__file__).with_name("shop.yaml")
CAM_S = 6.0  # the fake camera's clip, looped by chromium
TAKEOVER_S = 9.0  # on air as the operator
FPS = 25
RESULTS: dict[str, Any] = {}


def wait_until(fn: Any, timeout: float = 20.0, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := fn():
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


@pytest.fixture(scope="module")
def cam(tmp_path_factory: pytest.TempPathFactory) -> FakeCam:
    return make_fakecam(tmp_path_factory.mktemp("operator"), seconds=CAM_S, fps=FPS)


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveShow]:
    s = LiveShow(tmp_path_factory.mktemp("takeover-show"), catalog=str(SHOP), operator={"approval": "none"}).start()
    yield s
    s.finish()


@pytest.fixture(scope="module")
def browser(cam: FakeCam) -> Iterator[Any]:
    """A chromium whose camera and microphone are the fake operator."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_browser(pw, camera=cam.y4m.parent)
        yield b
        b.close()


def console(browser: Any, show: LiveShow, name: str) -> Any:
    p = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    p.on("pageerror", lambda e: print(f"page error: {e}"))
    sign_in(p, show, name)
    return p


@pytest.fixture(scope="module")
def page(browser: Any, show: LiveShow) -> Any:
    """The console signed in as Mei."""
    return console(browser, show, "Mei")


def entries(show: LiveShow, kind: str, **match: Any) -> list[dict[str, Any]]:
    return [e for e in show.audit() if e["kind"] == kind and all(e["data"].get(k) == v for k, v in match.items())]


def test_take_over_and_hand_back(page: Any, show: LiveShow) -> None:
    wait_until(lambda: page.is_enabled("#takeover"), timeout=15)
    show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["kind"] == "disclosure")  # the opening one
    wait_until(lambda: not show.state()["speaking"], timeout=20)
    page.click("#takeover")
    try:
        on = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "takeover")
    except TimeoutError:
        raise AssertionError(f"no takeover reached the show: {page.evaluate('() => window.ns.takeover')}, "
                             f"{page.inner_text('#takeover-status')!r}") from None
    assert on["data"]["ok"] and on["data"]["on"] and on["data"]["operator"] == "Mei", on
    state = wait_until(lambda: (s := show.state())["takeover"] and s["takeover"]["first_face_ms"] is not None and s,
                       timeout=10)
    assert state["taking_over"] and state["takeover"]["operator"] == "Mei"
    wait_until(lambda: "Mei" in page.inner_text("#takeover-status"), timeout=5)
    assert page.is_visible("#takeover-self") and page.inner_text("#takeover") == "End takeover"
    show.post({"id": "c-during", "user": "ana", "text": "how much is the hoodie?"})  # the operator's to answer
    time.sleep(TAKEOVER_S)
    during = show.state()["takeover"]
    assert during["face_visible"] and during["source"] == "face", during
    sent = page.evaluate("() => window.ns.takeover")
    page.click("#takeover")
    off = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "takeover"
                          and e["data"]["on"] is False)
    assert off["data"]["ok"] and off["data"]["operator"] == "Mei" and off["data"]["driver"] == "Mei", off
    again = show.wait_audit(lambda e: e["kind"] == "spoken" and e["seq"] > off["seq"], timeout=20)
    assert again["data"]["kind"] == "disclosure", "the AI disclosure is said first after the hand-back"
    answer = show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"].get("comment_id") == "c-during", timeout=30)
    assert answer["seq"] > again["seq"], "the comment is answered by the AI host only after the hand-back"
    log = show.audit()
    withdrawn = {e["data"]["id"] for e in log if e["kind"] == "line_dropped"}
    between = [e["data"] for e in log if e["kind"] == "spoken" and on["seq"] < e["seq"] < off["seq"]]
    # a pitch already in synthesis at the click may still be queued: it is withdrawn, never played
    assert all(d["kind"] == "pitch" and d["id"] in withdrawn for d in between), f"AI lines during the takeover: {between}"
    page_after = page.evaluate("() => window.ns.takeover")
    assert not page_after["active"] and not page.is_visible("#takeover-self"), "the camera is closed"
    assert sent["framesSent"] >= 10 * TAKEOVER_S and sent["chunksSent"] >= 20 * TAKEOVER_S, sent
    RESULTS.update(on=on, off=off, again=again, sent=sent, clicked_s=sent["clickedAt"] / 1000.0)
    figures = off["data"]
    print(f"\ntakeover figures: {figures}; page sent {sent['framesSent']} frames, {sent['chunksSent']} mic "
          f"chunks ({sent['mic']}); click to on air {(on['ts'] - RESULTS['clicked_s']) * 1000:.0f} ms")
    assert figures["video_tracked"] >= 0.1 * figures["video_in"], figures  # generous: a busy tracker skips stale frames
    assert 0 <= figures["first_frame_ms"] <= figures["first_face_ms"], figures  # how soon: bench console


def takeovers(show: LiveShow, after: int) -> list[dict[str, Any]]:
    return [e for e in show.audit() if e["kind"] == "operator_action" and e["data"]["action"] == "takeover"
            and e["seq"] > after]


def test_closing_the_page_a_stop_or_a_pause_hands_back(browser: Any, page: Any, show: LiveShow) -> None:
    start = show.audit()[-1]["seq"]
    lin = console(browser, show, "Lin")
    lin.click("#takeover")
    on = wait_until(lambda: takeovers(show, start), timeout=15)[0]
    assert on["data"]["ok"] and on["data"]["operator"] == "Lin", on
    wait_until(lambda: page.inner_text("#on-air-why") == "Lin is driving the host", timeout=5)  # Mei sees Lin on air
    assert page.inner_text("#takeover") == "Take over" and page.is_disabled("#takeover"), "only Lin hands back"
    lin.context.close()  # the driver's page goes away: their camera and mic with it
    off = wait_until(lambda: takeovers(show, on["seq"]), timeout=10)[0]
    assert off["data"]["ok"] and not off["data"]["on"] and off["data"]["driver"] == "Lin", off
    spoken = show.wait_audit(lambda e: e["kind"] == "spoken" and e["seq"] > off["seq"], timeout=20)
    assert spoken["data"]["kind"] == "disclosure"

    lin = console(browser, show, "Lin")
    lin.click("#takeover")
    on = wait_until(lambda: [e for e in takeovers(show, spoken["seq"]) if e["data"]["on"]], timeout=15)[0]
    wait_until(lambda: show.state()["taking_over"], timeout=5)
    page.click("#stop")  # Mei's emergency stop silences Lin too
    ended = wait_until(lambda: [e for e in takeovers(show, on["seq"]) if not e["data"]["on"]], timeout=10)[0]
    assert ended["data"]["message"] == "ended by the emergency stop" and ended["data"]["driver"] == "Lin", ended
    stop = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "stop"
                           and e["seq"] > on["seq"])
    assert stop["data"]["ok"] and 0 <= stop["data"]["silent_pts_s"] - stop["data"]["stop_pts_s"] <= 0.2, stop
    wait_until(lambda: not lin.evaluate("() => window.ns.takeover.active"), timeout=5)  # Lin's camera closes
    assert "AI host is back" in lin.inner_text("#takeover-status")
    lin.click("#takeover")  # while stopped: refused, and the camera closes again
    refused = wait_until(lambda: takeovers(show, ended["seq"]), timeout=15)[0]
    assert not refused["data"]["ok"] and "resume first" in refused["data"]["message"], refused
    wait_until(lambda: "resume first" in lin.inner_text("#takeover-status"), timeout=5)
    assert not lin.evaluate("() => window.ns.takeover.active")
    page.click("#resume")
    resumed = show.wait_audit(lambda e: e["kind"] == "spoken" and e["seq"] > stop["seq"], timeout=20)
    assert resumed["data"]["kind"] == "disclosure", "after the resume, the disclosure first"

    lin.click("#takeover")
    on = wait_until(lambda: [e for e in takeovers(show, resumed["seq"]) if e["data"]["on"]], timeout=15)[0]
    assert on["data"]["ok"], on
    page.click("#pause")  # the slate would cover Lin's face: the takeover ends first
    paused = wait_until(lambda: [e for e in takeovers(show, on["seq"]) if not e["data"]["on"]], timeout=10)[0]
    assert paused["data"]["message"] == "ended by the pause" and paused["data"]["driver"] == "Lin", paused
    wait_until(lambda: not show.state()["taking_over"] and show.state()["mode"] == "paused", timeout=5)
    show.wait_audit(lambda e: e["kind"] == "spoken" and e["data"]["kind"] == "holding" and e["seq"] > paused["seq"])
    page.click("#resume")
    back = show.wait_audit(lambda e: e["kind"] == "operator_action" and e["data"]["action"] == "resume"
                           and e["seq"] > paused["seq"])
    first = show.wait_audit(lambda e: e["kind"] == "spoken" and e["seq"] > back["seq"], timeout=20)
    assert first["data"]["kind"] == "disclosure", "after the pause, the disclosure first"
    lin.context.close()
    time.sleep(0.5)
    assert not [e for e in takeovers(show, paused["seq"])], "nothing left to hand back"


def test_a_second_console_of_the_same_name_sees_who_drives(browser: Any, page: Any, show: LiveShow) -> None:
    start = show.audit()[-1]["seq"]
    other = console(browser, show, "Mei")  # the same operator on a second console
    wait_until(lambda: page.is_enabled("#takeover") and not show.state()["taking_over"], timeout=15)
    page.click("#takeover")
    on = wait_until(lambda: [e for e in takeovers(show, start) if e["data"]["on"]], timeout=15)[0]
    assert on["data"]["ok"] and on["data"]["operator"] == "Mei", on
    wait_until(lambda: page.inner_text("#takeover") == "End takeover" and page.is_visible("#takeover-self"), timeout=5)
    wait_until(lambda: other.inner_text("#on-air-why") == "Mei is driving the host (another console)", timeout=5)
    assert page.inner_text("#on-air-why") == "You are driving the host"
    assert other.inner_text("#takeover") == "Take over" and other.is_disabled("#takeover"), "no End takeover there"
    assert not other.is_visible("#takeover-self") and not other.is_visible("#takeover-panel")
    other.evaluate("() => window.ns.send({type: 'takeover', on: false})")  # as if it still tried to hand back
    refused = wait_until(lambda: [e for e in takeovers(show, on["seq"]) if not e["data"]["on"]], timeout=10)[0]
    assert not refused["data"]["ok"] and refused["data"]["message"] == "Mei is driving the host (another console)"
    assert show.state()["taking_over"], "the takeover goes on: only the console that drives hands back"
    other.evaluate("() => window.ns.send({type: 'takeover', on: true})")
    again = wait_until(lambda: [e for e in takeovers(show, refused["seq"])], timeout=10)[0]
    assert not again["data"]["ok"] and "another console" in again["data"]["message"], again
    other.context.close()  # the second console going away does not end the first one's takeover
    time.sleep(1.0)
    assert show.state()["taking_over"] and page.inner_text("#takeover") == "End takeover"
    page.click("#takeover")
    off = wait_until(lambda: [e for e in takeovers(show, again["seq"]) if not e["data"]["on"]], timeout=10)[0]
    assert off["data"]["ok"] and off["data"]["driver"] == "Mei", off
    wait_until(lambda: not page.is_visible("#takeover-self"), timeout=5)


def _best_circular(x: np.ndarray, pattern: np.ndarray) -> tuple[float, int]:
    """The best Pearson correlation of x against the looped pattern over every start offset, and that offset."""
    n, ok = len(pattern), ~np.isnan(x)
    best = (-1.0, 0)
    for k in range(n):
        y = pattern[(np.arange(len(x)) + k) % n]
        best = max(best, (float(np.corrcoef(x[ok], y[ok])[0, 1]), k))
    return best


def _follows(x: np.ndarray, pattern: np.ndarray, win: int = 2 * FPS) -> tuple[float, np.ndarray]:
    """How well x follows the looped pattern: the median best correlation over 2 s windows (1 s apart), each
    at its own offset (the jitter buffer's refills and drops move the voice by tens of ms), and the pattern
    as aligned window by window."""
    rs, aligned = [], np.full(len(x), np.nan)
    for s in range(0, len(x) - win + 1, win // 2):
        r, k = _best_circular(x[s:s + win], pattern)
        rs.append(r)
        aligned[s:s + win] = pattern[(np.arange(s, s + win) - s + k) % len(pattern)]
    return float(np.median(rs)), aligned


def _wav_envelope(path: Path, times: np.ndarray) -> np.ndarray:
    with wave.open(str(path)) as w:
        rate, pcm = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
    return rms_envelope(pcm.astype(np.float64), rate, times, 1.0 / FPS)


def test_the_recording_has_the_operator_voice_and_mouth(show: LiveShow, cam: FakeCam) -> None:
    assert RESULTS, "the takeover test ran first"
    assert show.finish() == 0, show.stderr()[-2000:]
    a, b = RESULTS["on"]["data"]["pts_s"] + 0.5, RESULTS["off"]["data"]["pts_s"] - 0.1  # on air, settled
    with av.open(str(show.mp4)) as c:
        stream = c.streams.audio[0]
        rate = int(stream.rate)
        pcm = np.concatenate([f.to_ndarray()[0] for f in c.decode(stream)]).astype(np.float64)
    times = np.arange(a, b, 1.0 / FPS)
    heard = rms_envelope(pcm, rate, times, 1.0 / FPS)
    operator = _wav_envelope(cam.wav, np.arange(cam.frames) / FPS)
    voice_r, _ = _follows(heard, operator)
    assert voice_r >= 0.7, f"the recording's loudness follows the operator's voice: r={voice_r:.2f}"
    after = RESULTS["off"]["data"]["pts_s"] + 0.5 + np.arange(0.0, 4.0, 1.0 / FPS)  # the AI host's disclosure
    host_r, _ = _follows(rms_envelope(pcm, rate, after, 1.0 / FPS), operator)
    assert host_r < voice_r - 0.15, f"the measure tells the host's own voice apart: {host_r:.2f} vs {voice_r:.2f}"

    with av.open(str(show.mp4)) as c, MouthTracker() as tracker:
        apertures = np.array([tracker.aperture(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)
                              if a <= float(f.time or 0.0) < b - 0.5 / FPS])
    assert len(apertures) >= FPS * (TAKEOVER_S - 1) and np.isnan(apertures).mean() < 0.1, apertures
    mouth_r, jaw = _follows(apertures, cam.jaw)
    assert mouth_r >= 0.6, f"the host's mouth follows the operator's jaw: r={mouth_r:.2f}"
    shut, wide = np.nanmean(apertures[jaw == 0.0]), np.nanmean(apertures[jaw > 0.6])
    assert wide > 2.2 * shut, f"open on the operator's wide syllables, shut in their pauses: {wide:.3f} vs {shut:.3f}"
    print(f"\nover 2 s windows: voice r={voice_r:.2f} (the host's own: {host_r:.2f}), mouth r={mouth_r:.2f} (aperture open {wide:.3f}, "
          f"shut {shut:.3f})")
