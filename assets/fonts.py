"""Where to find a font that draws Latin and Chinese text (captions, cards, labels)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Debian's fonts-noto-cjk first (installed by scripts/setup.sh), then other common CJK fonts.
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
BOLD_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
)


class FontMissing(RuntimeError):
    """No CJK-capable font is installed."""


@lru_cache(maxsize=2)
def cjk_font_path(bold: bool = False) -> Path:
    """Path of an installed font with Chinese glyphs (bold if available and asked for)."""
    for c in (BOLD_CANDIDATES + CANDIDATES) if bold else CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    raise FontMissing("no font with Chinese glyphs found; install Debian's fonts-noto-cjk")
