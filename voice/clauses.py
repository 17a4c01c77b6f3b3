"""Where a sentence may be split for speaking: the host starts the first clause while the rest is voiced.

A voice synthesises a whole text before any of it plays, so a long sentence keeps a viewer waiting for
all of it. Split at the first clause mark (comma, colon, semicolon, dash; their CJK forms), the first
part is ready in a fraction of the time, and the rest is synthesised while it plays. Only a mark
followed by a space (or a CJK mark) counts: "$1,299" and "12:30" stay whole.
"""

from __future__ import annotations

import re

_MARK = re.compile(r"(?<=[,;:])\s+|(?<=\s[—–-])\s+|(?<=[，；：、])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
MIN_HEAD = 12  # Latin characters (a CJK one counts 3): a shorter first part ("Yes,") is not worth a seam
MIN_TAIL = 16  # nor is a split that leaves almost nothing after it


def _length(s: str) -> int:
    return len(s) + 2 * len(_CJK.findall(s))


def first_clause(text: str) -> tuple[str, str]:
    """(the first clause, the rest), or (text, "") when the sentence has no good place to split."""
    for m in _MARK.finditer(text):
        head, tail = text[: m.start()].rstrip(), text[m.end():].lstrip()
        if _length(head) < MIN_HEAD:
            continue
        if _length(tail) < MIN_TAIL:
            break
        return head, tail
    return text, ""
