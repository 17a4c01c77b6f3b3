"""Who may use the console and the comment ingest of a real show (`nightshift run` in a child process): tokens
in headers only, a per-sign-in session cookie that signing out revokes, wrong bearer tokens rate limited per
address and audited, and nothing from a web page on another local port, tried in chromium. Tests run in order;
the last one ends the show and reads what it audited."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.liveshow import LiveShow, sign_in
from console.messages import SERVER_MESSAGE, Welcome
from dialogue.sources.credentials import BearerGuard
from tests.console.conftest import SHOP

OPERATOR_TOKEN = "operator-token-0123456789"
ELSEWHERE = "127.0.0.2"  # another client address on loopback: its wrong guesses are its own
GUESSES: list[int] = []  # what its wrong tokens were answered, for the audit's figures at the end


class EvilSite:
    """Pages served from another port of the same machine: another site's origin, the same site for cookies."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                body = pages.get(self.path, "not found").encode()
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveShow]:
    """The operator's token is set in SHOW.yaml: it gates the console, and nothing else."""
    s = LiveShow(tmp_path_factory.mktemp("auth-show"), catalog=str(SHOP),
                 console={"takeover": False, "token": OPERATOR_TOKEN}).start()
    s.token = OPERATOR_TOKEN  # printed as "set in SHOW.yaml (console.token)"
    yield s
    s.finish()


@pytest.fixture(scope="module")
def evil() -> Iterator[EvilSite]:
    site = EvilSite()
    yield site
    site.server.shutdown()


def ws_url(show: LiveShow, query: str = "") -> str:
    return "ws" + show.url[4:] + "/ws" + query


def close_code(url: str, **kwargs: Any) -> int | None:
    """Connect, read until the server closes; the close code (None if it never did within 10 s)."""
    try:
        with connect(url, open_timeout=5, **kwargs) as ws:
            for _ in range(1000):
                ws.recv(timeout=10)
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd is not None else None
    except TimeoutError:
        return None
    return None


def signed_in(show: LiveShow, name: str) -> httpx.Client:
    client = httpx.Client(base_url=show.url, timeout=10)
    r = client.post("/signin", data={"name": name, "token": show.token})
    assert r.status_code == 303, r.text
    return client


def entries(show: LiveShow, kind: str, **match: Any) -> list[dict[str, Any]]:
    return [e["data"] for e in show.audit() if e["kind"] == kind and all(e["data"].get(k) == v
                                                                        for k, v in match.items())]


def test_the_ingest_and_the_console_each_have_their_own_token(show: LiveShow) -> None:
    assert show.ingest_token and show.ingest_token != show.token, "the ingest's own token is printed at the start"
    comment = [{"id": "own-1", "user": "ann", "text": "hello"}]
    ingest = show.ingest_url + "/comments"
    assert httpx.post(ingest, json=comment).status_code == 401, "the default config needs a credential"
    as_operator = httpx.post(ingest, json=comment, headers={"Authorization": f"Bearer {show.token}"})
    assert as_operator.status_code == 401, "the operator's token (console.token) does not open the ingest"
    as_connector = httpx.get(show.url + "/api/state", headers={"Authorization": f"Bearer {show.ingest_token}"})
    assert as_connector.status_code == 401, "a connector never holds the operator's rights"
    show.post(*comment)
    show.wait_audit(lambda e: e["kind"] == "comment" and e["data"].get("id") == "own-1")
    start = entries(show, "ingest_start")[0]
    assert start["token_from"] == "generated" and show.ingest_token not in json.dumps(show.audit())


def test_tokens_in_urls_are_refused(show: LiveShow) -> None:
    for path in ("/", "/static/app.js", "/api/state"):
        r = httpx.get(show.url + path, params={"token": show.token})
        assert r.status_code == 401, path
        assert "?token" not in r.text and "token=" not in r.text
    assert close_code(ws_url(show, f"?token={show.token}&operator=bot"), origin=show.url) == 4401  # type: ignore[arg-type]
    bearer = {"Authorization": f"Bearer {show.token}"}
    assert httpx.get(show.url + "/api/state", headers=bearer).status_code == 200


def test_the_session_cookie_is_per_sign_in_and_signing_out_revokes_it(show: LiveShow) -> None:
    client = signed_in(show, "Ana")
    cookie = client.cookies["ns_session"]
    assert cookie != show.token and show.token not in str(client.cookies.jar)
    assert signed_in(show, "Ana").cookies["ns_session"] != cookie, "each sign-in has its own"
    assert client.get("/api/state").status_code == 200
    jar = {"Cookie": f"ns_session={cookie}"}
    with connect(ws_url(show), open_timeout=5, origin=show.url, additional_headers=jar) as ws:  # type: ignore[arg-type]
        welcome = SERVER_MESSAGE.validate_json(ws.recv(timeout=5))
        assert isinstance(welcome, Welcome) and welcome.operator == "Ana", "the name lives with the session"
        r = client.post("/signout", headers={"Origin": show.url})
        assert r.status_code == 303 and "ns_session" in r.headers["set-cookie"]
        with pytest.raises(ConnectionClosed) as e:
            for _ in range(1000):
                ws.recv(timeout=10)
        assert e.value.rcvd is not None and e.value.rcvd.code == 4401, "an open console of that session is closed"
    assert httpx.get(show.url + "/api/state", cookies={"ns_session": cookie}).status_code == 401
    assert close_code(ws_url(show), origin=show.url, additional_headers=jar) == 4401  # type: ignore[arg-type]
    assert entries(show, "console_signout", operator="Ana")


def test_signing_out_needs_the_consoles_own_page(show: LiveShow) -> None:
    client = signed_in(show, "Bo")
    for headers in ({"Origin": "http://127.0.0.1:9"}, {"Origin": "null"}, {},
                    {"Sec-Fetch-Site": "same-site"}):
        assert client.post("/signout", headers=headers).status_code == 403, headers
    assert client.get("/api/state").status_code == 200, "still signed in"
    assert entries(show, "console_refused", reason="signout origin")


def spend(guesser: httpx.Client) -> None:
    """Wrong guesses until one is answered 429: the address has no guess left now, whatever time has passed."""
    while True:
        GUESSES.append(guesser.get("/api/state", headers={"Authorization": "Bearer x"}).status_code)
        if GUESSES[-1] == 429:
            return


def test_wrong_bearer_tokens_are_rate_limited_per_address(show: LiveShow) -> None:
    started = time.monotonic()
    with httpx.Client(base_url=show.url, transport=httpx.HTTPTransport(local_address=ELSEWHERE)) as guesser:
        codes = [guesser.get("/api/state", headers={"Authorization": f"Bearer guess-{n:05d}"}).status_code
                 for n in range(300)]
        refills = (time.monotonic() - started) * BearerGuard.REFILL_PER_S
        assert codes[:11] == [401] * 10 + [429] and set(codes) == {401, 429}, codes[:20]
        assert codes[10:].count(401) <= refills + 1, "wrong tokens beyond the burst come no faster than the refill"
        GUESSES.extend(codes)
        spend(guesser)
        right = guesser.get("/api/state", headers={"Authorization": f"Bearer {show.token}"})
        assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1, "even the right token waits"
        spend(guesser)
        assert close_code(ws_url(show, "?operator=bot"), origin=show.url,  # type: ignore[arg-type]
                          additional_headers={"Authorization": f"Bearer {show.token}"},
                          source_address=(ELSEWHERE, 0)) == 4429
    assert show.state()["mode"], "another address is not limited"
    first = show.wait_audit(lambda e: e["kind"] == "credential_refused" and e["data"]["client"] == ELSEWHERE)
    assert first["data"]["at"] == "console" and first["data"]["counts"] == {"wrong_token": 1}
    assert len(entries(show, "credential_refused", client=ELSEWHERE)) < 10, "not one audit entry per guess"


EVIL_INGEST = """<!doctype html><title>a page</title><script>
window.result = {};
fetch("INGEST/comments", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
                         body: JSON.stringify([{id: "evil-fetch", user: "eve", text: "how much is the hoodie?"}])})
  .then(() => { window.result.fetch = "sent"; }, (e) => { window.result.fetch = "failed: " + e; });
const ws = new WebSocket("INGEST_WS/ws/comments");
ws.onopen = () => ws.send(JSON.stringify({id: "evil-ws", user: "eve", text: "how much is the mug?"}));
ws.onclose = (ev) => { window.result.ws = ev.code; };
</script>"""

EVIL_SIGNOUT = """<!doctype html><title>a page</title>
<form method="post" action="CONSOLE/signout"><input type="hidden" name="x" value="1"></form>
<script>document.forms[0].submit();</script>"""


def test_a_page_on_another_local_port_can_post_no_comment(browser: Any, show: LiveShow, evil: EvilSite) -> None:
    evil.pages["/ingest.html"] = (EVIL_INGEST.replace("INGEST_WS", "ws" + show.ingest_url[4:])
                                  .replace("INGEST", show.ingest_url))
    context = browser.new_context()
    page = context.new_page()
    page.goto(evil.url + "/ingest.html")
    page.wait_for_function("() => window.result.fetch && window.result.ws", timeout=15000)
    result = page.evaluate("() => window.result")
    assert result == {"fetch": "sent", "ws": 4403}, result  # both went out, and were refused
    context.close()  # that both reached the ingest is in its audited refusals, read at the end
    show.post({"id": "after-evil", "user": "ann", "text": "hello again"})  # comments are read in order
    show.wait_audit(lambda e: e["kind"] == "comment" and e["data"].get("id") == "after-evil")
    ids = {e["data"].get("id") for e in show.audit() if e["kind"] == "comment"}
    assert not ids & {"evil-fetch", "evil-ws"}, "the show took a comment from a web page"


def test_a_page_on_another_local_port_cannot_sign_the_operator_out(browser: Any, show: LiveShow,
                                                                     evil: EvilSite) -> None:
    evil.pages["/signout.html"] = EVIL_SIGNOUT.replace("CONSOLE", show.url)
    context = browser.new_context()
    operator = context.new_page()
    sign_in(operator, show, "Cy")
    page = context.new_page()  # the same browser, so the same cookies: another tab
    with page.expect_navigation(url=show.url + "/signout"):
        page.goto(evil.url + "/signout.html")
    assert "sign out from the console's own page" in page.content()
    operator.reload()
    operator.wait_for_selector("#operator:has-text('Cy')", timeout=15000)  # still signed in
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "ns_session")
    assert httpx.get(show.url + "/api/state", cookies={"ns_session": cookie}).status_code == 200
    operator.click("form[action='/signout'] button")  # the console's own button does sign out
    operator.wait_for_selector("#signin-button", timeout=15000)
    assert httpx.get(show.url + "/api/state", cookies={"ns_session": cookie}).status_code == 401
    context.close()


def test_refusals_are_all_audited_by_the_end(show: LiveShow) -> None:
    assert show.finish() == 0, show.stderr()[-2000:]
    counts: dict[str, int] = {}
    for data in entries(show, "credential_refused", client=ELSEWHERE):
        for reason, n in data["counts"].items():
            counts[reason] = counts.get(reason, 0) + n
    # the guesses, then the right token and the socket while limited
    assert counts == {"wrong_token": GUESSES.count(401), "rate_limited": GUESSES.count(429) + 2}, counts
    from_pages = sum(d["counts"].get("origin", 0) for d in entries(show, "credential_refused", at="ingest"))
    assert from_pages == 2, "the page's POST and WebSocket reached the ingest and were refused"
    text = json.dumps(show.audit())
    assert show.token not in text and show.ingest_token not in text, "no token is written to the audit log"
