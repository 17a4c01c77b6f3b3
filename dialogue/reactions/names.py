"""Which viewer names the host may say aloud.

A name is typed by the viewer, so it is as untrusted as a comment: a link, a phone number, an insult, an
injection, a claim the host may not make, or a very long name is never spoken. That viewer is still thanked,
among "N others"."""

from __future__ import annotations

import re
import unicodedata

from dialogue.moderation import check_output, scan_comment

MAX_NAME_CHARS = 20  # a spoken name, after emoji and symbols are dropped
ANONYMOUS = frozenset({"", "anonymous", "匿名", "游客", "guest"})
_DIGITS = re.compile(r"\d{5,}")  # a phone number or an id, not a name
_SPACES = re.compile(r"\s+")


def _spoken_chars(name: str) -> str:
    """Letters, digits, marks, and - ' inside a name; "." and "_" are read as a space ("dan.r" → "dan r");
    emoji and symbols are not read aloud."""
    keep = []
    for ch in unicodedata.normalize("NFKC", name):
        cat = unicodedata.category(ch)
        if cat[0] in "LMN" or ch in "-'":
            keep.append(ch)
        elif cat[0] == "Z" or ch in "._":
            keep.append(" ")
    return _SPACES.sub(" ", "".join(keep)).strip(" -'")


def speakable(name: str) -> str | None:
    """The name as the host would say it, or None when it must not be said."""
    spoken = _spoken_chars(name)
    if spoken.lower() in ANONYMOUS or len(spoken) > MAX_NAME_CHARS or _DIGITS.search(spoken):
        return None
    if not any(unicodedata.category(ch)[0] == "L" for ch in spoken):
        return None
    if scan_comment(name).flags or scan_comment(spoken).flags:
        return None
    if check_output(spoken, "und") or check_output(name, "und"):
        return None
    return spoken
