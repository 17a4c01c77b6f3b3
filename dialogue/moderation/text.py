"""Normalised views of a text that keep a map back to the original characters.

Rules run on these views so that full-width forms, mixed case, curly quotes, light leetspeak
("b3st", "id1ot") and spaced-out obfuscation ("c u r e s", "最 好") match the same patterns,
while every reported span is cut from the text as the speaker or viewer wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\uff61": "。",  # half-width ideographic full stop
    # Cyrillic and Greek look-alikes used to dodge word filters.
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ѕ": "s",
    "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t",
    "➕": "+", "＋": "+",
}
# Decorations used to split a banned word or a handle ("V❤abc123"): read as a space.
for _c in "❤♥💕💗💖❣✨⭐★☆✿❀♡❥🌸🔥👉👈":
    _CHAR_MAP[_c] = " "
# Traditional characters of the rule words, so 國家級 / 療效 / 減肥 read like 国家级 / 疗效 / 减肥.
_TRAD = ("國国級级頂顶極极絕绝對对萬万療疗減减壓压藥药醫医實实們们說说這这個个價价優优費费郵邮銷销賣卖熱热親亲測测試试"
         "過过買买給给評评機机號号話话電电聯联網网點点證证碼码滾滚腦脑殘残瘋疯搶抢穩稳賺赚獎奖領领現现從从開开設设規规則则"
         "記记裝装讓让麼么嗎吗體体驗验膚肤髮发養养護护調调氣气顏颜濕湿強强贈赠滿满專专業业際际無无險险長长壽寿癒愈皺皱歷历"
         "頭头癥症狀状預预衛卫蟲虫補补腎肾輕轻顧顾戶户讚赞團团購购務务導导師师紅红蘭兰銀银歲岁續续觀观眾众鐘钟處处")
for _i in range(0, len(_TRAD) - 1, 2):
    _CHAR_MAP[_TRAD[_i]] = _TRAD[_i + 1]
# Digits and symbols read as letters, applied only inside tokens that also hold letters.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
         "@": "a", "$": "s", "!": "i", "|": "l", "€": "e", "+": "t"}
_LEET_RUN = re.compile(r"[a-z0-9@$!|€+]+", re.ASCII)
_CJK_GAP = re.compile(rf"(?<=[{CJK}])[\s.\-_*~·•/\\|+'\"]+(?=[{CJK}])", re.ASCII)
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:[\s.\-_*·]{1,2}[a-z]){2,}(?![a-z0-9])", re.ASCII)
_SPACED_SEP = re.compile(r"[\s.\-_*·]", re.ASCII)


@dataclass(frozen=True)
class View:
    """A transformed text plus, for each of its characters, the index of its source character."""

    text: str
    index: tuple[int, ...]

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The [start, end) range in the original text covered by view[start:end]."""
        return self.index[start], self.index[max(start, end - 1)] + 1

    def drop(self, pattern: re.Pattern[str]) -> View:
        """A view with every match of `pattern` removed."""
        keep = [True] * len(self.text)
        for m in pattern.finditer(self.text):
            for i in range(m.start(), m.end()):
                keep[i] = False
        return View("".join(c for c, k in zip(self.text, keep, strict=True) if k),
                    tuple(ix for ix, k in zip(self.index, keep, strict=True) if k))


def base_view(text: str) -> View:
    """NFKC (full-width to ASCII), case-folded, quotes and dashes unified, invisible characters dropped."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        ch = _CHAR_MAP.get(ch, ch)
        for c in unicodedata.normalize("NFKC", ch).casefold():
            out.append(_CHAR_MAP.get(c, c))
            index.append(i)
    return View("".join(out), tuple(index))


def deleet(view: View) -> View:
    """Undo light leetspeak in mixed letter/digit tokens: 'b3st' -> 'best', 'sh!t' -> 'shit'."""
    chars = list(view.text)
    for m in _LEET_RUN.finditer(view.text):
        tok = m.group()
        if not re.search(r"[a-z]", tok):
            continue
        # Keep a trailing "!" or "+" as punctuation ("wow!"); convert the rest.
        body_end = len(tok.rstrip("!+|"))
        for i in range(body_end):
            chars[m.start() + i] = _LEET.get(tok[i], tok[i])
    return View("".join(chars), view.index)


def compact(view: View) -> View:
    """Remove separators between CJK characters and inside spaced-out words ('c u r e s')."""
    joined = view.drop(_CJK_GAP)
    gaps: list[tuple[int, int]] = []
    for m in _SPACED_LETTERS.finditer(joined.text):
        for g in _SPACED_SEP.finditer(m.group()):
            gaps.append((m.start() + g.start(), m.start() + g.end()))
    if not gaps:
        return joined
    keep = [True] * len(joined.text)
    for s, e in gaps:
        for i in range(s, e):
            keep[i] = False
    return View("".join(c for c, k in zip(joined.text, keep, strict=True) if k),
                tuple(ix for ix, k in zip(joined.index, keep, strict=True) if k))


def views(text: str) -> list[View]:
    """The views every word rule runs on: plain, de-leeted, compacted, and both."""
    base = base_view(text)
    out = [base, deleet(base), compact(base)]
    out.append(deleet(out[2]))
    unique: list[View] = []
    seen: set[str] = set()
    for v in out:
        if v.text not in seen:
            seen.add(v.text)
            unique.append(v)
    return unique


# Clause boundaries: sentence ends and commas, but not decimal points ("39.90") or thousands ("1,000").
_CLAUSE_END = re.compile(r"(?<!\d)[.,](?!\d)|[.,](?=\s)|[!?;:。！？；：，、\n]", re.ASCII)


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The [start, end) of the clause around position `pos`."""
    start = 0
    for m in _CLAUSE_END.finditer(text, 0, pos):
        start = m.end()
    after = _CLAUSE_END.search(text, pos)
    return start, (after.start() if after else len(text))


_NEG_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|none|nor|neither|cannot|can't|don't|doesn't|didn't|won't|isn't|aren't|"
    r"wasn't|haven't|hasn't|shouldn't|wouldn't|avoid|stop|refuse)\b|n't\b|"
    r"没有|没|暂无|暂时没有|并无|无法|不要|不用|不会|不能|不可以|不支持|不提供|不参加|不参与|不做|不搞|请勿|切勿|别|不)", re.ASCII)
_NEG_AFTER = re.compile(
    r"^[^.!?。！？]{0,25}?(?:\b(?:isn't|aren't|is not|are not|not available|unavailable|doesn't|don't|"
    r"do not|does not|won't|none)\b|暂时没有|没有|暂无|不支持|不提供|不参加|不能用|用不了)", re.ASCII)


def negated(text: str, start: int, end: int, *, before: int = 40, after: bool = False) -> bool:
    """True when the words just before (or, with after=True, just after) a match negate it."""
    cs, ce = clause_bounds(text, start)
    window = text[max(cs, start - before):start]
    if _NEG_BEFORE.search(window):
        return True
    return bool(after and _NEG_AFTER.search(text[end:ce]))


_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_EN_PERCENT = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30,
               "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUM = re.compile(r"\d+(?:[.,]\d+)*|[零〇一幺二两三四五六七八九十百千万]+", re.ASCII)
_EN_PCT = re.compile(r"\b(" + "|".join(_EN_PERCENT) + r")[\s-]*(?:per\s?cent|%)", re.ASCII)
# A Chinese numeral counts as a number only next to a unit or a price word, so 一下 / 万能 do not.
_ZH_AFTER = set("折元块件个包双瓶罐盒袋杯条%成减送人次份斤克天单")
_ZH_BEFORE = set("满减送买第打省降赠")


def _zh_number(s: str) -> float:
    if "十" not in s and "百" not in s and "千" not in s and "万" not in s:
        return float("".join(str(_ZH_DIGITS[c]) for c in s))
    total, cur = 0, 0
    for c in s:
        if c in _ZH_DIGITS:
            cur = _ZH_DIGITS[c]
        else:
            total += (cur or 1) * _ZH_UNITS[c]
            cur = 0
    return float(total + cur)


def _add(out: set[float], value: float, text: str, end: int) -> None:
    out.add(value)
    if text[end:end + 1] == "折" and value < 10:  # 8折 = 80% of the price = 20% off
        out.update({round(value * 10, 6), round(100 - value * 10, 6)})


def numbers(text: str) -> set[float]:
    """The numbers a text states, as digits, Chinese numerals next to a unit, or 'ten percent'."""
    out: set[float] = set()
    for m in _NUM.finditer(text):
        tok = m.group()
        if tok[0].isdigit():
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", tok):
                tok = tok.replace(",", "")
            for part in tok.split(","):
                try:
                    value = float(part)
                except ValueError:  # "1.2.3": keep the digits
                    value = float(part.replace(".", ""))
                _add(out, value, text, m.end())
        elif text[m.end():m.end() + 1] in _ZH_AFTER or text[m.start() - 1:m.start()] in _ZH_BEFORE:
            _add(out, _zh_number(tok), text, m.end())
    for m in _EN_PCT.finditer(text):
        out.add(float(_EN_PERCENT[m.group(1)]))
    if re.search(r"半价|half[\s-]*(?:price|off)", text):
        out.add(50.0)
    return out
