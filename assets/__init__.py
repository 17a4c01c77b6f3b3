"""Bundled demo assets: catalogs, comment replays, the default portrait and the studio backdrop."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_PORTRAIT = "portraits/default.png"  # public-domain NASA portrait (see portraits/CREDITS.md)
STUDIO_BACKDROP = "backgrounds/studio.png"


def path(name: str) -> Path:
    """The bundled asset `name` (e.g. `demo_shop_en.yaml`)."""
    return ROOT / name


def default_portrait() -> Path:
    """The bundled demo host portrait."""
    return ROOT / DEFAULT_PORTRAIT
