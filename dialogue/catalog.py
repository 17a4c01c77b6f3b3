"""The shop's catalog: the only source of prices, stock, options, claims and policies."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import InputError
from core.validation import describe_validation_error, format_loc  # noqa: F401  (show.config imports them here)
from core.yamlfile import load_yaml

CURRENCY_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Shop(_Strict):
    name: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    host_name: str = Field(default="Nova", min_length=1)


class Product(_Strict):
    sku: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: float
    stock: int = Field(ge=0)
    options: dict[str, list[str]] = Field(default_factory=dict)
    facts: list[str] = Field(default_factory=list)
    shipping: str = ""
    aliases: list[str] = Field(default_factory=list)

    @field_validator("price", mode="before")
    @classmethod
    def _price_is_number(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("not a number")
        if not math.isfinite(v) or v < 0:
            raise ValueError("must be a non-negative number")
        return v

    @field_validator("stock", mode="before")
    @classmethod
    def _stock_is_int(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError("not a whole number")
        return v

    @property
    def all_option_values(self) -> list[str]:
        return [v for values in self.options.values() for v in values]


class FaqEntry(_Strict):
    q: str = Field(min_length=1)
    a: str = Field(min_length=1)


class Catalog(_Strict):
    """A validated catalog (the README's catalog schema, plus optional product aliases and promotions)."""

    shop: Shop
    products: list[Product] = Field(min_length=1)
    faq: list[FaqEntry] = Field(default_factory=list)
    promotions: list[str] = Field(default_factory=list)  # the only discounts the host may mention

    @model_validator(mode="after")
    def _unique_skus(self) -> Catalog:
        seen: set[str] = set()
        for i, p in enumerate(self.products):
            if p.sku in seen:
                raise ValueError(f"products[{i}].sku: duplicate sku {p.sku!r}")
            seen.add(p.sku)
        return self

    def product(self, sku: str) -> Product:
        for p in self.products:
            if p.sku == sku:
                return p
        raise KeyError(sku)

    @property
    def lang(self) -> str:
        return self.shop.language.split("-")[0]

    def format_price(self, amount: float) -> str:
        """A price as the host writes it: `$24.50`, `¥89`."""
        symbol = CURRENCY_SYMBOLS.get(self.shop.currency, self.shop.currency + " ")
        text = f"{amount:.2f}"
        if text.endswith(".00"):
            text = text[:-3]
        return f"{symbol}{text}"


def parse_catalog(data: Any, source: str = "catalog") -> Catalog:
    if not isinstance(data, dict):
        raise InputError(source, "the catalog must be a YAML mapping with shop:, products: and faq:")
    try:
        return Catalog.model_validate(data)
    except ValidationError as err:
        raise InputError(source, "; ".join(describe_validation_error(err))) from None


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog YAML file; raise InputError naming the field on any problem."""
    return parse_catalog(load_yaml(path), str(path))
