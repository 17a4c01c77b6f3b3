"""Spot the same comment posted again within a short window (copy-paste spam, stretched letters)."""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict

_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # a letter three or more times in a row
_VARIATION_SELECTORS = {0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


def _kept(ch: str) -> str:
    """A character's contribution to the key: letters, digits and marks stay; space stays space."""
    if ch.isspace():
        return " "
    cat = unicodedata.category(ch)
    if cat[0] in "PSC" or ord(ch) in _VARIATION_SELECTORS:
        return ""  # punctuation, symbols (emoji), controls, joiners, emoji variation selectors
    return ch


def normalize_for_dedupe(text: str) -> str:
    """The key two comments share when they say the same thing: "Hiiii!!  👋" and "hii" both → "hii".

    NFKC (full-width → ASCII), casefold, punctuation and emoji dropped, whitespace collapsed, and a
    letter repeated 3+ times cut to two (two keeps real doubles such as "good" and 哈哈).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(_kept(ch) for ch in folded)
    collapsed = " ".join(kept.split())
    return _REPEATS.sub(r"\1\1", collapsed)


def _fallback_key(text: str) -> str:
    # A comment made only of emoji or punctuation still has an identity: "👍" repeats "👍", not "❤️".
    return "\x00" + " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class Deduper:
    """Remembers recent comment texts; a repeat within `window_s` of the last sighting is a duplicate.

    Memory is bounded: entries older than the window are expired on every check, and at most
    `max_entries` texts are kept (the least recently seen go first).
    """

    def __init__(self, window_s: float = 30.0, *, max_entries: int = 10_000) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be positive, got {window_s!r}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries!r}")
        self.window_s = window_s
        self.max_entries = max_entries
        self._seen: OrderedDict[str, tuple[str, float]] = OrderedDict()  # key → (first id, last seen)

    def check(self, text: str, comment_id: str, now: float) -> str | None:
        """The id of the earlier comment this one repeats, or None (and it is remembered).

        A run of repeats keeps pointing at the first comment as long as no gap exceeds the window.
        Empty or whitespace-only text is never a duplicate (triage skips it for being empty).
        """
        self._expire(now)
        if not text.strip():
            return None
        key = normalize_for_dedupe(text) or _fallback_key(text)
        hit = self._seen.get(key)
        if hit is not None:
            first_id, _ = hit
            self._seen[key] = (first_id, now)
            self._seen.move_to_end(key)
            return first_id
        self._seen[key] = (comment_id, now)
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return None

    def _expire(self, now: float) -> None:
        while self._seen:
            _, (_, last) = next(iter(self._seen.items()))
            if now - last <= self.window_s:
                return
            self._seen.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)
