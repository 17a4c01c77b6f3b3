"""HTTP/WebSocket comment ingest on a real uvicorn server on loopback, driven by real clients.

Who may push (the token, web pages, rate limits) is tests/dialogue/test_ingest_guard.py."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from dialogue.errors import InputError
from dialogue.sources.http import MAX_BODY_BYTES, HttpIngestSource
from dialogue.types import BadComment, Comment, EventKind, RoomEvent

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**AUTH, "content-type": "application/json"}


class Collector:
    """Iterates a source in a thread, the way a show would, and hands items to the test."""

    def __init__(self, source: HttpIngestSource) -> None:
        self.items: queue.Queue[Comment | BadComment] = queue.Queue()
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(source,), daemon=True)
        self.thread.start()

    def _run(self, source: HttpIngestSource) -> None:
        for item in source:
            self.items.put(item)
        self.finished.set()

    def take(self, n: int, timeout: float = 5.0) -> list[Comment | BadComment]:
        return [self.items.get(timeout=timeout) for _ in range(n)]

    def nothing_more(self, wait: float = 0.3) -> bool:
        time.sleep(wait)
        return self.items.empty()


@pytest.fixture
def source() -> Iterator[tuple[HttpIngestSource, Collector]]:
    src = HttpIngestSource(token=TOKEN)
    src.start()
    yield src, Collector(src)
    src.close()


def test_url_has_the_real_port_and_health_answers(source: tuple[HttpIngestSource, Collector]) -> None:
    src, _ = source
    assert src.url.startswith("http://127.0.0.1:") and not src.url.endswith(":0")
    assert src.ws_url == src.url.replace("http://", "ws://") + "/ws/comments"
    r = httpx.get(src.url + "/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_post_one_comment(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    r = httpx.post(src.url + "/comments", headers=AUTH, json={"id": "c1", "user": "amy", "text": "price?", "ts": 3})
    assert r.status_code == 200
    assert r.json() == {"type": "ack", "accepted": ["c1"], "rejected": []}
    assert col.take(1) == [Comment("c1", "amy", "price?", 3.0)]


def test_post_a_batch_with_bad_items_pushes_everything_in_order(
    source: tuple[HttpIngestSource, Collector],
) -> None:
    src, col = source
    batch = [
        {"id": "a", "text": "hi", "extra": 1},
        {"id": 7, "user": "bo", "text": "how much is the mug"},
        {"id": "b"},
        [1, 2],
        {"id": "c", "text": "x", "ts": "yesterday"},
        {"text": "no id"},
    ]
    r = httpx.post(src.url + "/comments", headers=AUTH, json=batch)
    assert r.status_code == 200
    ack = r.json()
    assert ack["type"] == "ack" and ack["accepted"] == ["a", "7"]
    rejected = {x["index"]: x for x in ack["rejected"]}
    assert sorted(rejected) == [2, 3, 4, 5]
    assert rejected[2]["id"] == "b" and "missing field `text`" in rejected[2]["reason"]
    assert rejected[3]["reason"] == "POST /comments item 3: expected a JSON object, got array"
    assert rejected[4]["id"] == "c" and "`ts`" in rejected[4]["reason"]
    assert "`id`" in rejected[5]["reason"] and all(x["flag"] == "malformed" for x in rejected.values())
    items = col.take(6)
    assert [i.id for i in items] == ["a", "7", "b", rejected[3]["id"], "c", rejected[5]["id"]]
    assert [isinstance(i, Comment) for i in items] == [True, True, False, False, False, False]
    assert col.nothing_more()


def test_room_events_come_in_with_comments_over_post_and_websocket(
    source: tuple[HttpIngestSource, Collector],
) -> None:
    src, col = source
    batch = [
        {"id": "j1", "kind": "join", "user": "Mia", "platform": "tiktok", "user_id": "881"},
        {"id": "l1", "kind": "like", "user": "Mia", "count": 25},
        {"id": "c1", "user": "Mia", "text": "price of the mug?"},
        {"id": "g0", "kind": "gift", "user": "Dan"},
    ]
    r = httpx.post(src.url + "/comments", headers=AUTH, json=batch)
    ack = r.json()
    assert r.status_code == 200 and ack["accepted"] == ["j1", "l1", "c1"]
    assert ack["rejected"][0]["id"] == "g0" and "a gift needs field `gift`" in ack["rejected"][0]["reason"]
    items = col.take(4)
    assert items[0] == RoomEvent("j1", "Mia", EventKind.JOIN, platform="tiktok", user_id="881")
    assert items[1] == RoomEvent("l1", "Mia", EventKind.LIKE, count=25)
    assert isinstance(items[2], Comment) and isinstance(items[3], BadComment)
    with connect(src.ws_url, additional_headers=AUTH) as ws:
        ws.send(json.dumps({"id": "o1", "kind": "order", "user": "Dan", "sku": "HD-102", "qty": 2}))
        assert json.loads(ws.recv())["accepted"] == ["o1"]
    assert col.take(1) == [RoomEvent("o1", "Dan", EventKind.ORDER, sku="HD-102", qty=2)]


@pytest.mark.parametrize(
    ("body", "flag", "expect"),
    [
        (b"this is not json", "malformed", "not valid JSON"),
        (b'"just text"', "malformed", "expected a comment object or a list of them, got string"),
        (b'{"id": "x", "text": "caf\xe9"}', "bad_encoding", "not UTF-8 (byte 25)"),
        (b"", "malformed", "not valid JSON"),
    ],
)
def test_unreadable_bodies_are_400_reported_and_pushed(
    source: tuple[HttpIngestSource, Collector], body: bytes, flag: str, expect: str
) -> None:
    src, col = source
    r = httpx.post(src.url + "/comments", content=body, headers=JSON)
    assert r.status_code == 400
    ack = r.json()
    assert ack["accepted"] == [] and len(ack["rejected"]) == 1
    rej = ack["rejected"][0]
    assert rej["flag"] == flag and rej["reason"].startswith("POST /comments: ") and expect in rej["reason"]
    (item,) = col.take(1)
    assert item == BadComment(id=rej["id"], flag=flag, reason=rej["reason"])


def test_empty_list_is_fine(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    r = httpx.post(src.url + "/comments", headers=AUTH, json=[])
    assert r.status_code == 200 and r.json() == {"type": "ack", "accepted": [], "rejected": []}
    assert col.nothing_more()


def test_the_token_is_required(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    good = {"id": "t1", "text": "hello"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = httpx.post(src.url + "/comments", json=good, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert col.nothing_more(), "a refused request must not reach the show"
    r = httpx.post(src.url + "/comments", json=good, headers=AUTH)
    assert r.status_code == 200 and r.json()["accepted"] == ["t1"]
    assert [i.id for i in col.take(1)] == ["t1"]
    assert httpx.get(src.url + "/health").status_code == 200  # health needs no token


def test_bodies_over_one_megabyte_are_413(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    big = json.dumps({"id": "big", "text": "x" * MAX_BODY_BYTES}).encode()
    r = httpx.post(src.url + "/comments", content=big, headers=JSON)
    assert r.status_code == 413

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server must count as it reads
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    r = httpx.post(src.url + "/comments", content=chunked(), headers=JSON)
    assert r.status_code == 413
    assert col.nothing_more()
    # Just under the limit is fine, and a 100 kB comment is still a comment.
    fits = json.dumps({"id": "fits", "text": "y" * (MAX_BODY_BYTES - 100)}).encode()
    assert len(fits) <= MAX_BODY_BYTES
    r = httpx.post(src.url + "/comments", content=fits, headers=JSON)
    assert r.status_code == 200 and r.json()["accepted"] == ["fits"]
    assert col.take(1)[0].id == "fits"


def test_full_queue_answers_503_and_says_which() -> None:
    src = HttpIngestSource(token=TOKEN, max_pending=2)
    src.start()
    try:
        batch = [{"id": f"q{i}", "text": "hi"} for i in range(3)]
        r = httpx.post(src.url + "/comments", headers=AUTH, json=batch)
        assert r.status_code == 503
        ack = r.json()
        assert ack["accepted"] == ["q0", "q1"]
        assert [(x["id"], x["flag"]) for x in ack["rejected"]] == [("q2", "unavailable")]
        assert "retry" in ack["rejected"][0]["reason"]
    finally:
        src.close()
    assert [i.id for i in src] == ["q0", "q1"]  # after close, what was received is still handed out


def test_websocket_acks_every_message(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    with connect(src.ws_url, open_timeout=5, additional_headers=AUTH) as ws:
        ws.send(json.dumps({"id": "w1", "user": "amy", "text": "colors?"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "ack", "accepted": ["w1"], "rejected": []}
        ws.send(json.dumps([{"id": "w2", "text": "hi"}, {"id": "w3", "text": 5}]))
        ack = json.loads(ws.recv(timeout=5))
        assert ack["type"] == "ack" and ack["accepted"] == ["w2"]
        assert [(x["index"], x["id"]) for x in ack["rejected"]] == [(1, "w3")]
        assert ack["rejected"][0]["reason"].startswith("websocket message 2 item 1: field `text`")
        ws.send("{broken")
        ack = json.loads(ws.recv(timeout=5))
        assert ack["accepted"] == [] and ack["rejected"][0]["flag"] == "malformed"
        ws.send(json.dumps({"id": "w4", "text": "binary frame"}).encode())
        assert json.loads(ws.recv(timeout=5))["accepted"] == ["w4"]
    items = col.take(5)
    assert [i.id for i in items] == ["w1", "w2", "w3", ack["rejected"][0]["id"], "w4"]
    assert items[0] == Comment("w1", "amy", "colors?")
    assert isinstance(items[2], BadComment) and isinstance(items[3], BadComment)


def test_websocket_accepts_a_bearer_header(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    with connect(src.ws_url, open_timeout=5, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        ws.send(json.dumps({"id": "h1", "text": "hi"}))
        assert json.loads(ws.recv(timeout=5))["accepted"] == ["h1"]
    assert col.take(1)[0].id == "h1"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_websocket_wrong_token_closes_4401(
    source: tuple[HttpIngestSource, Collector], headers: dict[str, str]
) -> None:
    src, col = source
    with connect(src.ws_url, open_timeout=5, additional_headers=headers) as ws, \
            pytest.raises(ConnectionClosed) as e:
        ws.send(json.dumps({"id": "x", "text": "sneaky"}))
        ws.recv(timeout=5)
    assert e.value.rcvd is not None and e.value.rcvd.code == 4401
    assert col.nothing_more()


def test_websocket_message_too_big_closes_1009(source: tuple[HttpIngestSource, Collector]) -> None:
    src, col = source
    with connect(src.ws_url, open_timeout=5, max_size=None, additional_headers=AUTH) as ws, \
            pytest.raises(ConnectionClosed) as e:
        ws.send(json.dumps({"id": "big", "text": "x" * MAX_BODY_BYTES}))
        ws.recv(timeout=5)
    assert e.value.rcvd is not None and e.value.rcvd.code == 1009
    assert col.nothing_more()


def test_close_stops_the_server_and_open_websockets() -> None:
    src = HttpIngestSource()
    src.start()
    col = Collector(src)
    with connect(src.ws_url, open_timeout=5, additional_headers={"Authorization": f"Bearer {src.token}"}) as ws:
        ws.send(json.dumps({"id": "before", "text": "hi"}))
        ws.recv(timeout=5)
        t0 = time.monotonic()
        src.close()
        assert time.monotonic() - t0 < 3.0  # generous: a close that waited on its clients would hang
        with pytest.raises(ConnectionClosed) as e:
            ws.recv(timeout=5)
        assert e.value.rcvd is not None and e.value.rcvd.code == 1012
    assert col.finished.wait(2.0), "iteration did not end after close()"
    assert not [t for t in threading.enumerate() if t.name == "nightshift-ingest" and t.is_alive()]
    assert [i.id for i in col.take(1)] == ["before"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(src.url + "/health", timeout=2)
    with pytest.raises(RuntimeError):
        src.start()


def test_busy_port_is_an_input_error() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        with pytest.raises(InputError) as e:
            HttpIngestSource(port=port).start()
        assert e.value.source == f"127.0.0.1:{port}" and "cannot listen" in e.value.what
    finally:
        blocker.close()


def test_context_manager_starts_and_stops() -> None:
    with HttpIngestSource() as src:
        assert isinstance(src, HttpIngestSource)
        url = src.start()
        assert httpx.get(url + "/health").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/health", timeout=2)


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = HttpIngestSource().url
