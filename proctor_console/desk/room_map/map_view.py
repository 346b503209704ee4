"""The room drawn as its seating map: one tile per seat, its state told by colour, glyph and text.

A view only: it reads a `RoomModel` when the model says it changed and lays out what it finds. It
keeps no room state of its own besides the language it is shown in. Every text comes from the one
catalogue (`common.i18n`), in Kazakh, Russian or English; every glyph is one that the bundled DejaVu
Sans font draws, so the screen looks the same on a school computer without extra fonts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from common.i18n import LANGUAGES, t
from common.qt_refcount import protect_singletons
from proctor_console.desk.fonts import FONT_POINT_SIZE, load_fonts
from proctor_console.desk.room_map.hands import HandsBanner
from proctor_console.desk.room_map.looks import BANNER_GLYPH, BANNER_LOOKS, OPEN_GLYPHS
from proctor_console.desk.room_map.model import LinkState, RoomModel
from proctor_console.desk.room_map.summary_panel import SummaryPanel
from proctor_console.desk.room_map.tiles import COLUMNS, SeatTile, map_label

protect_singletons()  # PySide6 6.12 on CPython 3.11 under-counts None (common/qt_refcount.py)

MODES = ("room", "readiness")
FULL_TILE_HEIGHT = 150  # px a tile needs to show every line; less, and the tiles go compact


class RoomMapView(QWidget):
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
        self.title_label = map_label("title", bold=True, point_delta=5)
        self.organisation_label = map_label("organisation", wrap=True)
        self.room_label = map_label("roomNo", bold=True, point_delta=3)
        self.open_label = map_label("open", bold=True)
        self.language_label = map_label("languageLabel")
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
        self.second = QHBoxLayout()
        self.second.setSpacing(16)
        self.second.addWidget(self.room_label)
        self.second.addWidget(self.open_label)
        self.second.addWidget(self.organisation_label, 1)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addLayout(first)
        header.addLayout(self.second)

        self.hands = HandsBanner()
        self.banner = map_label("banner", wrap=True, bold=True)
        self.banner.setContentsMargins(10, 6, 10, 6)
        self.banner.hide()

        self.grid_host = QWidget()
        self.grid_host.setObjectName("seatGrid")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(5)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self.empty_label = map_label("empty", wrap=True)
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

        self.side = SummaryPanel()

        body = QHBoxLayout()
        body.addWidget(self.scroll, 1)
        body.addWidget(self.side)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 6, 12, 6)
        outer.setSpacing(6)
        outer.addLayout(header)
        outer.addWidget(self.banner)
        # ☝ raised hands (embedded in the desk: the room's state first, on the same line; the
        # banner keeps its own height beside a disk's warning of several lines)
        self.hands_row = QHBoxLayout()
        self.hands_row.setSpacing(16)
        self.hands_row.addWidget(self.hands, 1, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(self.hands_row)
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
        """Inside the desk's window, which shows the title, the room, the organisation and the
        language. The room's state (open or not, a disk that refuses writes) moves down beside the
        raised hands' banner: the map has no header line there, and six rows of seats fit the
        ~1366×700 a 1366×768 laptop leaves a window."""
        self.set_language_chooser_visible(not embedded)
        self.title_label.setVisible(not embedded)
        if embedded != self._embedded:
            (self.second if embedded else self.hands_row).removeWidget(self.open_label)
            if embedded:
                self.hands_row.insertWidget(0, self.open_label)
            else:
                self.second.insertWidget(1, self.open_label)
        self._embedded = embedded
        self.side.set_embedded(embedded)
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
        self.side.relabel(lang, readiness=self._mode == "readiness")
        self.empty_label.setText(t("room_view.no_room", lang))
        self._show_room()
        self._show_link()

    def _show_room(self) -> None:
        lang = self._lang
        model = self._model
        header = model.header()
        has_room = model.has_room()
        self.room_label.setVisible(has_room and not self._embedded)
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
            # The warning is a sentence: on one line it widened the desk past the screen (1680 px).
            self.open_label.setWordWrap(self._embedded and bool(header.get("disk")))
            self.organisation_label.setText(t(
                "room_view.organisation", lang, organisation_code=header["organisation_code"],
                organisation_name=header["organisation_name"]))
        seats = model.seats()
        if len(seats) != len(self._tiles):
            self._make_tiles(len(seats))
        rows = max(1, (len(seats) + COLUMNS - 1) // COLUMNS)
        # A room of six rows fits a 1366×768 screen only with compact tiles (details on selection).
        compact = self.isVisible() and self.scroll.viewport().height() / rows < FULL_TILE_HEIGHT
        for tile, info in zip(self._tiles, seats):
            tile.show_seat(info, lang, self._mode, compact, dense=self._embedded)
        self.hands.show_hands(seats if self._mode == "room" else [], lang)
        self.side.setVisible(not (compact and self._embedded))  # the tiles need the width
        self.side.show_counts(model.counts(), model.readiness_counts())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._show_room()  # compact or not follows the map's height

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._show_room()

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
        look = BANNER_LOOKS.get(state)
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
