"""The rundown: with no comment waiting, the host pitches products from the catalog on a schedule.

A pitch is a list of sentences spoken one at a time; a comment interrupts between sentences and the pitch
resumes where it stopped once the comment is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogue.address import join_names
from dialogue.catalog import Catalog, Product
from dialogue.grounding.facts import _options_text, _stock_text
from dialogue.moderation import check_output


@dataclass
class Pitch:
    sku: str
    sentences: list[str]
    spoken: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.spoken >= len(self.sentences)


def pitch_sentences(catalog: Catalog, p: Product) -> list[str]:
    """A product pitch built only from catalog facts; lines that fail moderation are left out."""
    price = catalog.format_price(p.price)
    if catalog.lang == "zh":
        lines = [f"给大家介绍一下{p.name}，售价{price}。"]
        if p.facts:
            lines.append(f"{join_names(p.facts, 'zh')}。")
        if p.options:
            lines.append(f"{_options_text(p, 'zh')}。")
        lines.append(f"{_stock_text(p, 'zh')}，有问题可以在评论区问我。")
    else:
        lines = [f"Let's look at the {p.name}, at {price}."]
        if p.facts:
            lines.append(f"It is {join_names(p.facts, 'en')}." if len(p.facts) == 1 else f"Here's what to know: {join_names(p.facts, 'en')}.")
        if p.options:
            lines.append(f"It comes in {_options_text(p, 'en')}.")
        stock = _stock_text(p, "en")
        lines.append(stock[0].upper() + stock[1:] + ". Ask me anything in the comments.")
    return [s for s in lines if not check_output(s, catalog.lang, promotions=catalog.promotions)]


class Rundown:
    """Cycles through the catalog (in-stock products first), one pitch every `interval_s` of idle time."""

    def __init__(self, catalog: Catalog, *, interval_s: float = 30.0) -> None:
        self.catalog = catalog
        self.interval_s = interval_s
        in_stock = [p for p in catalog.products if p.stock > 0]
        self._order = in_stock or list(catalog.products)
        self._next = 0
        self._last_start: float | None = None
        self.current: Pitch | None = None

    @property
    def current_sku(self) -> str | None:
        """The product on screen: what "how much is it?" refers to."""
        return self.current.sku if self.current else None

    def select(self, sku: str) -> None:
        """Switch the pitch to a product (the operator's product switch)."""
        p = self.catalog.product(sku)
        self.current = Pitch(p.sku, pitch_sentences(self.catalog, p), sources=[f"product:{p.sku}"])

    def next_sentence(self, now: float) -> tuple[str, Pitch] | None:
        """The next pitch sentence to speak when idle, or None if it is not yet time for a new pitch."""
        if self.current is None or self.current.done:
            if self._last_start is not None and now - self._last_start < self.interval_s:
                return None
            p = self._order[self._next % len(self._order)]
            self._next += 1
            self._last_start = now
            self.select(p.sku)
        assert self.current is not None
        if self.current.done:
            return None
        sentence = self.current.sentences[self.current.spoken]
        self.current.spoken += 1
        return sentence, self.current
