"""Shared fixtures: the bundled demo catalogs and the real default language model (loaded once)."""

from __future__ import annotations

import pytest

import assets
from dialogue.catalog import Catalog, load_catalog


@pytest.fixture(scope="session")
def shop_en() -> Catalog:
    return load_catalog(assets.path("demo_shop_en.yaml"))


@pytest.fixture(scope="session")
def shop_zh() -> Catalog:
    return load_catalog(assets.path("demo_shop_zh.yaml"))


@pytest.fixture(scope="session")
def smollm():  # type: ignore[no-untyped-def]
    """The bundled SmolLM2-135M-Instruct GGUF through the real llama.cpp backend."""
    from dialogue.llm import load_llm

    llm = load_llm()
    yield llm
    llm.close()
