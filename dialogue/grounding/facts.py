"""Deterministic replies built from the catalog alone: the facts every spoken answer must carry,
and the reply used whenever a model's phrasing fails a check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialogue.address import join_names
from dialogue.catalog import Catalog, Product
from dialogue.types import Intent


@dataclass
class FactSheet:
    """The catalog facts a reply is built from, the reply itself, and what it must keep."""

    text: str  # the deterministic reply
    sources: list[str] = field(default_factory=list)
    must_say: list[str] = field(default_factory=list)  # substrings a phrased reply has to keep
    support: list[str] = field(default_factory=list)  # every catalog text the reply may draw on
    # the leading sentences that answer the question; the rest only adds to it (said while nobody else waits).
    # None: every sentence is needed
    needed: int | None = None


def _options_text(p: Product, lang: str, groups: list[tuple[str, list[str]]] | None = None) -> str:
    parts = []
    for name, values in groups if groups is not None else p.options.items():
        if lang == "zh":
            parts.append(f"{name}有{join_names(values, lang)}")
        elif name.lower() in ("color", "colour"):
            parts.append(join_names(values, lang))
        elif name.lower() == "size":
            parts.append(f"size {values[0]}" if len(values) == 1 else f"sizes {join_names(values, lang)}")
        else:
            parts.append(f"{name} {join_names(values, lang)}")
    return "，".join(parts) if lang == "zh" else ", in ".join(parts)


_WORDS = re.compile(r"[a-z]{3,}|[\u4e00-\u9fff]", re.I)


def relevant_first(facts: list[str], question: str) -> list[str]:
    """The facts, the one sharing the most words (or Chinese characters) with the question first; ties keep
    the catalog's order."""
    asked = {w.lower().rstrip("s") for w in _WORDS.findall(question)}
    return sorted(facts, key=lambda f: -len(asked & {w.lower().rstrip("s") for w in _WORDS.findall(f)}))


_OPTION_WORDS = {"color": ("colo", "颜色", "色"), "colour": ("colo", "颜色", "色"), "size": ("size", "尺码", "大小", "码"),
                 "颜色": ("colo", "颜色", "色"), "尺码": ("size", "尺码", "大小", "码")}


def _asked_first(groups: list[tuple[str, list[str]]], question: str) -> list[tuple[str, list[str]]]:
    """Option groups, the one the question names (by its name, a word for it, or one of its values) first."""
    q = question.lower()

    def asked(g: tuple[str, list[str]]) -> bool:
        name, values = g
        words = _OPTION_WORDS.get(name.lower(), (name.lower(),))
        return any(w in q for w in words) or any(
            re.search(rf"(?<![a-z]){re.escape(v.lower())}(?![a-z])", q) for v in values if len(v) > 1)

    return sorted(groups, key=lambda g: not asked(g))


def _stock_text(p: Product, lang: str) -> str:
    if lang == "zh":
        return f"目前有货，还剩{p.stock}件" if p.stock > 0 else "目前已售罄，补货后会再上架"
    if p.stock == 0:
        return "it is sold out right now, and it will be back once restocked"
    return f"we have {p.stock} in stock" if p.stock > 5 else f"only {p.stock} left in stock"


def _product_support(p: Product, catalog: Catalog) -> list[str]:
    return [p.name, *p.aliases, catalog.format_price(p.price), _stock_text(p, catalog.lang), p.shipping,
            *p.facts, *p.all_option_values, *p.options.keys()]


def product_sheet(catalog: Catalog, p: Product, intent: Intent, *, short: bool = False,
                  question: str = "") -> FactSheet:
    """The catalog's answer about one product for one kind of question (`short`: for a busy room, a price
    without the stock level, the one fact asked about; the other answers are short already). A question about
    its facts is answered with the fact it asks about (`question`) first; the others follow in a sentence of
    their own, said only while nobody else waits."""
    lang = catalog.lang
    price = catalog.format_price(p.price)
    src = [f"product:{p.sku}"]
    support = _product_support(p, catalog)
    if intent == Intent.STOCK:
        text = f"{p.name}{_stock_text(p, lang)}。" if lang == "zh" else f"The {p.name}: {_stock_text(p, lang)}."
        must = ["售罄" if p.stock == 0 else str(p.stock)] if lang == "zh" else (
            ["sold out"] if p.stock == 0 else [str(p.stock)])
    elif intent == Intent.OPTIONS and p.options:
        # one sentence per option, the one asked about first ("what colours…?"), so a phrased reply can be
        # completed without repeating itself, and a busy room does without the options nobody asked about
        groups = _asked_first(list(p.options.items()), question)
        if lang == "zh":
            lines = [f"{p.name}{_options_text(p, lang, groups[:1])}。"]
            lines += [f"{_options_text(p, lang, [g])}。" for g in groups[1:] if not short]
        else:
            lines = [f"The {p.name} comes in {_options_text(p, lang, groups[:1])}."]
            lines += [f"It comes in {_options_text(p, lang, [g])}." for g in groups[1:] if not short]
        text = ("" if lang == "zh" else " ").join(lines)
        must = [v for _, values in groups[: len(lines)] for v in values]
        return FactSheet(text=text, sources=src, must_say=must, support=support, needed=1)
    elif intent == Intent.SHIPPING and p.shipping:
        text = f"{p.name}{p.shipping}。" if lang == "zh" else f"The {p.name} {p.shipping}."
        must = [p.shipping]
    elif intent == Intent.PRODUCT_FACTS and p.facts:
        first, *more = relevant_first(list(p.facts), question)
        text = f"{p.name}：{first}。" if lang == "zh" else f"About the {p.name}: {first}."
        if more and not short:
            text += f"另外，{join_names(more, lang)}。" if lang == "zh" else f" Also: {join_names(more, lang)}."
        return FactSheet(text=text, sources=src, must_say=[first], support=support, needed=1)
    elif intent == Intent.PURCHASE:
        if lang == "zh":
            text = (f"{p.name}售价{price}，请在下方购物车里下单。" if p.stock else f"{p.name}目前已售罄，补货后就能下单。")
        else:
            text = (f"The {p.name} is {price}; you can order it from the product list below."
                    if p.stock else f"The {p.name} is sold out right now; you can order it once it is restocked.")
        must = [price] if p.stock else (["售罄"] if lang == "zh" else ["sold out"])
    elif short and intent == Intent.PRICE:
        text = f"{p.name}售价{price}。" if lang == "zh" else f"The {p.name} is {price}."
        must = [price]
    else:  # price, and the fallback for everything product-related
        if lang == "zh":
            text = f"{p.name}售价{price}，{_stock_text(p, lang)}。"
        else:
            text = f"The {p.name} is {price}, and {_stock_text(p, lang)}."
        must = [price]
    return FactSheet(text=text, sources=src, must_say=must, support=support)


def faq_sheet(catalog: Catalog, idx: int) -> FactSheet:
    entry = catalog.faq[idx]
    return FactSheet(text=entry.a, sources=[f"faq:{idx}"], must_say=[], support=[entry.q, entry.a])


def product_list(catalog: Catalog, limit: int = 4) -> str:
    names = [p.name for p in catalog.products[:limit]]
    return join_names(names, catalog.lang)


# A busy room's short forms of the fixed lines: one sentence each. The identity answer still says plainly that
# the host is an AI and not a real person (docs/compliance.md §2); the privacy and medical lines keep their
# warning. Kinds without a short form are short already.
SHORT_EN = {
    "greeting": "Hi{user}, welcome!",
    "farewell": "Good night{user}, thanks for stopping by!",
    "identity": "I'm {host}, an AI-generated virtual host, not a real person.",
    "privacy": "For your safety, please don't post phone numbers, card numbers or addresses in the chat.",
    "unknown_product": "Sorry, we don't carry {thing}.",
    "which_product": "Which product do you mean?",
    "off_topic": "I can help with our products.",
}
SHORT_ZH = {
    "greeting": "{user}欢迎！",
    "farewell": "{user}晚安！",
    "identity": "我是AI虚拟主播{host}，不是真人。",
    "privacy": "为了您的安全，请不要在直播间发手机号、银行卡号或地址。",
    "unknown_product": "抱歉，我们没有卖{thing}。",
    "which_product": "请问您问的是哪款商品？",
    "off_topic": "有商品问题随时问我。",
}


def canned(catalog: Catalog, kind: str, *, user: str = "", thing: str = "", short: bool = False) -> FactSheet:
    """Fixed lines that need no product: greeting, thanks, identity, privacy, unknown product, which one.
    `short`: the busy room's one-sentence form, where there is one (SHORT_EN, SHORT_ZH)."""
    s = catalog.shop
    zh = catalog.lang == "zh"
    listing = product_list(catalog)
    user = user if user and user != "anonymous" and len(user) <= 24 else ""
    lines_en = {
        "greeting": f"Hi{' ' + user if user else ''}, welcome to {s.name}! I'm {s.host_name}, the shop's "
                    f"AI-generated virtual host. Ask me about any product.",
        "thanks": f"You're welcome{', ' + user if user else ''}! Happy to help.",
        "farewell": f"Good night{', ' + user if user else ''}! Thanks for stopping by {s.name}.",
        "identity": f"I'm {s.host_name}, an AI-generated virtual host for {s.name}, not a real person. "
                    f"Our team supervises the stream, and I'm happy to answer your product questions.",
        "privacy": "For your safety, please don't post phone numbers, card numbers or addresses in the chat. "
                   "Order through the platform's checkout instead.",
        "unknown_product": f"Sorry, we don't carry {thing or 'that'}. Tonight we have {listing}.",
        "which_product": f"Which product do you mean? We have {listing}.",
        "no_medical": "I can't give health or medical advice, and our products are not medicines.",
        "off_topic": f"I'm {s.host_name}, the AI host of {s.name}. I can help with our products: {listing}.",
    }
    lines_zh = {
        "greeting": f"{user + '，' if user else ''}欢迎来到{s.name}！我是AI生成的虚拟主播{s.host_name}，有任何商品问题都可以问我。",
        "thanks": f"不客气{'，' + user if user else ''}！",
        "farewell": f"{user + '，' if user else ''}晚安！谢谢光临{s.name}。",
        "identity": f"我是{s.name}的AI虚拟主播{s.host_name}，不是真人，直播由我们的工作人员实时监管。有商品问题随时问我。",
        "privacy": "为了您的安全，请不要在直播间发手机号、银行卡号或地址，请通过平台下单页面购买。",
        "unknown_product": f"抱歉，我们没有卖{thing or '这个商品'}。今晚有{listing}。",
        "which_product": f"请问您问的是哪款商品？我们有{listing}。",
        "no_medical": "我不能提供健康或医疗建议，我们的商品不是药品。",
        "off_topic": f"我是{s.name}的AI主播{s.host_name}，可以为您介绍{listing}。",
    }
    text = (lines_zh if zh else lines_en)[kind]
    # the first sentence is the answer; the rest of the long form only adds to it
    needed = 1 if kind in ("greeting", "thanks", "farewell", "identity", "unknown_product", "which_product",
                           "off_topic", "no_medical") else None
    forms = SHORT_ZH if zh else SHORT_EN
    if short and kind in forms:
        who = (user + "，" if zh else " " + user) if user else ""
        text = forms[kind].format(user=who, host=s.host_name, thing=thing or ("这个商品" if zh else "that"))
        if not zh and kind == "farewell" and user:
            text = text.replace(" " + user, ", " + user, 1)
    return FactSheet(text=text, sources=[f"policy:{kind}"], must_say=[], support=[text], needed=needed)
