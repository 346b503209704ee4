"""The tiles of the room's map: one per seat, and the legend's entries."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.fonts import FONT_POINT_SIZE
from proctor_console.desk.room_map.looks import (
    FOCUS_EDGE,
    LOOKS,
    READINESS_LOOKS,
    RESUMED_GLYPH,
    StateLook,
)
from proctor_console.desk.room_map.model import Readiness, SeatInfo, SeatState, readiness_of
from proctor_console.desk.room_map.seat_text import (
    detail_text,
    flag_glyphs,
    flags_text,
    official_reason,
    readiness_text,
    short_name,
    state_text,
)

COLUMNS = 5  # tiles in a row of the map


def map_label(name: str, *, wrap: bool = False, bold: bool = False, point_delta: int = 0) -> QLabel:
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
        self.seat_label = map_label("seat", bold=True, point_delta=3)
        self.resumed_glyph = map_label("resumedGlyph", point_delta=3)
        self.icon_label = map_label("icon", point_delta=6)
        self.state_label = map_label("state", wrap=True, bold=True)
        self.name_label = map_label("name", wrap=True)
        self.code_label = map_label("code", wrap=True, point_delta=-1)
        self.resumed_label = map_label("resumed", wrap=True, point_delta=-1)
        self.resumed_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.detail_label = map_label("detail", wrap=True, point_delta=-1)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.flags_label = map_label("flags", wrap=True, bold=True, point_delta=-1)
        self.flags_label.hide()

        # seat No. .......... [resumed] glyph
        # state                              (dense: on the seat's line, between No. and glyph)
        # full name (wraps)
        # individual code
        # answers / score / reason ... N logins (each wraps, so long texts never widen a column)
        self.top = QHBoxLayout()
        self.top.setSpacing(4)
        self.top.addWidget(self.seat_label, 1)  # takes the free width while the state is below
        self.top.addWidget(self.resumed_glyph)
        self.top.addWidget(self.icon_label)
        facts = QHBoxLayout()
        facts.setSpacing(6)
        facts.addWidget(self.detail_label, 1)
        facts.addWidget(self.resumed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 5)
        layout.setSpacing(0)
        layout.addLayout(self.top)
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
        self._state_inline = False

    def show_seat(self, info: SeatInfo, lang: str, mode: str = "room",
                  compact: bool = False, dense: bool = False) -> None:
        """Draw the seat. Compact (a full room at 1366×768): the seat, state, a short name and one
        fact, the flags as glyphs; the rest is in the tooltip and the selected seat's panel.
        Dense (compact, in the desk's window: a full room in the ~1366×700 a laptop leaves a
        window): the state also moves up onto the seat's line, one line less per row."""
        self._show_seat(info, lang, mode)
        self._place_state(inline=compact and dense)
        self.code_label.setVisible(not compact)
        if compact and mode == "room":
            self.detail_label.setText(detail_text(info, lang, compact=True))
        if compact:
            self.name_label.setText(short_name(info.full_name))
            self.resumed_label.hide()  # its words collided with the score; the glyph stays
            self.flags_label.hide()
            glyphs = flag_glyphs(info) if mode == "room" else ""
            shown = self.resumed_glyph.text()
            self.resumed_glyph.setText(" ".join(g for g in (shown, glyphs) if g))
        for label, normal in ((self.state_label, 0), (self.name_label, 0), (self.detail_label, -1),
                              (self.seat_label, 3), (self.icon_label, 6), (self.resumed_glyph, 3)):
            font = label.font()
            font.setPointSize(FONT_POINT_SIZE + (min(normal, 1) - 1 if compact else normal))
            label.setFont(font)
        margins = (6, 1, 6, 2) if compact else (8, 2, 8, 5)
        self.layout().setContentsMargins(*margins)

    def _place_state(self, inline: bool) -> None:
        if inline == self._state_inline:
            return
        self._state_inline = inline
        column = self.layout()
        if inline:
            column.removeWidget(self.state_label)
            self.top.setStretchFactor(self.seat_label, 0)
            self.top.insertWidget(1, self.state_label, 1)
        else:
            self.top.removeWidget(self.state_label)
            self.top.setStretchFactor(self.seat_label, 1)
            column.insertWidget(1, self.state_label)
        # a state that wraps to two lines keeps the seat's No. and glyph on its first line
        top = Qt.AlignmentFlag.AlignTop if inline else Qt.AlignmentFlag(0)
        for label in (self.seat_label, self.resumed_glyph, self.icon_label):
            self.top.setAlignment(label, top)

    def _show_seat(self, info: SeatInfo, lang: str, mode: str) -> None:
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
        self.glyph = map_label("glyph", point_delta=4)
        self.glyph.setText(look.glyph)
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.glyph.setFixedSize(30, 26)
        self.glyph.setStyleSheet(f"background: {look.fill}; color: {look.ink};"
                                 f" border: 2px solid {look.edge}; border-radius: 4px;")
        self.text = map_label("text", wrap=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.addWidget(self.glyph)
        layout.addWidget(self.text, 1)
