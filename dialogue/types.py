"""Typed messages that flow through the dialogue stage: comment in, draft out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Intent(StrEnum):
    """What a viewer's comment asks for; decides the reply path and its priority."""

    PRICE = "price"
    STOCK = "stock"
    OPTIONS = "options"
    SHIPPING = "shipping"
    FAQ = "faq"  # returns, payment, warranty and other shop policies
    PRODUCT_FACTS = "product_facts"
    GREETING = "greeting"
    PURCHASE = "purchase"
    THANKS = "thanks"
    IDENTITY = "identity"  # "are you a real person?"
    ABUSE = "abuse"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"


class Action(StrEnum):
    """What happens to a comment: spoken, ignored with a reason, or held for the operator."""

    REPLY = "reply"
    SKIP = "skip"
    HOLD = "hold"


@dataclass(frozen=True)
class Comment:
    """One viewer comment, as a source delivers it (the comments contract in the README)."""

    id: str
    user: str
    text: str
    ts: float | None = None
    platform: str | None = None
    user_id: str | None = None


class EventKind(StrEnum):
    """What happened in the room besides a comment (the `kind` of a comments line)."""

    JOIN = "join"
    LIKE = "like"
    FOLLOW = "follow"
    GIFT = "gift"
    SHARE = "share"
    ORDER = "order"


@dataclass(frozen=True)
class RoomEvent:
    """A viewer arrived, liked, followed, sent a gift, shared the room, or bought (from the shop's order feed).

    `count`: likes in one tap burst, or gifts of one kind sent at once; `value`: a gift's worth in the
    platform's unit; `sku`, `qty`: what an order bought."""

    id: str
    user: str
    kind: EventKind
    ts: float | None = None
    count: int = 1
    gift: str | None = None
    value: float = 0.0
    sku: str | None = None
    qty: int = 1
    platform: str | None = None
    user_id: str | None = None

    @property
    def who(self) -> str:
        """The viewer, for telling repeats apart: the platform's user id when given, else the name."""
        return f"{self.platform or ''}:{self.user_id or self.user}"


@dataclass(frozen=True)
class BadComment:
    """An input line that could not be read as a comment; it is skipped, never dropped."""

    id: str
    reason: str  # e.g. "line 4: not valid JSON"
    flag: str  # e.g. "malformed", "bad_encoding"
    user: str = ""


Item = Comment | BadComment | RoomEvent  # one line of a comments file, or one ingest message


@dataclass
class Triaged:
    """A comment with what triage found out about it."""

    comment: Comment
    lang: str  # "en", "zh", or another ISO 639-1 code / "und"
    intent: Intent
    flags: list[str] = field(default_factory=list)
    skip_reason: str | None = None  # set when triage decides the comment is not answered
    product_skus: list[str] = field(default_factory=list)
    faq_ids: list[int] = field(default_factory=list)
    unknown_product: str | None = None  # a product name asked about that the shop does not sell
    received_at: float = 0.0

    @property
    def priority(self) -> int:
        """Higher is more urgent; real questions outrank greetings and thanks."""
        return INTENT_PRIORITY.get(self.intent, 1)


INTENT_PRIORITY: dict[Intent, int] = {
    Intent.PURCHASE: 9,
    Intent.PRICE: 8,
    Intent.STOCK: 8,
    Intent.OPTIONS: 8,
    Intent.SHIPPING: 7,
    Intent.FAQ: 7,
    Intent.PRODUCT_FACTS: 7,
    Intent.IDENTITY: 7,
    Intent.OFF_TOPIC: 2,
    Intent.GREETING: 2,
    Intent.THANKS: 1,
    Intent.ABUSE: 0,
    Intent.SPAM: 0,
}


@dataclass
class Draft:
    """A reply candidate for one comment, before the compliance gate."""

    comment_id: str
    action: Action
    text: str | None
    lang: str
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # "product:SKU", "faq:N", "policy:identity"
    grounded_by: str = "template"  # "llm" when the model's phrasing passed every check

    def to_json(self) -> dict[str, object]:
        """The `nightshift answer` output line (the README's "Comments and answers")."""
        return {
            "id": self.comment_id,
            "action": self.action.value,
            "text": self.text,
            "flags": list(self.flags),
            "sources": list(self.sources),
        }
