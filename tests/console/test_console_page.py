"""The console's page as an operator uses it, against a real show in a child process and headless chromium:
STOP on screen without scrolling, the line on air and why, the queue and what became of each comment, a held
line that keeps its comment in a busy room, a stalled show's frozen picture called out, and the room's events
(likes counted, a burst of joins one row, an order, the host's reactions).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from bench.liveshow import LiveShow, sign_in
from tests.console.pages import held_for, ns, wait_until

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def on_screen(page: Any, selector: str) -> dict[str, float]:
    """The element's box, asserted inside the viewport as loaded (no scrolling) and not covered by anything."""
    page.evaluate("() => window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None and page.is_visible(selector), f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= view["width"] and box["y"] + box["height"] <= view["height"], (
        f"{selector} at {box} is outside the {view['width']}x{view['height']} window")
    hit = page.evaluate("([sel, x, y]) => document.elementFromPoint(x, y)?.closest(sel) !== null",
                        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit, f"{selector} is covered"
    return box


def test_stop_is_on_screen_without_scrolling_on_a_laptop_and_a_phone(browser: Any, show: LiveShow) -> None:
    for name, size in VIEWPORTS.items():
        phone = name == "phone"
        context = browser.new_context(viewport=size, device_scale_factor=2 if phone else 1, is_mobile=phone,
                                      has_touch=phone)
        p = context.new_page()
        sign_in(p, show, f"Stop{name}")
        wait_until(lambda p=p: ns(p, "frames") >= 3 and ns(p, "state") is not None)
        box = on_screen(p, "#stop")
        assert box["width"] >= 120 and box["height"] >= 44, f"{name}: STOP is easy to hit: {box}"
        preview = p.locator("#preview").bounding_box()
        assert preview is not None and preview["height"] >= 200, f"{name}: the picture stays large: {preview}"
        assert p.evaluate("() => document.documentElement.scrollWidth") <= size["width"], "no sideways scrolling"
        context.close()


def test_now_on_air_says_what_the_host_says_and_why(page: Any, show: LiveShow) -> None:
    why, line = page.locator("#on-air-why"), page.locator("#on-air-text")
    text = "Thanks for staying up with us tonight, we have a few new things to show you."
    page.fill("#say-text", text)
    page.click("#say")
    wait_until(lambda: "Your words (operator Mei)" in why.inner_text() and line.inner_text() == text)

    show.post({"id": "air1", "user": "ann", "text": "how much is the hoodie?"})
    held = held_for(page, "how much is the hoodie?")
    held.locator("button[data-action=approve]").click()
    wait_until(lambda: why.inner_text() == "Answering ann: “how much is the hoodie?”")
    assert "$39.90" in line.inner_text()

    page.click("#products button[data-sku='MG-2']")
    wait_until(lambda: why.inner_text() == "Pitch: Stone Mug", timeout=30)
    assert line.inner_text(), "the pitch's sentence is shown"
    page.click("#lang-toggle")
    wait_until(lambda: why.inner_text().startswith("商品讲解"))
    page.click("#lang-toggle")


def test_the_queue_in_order_and_what_became_of_each_comment(page: Any, show: LiveShow) -> None:
    page.click("#pause")
    wait_until(lambda: show.state()["mode"] == "paused")
    show.post({"id": "qa", "user": "amy", "text": "hi everyone"},
              {"id": "qb", "user": "ben", "text": "how much is the mug?"},
              {"id": "qc", "user": "cat", "text": "how long does shipping take for the tea?"},
              {"id": "qd", "user": "dan", "text": "cheap followers at www.spam.example now"})
    queue = page.locator("#queue li.waiting")
    wait_until(lambda: queue.count() == 3)
    assert [queue.nth(i).get_attribute("data-id") for i in range(3)] == ["qb", "qc", "qa"], "questions first"
    assert "ben" in queue.nth(0).inner_text() and "price" in queue.nth(0).inner_text()
    assert page.inner_text("#queue-count") == "3"
    feed = page.locator("#comments li")
    spam = feed.filter(has_text="cheap followers")
    wait_until(lambda: spam.get_attribute("data-outcome") == "skip")
    assert spam.locator(".outcome").inner_text() == "skipped: spam or advertising"
    assert feed.filter(has_text="how much is the mug?").get_attribute("data-outcome") == "waiting"

    page.click("#resume")
    wait_until(lambda: queue.count() == 0, timeout=30)
    mug = feed.filter(has_text="how much is the mug?")
    wait_until(lambda: mug.get_attribute("data-outcome") == "hold")
    assert "held: approval required" in mug.locator(".outcome").inner_text()
    held_for(page, "how much is the mug?").locator("button[data-action=approve]").click()
    wait_until(lambda: mug.get_attribute("data-outcome") == "reply")
    assert mug.locator(".outcome").inner_text().startswith("replied")


def test_a_held_line_keeps_its_comment_however_busy_the_room(browser: Any, page: Any, show: LiveShow) -> None:
    show.post({"id": "busy-q", "user": "zoe", "text": "how much is the tea?"})
    wait_until(lambda: [h for h in show.state()["pending"] if h["comment_id"] == "busy-q"])
    flood = [{"id": f"busy-{i}", "user": f"viewer{i}", "text": f"deals every night at www.shop{i}.example"}
             for i in range(320)]
    for i in range(0, len(flood), 40):
        show.post(*flood[i:i + 40])
    wait_until(lambda: any(c["id"] == "busy-319" for c in show.state()["comments"]), timeout=60)
    held = [h for h in show.state()["pending"] if h["comment_id"] == "busy-q"][0]
    assert held["comment_text"] == "how much is the tea?" and held["comment_user"] == "zoe", held

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    fresh = context.new_page()
    sign_in(fresh, show, "Kai")
    line = held_for(fresh, "how much is the tea?")
    assert "reply to zoe: how much is the tea?" in line.locator(".context").inner_text()
    context.close()


def test_a_stalled_show_is_called_out_as_a_frozen_picture(page: Any, show: LiveShow) -> None:
    assert show.proc is not None
    wait_until(lambda: ns(page, "frames") >= 3)
    stale = page.locator("#stale")
    assert stale.is_hidden() and not ns(page, "stale")
    os.kill(show.proc.pid, signal.SIGSTOP)  # the show stalls: its socket stays open, nothing comes
    try:
        stale.wait_for(state="visible", timeout=10000)
        assert "Picture frozen" in stale.inner_text() and ns(page, "connected")
        time.sleep(2.5)  # about five seconds stopped in all
        assert stale.is_visible() and ns(page, "stale")
    finally:
        os.kill(show.proc.pid, signal.SIGCONT)
    stale.wait_for(state="hidden", timeout=10000)
    assert not ns(page, "stale")
    frames = ns(page, "frames")
    wait_until(lambda: ns(page, "frames") > frames + 5, timeout=10)


def test_the_room_feed_counts_likes_and_shows_bursts_sales_and_reactions(page: Any, show: LiveShow,
                                                                         tmp_path: Path) -> None:
    show.post(*({"id": f"rl{i}", "kind": "like", "user": f"fan{i % 7}", "count": 10} for i in range(30)),
              *({"id": f"rj{i}", "kind": "join", "user": name} for i, name in enumerate(["mia", "dan", "sofia", "tom"])),
              {"id": "rj9", "kind": "join", "user": "mia"})  # again at once: rate limited, counted, not shown
    likes, join = page.locator("#likes"), page.locator("#room-events li.event-join")
    wait_until(lambda: likes.inner_text() == "♥ 300 likes")
    wait_until(lambda: join.count() == 1 and "+2 joined" in join.inner_text())
    assert join.locator(".line").inner_text() == "mia, dan, sofia +2 joined", "one row for the burst"
    wait_until(lambda: "rate limited 1" in page.inner_text("#room-skipped"))
    # the host welcomes the four in one line
    welcome = page.locator("#room-events li.event-reaction", has_text="Welcome")
    welcome.wait_for(timeout=40000)
    assert welcome.locator(".meta").inner_text() == "4 joins · +3 batched · said"
    assert welcome.locator(".line").inner_text() == "“Welcome Mia, Dan and 2 others!”"  # names as said

    show.post({"id": "rf1", "kind": "follow", "user": "lee"},
              {"id": "rg1", "kind": "gift", "user": "bo", "gift": "Rose", "count": 3, "value": 1},
              {"id": "ro1", "kind": "order", "user": "ann", "sku": "MG-2", "qty": 2})
    order = page.locator("#room-events li.event-order")
    order.wait_for(timeout=10000)
    assert order.locator(".line").inner_text() == "ann bought 2 × Stone Mug · $29", "a sale, in its own row"
    assert page.locator("#room-events li.event-gift .line").inner_text() == "bo sent Rose ×3 · worth 3"
    wait_until(lambda: page.inner_text("#room-tally").startswith("5 joined · 1 followed · 1 gift · 1 order"))
    wait_until(lambda: order.get_attribute("data-outcome") == "thanked", timeout=30)
    page.click("#lang-toggle")
    wait_until(lambda: likes.inner_text() == "♥ 300 赞")
    assert join.locator(".line").inner_text() == "mia、dan、sofia +2 进入直播间"
    assert welcome.locator(".meta").inner_text() == "4 个进场 · 合并 +3 · 已播出"
    page.click("#lang-toggle")
    wait_until(lambda: likes.inner_text() == "♥ 300 likes")
    shot = tmp_path / "console_room.png"
    page.locator(".room-panel").screenshot(path=str(shot))
    if os.environ.get("NIGHTSHIFT_CONSOLE_SHOTS"):  # refresh the README's picture
        shutil.copy(shot, Path(os.environ["NIGHTSHIFT_CONSOLE_SHOTS"]) / shot.name)
