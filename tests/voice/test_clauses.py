"""Where a reply may be split for speaking, so that its first clause plays while the rest is voiced."""

from __future__ import annotations

import pytest

from voice.clauses import first_clause


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("About the Jasmine Green Tea: loose-leaf green tea scented with jasmine.", "About the Jasmine Green Tea:"),
        ("The Cloud Fleece Hoodie is $39.90, and we have 24 in stock.", "The Cloud Fleece Hoodie is $39.90,"),
        ("It costs $1,299 today only, while stock lasts tonight.", "It costs $1,299 today only,"),  # not at "1,299"
        ("关于马克杯：容量350毫升，可以放进洗碗机。", "关于马克杯："),
    ],
)
def test_splits_after_the_first_clause(text: str, head: str) -> None:
    h, t = first_clause(text)
    assert h == head and t and text.startswith(h) and text.endswith(t) and len(h) + len(t) >= len(text) - 1


@pytest.mark.parametrize(
    "text",
    ["Yes, we do.", "The Linen Desk Lamp ships within 3 business days.", "We open at 12:30 tomorrow, see you.",
     "Hi Anna — the mug is $14.50 and we have 120 left."],
)
def test_keeps_short_or_unbroken_sentences_whole(text: str) -> None:
    assert first_clause(text) == (text, "")
