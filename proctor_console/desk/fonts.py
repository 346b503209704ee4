"""The desk's font: the bundled DejaVu Sans (every Kazakh letter and every glyph the room's map
draws), so the screens look the same on a school computer without extra fonts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase

import common.documents

FONTS_DIR = Path(common.documents.__file__).with_name("fonts")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"
FONT_POINT_SIZE = 10

_fonts_loaded = False


def load_fonts() -> str:
    """Register the bundled DejaVu Sans with Qt (once) and return its family name."""
    global _fonts_loaded
    if not _fonts_loaded:
        for name in FONT_FILES:
            if QFontDatabase.addApplicationFont(str(FONTS_DIR / name)) < 0:
                raise RuntimeError(f"Qt could not load the font {FONTS_DIR / name}")
        _fonts_loaded = True
    return FONT_FAMILY
