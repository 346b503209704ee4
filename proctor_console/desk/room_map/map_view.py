"""The room drawn as its seating map: one tile per seat, its state told by colour, glyph and text.

A view only: it reads a `RoomModel` when the model says it changed and lays out what it finds. It
keeps no room state of its own besides the language it is shown in. Every text comes from the one
catalogue (`common.i18n`), in Kazakh, Russian or English; every glyph is one that the bundled DejaVu
Sans font draws, so the screen looks the same on a school computer without extra fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import common.documents
from common.i18n import LANGUAGES, t
from proctor_console.desk.room_map.model import (
    LinkState,
    Readiness,
    RoomModel,
    SeatInfo,
    SeatState,
    readiness_of,
)
from common.qt_refcount import protect_singletons

protect_singletons()  # PySide6 6.12 on CPython 3.11 under-counts None (common/qt_refcount.py)

COLUMNS = 5
FONTS_DIR = Path(common.documents.__file__).with_name("fonts")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"
FONT_POINT_SIZE = 10


@dataclass(frozen=True)
class StateLook:
    """How a state is drawn: a glyph, the colour of the glyph and state text, the tile's colours."""

    glyph: str
    ink: str
    fill: str
    edge: str


# Each state differs in all three of colour, glyph and text; the inks keep 4.5:1 contrast on fills.
LOOKS: dict[SeatState, StateLook] = {
    SeatState.EXPECTED: StateLook("◷", "#37474f", "#f5f7f8", "#90a4ae"),
    SeatState.PRESENT: StateLook("✓", "#0d47a1", "#e3f2fd", "#1e88e5"),
    SeatState.ABSENT: StateLook("✗", "#263238", "#cfd8dc", "#607d8b"),
    SeatState.NOT_ADMITTED: StateLook("⊘", "#6a1b9a", "#f3e5f5", "#8e24aa"),
    SeatState.SITTING: StateLook("▶", "#7a4100", "#fff3d6", "#f9a825"),
    SeatState.SUBMITTED: StateLook("⚑", "#1b5e20", "#e8f5e9", "#43a047"),
    SeatState.VOIDED: StateLook("⚠", "#b71c1c", "#ffebee", "#e53935"),
}
RESUMED_GLYPH = "⟳"
# Before the test the map shows the kiosks: ready, not ready (with why), or not registered.
READINESS_LOOKS: dict[Readiness, StateLook] = {
    Readiness.READY: StateLook("✓", "#1b5e20", "#e8f5e9", "#43a047"),
    Readiness.NOT_READY: StateLook("⚠", "#b71c1c", "#ffebee", "#e53935"),
    Readiness.NOT_REGISTERED: StateLook("○", "#37474f", "#f5f7f8", "#90a4ae"),
}
AWAY_GLYPH = "⇥"
HAND_GLYPH = "☝"
MODES = ("room", "readiness")
READINESS_COUNTS = ("ready", "not_ready", "not_registered")
BANNER_GLYPH = "⚠"
OPEN_GLYPHS = {True: "●", False: "○"}
FOCUS_EDGE = "#111111"

# Link states that need the proctor's eye, and the banner's colours for them.
_BANNER_LOOKS = {
    LinkState.CONNECTING: ("#37474f", "#eceff1", "#90a4ae"),
    LinkState.OFFLINE: ("#7a4100", "#fff3d6", "#f9a825"),
    LinkState.REFUSED: ("#b71c1c", "#ffebee", "#e53935"),
    LinkState.UNTRUSTED: ("#ffffff", "#b71c1c", "#7f0000"),
}

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


def state_text(state: SeatState, lang: str) -> str:
    return t(f"room_view.state.{state.value}", lang)


def detail_text(info: SeatInfo, lang: str) -> str:
    """The short second fact of a tile: answers so far, the score, or why a seat is empty."""
    if info.state is SeatState.SITTING:
        answers = t("room_view.answers", lang, answers=info.answers or 0)
        if info.time_left_s is None:
            return answers
        return f"{answers} · {t('room_view.time_left', lang, minutes=(info.time_left_s + 59) // 60)}"
    if info.state is SeatState.SUBMITTED and info.score is not None:
        return t("room_view.score", lang, score=info.score, max_score=info.max_score)
    if info.state is SeatState.VOIDED and info.void_reason:
        return t(f"room_view.void.{info.void_reason}", lang)
    if info.state is SeatState.ABSENT and info.absence_reason:
        return t(f"room_view.reason.{info.absence_reason}", lang)
    return ""


def flags_text(info: SeatInfo, lang: str) -> str:
    """What needs the proctor's eye at a seat during the test (out of the room, a raised hand...)."""
    flags = []
    if info.away:
        flags.append(f"{AWAY_GLYPH} {t('room_view.flag.away', lang)}")
    if info.hand_raised:
        flags.append(f"{HAND_GLYPH} {t('room_view.flag.hand', lang)}")
    if info.locked_out:
        flags.append(t("room_view.flag.locked_out", lang))
    if info.workstation_locked_out:
        flags.append(t("room_view.flag.workstation_locked_out", lang))
    if info.journal_lag:
        flags.append(t("room_view.flag.lag", lang, count=info.journal_lag))
    if info.extensions:
        flags.append(t("room_view.flag.extended", lang))
    return "\n".join(flags)


def readiness_text(info: SeatInfo, lang: str) -> tuple[str, str]:
    """(state, detail) of a seat's kiosk before the test."""
    state = readiness_of(info)
    detail = ", ".join(t(f"room_view.not_ready.{r}", lang) for r in info.reasons)
    return t(f"room_view.readiness.{state.value}", lang), detail


def official_reason(info: SeatInfo, lang: str) -> str:
    """The reason in the order's full wording (tooltips), where the tile shows a short form."""
    if info.state is SeatState.VOIDED and info.void_reason:
        return t(f"void.{info.void_reason}", lang)
    if info.state is SeatState.ABSENT and info.absence_reason:
        return t(f"absence.{info.absence_reason}", lang)
    return ""


def _label(name: str, *, wrap: bool = False, bold: bool = False, point_delta: int = 0) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if bold or point_delta:
        font = label.font()
        font.setBold(bold)
        font.setPointSize(FONT_POINT_SIZE + point_delta)
        label.setFont(font)
    return label


class SeatTile(QFrame):
    """One seat on the map. Focusable; arrow keys ask the view to move the focus.

    Signals:
        step_requested(int, int): (this tile's index, how many tiles to move; may be negative).
        chosen(int): the tile got the focus or was clicked (its index).
        activated(int): Enter or a double click on the tile (its index).
    """

    step_requested = Signal(int, int)
    chosen = Signal(int)
    activated = Signal(int)

    _STEPS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -COLUMNS,
              Qt.Key.Key_Down: COLUMNS}

    def __init__(self, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.index = index
        self.setObjectName("seatTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.seat_label = _label("seat", bold=True, point_delta=3)
        self.resumed_glyph = _label("resumedGlyph", point_delta=3)
        self.icon_label = _label("icon", point_delta=6)
        self.state_label = _label("state", wrap=True, bold=True)
        self.name_label = _label("name", wrap=True)
        self.code_label = _label("code", wrap=True, point_delta=-1)
        self.resumed_label = _label("resumed", wrap=True, point_delta=-1)
        self.resumed_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.detail_label = _label("detail", wrap=True, point_delta=-1)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.flags_label = _label("flags", wrap=True, bold=True, point_delta=-1)
        self.flags_label.hide()

        # seat No. .......... [resumed] glyph
        # state
        # full name (wraps)
        # individual code
        # answers / score / reason ... N logins (each wraps, so long texts never widen a column)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.seat_label)
        top.addStretch(1)
        top.addWidget(self.resumed_glyph)
        top.addWidget(self.icon_label)
        facts = QHBoxLayout()
        facts.setSpacing(6)
        facts.addWidget(self.detail_label, 1)
        facts.addWidget(self.resumed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 5)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.state_label)
        layout.addWidget(self.name_label)
        layout.addWidget(self.code_label)
        layout.addLayout(facts)
        layout.addWidget(self.flags_label)
        layout.addStretch(1)
        self._look: StateLook | None = None
        self.state: SeatState | None = None
        self.readiness: Readiness | None = None
        self.individual_code = ""

    def show_seat(self, info: SeatInfo, lang: str, mode: str = "room") -> None:
        self.individual_code = info.individual_code
        self.readiness = readiness_of(info)
        if mode == "readiness":
            look = READINESS_LOOKS[self.readiness]
            state, detail = readiness_text(info, lang)
            flags = ""
        else:
            look = LOOKS[info.state]
            state = state_text(info.state, lang)
            detail = detail_text(info, lang)
            flags = flags_text(info, lang)
        self.flags_label.setText(flags)
        self.flags_label.setVisible(bool(flags))
        self.setProperty("readiness", self.readiness.value)
        shows_resumed = info.resumed and mode == "room"
        resumed = t("room_view.resumed", lang, logins=info.logins) if shows_resumed else ""
        self.state = info.state
        self.setProperty("seatState", info.state.value)
        self.seat_label.setText(info.seat)
        self.icon_label.setText(look.glyph)
        self.resumed_glyph.setText(RESUMED_GLYPH if shows_resumed else "")
        self.state_label.setText(state)
        self.name_label.setText(info.full_name)
        self.code_label.setText(t("room_view.code", lang, individual_code=info.individual_code))
        self.resumed_label.setText(resumed)
        self.resumed_label.setVisible(shows_resumed)  # an empty label would still take a column
        self.detail_label.setText(detail)
        seat = t("room_view.seat", lang, seat=info.seat)
        facts = [seat, info.full_name, state, detail, official_reason(info, lang), resumed, flags]
        self.setAccessibleName(". ".join(f for f in facts[:3] if f))
        self.setAccessibleDescription(". ".join(f for f in facts[3:] if f))
        self.setToolTip("\n".join(f for f in facts if f))
        if look is not self._look:
            self._look = look
            self.setStyleSheet(
                f"QFrame#seatTile {{ background: {look.fill}; border: 2px solid {look.edge};"
                f" border-radius: 6px; }}"
                f"QFrame#seatTile:focus {{ border: 4px solid {FOCUS_EDGE}; }}"
                f"QLabel {{ background: transparent; border: none; color: #1a1a1a; }}"
                f"QLabel#icon, QLabel#state, QLabel#resumedGlyph, QLabel#resumed, QLabel#flags"
                f" {{ color: {look.ink}; }}")

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        self.chosen.emit(self.index)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)
        self.chosen.emit(self.index)  # a click chooses, even where the window has no focus yet

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        self.activated.emit(self.index)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            event.accept()
            self.activated.emit(self.index)
            return
        step = self._STEPS.get(Qt.Key(event.key()))
        if step is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        self.step_requested.emit(self.index, step)


class LegendEntry(QWidget):
    """A glyph in a state's colours, then the state's name."""

    def __init__(self, key: str, look: StateLook, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"legend.{key}")
        self.glyph = _label("glyph", point_delta=4)
        self.glyph.setText(look.glyph)
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.glyph.setFixedSize(30, 26)
        self.glyph.setStyleSheet(f"background: {look.fill}; color: {look.ink};"
                                 f" border: 2px solid {look.edge}; border-radius: 4px;")
        self.text = _label("text", wrap=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.addWidget(self.glyph)
        layout.addWidget(self.text, 1)


class RoomView(QWidget):
    """The seating map of one room, with its header, summary, legend and link banner.

    Signals:
        language_changed(str): the proctor chose another language (kk, ru or en).
        seat_selected(str): a seat's tile got the focus (the student's individual code).
        seat_activated(str): Enter or a double click on a seat (the student's individual code).
    """

    language_changed = Signal(str)
    seat_selected = Signal(str)
    seat_activated = Signal(str)

    def __init__(self, model: RoomModel, lang: str = "kk", parent: QWidget | None = None):
        super().__init__(parent)
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self._model = model
        self._lang = lang
        self._mode = "room"
        self._selected = ""
        self._embedded = False
        self._tiles: list[SeatTile] = []
        self.setObjectName("roomView")
        self.setFont(QFont(load_fonts(), FONT_POINT_SIZE))
        self.setStyleSheet("QWidget#roomView, QWidget#seatGrid { background: #ffffff; }")
        self._build()
        # A view observes its model the way a QAbstractItemView does; the controller does the I/O.
        model.changed.connect(self._show_room)
        model.link_changed.connect(self._show_link)
        self._relabel()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = _label("title", bold=True, point_delta=5)
        self.organisation_label = _label("organisation", wrap=True)
        self.room_label = _label("roomNo", bold=True, point_delta=3)
        self.open_label = _label("open", bold=True)
        self.language_label = _label("languageLabel")
        self.language_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("language")
        self.language_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.language_combo.setMinimumContentsLength(12)
        for lang in LANGUAGES:
            # Each language is named in itself, so anyone can find their own.
            self.language_combo.addItem(t(f"language.{lang}", lang), lang)
        self.language_combo.setCurrentIndex(LANGUAGES.index(self._lang))
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.language_label.setBuddy(self.language_combo)

        # Title ................................ Language [combo]
        # Room No. 12   ● open   Education organisation: code — name
        # Only the organisation's name (the one long text) wraps; the rest fit on their line even
        # 40 % longer, so the window never grows wider than 1280 px.
        first = QHBoxLayout()
        first.addWidget(self.title_label)
        first.addStretch(1)
        first.addWidget(self.language_label)
        first.addWidget(self.language_combo)
        second = QHBoxLayout()
        second.setSpacing(16)
        second.addWidget(self.room_label)
        second.addWidget(self.open_label)
        second.addWidget(self.organisation_label, 1)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addLayout(first)
        header.addLayout(second)

        self.banner = _label("banner", wrap=True, bold=True)
        self.banner.setContentsMargins(10, 6, 10, 6)
        self.banner.hide()

        self.grid_host = QWidget()
        self.grid_host.setObjectName("seatGrid")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(5)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self.empty_label = _label("empty", wrap=True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(self.empty_label, 0, 0, 1, COLUMNS)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("seatScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setWidget(self.grid_host)
        self.scroll.viewport().setObjectName("seatViewport")
        self.scroll.viewport().setStyleSheet("QWidget#seatViewport { background: #ffffff; }")

        # Plain frames under wrapping headings: a group box's title cannot wrap and would widen
        # the side panel in a longer language.
        self.summary_title = _label("summaryTitle", wrap=True, bold=True)
        self.summary_box = QFrame()
        self.summary_box.setObjectName("summary")
        summary = QGridLayout(self.summary_box)
        summary.setVerticalSpacing(2)
        summary.setColumnStretch(0, 1)
        self.count_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for row, key in enumerate(("total", "expected", "present", "absent", "not_admitted",
                                   "sitting", "submitted", "voided", "ready", "not_ready",
                                   "not_registered")):
            name, value = _label(f"count.{key}", wrap=True), _label(f"countValue.{key}", bold=True)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            summary.addWidget(name, row, 0)
            summary.addWidget(value, row, 1)
            self.count_labels[key] = (name, value)

        self.legend_title = _label("legendTitle", wrap=True, bold=True)
        self.legend_box = QFrame()
        self.legend_box.setObjectName("legend")
        legend = QVBoxLayout(self.legend_box)
        legend.setSpacing(2)
        self.legend_entries = [LegendEntry(state.value, LOOKS[state]) for state in SeatState]
        self.legend_entries.append(LegendEntry("resumed", StateLook(RESUMED_GLYPH, "#37474f",
                                                                    "#ffffff", "#90a4ae")))
        self.legend_entries += [LegendEntry(f"readiness.{r.value}", READINESS_LOOKS[r])
                                for r in Readiness]
        for entry in self.legend_entries:
            legend.addWidget(entry)
        self.keys_label = _label("keysHint", wrap=True, point_delta=-1)

        side = QVBoxLayout()
        side.setSpacing(4)
        side.addWidget(self.summary_title)
        side.addWidget(self.summary_box)
        side.addSpacing(6)
        side.addWidget(self.legend_title)
        side.addWidget(self.legend_box)
        side.addSpacing(6)
        side.addWidget(self.keys_label)
        side.addStretch(1)
        side_host = self.side_host = QWidget()
        side_host.setObjectName("sidebar")
        side_host.setStyleSheet("QFrame#summary, QFrame#legend { border: 1px solid #cfd8dc;"
                                " border-radius: 4px; background: #fafafa; }")
        side_host.setLayout(side)
        side_host.setFixedWidth(250)
        side.setContentsMargins(0, 0, 0, 0)

        body = QHBoxLayout()
        body.addWidget(self.scroll, 1)
        body.addWidget(side_host)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 6, 12, 6)
        outer.setSpacing(6)
        outer.addLayout(header)
        outer.addWidget(self.banner)
        outer.addLayout(body, 1)

    # --- what the view shows ------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self._lang

    def tiles(self) -> list[SeatTile]:
        """The seat tiles in seat order (for the controller and for tests)."""
        return list(self._tiles)

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """"room" (attendance and the sittings) or "readiness" (the kiosks, before the test)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode != self._mode:
            self._mode = mode
            self._relabel()

    def selected_code(self) -> str:
        """The individual code of the seat last chosen on the map ("" before any)."""
        return self._selected

    def select(self, individual_code: str) -> None:
        for tile in self._tiles:
            if tile.individual_code == individual_code:
                tile.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll.ensureWidgetVisible(tile)
                return

    def set_language_chooser_visible(self, visible: bool) -> None:
        """Hidden where a window around the map has its own language chooser."""
        self.language_label.setVisible(visible)
        self.language_combo.setVisible(visible)

    def set_embedded(self, embedded: bool) -> None:
        """Inside the desk's window, which shows the title, the organisation and the language."""
        self.set_language_chooser_visible(not embedded)
        self.title_label.setVisible(not embedded)
        self._embedded = embedded
        # The tiles tell their state by glyph, colour and text; the window needs the width.
        self.legend_title.setVisible(not embedded)
        self.legend_box.setVisible(not embedded)
        self.side_host.setFixedWidth(190 if embedded else 250)
        self._show_room()

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self._tiles):
            self._selected = self._tiles[index].individual_code
            self.seat_selected.emit(self._selected)

    def _activated(self, index: int) -> None:
        if 0 <= index < len(self._tiles):
            self._selected = self._tiles[index].individual_code
            self.seat_activated.emit(self._selected)

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        if self.language_combo.currentIndex() != LANGUAGES.index(lang):
            self.language_combo.setCurrentIndex(LANGUAGES.index(lang))  # comes back through the slot
            return
        if lang != self._lang:
            self._lang = lang
            self._relabel()
            self.language_changed.emit(lang)

    def _language_chosen(self, index: int) -> None:
        self.set_language(self.language_combo.itemData(index))

    def _relabel(self) -> None:
        lang = self._lang
        self.setWindowTitle(t("room_view.title", lang))
        self.title_label.setText(t("room_view.title", lang))
        self.language_label.setText(t("room_view.language", lang))
        self.summary_title.setText(t("room_view.summary", lang))
        self.legend_title.setText(t("room_view.legend", lang))
        for key, (name, _) in self.count_labels.items():
            name.setText(t(f"room_view.count.{key}", lang))
        readiness = self._mode == "readiness"
        for entry in self.legend_entries:
            if entry.key == "resumed":
                key = "room_view.legend.resumed"
            elif entry.key.startswith("readiness."):
                key = f"room_view.{entry.key}"
            else:
                key = f"room_view.state.{entry.key}"
            entry.text.setText(t(key, lang))
            entry.setVisible(entry.key.startswith("readiness.") == readiness)
        for key, (name, value) in self.count_labels.items():
            shown = key == "total" or (key in READINESS_COUNTS) == readiness
            name.setVisible(shown)
            value.setVisible(shown)
        self.keys_label.setText(t("room_view.keys_hint", lang))
        self.empty_label.setText(t("room_view.no_room", lang))
        self._show_room()
        self._show_link()

    def _show_room(self) -> None:
        lang = self._lang
        model = self._model
        header = model.header()
        has_room = model.has_room()
        self.room_label.setVisible(has_room)
        self.open_label.setVisible(has_room)
        self.organisation_label.setVisible(has_room and not self._embedded)
        self.empty_label.setVisible(not has_room)
        if has_room:
            self.room_label.setText(t("room_view.room_no", lang, room_no=header["room_no"]))
            is_open = bool(header["open"])
            self.open_label.setText(
                f"{OPEN_GLYPHS[is_open]} {t('room_view.open' if is_open else 'room_view.not_open', lang)}")
            self.open_label.setStyleSheet(f"color: {'#1b5e20' if is_open else '#37474f'};")
            if header.get("disk"):  # the room's disk refuses writes: the representative must know
                self.open_label.setText(f"⚠ {t('console.error.' + header['disk']['code'], lang)}")
                self.open_label.setStyleSheet("color: #b71c1c; font-weight: bold;")
            self.organisation_label.setText(t(
                "room_view.organisation", lang, organisation_code=header["organisation_code"],
                organisation_name=header["organisation_name"]))
        seats = model.seats()
        if len(seats) != len(self._tiles):
            self._make_tiles(len(seats))
        for tile, info in zip(self._tiles, seats):
            tile.show_seat(info, lang, self._mode)
        counts = model.counts()
        readiness = model.readiness_counts()
        for key, (_, value) in self.count_labels.items():
            value.setText(str(readiness[key] if key in READINESS_COUNTS else getattr(counts, key)))

    def _make_tiles(self, n: int) -> None:
        focused = next((tile.index for tile in self._tiles if tile.hasFocus()), None)
        for tile in self._tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self._tiles = []
        for index in range(n):
            tile = SeatTile(index, self.grid_host)
            tile.step_requested.connect(self._step)
            tile.chosen.connect(self._chosen)
            tile.activated.connect(self._activated)
            self.grid.addWidget(tile, 1 + index // COLUMNS, index % COLUMNS)
            self._tiles.append(tile)
        self.grid.setRowStretch(1 + (n + COLUMNS - 1) // COLUMNS, 1)
        previous: QWidget = self.language_combo
        for tile in self._tiles:
            QWidget.setTabOrder(previous, tile)
            previous = tile
        if focused is not None and self._tiles:
            self._tiles[min(focused, n - 1)].setFocus(Qt.FocusReason.OtherFocusReason)

    def _step(self, index: int, step: int) -> None:
        target = index + step
        if 0 <= target < len(self._tiles):
            tile = self._tiles[target]
            tile.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(tile)

    def _show_link(self, *_: object) -> None:
        state = self._model.link
        look = _BANNER_LOOKS.get(state)
        if look is None:
            self.banner.hide()
            return
        lang = self._lang
        if state is LinkState.OFFLINE:
            updated = self._model.updated_at()
            text = (t("room_view.link.offline_since", lang, time=updated.strftime("%H:%M:%S"))
                    if updated else t("room_view.link.offline", lang))
        else:
            text = t(f"room_view.link.{state.value}", lang)
        ink, fill, edge = look
        self.banner.setText(f"{BANNER_GLYPH} {text}" if state is not LinkState.CONNECTING else text)
        self.banner.setProperty("linkState", state.value)
        self.banner.setToolTip(self._model.link_detail)
        self.banner.setStyleSheet(f"QLabel#banner {{ color: {ink}; background: {fill};"
                                  f" border: 2px solid {edge}; border-radius: 4px; }}")
        self.banner.show()
