"""The catalog check for the operator's own words (say-this, an edited answer).

A model sentence is checked against the facts of one reply; an operator's line is free text about the whole
shop. So each sentence is checked against the products it names (or, when it names none, the products named
earlier in the line, else the whole catalog) and the shop's FAQ and promotions:

- every price must be a named product's price (or an amount the FAQ or a promotion states): "only $5" is not;
- every percentage and other number must be a figure of those products, the FAQ or the promotions;
- a stock count must be the product's stock, and "sold out" / "in stock" must agree with it;
- "free" must be true: a product with a price is not free, and a free service must be one the FAQ offers;
- a colour, a size or a material / property word ("waterproof", "handmade", 有机) must be one the product has;
- a prompt-injection attempt is a hard refusal (see `Finding.forceable`).

Ordinary talk (greetings, thanks, "back in 10 minutes") names no figure and passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogue.catalog import Catalog, Product
from dialogue.grounding.check import check_sentence
from dialogue.grounding.figures import Figure, figures, normalise

HARD = frozenset({"injection"})  # findings no operator may override
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?;。！？；\n]+")
_AMBIGUOUS = frozenset(["small", "medium", "large", "natural", "rose", "mint", "sage", "sand", "slate", "oat",
                        "gold", "silver", "cream", "tan", "orange", "peach", "olive", "coral", "charcoal", "petite",
                        "indigo", "violet", "lavender", "lilac", "ivory", "plus-size"])
_CLAIMS_EN = ("waterproof", "water-resistant", "windproof", "organic", "vegan", "handmade", "hand-made", "recycled",
              "eco-friendly", "sustainable", "non-toxic", "hypoallergenic", "biodegradable", "certified", "imported",
              "silk", "cashmere", "leather", "wool", "cotton", "linen", "bamboo", "polyester", "porcelain", "glass",
              "stainless", "plastic", "wooden", "decaf", "dishwasher", "microwave", "washable", "warranty",
              "lifetime", "refillable", "rechargeable", "battery", "wireless", "bluetooth", "gluten-free",
              "sugar-free", "caffeine-free", "fragrance-free", "bpa-free", "cruelty-free", "alcohol-free")
_CLAIMS_ZH = ("防水", "有机", "纯手工", "手工", "进口", "环保", "可降解", "真丝", "桑蚕丝", "羊绒", "羊毛", "纯棉", "真皮",
              "陶瓷", "玻璃", "不锈钢", "无糖", "无添加", "无咖啡因", "洗碗机", "微波炉", "保修", "质保", "充电", "无线")
_CLAIM_EN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in _CLAIMS_EN) + r")(?![\w-])")
_CLAIM_ZH = re.compile("|".join(sorted(_CLAIMS_ZH, key=len, reverse=True)))
_FREE = re.compile(r"(?<![\w-])(?<!feel )free\b(?!-)(?!\s+(?:of|to|from)\b)|\bfor\s+nothing\b|\bno\s+charge\b|"
                   r"\bon\s+the\s+house\b|\bon\s+us\b|\bcosts?\s+nothing\b|免费|不要钱|白送|白给")
_FREE_POLICY = re.compile(r"\bfree\b|免费|包邮|免邮|承担")
_ZH_COLOR = re.compile(r"(?:酒红|藏青|墨绿|雾蓝|米白|咖啡|卡其|[黑白红蓝绿黄紫粉灰棕橙金银米])色|酒红|藏青|墨绿|雾蓝|米白")
_SIZE = re.compile(r"\bsizes?\s+(xxxl|xxl|xl|xxs|xs|s/m|l/xl|s|m|l|\d+)\b|(均码|大码|小码|中码|加大码|[smlx]{1,4}码)|\b(xxxs|xxs)\b")
_ORIGIN = re.compile(r"\b(?:made|produced|manufactured|grown|designed)\s+in\s+((?:[A-Z][a-z]+\s?)+)|(?:产地|产自|原产)([\u4e00-\u9fff]{2})")
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+|earlier\s+|"
    r"system\s+)*(?:instructions?|rules?|prompts?|guidelines?)\b|<\|[a-z_]*\|?>|\[/?inst\]|"
    r"(?:^|[.!?]\s*)(?:system|assistant|developer)\s*:|(?:忽略|无视|忘记)(?:之前|以上|前面|所有|全部|系统)*的?(?:指令|提示词?|规则|设定)")
_STOP_WORDS = frozenset(["the", "and", "you", "your", "our", "ours", "for", "with", "this", "that", "these", "those",
                        "are", "was", "were", "will", "can", "just", "only", "all", "any", "its", "it's", "have", "has",
                        "from", "over", "into", "about", "there", "here", "they", "them", "what", "which", "when",
                        "then", "than", "also", "very", "now", "right", "get", "got", "one", "free", "everything",
                        "anything", "everyone", "today", "tonight", "we're", "you're", "i'm", "商品", "今天", "今晚",
                        "我们", "大家", "可以", "现在", "目前", "全场", "免费", "一下"])


@dataclass(frozen=True)
class Finding:
    """One thing in an operator's line the catalog does not hold (or a hard refusal such as an injection)."""

    kind: str  # price, percent, stock, number, free, option, claim, injection (the gate adds discount)
    span: str
    reason: str

    @property
    def forceable(self) -> bool:
        """True when an operator may still say the line, explicitly and with a reason."""
        return self.kind not in HARD

    def __str__(self) -> str:
        return f"{self.kind}: {self.span!r} ({self.reason})"


@dataclass(frozen=True)
class _Scope:
    """What a sentence may draw on: its products (named, or the whole shop) and the shop's own texts."""

    products: tuple[Product, ...]
    named: bool
    texts: tuple[str, ...]

    @property
    def who(self) -> str:
        return ", ".join(f"the {p.name}" for p in self.products) if self.named else "the shop's catalog"


def product_texts(p: Product) -> list[str]:
    """Everything the catalog says about one product."""
    return [p.name, *p.aliases, *p.facts, *p.all_option_values, *p.options, p.shipping]


def shop_texts(catalog: Catalog) -> list[str]:
    """What the shop says beyond its products: FAQ answers and promotions."""
    return [*(f.a for f in catalog.faq), *(f.q for f in catalog.faq), *catalog.promotions]


def _mentions(t: str, catalog: Catalog) -> list[tuple[int, Product]]:
    out = []
    for p in catalog.products:
        for name in {p.name, re.sub(r"\s*\(.*?\)", "", p.name), *p.aliases}:
            n = normalise(name)
            if len(n) < 2:
                continue
            pattern = re.escape(n) if _CJK.search(n) else rf"(?<![a-z]){re.escape(n)}(?:s|es)?(?![a-z])"
            out += [(m.start(), p) for m in re.finditer(pattern, t)]
    return sorted(out, key=lambda x: x[0])


def _sentences(t: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in _SENTENCE.finditer(t):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(t):
        yield start, len(t)


def _allowed(scope: _Scope, catalog: Catalog, sentence: str) -> dict[str, set[float]]:
    """The figures a sentence may state: its products' own, and those of an FAQ answer or a promotion it is
    about (one sharing a word with it: "returns within 30 days", not "five brightness levels" from "3 to 5
    business days")."""
    prices = {round(p.price, 2) for p in scope.products}
    stocks = {float(p.stock) for p in scope.products}
    by_kind: dict[str, set[float]] = {"price": set(prices), "percent": set(), "stock": stocks, "number": set()}
    words = _tokens(sentence)
    texts = [x for p in scope.products for x in product_texts(p)]
    texts += [x for x in shop_texts(catalog) if words & _tokens(x)]
    for text in texts:
        for f in figures(text):
            by_kind[f.kind] |= f.values
            by_kind["number"] |= f.values
    by_kind["number"] |= prices | stocks | {float(len(catalog.products))}
    return by_kind


def _figure_findings(found: Sequence[Figure], scope: _Scope, catalog: Catalog, sentence: str,
                     before: Sequence[tuple[int, Product]]) -> list[Finding]:
    """Each figure against its scope; a price or a stock count against the product named last before it
    ("the hoodie is $14.50 and the mug is $39.90" swaps two true prices)."""
    out = []
    for f in found:
        own = [p for at, p in before if at < f.start]
        if own and f.kind in ("price", "stock"):
            here = _Scope((own[-1],), True, (*product_texts(own[-1]), *shop_texts(catalog)))
        else:
            here = scope
        if f.kind == "price" and f.values <= {0.0}:
            out += _free(f.text, here, catalog)
        elif not f.values & _allowed(here, catalog, sentence)[f.kind]:
            out.append(Finding(f.kind, f.text, _figure_reason(f, here, catalog)))
    return out


def _figure_reason(f: Figure, scope: _Scope, catalog: Catalog) -> str:
    if f.kind == "price":
        prices = "; ".join(f"the {p.name} is {catalog.format_price(p.price)}" for p in scope.products[:4])
        return f"not a price in the catalog ({prices})" if scope.named else "not a price in the catalog"
    if f.kind == "stock":
        stock = "; ".join(f"{p.stock} of the {p.name}" for p in scope.products[:4])
        return f"the catalog has {stock} in stock" if scope.named else "not a stock level in the catalog"
    what = "percentage" if f.kind == "percent" else "figure"
    return f"not a {what} the catalog gives for {scope.who} or the shop's promotions"


def _free(span: str, scope: _Scope, catalog: Catalog) -> list[Finding]:
    if scope.named:
        return [Finding("free", span, f"the {p.name} is {catalog.format_price(p.price)}, not free")
                for p in scope.products if p.price > 0]
    return [Finding("free", span, "nothing is free in the catalog's FAQ or promotions in those words")]


def _tokens(text: str) -> set[str]:
    t = normalise(text)
    words = {_stem(w) for w in re.findall(r"[a-z']{3,}", t) if w not in _STOP_WORDS}
    cjk = re.findall(r"[\u4e00-\u9fff]+", t)
    pairs = {run[i:i + 2] for run in cjk for i in range(len(run) - 1)}
    return {w for w in words | pairs if w not in _STOP_WORDS}


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            w = w[: -len(suf)]
            return w[:-1] if len(w) > 3 and w[-1] == w[-2] else w  # shipping -> ship
    return w


def _free_findings(sentence: str, scope: _Scope, catalog: Catalog) -> list[Finding]:
    out = []
    for m in _FREE.finditer(sentence):
        before = re.search(r"(\w+)[\s-]$", sentence[:m.start()])
        if before and any(f"{before.group(1)}-free" in normalise(t) for t in scope.texts):
            continue  # "fragrance-free" as the catalog says it
        if not scope.named:
            policies = [t for t in shop_texts(catalog) + [p.shipping for p in catalog.products]
                        if _FREE_POLICY.search(normalise(t))]
            if any(_tokens(sentence) & _tokens(t) for t in policies):
                continue  # "returns are free": the FAQ says so
        out += _free(m.group(), scope, catalog)
    return out


def _option_findings(sentence: str, scope: _Scope, catalog: Catalog) -> list[Finding]:
    lang = "zh" if _CJK.search(sentence) else "en"
    stocks = {p.name: p.stock for p in scope.products} if scope.named else None
    problems = check_sentence(sentence, catalog=catalog, support=list(scope.texts), lang=lang, stock_by_name=stocks)
    out = []
    for pr in problems:
        kind, _, what = pr.partition(":")
        if kind == "unsupported_option" and (what not in _AMBIGUOUS or re.search(
                rf"(?:\bin|\bsizes?|\bcolou?rs?)\s+(?:a\s+|the\s+)?{re.escape(what)}(?=\s*(?:[,.!?;]|$)|\s+(?:or|and|too|"
                rf"size|colou?r|one|ones|version)\b)|"
                rf"\b{re.escape(what)}\s+(?:one|ones|colou?r|size|version)\b", sentence)):
            out.append(Finding("option", what, f"not an option of {scope.who}"))
        elif kind == "stock_contradiction":
            p = next(p for p in scope.products if p.name == what)
            out.append(Finding("stock", what, f"the catalog has {p.stock} of the {p.name} in stock"))
        elif kind == "prompt_leak":
            out.append(Finding("injection", sentence.strip(), "reads like an instruction to a model"))
    options = " ".join(normalise(v) for p in scope.products for v in p.all_option_values)
    for m in _ZH_COLOR.finditer(sentence):
        if m.group().removesuffix("色") not in options:
            out.append(Finding("option", m.group(), f"not an option of {scope.who}"))
    for m in _SIZE.finditer(sentence):
        size = m.group(1) or m.group(2) or m.group(3)
        if not re.search(rf"(?<![a-z]){re.escape(size)}(?![a-z])", options):
            out.append(Finding("option", size, f"not a size of {scope.who}"))
    return out


def _claim_findings(sentence: str, original: str, scope: _Scope) -> list[Finding]:
    texts = " ".join(normalise(t) for t in scope.texts)
    out = []
    for m in [*_CLAIM_EN.finditer(sentence), *_CLAIM_ZH.finditer(sentence)]:
        word = m.group()
        if word not in texts and word.replace("-", " ") not in texts and word.replace("-", "") not in texts:
            out.append(Finding("claim", word, f"the catalog does not say this of {scope.who}"))
    for m in _ORIGIN.finditer(original):
        place = (m.group(1) or m.group(2)).strip()
        if normalise(place) not in texts:
            out.append(Finding("claim", m.group().strip(), f"the catalog gives no origin {place} for {scope.who}"))
    return out


def check_operator_line(text: str, catalog: Catalog) -> list[Finding]:
    """What in an operator's line the catalog does not hold; an empty list means it is grounded."""
    t = normalise(text)
    mentions = _mentions(t, catalog)
    shop = tuple(shop_texts(catalog))
    found: list[Finding] = [Finding("injection", m.group(), "reads like an instruction to a model")
                            for m in _INJECTION.finditer(t)]
    context: tuple[Product, ...] = ()
    for s, e in _sentences(t):
        named = tuple({p.sku: p for at, p in mentions if s <= at < e}.values()) or context
        context = named
        products = named or tuple(catalog.products)
        scope = _Scope(products, bool(named), tuple(x for p in products for x in product_texts(p)) + shop)
        sentence = t[s:e]
        here = [(at - s, p) for at, p in mentions if s <= at < e]
        found += _figure_findings(figures(text[s:e]), scope, catalog, sentence, here)
        found += _free_findings(sentence, scope, catalog)
        found += _option_findings(sentence, scope, catalog)
        found += _claim_findings(sentence, text[s:e], scope)
    unique: dict[tuple[str, str], Finding] = {}
    for f in found:
        unique.setdefault((f.kind, f.span.lower()), f)
    return list(unique.values())
