"""The catalog loader accepts the demo shops and names the field of every error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import assets
from dialogue.catalog import load_catalog
from dialogue.errors import InputError


def _write(tmp_path: Path, data: object, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _base() -> dict:
    return yaml.safe_load(assets.path("demo_shop_en.yaml").read_text(encoding="utf-8"))


def test_demo_catalogs_load(shop_en, shop_zh) -> None:
    assert 5 <= len(shop_en.products) <= 8 and shop_en.faq
    assert shop_zh.lang == "zh" and shop_zh.shop.currency == "CNY"
    assert shop_en.format_price(39.9) == "$39.90" and shop_zh.format_price(89) == "¥89"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["products"][2].__setitem__("price", "cheap"), "products[2].price: not a number"),
        (lambda d: d["products"][0].__setitem__("stock", -3), "products[0].stock: must not be negative"),
        (lambda d: d["products"][1].pop("name"), "products[1].name: required field is missing"),
        (lambda d: d["shop"].__setitem__("currency", "dollars"), "shop.currency"),
        (
            lambda d: d["products"][3].__setitem__("sku", d["products"][0]["sku"]),
            "products[3].sku: duplicate",
        ),
        (lambda d: d["faq"][1].__setitem__("a", 5), "faq[1].a: not a text"),
        (lambda d: d["products"][0].__setitem__("colour_typo", 1), "products[0].colour_typo: unknown field"),
        (lambda d: d.__setitem__("products", []), "products: must not be empty"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, mutate, expected: str) -> None:
    data = _base()
    mutate(data)
    with pytest.raises(InputError) as err:
        load_catalog(_write(tmp_path, data))
    assert expected in str(err.value)


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_catalog(tmp_path / "missing.yaml")
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"shop: \xff\xfe\x00")
    with pytest.raises(InputError, match="not UTF-8"):
        load_catalog(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("shop: {name: x\nproducts: [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_catalog(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="mapping"):
        load_catalog(listy)
