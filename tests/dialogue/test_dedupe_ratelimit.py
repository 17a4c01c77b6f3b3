"""Deduper (same comment again within a window) and RateLimiter (per-viewer sliding window)."""

from __future__ import annotations

import pytest

from dialogue.triage.dedupe import Deduper, normalize_for_dedupe
from dialogue.triage.ratelimit import RateLimiter

# --- normalize_for_dedupe -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How much is the hoodie?", "how much is the HOODIE"),
        ("ＨＯＷ　ＭＵＣＨ？", "how much"),  # full-width letters and space
        ("hiiiii!!! 👋👋", "hiii"),
        ("so   cool\t\n", "so cool"),
        ("coooool 🔥🔥🔥", "cool"),
        ("多少钱？？？", "多少钱"),
        ("哈哈哈哈哈", "哈哈哈"),
        ("Straße", "STRASSE"),  # casefold, not lower
        ("price... ❤️ please", "price please"),
        ("wow\u200b!!", "wow"),  # zero-width space is a format character
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert normalize_for_dedupe(a) == normalize_for_dedupe(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("price of the mug", "price of the hoodie"),
        ("good", "god"),  # real double letters survive
        ("size 10", "size 1000"),  # digits are not letters: never collapsed
        ("多少钱", "几点发货"),
    ],
)
def test_different_key(a: str, b: str) -> None:
    assert normalize_for_dedupe(a) != normalize_for_dedupe(b)


def test_normal_form_examples() -> None:
    assert normalize_for_dedupe("  Hiiiii!!  👋 there ") == "hii there"
    assert normalize_for_dedupe("Café\u0301") == "café́"  # combining marks stay (they change words)
    assert normalize_for_dedupe("👍🏽✨") == ""


# --- Deduper --------------------------------------------------------------------------------


def test_duplicate_within_window_points_at_the_first() -> None:
    d = Deduper(window_s=30.0)
    assert d.check("How much is the mug?", "c1", now=0.0) is None
    assert d.check("how much is the mug", "c2", now=5.0) == "c1"
    assert d.check("HOW MUCH IS THE MUG???", "c3", now=20.0) == "c1"
    assert d.check("is the mug dishwasher safe", "c4", now=21.0) is None


def test_repeats_keep_the_entry_alive_gaps_expire_it() -> None:
    d = Deduper(window_s=30.0)
    assert d.check("buy now", "a", now=0.0) is None
    assert d.check("buy now", "b", now=25.0) == "a"
    assert d.check("buy now", "c", now=50.0) == "a"  # 25 s after the last sighting
    assert d.check("buy now", "d", now=81.0) is None  # 31 s of silence: new
    assert d.check("buy now", "e", now=82.0) == "d"


def test_emoji_only_comments_dedupe_among_themselves() -> None:
    d = Deduper()
    assert d.check("👍", "a", now=0.0) is None
    assert d.check("👍", "b", now=1.0) == "a"
    assert d.check("❤️", "c", now=2.0) is None


def test_empty_text_is_never_a_duplicate() -> None:
    d = Deduper()
    assert d.check("", "a", now=0.0) is None
    assert d.check("   ", "b", now=1.0) is None
    assert len(d) == 0


def test_dedupe_memory_is_bounded() -> None:
    d = Deduper(window_s=10.0, max_entries=500)
    for i in range(100_000):
        d.check(f"comment number {i}", str(i), now=i * 0.001)
        assert len(d) <= 500
    d.check("later", "x", now=1_000.0)  # everything older than the window expires
    assert len(d) == 1


def test_dedupe_validation() -> None:
    with pytest.raises(ValueError):
        Deduper(window_s=0)


# --- RateLimiter --------------------------------------------------------------------------


def test_sliding_window_per_user() -> None:
    r = RateLimiter(max_per_window=3, window_s=20.0)
    assert [r.allow("amy", t) for t in (0.0, 1.0, 2.0)] == [True, True, True]
    assert r.allow("amy", 3.0) is False
    assert r.allow("bo", 3.0) is True  # other users are unaffected
    assert r.allow("amy", 19.9) is False
    assert r.allow("amy", 20.0) is True  # the comment at 0 has left the window
    assert r.allow("amy", 20.5) is False
    assert r.allow("amy", 21.0) is True


def test_refused_comments_do_not_extend_the_block() -> None:
    r = RateLimiter(max_per_window=1, window_s=10.0)
    assert r.allow("spam", 0.0)
    for t in range(1, 10):
        assert not r.allow("spam", float(t))
    assert r.allow("spam", 10.0)


def test_ratelimit_memory_is_bounded() -> None:
    r = RateLimiter(max_per_window=2, window_s=5.0, max_users=1000)
    for i in range(50_000):
        assert r.allow(f"user{i}", i * 0.01)
        assert len(r) <= 1000
    assert r.allow("late", 10_000.0)
    assert len(r) == 1  # idle users are forgotten


def test_ratelimit_validation() -> None:
    with pytest.raises(ValueError):
        RateLimiter(max_per_window=0)
    with pytest.raises(ValueError):
        RateLimiter(window_s=0)
