"""Room events in the comments contract: every kind read, every wrong field named, comments unchanged."""

from __future__ import annotations

import json

import pytest

from dialogue.sources import parse_comment_line
from dialogue.types import BadComment, Comment, EventKind, RoomEvent


def _parse(obj: object) -> Comment | BadComment | RoomEvent | None:
    return parse_comment_line(json.dumps(obj, ensure_ascii=False).encode(), 3, "room.jsonl")


def test_a_line_without_kind_is_a_comment_as_before() -> None:
    assert _parse({"id": "c1", "user": "amy", "text": "price?", "ts": 1}) == \
        Comment(id="c1", user="amy", text="price?", ts=1.0)
    assert _parse({"id": "c1", "user": "amy", "text": "price?", "kind": "comment"}) == \
        Comment(id="c1", user="amy", text="price?")


@pytest.mark.parametrize(("obj", "want"), [
    ({"id": "j", "user": "Mia", "kind": "join", "ts": 5}, RoomEvent("j", "Mia", EventKind.JOIN, ts=5.0)),
    ({"id": "l", "user": "Mia", "kind": "like", "count": 12}, RoomEvent("l", "Mia", EventKind.LIKE, count=12)),
    ({"id": "l", "user": "Mia", "kind": "like"}, RoomEvent("l", "Mia", EventKind.LIKE, count=1)),
    ({"id": "f", "user": "Dan", "kind": "follow", "platform": "douyin", "user_id": 991},
     RoomEvent("f", "Dan", EventKind.FOLLOW, platform="douyin", user_id="991")),
    ({"id": "g", "user": "小雨", "kind": "gift", "gift": "火箭", "count": 2, "value": 1000},
     RoomEvent("g", "小雨", EventKind.GIFT, gift="火箭", count=2, value=1000.0)),
    ({"id": "s", "user": "Ana", "kind": "share"}, RoomEvent("s", "Ana", EventKind.SHARE)),
    ({"id": "o", "user": "Dan", "kind": "order", "sku": "HD-102", "qty": 2},
     RoomEvent("o", "Dan", EventKind.ORDER, sku="HD-102", qty=2)),
    ({"id": 7, "kind": "JOIN", "text": "ignored"}, RoomEvent("7", "anonymous", EventKind.JOIN)),
])
def test_each_kind_is_read_with_its_fields(obj: dict, want: RoomEvent) -> None:
    assert _parse(obj) == want


@pytest.mark.parametrize(("obj", "words"), [
    ({"id": "x", "user": "u", "kind": "superchat"}, ["`kind`", "superchat", "join, like"]),
    ({"id": "x", "user": "u", "kind": 3}, ["`kind` must be a string"]),
    ({"id": "x", "user": "u", "kind": "like", "count": 0}, ["`count`", "between 1"]),
    ({"id": "x", "user": "u", "kind": "like", "count": "many"}, ["`count` must be a whole number"]),
    ({"id": "x", "user": "u", "kind": "gift", "value": 5}, ["a gift needs field `gift`"]),
    ({"id": "x", "user": "u", "kind": "gift", "gift": "rose", "value": -1}, ["`value`", "at least 0"]),
    ({"id": "x", "user": "u", "kind": "gift", "gift": " ", "value": 1}, ["`gift` is empty"]),
    ({"id": "x", "user": "u", "kind": "order", "qty": 1}, ["an order needs field `sku`"]),
    ({"id": "x", "user": "u", "kind": "order", "sku": "A", "qty": 2.5}, ["`qty` must be a whole number"]),
    ({"id": "x", "user": "u", "kind": "join", "platform": ["a"]}, ["`platform` must be a string"]),
    ({"user": "u", "kind": "join"}, ["missing field `id`"]),
])
def test_a_bad_event_line_is_skipped_naming_the_line_and_field(obj: dict, words: list[str]) -> None:
    item = _parse(obj)
    assert isinstance(item, BadComment) and item.flag == "malformed"
    assert item.reason.startswith("room.jsonl line 3: ")
    for w in words:
        assert w in item.reason, item.reason


def test_an_event_needs_no_text_but_a_comment_still_does() -> None:
    assert isinstance(_parse({"id": "j", "user": "u", "kind": "join"}), RoomEvent)
    bad = _parse({"id": "c", "user": "u"})
    assert isinstance(bad, BadComment) and "missing field `text`" in bad.reason
