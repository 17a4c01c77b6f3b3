"""A word rule: patterns for one category, an allow-list of phrases that cancel a match, negation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogue.moderation.text import View, negated


def rx(*parts: str) -> re.Pattern[str]:
    """One compiled alternation of the given parts, ASCII word boundaries (so "是best" splits).

    Texts are matched case-folded and NFKC-normalised, so patterns are lower-case ASCII or CJK.
    """
    return re.compile("|".join(f"(?:{p})" for p in parts), re.ASCII)


@dataclass(frozen=True)
class Rule:
    """Patterns for one category of forbidden wording, run over every normalised view of a text."""

    name: str
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    allow: re.Pattern[str] | None = None  # a phrase matching over the hit cancels it ("do my best")
    negatable: bool = False  # "I can't guarantee" / "我没法亲自试用" are not claims

    def spans(self, views: Iterable[View]) -> list[tuple[int, int]]:
        """Original-text [start, end) ranges of every hit, merged."""
        found: list[tuple[int, int]] = []
        for v in views:
            for p in self.patterns:
                for m in p.finditer(v.text):
                    if m.end() <= m.start() or self._cancelled(v.text, m):
                        continue
                    found.append(v.origin(m.start(), m.end()))
        return merge(found)

    def _cancelled(self, text: str, m: re.Match[str]) -> bool:
        if self.allow is not None:
            lo = max(0, m.start() - 40)
            for a in self.allow.finditer(text, lo, min(len(text), m.end() + 40)):
                if a.start() < m.end() and m.start() < a.end():
                    return True
        return self.negatable and negated(text, m.start(), m.end(), before=30)


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ranges joined into one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def covered(span: tuple[int, int], by: Sequence[tuple[int, int]]) -> bool:
    """True when `span` lies inside one of the ranges in `by`."""
    return any(s <= span[0] and span[1] <= e for s, e in by)
