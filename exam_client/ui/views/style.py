"""How the kiosk looks: the bundled font, the colours, the text sizes, and the small factories every
screen builds with (labels, buttons, boxes). Every kiosk view imports it, so it also applies the
PySide6 reference-count guard (`common.qt_refcount`).

One style sheet for the whole window, made from a palette and a text scale; widgets take a role
(`role` property) and the sheet gives each role its size and colour. A state a widget shows (an
option chosen, the clock's warning level, an item answered) is a dynamic property, so a change of
state is a change of property and a repolish — never a hand-set colour. Calm colours; focus shown
by a thick outline; contrast of text on its fill at least 4.5:1 (7:1 in high contrast).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

import common.documents
from common.qt_refcount import protect_singletons

protect_singletons()  # PySide6 6.12 on CPython 3.11 under-counts None (common/qt_refcount.py)

FONTS_DIR = Path(common.documents.__file__).with_name("fonts")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"
BASE_POINT_SIZE = 15  # for a ten-year-old at a lab PC's usual distance
WINDOW_SIZE = (1366, 768)  # the most common school lab screen; the layout must fit it
SCREEN_FACTORS = (0.85, 1.45)  # the text's factor at 1024×768 and at 1920×1080 and larger
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

FLAG_GLYPH = "⚑"
SAVED_GLYPH = "✓"
WARN_GLYPH = "⚠"
CLOCK_GLYPH = "◷"
OFFLINE_GLYPH = "○"

_fonts_loaded = False


def load_fonts() -> str:
    """Register the bundled DejaVu Sans (every Kazakh letter) with Qt once; return its family."""
    global _fonts_loaded
    if not _fonts_loaded:
        for name in FONT_FILES:
            if QFontDatabase.addApplicationFont(str(FONTS_DIR / name)) < 0:
                raise RuntimeError(f"Qt could not load the font {FONTS_DIR / name}")
        _fonts_loaded = True
    return FONT_FAMILY


@dataclass(frozen=True)
class Palette:
    page: str           # the window
    ink: str            # ordinary text
    muted: str          # secondary text (still 4.5:1 on page)
    panel: str          # the passage, the header
    edge: str           # card and panel borders
    card: str           # an option card
    chosen: str         # a chosen option card's fill
    chosen_edge: str
    chosen_ink: str
    focus: str          # the keyboard focus outline
    button: str
    button_ink: str
    primary: str        # the one main action of a screen
    primary_ink: str
    clock: tuple[tuple[str, str, str], ...]  # per warning level: (fill, ink, edge)
    answered: str       # navigation: an answered item
    answered_ink: str
    flag: str           # the flag's colour
    offline: str
    error: str
    ok: str


NORMAL = Palette(
    page="#f7f8fa", ink="#1a1a1a", muted="#455a64", panel="#ffffff", edge="#b0bec5",
    card="#ffffff", chosen="#dcecff", chosen_edge="#1565c0", chosen_ink="#0d2a57",
    focus="#111111", button="#eceff1", button_ink="#1a1a1a", primary="#1565c0",
    primary_ink="#ffffff",
    clock=(("#eceff1", "#1a1a1a", "#90a4ae"), ("#ffe9a8", "#4a3300", "#f2b600"),
           ("#ffd6d1", "#7a0e05", "#e0574a"), ("#ffd6d1", "#7a0e05", "#e0574a")),
    answered="#1565c0", answered_ink="#ffffff", flag="#b34700", offline="#5d4037",
    error="#b71c1c", ok="#1b5e20",
)

HIGH_CONTRAST = Palette(
    page="#000000", ink="#ffffff", muted="#e0e0e0", panel="#000000", edge="#ffffff",
    card="#000000", chosen="#ffff00", chosen_edge="#ffff00", chosen_ink="#000000",
    focus="#00ffff", button="#000000", button_ink="#ffffff", primary="#ffff00",
    primary_ink="#000000",
    clock=(("#000000", "#ffffff", "#ffffff"), ("#ffff00", "#000000", "#ffff00"),
           ("#ff8080", "#000000", "#ff8080"), ("#ff8080", "#000000", "#ff8080")),
    answered="#ffffff", answered_ink="#000000", flag="#ffb000", offline="#ffb000",
    error="#ff8080", ok="#80ff80",
)


def palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


def screen_factor(width: int, height: int) -> float:
    """How much larger than on a 1366×768 screen the kiosk's text is drawn: smaller on a
    1024×768 screen (the smallest the room's readiness check takes), larger on a 1920×1080 one;
    in steps of 0.05 so that a few pixels more do not restyle the window."""
    factor = min(width / WINDOW_SIZE[0], height / WINDOW_SIZE[1])
    return round(min(SCREEN_FACTORS[1], max(SCREEN_FACTORS[0], factor)) * 20) / 20


def stylesheet(scale: float = 1.0, high_contrast: bool = False, screen: float = 1.0) -> str:
    """The window's one style sheet for a text scale (1.0, 1.25, 1.5), a contrast and the
    screen's factor (`screen_factor`). The header's tools and names (the chrome) follow the
    screen only: larger text is for the test's words, and a header that grows with it takes the
    page's room at 1024×768."""
    p = palette(high_contrast)
    base = BASE_POINT_SIZE * screen
    letter = round(base * scale * 2.2)  # the option letter's circle, in pixels

    def pt(factor: float) -> str:
        return f"{round(base * scale * factor)}pt"

    def chrome(factor: float) -> str:
        return f"{round(base * factor)}pt"

    clock = "".join(
        f'QLabel#clock[level="{level}"] {{ background: {fill}; color: {ink};'
        f' border: 3px solid {edge}; }}'
        for level, (fill, ink, edge) in enumerate(p.clock))
    return f"""
QWidget {{ font-family: "{FONT_FAMILY}"; font-size: {pt(1)}; color: {p.ink}; }}
QWidget#kioskWindow, QStackedWidget, QWidget[screen="true"] {{ background: {p.page}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {pt(1.6)}; font-weight: bold; }}
QLabel[role="heading"] {{ font-size: {pt(1.2)}; font-weight: bold; }}
QLabel[role="big"] {{ font-size: {pt(2.2)}; font-weight: bold; }}
QLabel[role="prompt"] {{ font-size: {pt(1.1)}; }}
QLabel[role="muted"], QLabel[role="hint"] {{ color: {p.muted}; font-size: {pt(0.85)}; }}
QLabel[role="error"] {{ color: {p.error}; font-weight: bold; }}
QLabel[role="ok"] {{ color: {p.ok}; }}
QLabel[role="offline"] {{ color: {p.offline}; font-size: {pt(0.85)}; }}
QLabel[role="notice"] {{ background: {p.clock[1][0]}; color: {p.clock[1][1]};
    border: 2px solid {p.clock[1][2]}; border-radius: 6px; padding: 8px; font-weight: bold; }}
QLabel[save="saved"] {{ color: {p.ok}; }}
QLabel[save="failed"] {{ color: {p.error}; font-weight: bold; }}
QLabel[save="none"] {{ color: {p.muted}; }}
QLabel#clock {{ font-size: {pt(1.5)}; font-weight: bold; border-radius: 8px; padding: 4px 14px; }}
{clock}
QFrame[role="panel"], QWidget[role="panel"] {{ background: {p.panel}; border: 1px solid {p.edge};
    border-radius: 8px; }}
QFrame[role="panel"] QLabel {{ border: none; }}
QWidget[role="header"] {{ background: {p.panel}; border-bottom: 1px solid {p.edge}; }}
QPushButton {{ background: {p.button}; color: {p.button_ink}; border: 2px solid {p.edge};
    border-radius: 8px; padding: 8px 18px; min-height: 1.6em; }}
QPushButton:hover {{ border-color: {p.chosen_edge}; }}
QPushButton:focus {{ border: 4px solid {p.focus}; }}
QPushButton:disabled {{ color: {p.muted}; border-style: dashed; }}
QPushButton[role="primary"] {{ background: {p.primary}; color: {p.primary_ink};
    border-color: {p.primary}; font-weight: bold; }}
QPushButton[role="primary"]:focus {{ border: 4px solid {p.focus}; }}
QPushButton[role="small"] {{ padding: 4px 10px; font-size: {pt(0.85)}; min-height: 1.2em; }}
QPushButton[role="tab"] {{ padding: 4px 12px; font-size: {pt(0.85)}; min-height: 1.2em; }}
QPushButton[role="tab"]:checked {{ background: {p.chosen}; color: {p.chosen_ink};
    border: 3px solid {p.chosen_edge}; }}
QPushButton[role="lang"] {{ font-size: {pt(1.2)}; padding: 12px 24px; }}
QPushButton[role="lang"]:checked {{ background: {p.chosen}; color: {p.chosen_ink};
    border: 3px solid {p.chosen_edge}; }}
QPushButton[role="flag"]:checked {{ color: {p.flag}; border: 3px solid {p.flag}; }}
QPushButton[role="nav"] {{ padding: 2px 4px; min-width: 2.4em; min-height: 1.5em;
    font-size: {pt(0.9)}; border-radius: 6px; }}
QPushButton[role="nav"][answered="true"] {{ background: {p.answered}; color: {p.answered_ink};
    border-color: {p.answered}; }}
QPushButton[role="nav"][flagged="true"] {{ border: 3px solid {p.flag}; }}
QPushButton[role="nav"][current="true"] {{ border: 4px solid {p.focus}; font-weight: bold;
    text-decoration: underline; }}
QPushButton[role="nav"]:focus {{ border: 4px dotted {p.focus}; }}
QLineEdit {{ background: {p.card}; color: {p.ink}; border: 2px solid {p.edge}; border-radius: 6px;
    padding: 8px; font-size: {pt(1.2)}; }}
QLineEdit:focus {{ border: 4px solid {p.focus}; }}
QComboBox {{ background: {p.card}; color: {p.ink}; border: 2px solid {p.edge}; border-radius: 6px;
    padding: 6px 10px; }}
QComboBox:focus {{ border: 4px solid {p.focus}; }}
QComboBox QAbstractItemView {{ background: {p.card}; color: {p.ink};
    selection-background-color: {p.chosen}; selection-color: {p.chosen_ink}; }}
QAbstractButton#optionCard {{ background: {p.card}; border: 2px solid {p.edge}; border-radius: 10px; }}
QAbstractButton#optionCard[chosen="true"] {{ background: {p.chosen}; border: 3px solid {p.chosen_edge}; }}
QAbstractButton#optionCard:focus {{ border: 4px solid {p.focus}; }}
QAbstractButton#optionCard QLabel {{ border: none; }}
QAbstractButton#optionCard[chosen="true"] QLabel {{ color: {p.chosen_ink}; }}
QAbstractButton#optionCard QLabel[role="letter"] {{ font-weight: bold; font-size: {pt(1.1)};
    border: 2px solid {p.edge}; border-radius: {letter // 2}px;
    min-width: {letter}px; max-width: {letter}px; min-height: {letter}px; max-height: {letter}px;
    qproperty-alignment: AlignCenter; }}
QAbstractButton#optionCard[chosen="true"] QLabel[role="letter"] {{ background: {p.chosen_edge};
    color: {p.page}; border-color: {p.chosen_edge}; }}
QTableWidget, QTableView {{ background: {p.card}; color: {p.ink}; gridline-color: {p.edge};
    font-size: {pt(0.8)}; }}
QTableWidget#contextTable, QTableWidget#contextTable QHeaderView::section {{ font-size: {pt(1)}; }}
QTableWidget#periodicGrid, QTableWidget#solubilityGrid,
QTableWidget#periodicGrid QHeaderView::section, QTableWidget#solubilityGrid QHeaderView::section {{
    font-size: {pt(0.8)}; }}
QHeaderView::section {{ background: {p.button}; color: {p.button_ink}; border: 1px solid {p.edge};
    padding: 2px; font-weight: bold; }}
QWidget#testHeader QLabel, QWidget#testHeader QPushButton {{ font-size: {chrome(0.9)}; }}
QWidget#testHeader QLabel#section {{ font-size: {chrome(1.05)}; font-weight: bold; }}
QWidget#testHeader QLabel#clock {{ font-size: {chrome(1.4)}; }}
QWidget#testHeader QPushButton {{ padding: 3px 10px; min-height: 1.2em; }}
"""


def restyle(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_prop(widget: QWidget, name: str, value: object) -> None:
    if widget.property(name) != value:
        widget.setProperty(name, value)
        restyle(widget)


def label(name: str, role: str | None = None, *, wrap: bool = True) -> QLabel:
    """A plain-text label that wraps (so a 40 % longer language breaks lines, never cuts)."""
    widget = QLabel()
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    return widget


def button(name: str, role: str | None = None) -> QPushButton:
    widget = QPushButton()
    widget.setObjectName(name)
    widget.setAutoDefault(False)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if role:
        widget.setProperty("role", role)
    return widget


def screen(name: str) -> QWidget:
    widget = QWidget()
    widget.setObjectName(name)
    widget.setProperty("screen", True)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    return widget


def vbox(widget: QWidget | None = None, margins: int = 0, spacing: int = 10) -> QVBoxLayout:
    layout = QVBoxLayout(widget) if widget is not None else QVBoxLayout()
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def hbox(widget: QWidget | None = None, margins: int = 0, spacing: int = 10) -> QHBoxLayout:
    layout = QHBoxLayout(widget) if widget is not None else QHBoxLayout()
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout
