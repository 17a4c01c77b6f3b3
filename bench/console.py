"""Console bench: a real show with its console open in headless chromium.

Figures: preview_latency_p50_ms / _p95_ms (a programme frame reaching the sinks → the page drawing it: the
page reports each frame index it drew), preview_fps (frames the page drew per second), stop_to_silence_ms
(the stop reaching the show → the first silent audio slice on the programme) and click_to_silence_ms
(the click in the page → that slice), each the worst of `n` stops. Takeover, with fakecam's talking face as
chromium's webcam and mic: takeover_first_frame_ms / _first_face_ms (the click reaching the show → the first
frame the operator drove / their face drove; target ≤ 500 ms) and takeover_click_to_first_face_ms (from the
click in the page, the camera and mic opening included), each the worst of `n` takeovers.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import assets
from avatar.drive.fakecam import make_fakecam
from bench.liveshow import LiveShow, launch_browser, sign_in

LINE = "Here is a note from the team: the hoodie is back next week, and every order ships within two days."


def _wait(fn: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := fn():
            return value
        time.sleep(0.02)
    raise TimeoutError("the show did not get there in time")


def _stop_once(page: Any, show: LiveShow, k: int) -> tuple[float, float]:
    """Say a line, click STOP while it plays: (server stop → silence ms, click → silence ms)."""
    page.fill("#say-text", LINE)
    page.click("#say")
    _wait(lambda: show.state()["level"] > 0.05, 20)
    time.sleep(0.4)
    page.click("#stop")
    clicked = page.evaluate("() => window.ns.stopClickedAt") / 1000.0
    stops = _wait(lambda: [e for e in show.audit() if e["kind"] == "operator_action"
                           and e["data"]["action"] == "stop"][k:], 10)
    data = stops[0]["data"]
    page.click("#resume")
    _wait(lambda: show.state()["mode"] == "live", 10)
    return float(data["silent_after_ms"]), round((float(data["silent_at"]) - clicked) * 1000.0, 1)


def _takeover_once(page: Any, show: LiveShow, k: int) -> dict[str, float]:
    """Click Take over (the page opens the fake webcam and mic), wait for the operator's face on air, hand back."""
    def actions(on: bool) -> list[dict[str, Any]]:
        return [e for e in show.audit() if e["kind"] == "operator_action" and e["data"]["action"] == "takeover"
                and e["data"]["on"] is on and e["data"]["ok"]]

    page.click("#takeover")
    on = _wait(lambda: actions(True)[k:], 15)[0]
    st = _wait(lambda: (s := show.state()["takeover"]) and s["first_face_ms"] is not None and s, 10)
    clicked = page.evaluate("() => window.ns.takeover.clickedAt") / 1000.0
    to_air = (float(on["ts"]) - clicked) * 1000.0  # the camera and mic opening, the message reaching the show
    time.sleep(1.0)
    page.click("#takeover")
    _wait(lambda: actions(False)[k:], 10)
    _wait(lambda: show.state()["mode"] == "live" and not show.state()["speaking"], 20)  # the disclosure is said
    return {"takeover_first_frame_ms": float(st["first_frame_ms"]), "takeover_first_face_ms": float(st["first_face_ms"]),
            "takeover_click_to_on_air_ms": round(to_air, 1),
            "takeover_click_to_first_face_ms": round(to_air + float(st["first_face_ms"]), 1)}


def takeover_first_frame_ms(page: Any, show: LiveShow, n: int) -> dict[str, float]:
    """Takeover click → the first frame the operator drove (the show's figure, from the click reaching it) and
    → the first frame their face drove, counted from the click in the page; each the worst of `n`."""
    if not show.state().get("takeover_available"):
        return {}
    runs = [_takeover_once(page, show, k) for k in range(n)]
    return {key: max(r[key] for r in runs) for key in runs[0]}


def bench_console(n: int = 3, watch_s: float = 15.0) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        show = LiveShow(Path(tmp), catalog=str(assets.path("demo_shop_en.yaml")), operator={"approval": "none"}).start()
        try:
            with sync_playwright() as pw:
                browser = launch_browser(pw, camera=make_fakecam(Path(tmp) / "operator", seconds=6.0).y4m.parent)
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                sign_in(page, show, "bench")
                f0 = page.evaluate("() => window.ns.frames")
                time.sleep(watch_s)
                fps = (page.evaluate("() => window.ns.frames") - f0) / watch_s
                latency = show.state()["preview_latency_ms"]
                stops = [_stop_once(page, show, k) for k in range(n)]
                figures = {"preview_latency_p50_ms": latency["p50_ms"], "preview_latency_p95_ms": latency["p95_ms"],
                           "preview_fps": round(fps, 1), "stop_to_silence_ms": max(s[0] for s in stops),
                           "click_to_silence_ms": max(s[1] for s in stops)}
                figures.update(takeover_first_frame_ms(page, show, n))
                browser.close()
        finally:
            show.finish()
    return figures
