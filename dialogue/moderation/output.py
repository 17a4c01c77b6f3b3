"""check_output: everything in a line the host is about to say that docs/compliance.md forbids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.moderation.discount import find_discounts
from dialogue.moderation.lex_abuse import INSULT
from dialogue.moderation.lex_claims import ABSOLUTE, MEDICAL, ORDER_REPORT, PROMISE, SALES_CLAIM
from dialogue.moderation.lex_persona import FAKE_REVIEW, HUMAN_CLAIM, USED_PRODUCT
from dialogue.moderation.pii import find_pii
from dialogue.moderation.rules import Rule, covered
from dialogue.moderation.text import views

RULES = ("absolute", "medical", "human_claim", "used_product", "fake_review", "discount", "link",
         "contact", "card_number", "personal_data", "insult", "sales_claim", "order_report")

_WORD_RULES: tuple[Rule, ...] = (
    ABSOLUTE, PROMISE, MEDICAL, HUMAN_CLAIM, USED_PRODUCT, FAKE_REVIEW, SALES_CLAIM, ORDER_REPORT, INSULT,
)


@dataclass(frozen=True)
class Violation:
    """One forbidden thing in a host line: which rule, the offending text, and why."""

    rule: str  # one of RULES
    span: str
    reason: str


def check_output(text: str, lang: str, *, promotions: Sequence[str] = ()) -> list[Violation]:
    """Everything in a line the host is about to say that docs/compliance.md forbids. Empty list = OK.

    `lang` is a hint only: hosts switch languages mid-line, so the English and Chinese rules always
    both run. `promotions` holds the only discount claims (plus shipping/FAQ text) the line may repeat.
    """
    del lang
    if not text or not text.strip():
        return []
    vs = views(text)
    found: dict[str, list[tuple[int, int, str]]] = {}
    for rule in _WORD_RULES:
        for s, e in rule.spans(vs):
            found.setdefault(rule.name, []).append((s, e, rule.reason))
    for s, e, reason in find_discounts(text, promotions):
        found.setdefault("discount", []).append((s, e, reason))
    for hit in find_pii(text):
        found.setdefault(hit.rule, []).append((hit.start, hit.end, hit.reason))

    # "best-selling" / "销量第一" are sales claims, "5-star reviews" a fake review: not also absolute.
    claims = [(s, e) for r in ("sales_claim", "fake_review") for s, e, _ in found.get(r, [])]
    if "absolute" in found:
        found["absolute"] = [h for h in found["absolute"] if not covered((h[0], h[1]), claims)]

    out: list[tuple[int, Violation]] = []
    for name in RULES:
        seen: set[tuple[int, int]] = set()
        for s, e, reason in sorted(found.get(name, [])):
            if (s, e) not in seen:
                seen.add((s, e))
                out.append((s, Violation(name, text[s:e], reason)))
    out.sort(key=lambda item: item[0])
    return [v for _, v in out]
