"""Triage: a raw comment becomes a Triaged one — language, intent, products, flags, or a skip reason."""

from __future__ import annotations

import html
import re
import unicodedata

from dialogue.catalog import Catalog
from dialogue.moderation import check_output, scan_comment
from dialogue.retrieval import Retriever
from dialogue.triage.dedupe import Deduper
from dialogue.triage.intent import asked_product_phrase, classify_intent, is_question
from dialogue.triage.language import detect_language
from dialogue.triage.ratelimit import RateLimiter
from dialogue.types import BadComment, Comment, Intent, Triaged

MAX_CHARS = 2000  # platform comments are short; anything longer is a flood or a paste
_TAG = re.compile(r"<[^>]{0,200}>")
_DISCOUNT = re.compile(r"discount|coupon|promo|voucher|deal|on sale|% ?off|cheaper|优惠|打折|折扣|便宜点|满减|"
                       r"券|秒杀|特价|少点", re.IGNORECASE)
_PRODUCT_INTENTS = {Intent.PRICE, Intent.STOCK, Intent.OPTIONS, Intent.PURCHASE, Intent.PRODUCT_FACTS}


def clean_text(text: str) -> tuple[str, bool]:
    """NFKC-normalised text without HTML tags or control characters; True if markup was removed."""
    stripped = _TAG.sub(" ", text)
    had_html = stripped != text
    stripped = html.unescape(stripped)
    stripped = unicodedata.normalize("NFKC", stripped)
    stripped = "".join(ch for ch in stripped if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return " ".join(stripped.split()), had_html


class Triager:
    """Decides, for each comment, whether it is answered, and what it is about."""

    def __init__(self, catalog: Catalog, retriever: Retriever, *, deduper: Deduper | None = None,
                 ratelimit: RateLimiter | None = None, languages: tuple[str, ...] = ("en", "zh")) -> None:
        self.catalog = catalog
        self.retriever = retriever
        self.deduper = deduper or Deduper()
        self.ratelimit = ratelimit or RateLimiter()
        self.languages = tuple(dict.fromkeys((catalog.lang, *languages)))

    def triage(self, item: Comment | BadComment, now: float) -> Triaged:
        if isinstance(item, BadComment):
            c = Comment(id=item.id, user=item.user, text="")
            return Triaged(c, "und", Intent.OFF_TOPIC, flags=[item.flag], skip_reason=item.reason, received_at=now)
        text, had_html = clean_text(item.text)
        t = Triaged(item, self.catalog.lang, Intent.OFF_TOPIC, received_at=now)
        if had_html:
            t.flags.append("html")
        if not text:
            return self._skip(t, "empty", "empty comment")
        if len(text) > MAX_CHARS:
            return self._skip(t, "too_long", f"comment of {len(text)} characters (limit {MAX_CHARS})")
        signals = scan_comment(text)
        t.flags += sorted(signals.flags)
        if signals.has("abuse"):
            return self._skip(t, "abuse", "abusive comment")
        if signals.has("spam"):
            return self._skip(t, "spam", "spam or advertising")
        t.lang = detect_language(text, default=self.catalog.lang)
        if t.lang == "und":
            t.lang = self.catalog.lang
        if t.lang not in self.languages:
            return self._skip(t, "unsupported_language", f"language {t.lang!r} is not one the host speaks")
        earlier = self.deduper.check(text, item.id, now)
        if earlier is not None:
            return self._skip(t, "duplicate", f"same question as comment {earlier}")
        if not self.ratelimit.allow(item.user, now):
            return self._skip(t, "rate_limited", f"user {item.user!r} is over the comment rate limit")
        if signals.has("link") and not (signals.has("asks_identity") or signals.has("asks_human_claim")):
            return self._skip(t, "link", "comment contains a link")
        if signals.has("contact") and not (self.retriever.retrieve(text).skus or signals.has("asks_identity")):
            return self._skip(t, "contact", "comment shares contact details and asks nothing about the shop")
        if signals.has("asks_identity") or signals.has("asks_human_claim"):
            t.intent = Intent.IDENTITY
            return t
        if _DISCOUNT.search(text):
            t.flags.append("asks_discount")
        if any(v.rule == "medical" for v in check_output(text, t.lang)):
            t.flags.append("asks_medical")
        found = self.retriever.retrieve(text)
        t.product_skus, t.faq_ids = found.skus, found.faq_ids
        if found.via_embedding:
            t.flags.append("retrieved_by_embedding")
        intent = classify_intent(text, t.lang)
        if intent in (None, Intent.PRODUCT_FACTS) and self._names_an_option(text, t.product_skus):
            intent = Intent.OPTIONS  # "do you have the mug in sage?"
        t.intent = intent or self._guess_intent(t, is_question(text, t.lang))
        if t.intent in _PRODUCT_INTENTS and not t.product_skus:
            t.unknown_product = asked_product_phrase(text, t.lang)
            if t.unknown_product and self.retriever.retrieve(t.unknown_product).skus:
                t.unknown_product = None
        elif t.intent == Intent.OFF_TOPIC and not t.product_skus:
            t.unknown_product = asked_product_phrase(text, t.lang)
            if t.unknown_product:
                t.intent = Intent.PRODUCT_FACTS
        if "asks_discount" in t.flags and t.intent not in _PRODUCT_INTENTS:
            t.intent = Intent.PRICE
        if "asks_medical" in t.flags:
            t.intent = Intent.PRODUCT_FACTS
        if t.unknown_product and t.lang != self.catalog.lang:
            # the catalog names its products in its own language: a name in another one may still be a
            # product we sell ("卫衣" for the hoodie), so never say "we don't carry" it
            t.unknown_product = None
            t.flags.append("product_name_in_another_language")
        t.flags = list(dict.fromkeys(t.flags))
        return t

    def _names_an_option(self, text: str, skus: list[str]) -> bool:
        low = text.lower()
        return any(re.search(rf"(?<!\w){re.escape(v.lower())}(?!\w)", low)
                   for sku in skus[:1] for v in self.catalog.product(sku).all_option_values if len(v) > 1)

    @staticmethod
    def _guess_intent(t: Triaged, question: bool) -> Intent:
        if t.product_skus:
            # a bare product name ("hoodie?") in a live room asks its price; a real question asks about it
            return Intent.PRODUCT_FACTS if question else Intent.PRICE
        if t.faq_ids:
            return Intent.FAQ
        return Intent.OFF_TOPIC

    @staticmethod
    def _skip(t: Triaged, flag: str, reason: str) -> Triaged:
        t.flags = list(dict.fromkeys([*t.flags, flag]))
        t.skip_reason = reason
        return t
