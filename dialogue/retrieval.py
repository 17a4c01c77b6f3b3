"""Which products and FAQ entries a comment is about: names, aliases, option values, keywords,
plus MiniLM embeddings where the model package is installed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from dialogue.catalog import Catalog, Product
from dialogue.embeddings import Embedder, load_default_embedder

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_STOP = set(
    ["the", "a", "an", "of", "and", "or", "for", "with", "in", "on", "to", "is", "are", "it", "its", "this", "that", "you", "your", "my", "do", "does", "have", "has", "how", "what", "much", "any", "can", "i", "me", "we", "pack", "pairs", "pair", "set"]
)

# Topic keywords that tie a comment to an FAQ entry even when they share no word.
_FAQ_TOPICS: dict[str, tuple[str, ...]] = {
    "return": ("return", "refund", "exchange", "send it back", "money back", "退货", "退款", "换货", "退换", "售后"),
    "shipping": ("ship", "deliver", "arrive", "how long", "dispatch", "发货", "快递", "多久", "几天", "物流", "到货"),
    "free_shipping": ("free shipping", "postage", "shipping cost", "shipping fee", "包邮", "运费", "邮费"),
    "payment": ("pay", "payment", "card", "paypal", "checkout", "付款", "支付", "银行卡"),
    "country": ("country", "countries", "canada", "international", "abroad", "overseas", "ship to", "海外", "国外"),
    "size": ("size chart", "sizing", "pick a size", "what size", "true to size", "尺码表", "选尺码"),
}


def _tokens(text: str) -> set[str]:
    out = set()
    for t in _TOKEN.findall(text.lower()):
        if t in _STOP:
            continue
        out.add(t)
        if len(t) > 3 and t.endswith("s"):
            out.add(t[:-1])
    return out


def _contains_phrase(text_lc: str, phrase: str) -> bool:
    phrase = phrase.lower().strip()
    if not phrase:
        return False
    if re.search(r"[\u4e00-\u9fff]", phrase):
        return phrase in text_lc
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?:e?s)?(?![a-z0-9])", text_lc) is not None


@dataclass
class Retrieved:
    """What a comment refers to, best first."""

    skus: list[str] = field(default_factory=list)
    faq_ids: list[int] = field(default_factory=list)
    via_embedding: bool = False


class Retriever:
    """Lexical matching first (exact names win); embeddings fill in when nothing lexical matched."""

    def __init__(self, catalog: Catalog, embedder: Embedder | None = None) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self._option_owners: dict[str, set[str]] = {}
        for p in catalog.products:
            for v in p.all_option_values:
                self._option_owners.setdefault(v.lower(), set()).add(p.sku)
        self._product_vecs: np.ndarray | None = None
        self._faq_vecs: np.ndarray | None = None
        if embedder is not None:
            self._product_vecs = embedder.embed([self._product_doc(p) for p in catalog.products])
            if catalog.faq:
                self._faq_vecs = embedder.embed([f.q for f in catalog.faq])

    @classmethod
    def with_default_embedder(cls, catalog: Catalog) -> Retriever:
        return cls(catalog, load_default_embedder() if catalog.lang == "en" else None)

    @staticmethod
    def _product_doc(p: Product) -> str:
        return f"{p.name}. {', '.join(p.aliases)}. {'; '.join(p.facts)}"

    def _product_score(self, p: Product, text_lc: str, toks: set[str]) -> float:
        score = 0.0
        if _contains_phrase(text_lc, p.name) or _contains_phrase(text_lc, p.sku):
            score += 10
        score += max((8 for a in p.aliases if _contains_phrase(text_lc, a)), default=0)
        score += 2.5 * len(_tokens(p.name) & toks)
        for v in p.all_option_values:
            if _contains_phrase(text_lc, v) and len(v) > 2:
                score += 2 if len(self._option_owners[v.lower()]) == 1 else 0.5
        return score

    def _faq_score(self, idx: int, text_lc: str, toks: set[str]) -> float:
        entry = self.catalog.faq[idx]
        q_lc = entry.q.lower()
        entry_lc = (entry.q + " " + entry.a).lower()
        score = 0.0
        for keys in _FAQ_TOPICS.values():
            in_comment = any(k in text_lc for k in keys)
            if in_comment and any(k in q_lc for k in keys):
                score += 4
            elif in_comment and any(k in entry_lc for k in keys):
                score += 1.5
        score += 1.0 * len(_tokens(entry.q) & toks)
        return score

    def retrieve(self, text: str) -> Retrieved:
        text_lc = text.lower()
        toks = _tokens(text)
        scored = [(self._product_score(p, text_lc, toks), p.sku) for p in self.catalog.products]
        scored = [s for s in scored if s[0] >= 2]
        scored.sort(key=lambda s: -s[0])
        faq = [(self._faq_score(i, text_lc, toks), i) for i in range(len(self.catalog.faq))]
        faq = [f for f in faq if f[0] >= 4]
        faq.sort(key=lambda f: -f[0])
        out = Retrieved(skus=[s for _, s in scored[:3]], faq_ids=[i for _, i in faq[:2]])
        if out.skus and scored[0][0] >= 8:  # a clear name match: drop weak co-matches
            out.skus = [s for sc, s in scored if sc >= 8][:3]
        if not out.skus and not out.faq_ids and self.embedder is not None:
            self._embedding_fallback(text, out)
        return out

    def _embedding_fallback(self, text: str, out: Retrieved) -> None:
        assert self.embedder is not None and self._product_vecs is not None
        q = self.embedder.embed([text])[0]
        p_sims = self._product_vecs @ q
        best = int(np.argmax(p_sims))
        if p_sims[best] >= 0.45:
            out.skus = [self.catalog.products[best].sku]
            out.via_embedding = True
        if self._faq_vecs is not None:
            f_sims = self._faq_vecs @ q
            fbest = int(np.argmax(f_sims))
            if f_sims[fbest] >= 0.55:
                out.faq_ids = [fbest]
                out.via_embedding = True
