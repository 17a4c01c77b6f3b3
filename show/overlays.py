"""Layers the show draws under the AI label: the card of the product being pitched (the operator's switch)."""

from __future__ import annotations

import numpy as np

from avatar.layers import ProductCard
from dialogue.catalog import Catalog
from dialogue.rundown import Rundown


class ProductCardLayer:
    """Draws the current product's name and catalog price beside the host; nothing between pitches."""

    def __init__(self, catalog: Catalog, rundown: Rundown) -> None:
        self.catalog, self.rundown = catalog, rundown
        self._cards: dict[str, ProductCard] = {}

    def draw(self, frame: np.ndarray) -> None:
        sku = self.rundown.current_sku
        if sku is None:
            return
        card = self._cards.get(sku)
        if card is None:
            p = self.catalog.product(sku)
            card = self._cards[sku] = ProductCard(p.name, self.catalog.format_price(p.price))
        card.draw(frame)
