"""Who may push comments into the ingest: a sender with the ingest's token in the Authorization header, and
nothing from a web page. Real uvicorn on loopback, real HTTP and WebSocket clients; a second client address
(127.0.0.2, loopback too) shows the rate limit of wrong tokens is per address."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from dialogue.sources.credentials import REFUSED, BearerGuard
from dialogue.sources.http import HttpIngestSource
from dialogue.types import BadComment, Comment

TOKEN = "ingest-token-0123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COMMENT = {"id": "c1", "user": "amy", "text": "how much is the mug?"}


class Audit:
    """What the ingest asked the show to audit, kept in order."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.entries.append((kind, data))

    def refused(self, client: str = "127.0.0.1") -> list[dict[str, Any]]:
        return [d for k, d in self.entries if k == REFUSED and d["client"] == client]


class Ingest:
    """A started source, what it handed to the show, and what it audited."""

    def __init__(self, **kwargs: Any) -> None:
        self.audit = Audit()
        self.src = HttpIngestSource(record=self.audit, **kwargs)
        self.src.start()
        self.items: queue.Queue[Comment | BadComment] = queue.Queue()
        threading.Thread(target=lambda: [self.items.put(i) for i in self.src], daemon=True).start()

    def received(self, wait: float = 0.3) -> list[str]:
        ids = []
        try:
            while True:
                ids.append(self.items.get(timeout=wait).id)
        except queue.Empty:
            return ids


@pytest.fixture
def ingest() -> Iterator[Ingest]:
    i = Ingest(token=TOKEN)
    yield i
    i.src.close()


def _ws_close_code(url: str, **kwargs: Any) -> int | None:
    with connect(url, open_timeout=5, **kwargs) as ws, pytest.raises(ConnectionClosed) as e:
        ws.send(json.dumps(COMMENT))
        ws.recv(timeout=5)
    return e.value.rcvd.code if e.value.rcvd is not None else None


def test_without_a_configured_token_one_is_made_and_required() -> None:
    i = Ingest()
    try:
        assert len(i.src.token) >= 20
        assert httpx.post(i.src.url + "/comments", json=COMMENT).status_code == 401
        assert _ws_close_code(i.src.ws_url) == 4401
        assert i.received() == []
        r = httpx.post(i.src.url + "/comments", json=COMMENT, headers={"Authorization": f"Bearer {i.src.token}"})
        assert r.status_code == 200 and i.received() == ["c1"]
        assert HttpIngestSource().token != i.src.token, "a new one each time"
    finally:
        i.src.close()


def test_the_token_travels_in_the_header_only(ingest: Ingest) -> None:
    url = ingest.src.url + "/comments"
    r = httpx.post(url, json=COMMENT, params={"token": TOKEN})
    assert r.status_code == 401
    assert "?token" not in r.text and "Authorization: Bearer" in r.json()["detail"]
    assert _ws_close_code(f"{ingest.src.ws_url}?token={TOKEN}") == 4401
    assert ingest.received() == []
    with connect(ingest.src.ws_url, open_timeout=5, additional_headers=AUTH) as ws:
        ws.send(json.dumps(COMMENT))
        assert json.loads(ws.recv(timeout=5))["accepted"] == ["c1"]
    assert ingest.received() == ["c1"]


def test_nothing_from_a_web_page(ingest: Ingest) -> None:
    url = ingest.src.url + "/comments"
    page = {"Origin": "http://127.0.0.1:9999"}
    r = httpx.post(url, json=COMMENT, headers={**AUTH, **page})
    assert r.status_code == 403 and "web page" in r.json()["detail"], "a page's request, even with the token"
    assert _ws_close_code(ingest.src.ws_url, origin="http://127.0.0.1:9999", additional_headers=AUTH) == 4403
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {**AUTH, **({"content-type": content_type} if content_type else {})}
        r = httpx.post(url, content=json.dumps(COMMENT).encode(), headers=headers)
        assert r.status_code == 415, content_type
    assert ingest.received() == []
    assert [d["counts"] for d in ingest.audit.refused()] == [{"origin": 1}], "the first refusal is audited at once"
    r = httpx.post(url, content=json.dumps(COMMENT), headers={**AUTH, "content-type": "application/json; charset=utf-8"})
    assert r.status_code == 200 and ingest.received() == ["c1"]


def test_an_allowed_origin_may_post() -> None:
    i = Ingest(token=TOKEN, allowed_origins=("https://connector.example",))
    try:
        url = i.src.url + "/comments"
        ok = httpx.post(url, json=COMMENT, headers={**AUTH, "Origin": "https://connector.example"})
        other = httpx.post(url, json=COMMENT, headers={**AUTH, "Origin": "https://evil.example"})
        assert (ok.status_code, other.status_code) == (200, 403)
        assert i.received() == ["c1"]
    finally:
        i.src.close()


def spend(url: str, codes: list[int]) -> None:
    """Wrong guesses until one is answered 429: this address has no guess left now, whatever time has passed."""
    while True:
        codes.append(httpx.post(url, json=COMMENT, headers={"Authorization": "Bearer x"}).status_code)
        if codes[-1] == 429:
            return


def test_wrong_tokens_are_rate_limited_per_address_and_audited_in_a_few_entries(ingest: Ingest) -> None:
    url = ingest.src.url + "/comments"
    started = time.monotonic()
    with httpx.Client() as guesser:
        codes = [guesser.post(url, json=COMMENT, headers={"Authorization": f"Bearer guess-{n:05d}"}).status_code
                 for n in range(300)]
    refills = (time.monotonic() - started) * BearerGuard.REFILL_PER_S  # one more guess every 5 s
    assert codes[:11] == [401] * 10 + [429] and set(codes) == {401, 429}, codes[:20]
    assert codes[10:].count(401) <= refills + 1, "wrong tokens beyond the burst come no faster than the refill"
    spend(url, codes)
    limited = httpx.post(url, json=COMMENT, headers=AUTH)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1, "even the right token waits"
    spend(url, codes)
    assert _ws_close_code(ingest.src.ws_url, additional_headers=AUTH) == 4429
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as elsewhere:
        assert elsewhere.post(url, json=COMMENT, headers=AUTH).status_code == 200, "another address is not limited"
    assert ingest.received() == ["c1"]
    assert len(ingest.audit.refused()) < 10, "a flood of guesses is not a flood of audit entries"
    ingest.src.close()  # what was counted and not yet written is written now
    entries = ingest.audit.refused()
    assert len(entries) < 10 and all(e["at"] == "ingest" for e in entries)
    total: dict[str, int] = {}
    for e in entries:
        for reason, n in e["counts"].items():
            total[reason] = total.get(reason, 0) + n
    assert total == {"wrong_token": codes.count(401), "rate_limited": codes.count(429) + 2}, total
    assert TOKEN not in json.dumps(ingest.audit.entries), "the token is never audited"
