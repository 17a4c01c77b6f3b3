"""Check a model-phrased sentence against the catalog: every number, price, option value, product
name and content word must be supported by the facts it was given; moderation must pass too."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.catalog import Catalog
from dialogue.grounding.vocab import COLOR_WORDS, PHRASING_WORDS, SIZE_WORDS, number_words
from dialogue.moderation import check_output

_NUM = re.compile(r"\d+(?:[.,]\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LEAK = re.compile(r"\b(?:facts?|viewer|reply|system|instructions?|prompt|assistant|user)\s*:|<\||\|>|\[/?inst\]",
                   re.IGNORECASE)
_SOLD_OUT = re.compile(r"sold out|out of stock|unavailable|not available|no longer|售罄|卖完|缺货|没货", re.I)
_IN_STOCK = re.compile(r"in stock|available now|still available|have plenty|有货|现货", re.I)


def _numbers(text: str) -> set[float]:
    out = {float(m.replace(",", ".")) for m in _NUM.findall(text.replace(",000", "000"))}
    for w in _WORD.findall(text.lower()):
        if w in number_words:
            out.add(float(number_words[w]))
    return out


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s", "ly"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _vocab(texts: Sequence[str]) -> set[str]:
    return {_stem(w) for t in texts for w in _WORD.findall(t.lower())}


def check_sentence(sentence: str, *, catalog: Catalog, support: Sequence[str], lang: str,
                   stock_by_name: dict[str, int] | None = None) -> list[str]:
    """Problems found in one sentence; an empty list means it may be spoken."""
    problems: list[str] = []
    s_lc = sentence.lower()
    support_lc = " ".join(support).lower()
    if _LEAK.search(sentence):
        problems.append("prompt_leak")
    if lang == "zh" and not _CJK.search(sentence):
        problems.append("wrong_language")
    if lang != "zh" and _CJK.search(sentence):
        problems.append("wrong_language")
    allowed_nums = _numbers(support_lc)
    for n in _numbers(s_lc):
        if n not in allowed_nums:
            problems.append(f"unsupported_number:{n:g}")
    for w in COLOR_WORDS | SIZE_WORDS:
        if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", s_lc) and not re.search(
            rf"(?<![a-z]){re.escape(w)}(?![a-z])", support_lc
        ):
            problems.append(f"unsupported_option:{w}")
    for p in catalog.products:
        for name in (p.name, *p.aliases):
            if len(name) > 2 and name.lower() in s_lc and name.lower() not in support_lc:
                problems.append(f"other_product:{p.sku}")
                break
    for name, stock in (stock_by_name or {}).items():
        if stock > 0 and _SOLD_OUT.search(sentence):
            problems.append(f"stock_contradiction:{name}")
        if stock == 0 and _IN_STOCK.search(sentence) and not _SOLD_OUT.search(sentence):
            problems.append(f"stock_contradiction:{name}")
    if lang != "zh":
        vocab = _vocab(support) | PHRASING_WORDS
        shop_words = _vocab([catalog.shop.name, catalog.shop.host_name])
        for w in _WORD.findall(s_lc):
            st = _stem(w)
            if len(w) > 2 and w not in PHRASING_WORDS and st not in vocab and st not in shop_words:
                problems.append(f"unsupported_word:{w}")
    problems += [f"moderation:{v.rule}" for v in check_output(sentence, lang, promotions=catalog.promotions)]
    return problems


def covers(text: str, must_say: Sequence[str]) -> bool:
    """True when every required fact (a price, a stock figure, ...) appears in the reply."""
    t = text.lower()
    for fact in must_say:
        f = fact.lower()
        if f in t:
            continue
        nums = _numbers(f)
        if nums and nums <= _numbers(t):
            continue
        return False
    return True
