"""Viewers' names as the host may say them, and a line addressed to them ("Dan, the hoodie is $39.90.").

A name comes from a viewer, so it is treated like a comment: one that moderation flags (a link, contact
details, abuse, spam, an injection), that the host could not say (check_output), that looks like a phone
number or an account, or that is very long is never spoken (the same rules as the reactions' names,
dialogue.reactions.names, and an insult hidden inside a handle); that viewer is addressed without a name.
A handle is said the way a host would read it out: "dan.r" → "Dan", "tom88" → "Tom", "mia_k" → "Mia".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.moderation import check_output, scan_comment
from dialogue.moderation.lex_abuse import STRONG_EN
from dialogue.reactions.names import speakable

# an insult inside a handle ("fuckface", "xidiotx") is found by the letters alone, not as a word
_INSULTS = tuple(w for w in STRONG_EN if " " not in w and len(w) >= 4)

MAX_NAME = 24  # characters of a viewer's name as given; longer ones are not read out
MAX_SPOKEN = 16  # characters of the name as spoken
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"\d{5,}")
_ODD = re.compile(r"[@/\\:#<>{}\[\]|=+*&%$^~`\"']|https?|www", re.I)
_PARTS = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters: "dan.r" → dan, r
# a line addressed to a viewer begins lower-case when its first word is one of these ("Dan, the hoodie …")
_LOWER_FIRST = {"the", "it", "it's", "its", "you", "your", "our", "we", "we're", "sorry", "standard", "which",
                "for", "about", "tonight's", "there", "this", "that", "yes", "no", "buy", "only", "please",
                "a", "an", "good"}


def spoken_name(user: str | None, lang: str = "en") -> str | None:
    """The viewer's name as the host would say it, or None when it must not be spoken."""
    raw = (user or "").strip()
    if not raw or raw.lower() in ("anonymous", "anon", "guest") or len(raw) > MAX_NAME:
        return None
    if _DIGITS.search(raw) or _ODD.search(raw) or speakable(raw) is None or _unsafe(raw, lang):
        return None
    if _CJK.search(raw):
        name = "".join(_PARTS.findall(raw))  # the name's letters and characters, without decoration
    else:
        parts = [p for p in _PARTS.findall(raw) if len(p) >= 2]
        name = parts[0] if parts else ""
        name = name[:1].upper() + name[1:]
    if not name or len(name) > MAX_SPOKEN or (name != raw and _unsafe(name, lang)):
        return None
    return name


def _unsafe(text: str, lang: str) -> bool:
    letters = "".join(_PARTS.findall(text)).lower()
    if scan_comment(text).flags or any(w in letters for w in _INSULTS):
        return True
    return bool(check_output(text, lang)) or (lang != "zh" and bool(check_output(text, "zh")))


def join_names(names: Sequence[str], lang: str) -> str:
    """"Dan", "Dan and Ana", "Dan, Ana and Sofia"; in Chinese 阿杰、lily."""
    if lang == "zh":
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def addressed(text: str, names: Sequence[str], lang: str) -> str:
    """`text` said to the named viewers: "Dan and Ana, the hoodie is $39.90." / "阿杰、lily，马克杯售价…"."""
    if not names:
        return text
    who = join_names(names, lang)
    if lang == "zh":
        return f"{who}，{text}"
    first = text.split(" ", 1)[0]
    if first.lower().rstrip(",:;") in _LOWER_FIRST and not first.isupper():
        text = text[:1].lower() + text[1:]
    return f"{who}, {text}"
