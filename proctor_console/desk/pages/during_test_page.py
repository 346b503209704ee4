"""Step 7, during the test: the room's map, the actions for the seat chosen on it (leave and
return, extension, seat move, new password, unlock, acts 1 and 2), the room's actions (notes, the
head of the organisation) and the log of incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QListWidget, QListWidgetItem, QScrollArea,
                               QVBoxLayout, QWidget)

from common.documents.pdf import local_time
from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page, student_line
from proctor_console.desk.room_map.map_view import RoomMapView
from proctor_console.desk.room_map.model import SeatInfo, SeatState
from proctor_console.desk.widgets import button, wrapped


class TestPage(Page):
    """During the test: the room's map, and the actions for the seat chosen on it."""

    def __init__(self, model: DeskModel, parent: QWidget | None = None):
        super().__init__(Step.TEST, parent, heading_row=True)  # six rows of seats below
        self.map = RoomMapView(model.room, model.language)
        self.map.setObjectName("testMap")
        self.map.set_embedded(True)
        self.student = wrapped("", "student", bold=True)
        self.leave_button = button("leave")
        self.extend_button = button("extend")
        self.move_button = button("move")
        self.reissue_button = button("reissue")
        self.unlock_button = button("unlock")
        self.act1_button = button("act1")
        self.act2_button = button("act2")
        self.note_button = button("note")
        self.head_button = button("head")
        self.head_register_button = button("headRegister")
        self.seat_title, self.room_title, self.log_title = (wrapped("", n, bold=True) for n in
                                                            ("seatActions", "roomActions", "logTitle"))
        self.log = QListWidget()
        self.log.setObjectName("incidents")
        self.log.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.seat_title)
        side.addWidget(self.student)
        for b in (self.leave_button, self.extend_button, self.move_button, self.reissue_button,
                  self.unlock_button, self.act1_button, self.act2_button):
            side.addWidget(b)
        side.addSpacing(8)
        side.addWidget(self.room_title)
        # the room's pause and the messages (desk/room_actions.py adds their buttons here)
        self.room_actions = QVBoxLayout()
        side.addLayout(self.room_actions)
        for b in (self.note_button, self.head_button, self.head_register_button):
            side.addWidget(b)
        side.addSpacing(8)
        side.addWidget(self.log_title)
        side.addWidget(self.log, 1)
        panel = QWidget()
        panel.setObjectName("actions")
        panel.setLayout(side)
        side.setContentsMargins(0, 0, 0, 4)
        # Twelve buttons and the log are taller than a 1366×768 laptop leaves the page: the column
        # scrolls there rather than push the desk's window off the bottom of the screen.
        actions = QScrollArea()
        actions.setObjectName("actionsScroll")
        actions.setWidget(panel)
        actions.setWidgetResizable(True)
        actions.setFrameShape(QFrame.Shape.NoFrame)
        actions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel.setFixedWidth(250)
        actions.setFixedWidth(250 + actions.verticalScrollBar().sizeHint().width())
        row = QHBoxLayout()
        row.addWidget(self.map, 1)
        row.addWidget(actions)
        self.body.addLayout(row, 1)
        self._info: SeatInfo | None = None
        self._model = model
        self.map.seat_selected.connect(self._seat_chosen)
        self.map.seat_activated.connect(self._seat_chosen)

    def selected_code(self) -> str:
        """The individual code of the seat chosen on the map ("" before any)."""
        return self.map.selected_code()

    def _seat_chosen(self, code: str) -> None:
        self.show_seat(self._model.room.seat(code), self._model.language)

    def show_room(self, model: DeskModel) -> None:
        code = self.selected_code()
        self.show_seat(model.room.seat(code) if code else None, model.language)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        for name in ("extend", "move", "reissue", "unlock", "act1", "act2", "note", "head",
                     "head_register"):
            getattr(self, f"{name}_button").setText(t(f"console.test.{name}", lang))
        self.seat_title.setText(t("console.test.seat_actions", lang))
        self.room_title.setText(t("console.test.room_actions", lang))
        self.log_title.setText(t("console.test.log", lang))
        self.show_seat(self._info, lang)

    def show_seat(self, info: SeatInfo | None, lang: str) -> None:
        self._info = info
        self.student.setText(student_line(info, lang))
        sitting = info is not None and info.state is SeatState.SITTING
        self.leave_button.setText(t("console.test.return" if info and info.away else "console.test.leave",
                                    lang))
        for b in (self.leave_button, self.extend_button, self.act1_button):
            b.setEnabled(sitting)
        self.move_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))
        self.reissue_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))
        self.unlock_button.setEnabled(info is not None and (info.locked_out or info.workstation_locked_out))
        self.act2_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))

    def show_log(self, incidents: list[dict[str, Any]], lang: str) -> None:
        self.log.clear()
        for incident in reversed(incidents):
            time = local_time(dt.datetime.fromisoformat(incident["at"])).strftime("%H:%M")
            who = incident.get("individual_code") or incident["details"].get("full_name", "")
            text = t(f"console.incident.{incident['kind']}", lang)
            self.log.addItem(QListWidgetItem(f"{time}  {text}  {who}".strip()))

    def first_field(self) -> QWidget:
        tiles = self.map.tiles()
        return tiles[0] if tiles else self.primary
