"""Bundled demo assets: catalogs, comment replays, and (later) portraits and backgrounds."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The bundled asset `name` (e.g. `demo_shop_en.yaml`)."""
    return ROOT / name
