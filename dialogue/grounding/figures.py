"""The figures a line states, each with what kind of claim it is: a price, a percentage, a stock count or
another number. Times of the show ("back in 10 minutes", "at 9 pm") and ordinals (第一次) are not claims."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from dialogue.grounding.vocab import number_words
from dialogue.moderation.text import _zh_number as zh_number  # the discount rule reads 满九十九 the same way

Kind = Literal["price", "percent", "stock", "number"]

_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORDS = "|".join([rf"(?:{'|'.join(_TENS)})[\s-](?:{'|'.join(_UNITS)})",
                   *sorted([*number_words, "one"], key=len, reverse=True)])
_ZH_NUM = "零〇一二两三四五六七八九十百千万"
_TOKEN = re.compile(
    r"(?P<cur>us\$|hk\$|\$|¥|€|£|\busd\s?|\brmb\s?|\bcny\s?)?\s*"
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|\b(?:{_WORDS})\b|[{_ZH_NUM}]+)"
    r"(?P<unit>\s*(?:%|percent\b|per\s+cent\b|折|元|块|dollars?\b|bucks?\b|cents?\b|yuan\b|usd\b|rmb\b))?"
)
_PRICE_UNITS = ("元", "块", "dollar", "buck", "cent", "yuan", "usd", "rmb")
_TIME_AFTER = re.compile(r"\s*(?:minutes?\b|mins?\b|seconds?\b|secs?\b|o'?clock\b|[ap]\.?m\b\.?|:\d\d|分钟|秒|点(?![\d半])|点钟)")
_STOCK_AFTER = re.compile(r"\s+(?:[a-z]+\s+){0,3}?(?:left|remaining|in\s+stock)\b|\s*(?:件|个|双|瓶|罐|盒|包|份)?\s*(?:库存|现货)")
_STOCK_BEFORE = re.compile(r"(?:还剩|只剩|仅剩|剩下|剩|库存(?:还有|有|是)?|现货)\s*$")
_ZH_UNIT_AFTER = re.compile(r"\s*(?:折|元|块|%|件|个|包|双|瓶|罐|盒|袋|杯|条|份|斤|克|毫升|厘米|天|小时|周|年|月)")
_ZH_BEFORE = re.compile(r"(?:满|减|送|买|省|降|赠|剩)\s*$")


@dataclass(frozen=True)
class Figure:
    """One figure in a line: its kind, its values (8折 is both 80 and 20), and where it is."""

    kind: Kind
    values: frozenset[float]
    start: int
    end: int
    text: str


def normalise(text: str) -> str:
    """NFKC (full-width forms), lower case: offsets stay one to one for the scripts the shops use."""
    return "".join(unicodedata.normalize("NFKC", c).lower()[:1] or c for c in text)


def _value(num: str) -> float:
    if num[0].isdigit():
        return float(num.replace(",", ""))
    if num in number_words:
        return float(number_words[num])
    parts = re.split(r"[\s-]", num)
    if len(parts) == 2 and parts[0] in _TENS:  # twenty-four ("one" is not in number_words)
        return float(number_words[parts[0]] + number_words.get(parts[1], 1))
    if num == "one":
        return 1.0
    return zh_number(num)


def figures(text: str) -> list[Figure]:
    """Every figure in `text` (normalised with `normalise`), in order."""
    t = normalise(text)
    out: list[Figure] = []
    for m in _TOKEN.finditer(t):
        num, cur, unit = m.group("num"), m.group("cur"), (m.group("unit") or "").strip()
        before, after = t[:m.start("num")], t[m.end("num"):]
        if num[0] in _ZH_NUM and not (_ZH_UNIT_AFTER.match(after) or _ZH_BEFORE.search(before)):
            continue  # 一下, 万能: a Chinese numeral counts only beside a unit or a price word
        if before.endswith("第") or _TIME_AFTER.match(after):
            continue
        value = _value(num)
        if cur or unit.startswith(_PRICE_UNITS):
            kind: Kind = "price"
            values = {value / 100 if unit.startswith("cent") else value}
        elif unit in ("%", "percent") or unit.startswith("per"):
            kind, values = "percent", {value}
        elif unit == "折":
            kind, values = "percent", {value, value * 10, 100 - value * 10} if value < 10 else {value}
        elif _STOCK_AFTER.match(after) or _STOCK_BEFORE.search(before):
            kind, values = "stock", {value}
        elif num in ("one", "一"):
            continue  # "this one", 一罐: an article, not a claim
        else:
            kind, values = "number", {value}
        start = m.start("cur") if cur else m.start("num")
        end = m.end("unit") if unit else m.end("num")
        out.append(Figure(kind, frozenset(round(v, 2) for v in values), start, end, text[start:end].strip()))
    return out
