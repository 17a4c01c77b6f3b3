"""Discount mentions, and whether the shop's promotions back them (docs/compliance.md §6).

A discount is allowed only when a promotion states the same claim: a promotion of the same kind
(or one holding the same key words), every number of the clause (10%, 8折, $50, 满99) present in
it, and at least three quarters of the clause's content words or characters found in it. So
"10% off the second pack of socks" passes against "Buy two packs of Merino Crew Socks and get
10% off the second pack", while "everything is 20% off today" does not. Honest negatives ("no
coupons right now", "目前没有优惠") are not claims. Callers pass shipping and FAQ text along with
promotions so that a policy such as "满99元包邮" can be repeated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.moderation.rules import merge, rx
from dialogue.moderation.text import CJK, base_view, clause_bounds, compact, negated, numbers

_NZ = r"[\d一二两三四五六七八九十百]"

GROUPS: dict[str, re.Pattern[str]] = {
    "percent": rx(
        r"\b\d+(?:\.\d+)?\s*(?:%|percent|per\s+cent)\s*(?:off|discount|cheaper|less|savings?|rebate)\b",
        r"\b(?:\w+[\s-])?percent\s+off\b|\bmarked\s+down\b|\bmarkdowns?\b|\bprice\s+(?:cut|drop|reduction)s?\b",
        r"\bcheaper\s+(?:if|when)\s+you\b|\bbundle\s+(?:deal|price|discount|offer|savings?)\b|\breduced\s+(?:price|prices|to)\b|\bcheaper\s+(?:today|now|than\s+usual|this\s+week|tonight)\b|\bextra\s+\d+\s*%",
        r"\b(?:save|saving|savings\s+of)\s+(?:\$|usd|¥|€|£)?\s*\d|(?:\$|¥|€|£)\s*\d+(?:\.\d+)?\s+off\b|\bhalf[\s-]*(?:price|off)\b",
        r"打折|折扣|折上折|(?<![对打])(?:[\d一二三四五六七八九](?:\.\d|点[一二三四五六七八九])?)\s*折(?![叠痕射磨腾合断中纸线返])|打[\d一二三四五六七八九.]+折",
        rf"立减|直降|降价|减价|便宜(?:了)?\s*{_NZ}+|(?<![节])省\s*{_NZ}+\s*(?:元|块)?|半价|让利|亏本|跳楼价|白菜价|\d+\s*%\s*(?:折扣|优惠)",
    ),
    "sale": rx(
        r"\bon\s+sale\b|\bsale\s+price\b|\b(?:flash|clearance|special|big|huge|holiday|summer|winter|spring|black\s+friday|cyber\s+monday|anniversary)\s+sale\b",
        r"\bclearance\b|\bspecial\s+(?:offer|price|deal)s?\b|\blimited[\s-]*time\s+(?:offer|deal|price|only)\b|\b(?:today|tonight)\s+only\b",
        r"\b(?:great|good|best|amazing|hot|special|exclusive|sweet|crazy)\s+deals?\b|\bdeal\s+of\s+the\s+day\b|\bdoorbusters?\b",
        r"\b(?:was|originally|regularly|usually)\s+(?:\$|¥|€|£)?\s*\d+(?:\.\d+)?[^.!?]{0,20}\bnow\b|\b(?:regular|original|usual|normal|list)\s+price\b",
        r"\b(?:wholesale|factory|cost|member|vip|insider)\s+price\b",
        r"粉丝价|宠粉|专享价?|专属价|新人价|首单|抹零|少收|便宜(?:点|些|一点)?(?:给你|卖|算)|打个折|"
        r"特价|特惠|秒杀|限时(?:优惠|特价|折扣|秒杀|抢购|活动|福利|价)|促销|活动价|到手价|券后价?|原价|福利价?|清仓|甩卖|大促|会员价|内部价|出厂价|成本价|批发价",
    ),
    "coupon": rx(
        r"\bcoupons?\b|\bvouchers?\b|\b(?:promo|discount|coupon|voucher)\s*codes?\b|\b(?:use|enter|apply)\s+(?:the\s+)?code\b|\bgift\s+cards?\b",
        r"优惠券|领券|用券|(?<![证])券(?!商)|优惠码|折扣码|兑换码|红包|抵扣|抵用",
    ),
    "gift": rx(
        r"\bfree\s+(?:gifts?|samples?|bonus|extra|giveaway|pairs?|mugs?|items?|totes?|socks|tea|products?|accessor(?:y|ies))\b",
        r"\bgifts?\s+with\s+(?:purchase|every|your|each)\b|\bbonus\s+(?:gifts?|items?)\b|\bgiveaways?\b|\bcomes\s+with\s+a\s+free\b",
        r"\bget\s+(?:a|one|another|an?\s+extra|\w+)\s+(?:\w+\s+)?(?:for\s+)?free\b|\bthrown?\s+in\s+for\s+free\b",
        r"赠品|赠送|加赠|免费送|还送|加送|送(?:一个|一份|一件|一双|一盒|个|份|小礼物|礼品|赠品|小样|杯子|袜子)|送礼品|抽奖|免单",
    ),
    "bogo": rx(
        r"\bbuy\s+(?:one|two|three|four|\d+)\b[^.!?。！？]{0,50}?\bget\b|\bbogo\b|\b\d\s*for\s*(?:\d|the\s+price\s+of)\b|\b(?:two|three)\s+for\s+(?:one|two|the\s+price)\b",
        rf"买{_NZ}+送{_NZ}+|买一送一|第二(?:件|包|双|罐|个)(?:半价|{_NZ}+折|免费|\d+元)|拍(?:一|1)发(?:二|2)|两件(?:起)?(?:优惠|打折|{_NZ}折)",
    ),
    "free_shipping": rx(
        r"\bfree\s+(?:shipping|delivery|postage|standard\s+shipping|returns?\s+shipping)\b|\bship(?:s|ping)?\s+(?:is\s+|are\s+)?(?:for\s+)?free\b",
        r"\bshipping\s+(?:is\s+|costs\s+)?(?:free|on\s+us|waived)\b|\bdelivery\s+is\s+free\b|\bno\s+shipping\s+(?:fee|cost|charge)s?\b",
        r"包邮|免运费|免邮|运费全免|邮费全免|运费险",
    ),
    "threshold": rx(
        r"\b(?:spend|orders?\s+(?:over|above)|when\s+you\s+spend)\s+(?:\$|¥|€|£)?\s*\d+[^.!?]{0,30}?\b(?:off|save|discount|free)\b",
        rf"满减|满\s*{_NZ}+\s*(?:元|块)?\s*(?:减|送|打|立减|包邮|免)|每满\s*{_NZ}+",
    ),
    "cashback": rx(r"\bcash[\s-]*back\b|\brebates?\b|\brefund\s+the\s+difference\b|\bprice\s+match(?:ing)?\b", r"返现|返利|返券|返红包"),
    "any": rx(
        r"\bdiscount(?:s|ed)?\b|\bpromo(?:tion)?s?\b|\bpromotional\b|\bsales?\b(?!\s+(?:tax|team|rep|claim))",
        r"优惠|活动|福利|让利",
    ),
}
# "for sale" (available to buy) and "sales" in a sales-claim sense are not discounts.
_NOT_DISCOUNT = rx(r"\bfor\s+sale\b|\bsales?\s+(?:tax|team|rep|claim|channel|figures)\b|\bbest[\s-]*sell|活动(?:范围|空间|一下)|折叠|对折")

_STOP_EN = {
    "the", "and", "you", "your", "our", "for", "with", "this", "that", "these", "those", "there", "here", "right",
    "now", "just", "also", "can", "will", "would", "all", "any", "one", "when", "are", "its", "it's", "get", "gets",
    "got", "very", "really", "please", "then", "than", "which", "who", "what", "have", "has", "from", "each", "too",
    "plus", "only", "nova", "us", "they", "them", "their", "if", "so", "is", "be", "an", "a", "of", "to", "on", "in",
}
_STOP_ZH = set("的了就都也是我们你您在有可以和还呢吧啊哦呀哈吗么这那给把被对让很非常大家现在一下哈哟嘛啦目前")
# Words that only name a discount: they must not count against a clause's coverage.
_GENERIC = {"promotion", "promo", "offer", "deal", "discount", "sale", "current", "tonight", "running", "优", "惠", "活", "动"}
_CJK_CHAR = re.compile(f"[{CJK}]")


def _tokens(text: str) -> set[str]:
    words = {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z]+", text)}
    return {w for w in words if len(w) >= 3 and w not in _STOP_EN} | {
        c for c in _CJK_CHAR.findall(text) if c not in _STOP_ZH
    }


@dataclass(frozen=True)
class _Promo:
    groups: frozenset[str]
    nums: frozenset[float]
    tokens: frozenset[str]


def _promo(text: str) -> _Promo:
    v = compact(base_view(text)).text
    groups = frozenset(g for g, p in GROUPS.items() if p.search(v))
    return _Promo(groups, frozenset(numbers(v)), frozenset(_tokens(v)))


def _supported(group: str, match: str, clause: str, promos: Sequence[_Promo]) -> bool:
    nums = numbers(clause)
    clause_tokens = _tokens(clause) - _GENERIC
    key = _tokens(match)
    for p in promos:
        same_kind = group in p.groups or (group == "any" and bool(p.groups)) or (bool(key) and key <= p.tokens)
        if not same_kind or not nums <= p.nums:
            continue
        if not clause_tokens or len(clause_tokens & p.tokens) / len(clause_tokens) >= 0.75:
            return True
    return False


def find_discounts(text: str, promotions: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """Discount mentions the promotions do not back, as (start, end, reason) of the original text."""
    promos = [_promo(p) for p in promotions if p and p.strip()]
    v = compact(base_view(text))
    hits: list[tuple[int, int]] = []
    for group, pattern in GROUPS.items():
        for m in pattern.finditer(v.text):
            if any(a.start() <= m.start() and m.end() <= a.end() for a in _NOT_DISCOUNT.finditer(v.text)):
                continue
            if negated(v.text, m.start(), m.end(), before=30, after=True):
                continue
            cs, ce = clause_bounds(v.text, m.start())
            clause = v.text[cs:max(ce, m.end())]
            if promos and _supported(group, m.group(), clause, promos):
                continue
            hits.append(v.origin(m.start(), m.end()))
    reason = "discount not backed by the shop's promotions" if promos else "discount mention with no promotion running"
    return [(s, e, reason) for s, e in merge(hits)]
