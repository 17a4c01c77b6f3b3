"""One real show for the console tests (real Piper, real renderer at 360x640, catalog answers without a model),
and the system chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.liveshow import LiveShow, launch_browser, sign_in

SHOP = Path(__file__).with_name("shop.yaml")


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveShow]:
    s = LiveShow(tmp_path_factory.mktemp("console-show"), catalog=str(SHOP), console={"takeover": False}).start()
    yield s
    s.finish()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: Any, show: LiveShow) -> Iterator[Any]:
    """A laptop-sized console, signed in as Mei."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    p = context.new_page()
    sign_in(p, show, "Mei")
    yield p
    context.close()
