"""The console's typed messages and its guards, without a show: what is accepted and what is refused."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from console import auth
from console.messages import (
    CLIENT_MESSAGE,
    SERVER_MESSAGE,
    ActionResult,
    Edit,
    Heartbeat,
    Result,
    Say,
    SetProduct,
)
from console.preview import FrameEncoder, decode_header


def test_client_messages_are_told_apart_by_type() -> None:
    assert isinstance(CLIENT_MESSAGE.validate_json('{"type": "say", "text": "hello"}'), Say)
    assert isinstance(CLIENT_MESSAGE.validate_json('{"type": "edit", "id": "a1", "text": "x"}'), Edit)
    assert isinstance(CLIENT_MESSAGE.validate_json('{"type": "set_product", "sku": "HD-1"}'), SetProduct)
    assert CLIENT_MESSAGE.validate_json('{"type": "heartbeat"}') == Heartbeat()
    for bad in ('{"type": "launch_missiles"}', '{"type": "say"}', '{"type": "say", "text": "x", "extra": 1}',
                '{"type": "say", "text": "' + "x" * 501 + '"}', '{"type": "approve", "id": ""}', "[]", "nope"):
        with pytest.raises(ValidationError):
            CLIENT_MESSAGE.validate_json(bad)


def test_server_messages_round_trip() -> None:
    r = Result(action="stop", outcome=ActionResult(ok=True, message="stopped", figures={"silent_after_ms": 31.0}))
    assert SERVER_MESSAGE.validate_json(r.model_dump_json()) == r


def test_origin_and_host_checks() -> None:
    assert auth.origin_ok("http://127.0.0.1:8700", "127.0.0.1:8700")
    assert not auth.origin_ok("http://evil.example", "127.0.0.1:8700")
    assert not auth.origin_ok(None, "127.0.0.1:8700")
    assert not auth.origin_ok("http://127.0.0.1:8701", "127.0.0.1:8700")
    own = {"host": "127.0.0.1:8700"}
    assert auth.same_origin({**own, "origin": "http://127.0.0.1:8700"})
    assert not auth.same_origin({**own, "origin": "http://127.0.0.1:8701"}), "another port is another origin"
    assert auth.same_origin({**own, "sec-fetch-site": "same-origin"}) and not auth.same_origin(own)
    assert not auth.same_origin({**own, "sec-fetch-site": "same-site"})
    assert auth.host_allowed("localhost:8700", "127.0.0.1")
    assert not auth.host_allowed("rebound.example:8700", "127.0.0.1"), "DNS rebinding onto loopback is refused"
    assert auth.host_allowed("shop-laptop.lan:8700", "0.0.0.0")


def test_tokens_names_and_rate_limits() -> None:
    token = auth.new_token()
    other = token[:-1] + ("y" if token.endswith("x") else "x")
    assert len(token) >= 20 and auth.token_ok(token, token) and not auth.token_ok(token, other)
    assert not auth.token_ok(token, None)
    assert auth.clean_name(" Mei ") == "Mei" and auth.clean_name("王小明") == "王小明"
    assert auth.clean_name("<script>") is None and auth.clean_name("") is None and auth.clean_name("x" * 41) is None
    sessions = auth.Sessions(limit=2)
    ann, bo = sessions.open("Ann Lee"), sessions.open("Bo")
    assert ann != bo and len(ann) >= 40 and sessions.operator(ann) == "Ann Lee"
    assert sessions.revoke(ann) == "Ann Lee" and sessions.operator(ann) is None and sessions.revoke(ann) is None
    sessions.open("Cy"), sessions.open("Di")
    assert sessions.operator(bo) is None, "past the limit the oldest sign-in goes"
    assert sessions.operator(None) is None and sessions.operator("") is None
    limit = auth.RateLimit(burst=3, per_s=0.001)
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b"), "limits are per key"


def test_preview_frames_carry_their_index_and_level() -> None:
    image = np.zeros((640, 360, 3), np.uint8)
    image[100:200, 50:150] = (255, 0, 0)
    data = FrameEncoder().encode(42, 1.68, image, 0.25)
    index, pts_ms, level, jpeg = decode_header(data)
    assert (index, pts_ms, round(level, 2)) == (42, 1680, 0.25) and jpeg[:2] == b"\xff\xd8"
    with pytest.raises(ValueError):
        decode_header(b"JUNK" + data[4:])
