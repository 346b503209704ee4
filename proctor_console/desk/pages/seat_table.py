"""A screen with the room as a table, one row per seat, and actions on the selected row (the
seating and admission steps)."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidgetItem, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.room_map.model import SeatInfo, SeatState
from proctor_console.desk.room_map.seat_text import state_text
from proctor_console.desk.widgets import make_table




SEAT_COLUMNS = ("seat", "full_name", "code", "class", "language", "login", "state")


class SeatTablePage(Page):
    """A page with the room as a table, one row per seat, and actions on the selected row."""

    columns: tuple[str, ...] = SEAT_COLUMNS

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(step, parent)
        self.table = make_table(["" for _ in self.columns], "seats")
        self.codes: list[str] = []

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.table.setHorizontalHeaderLabels([t(f"console.col.{c}", lang) for c in self.columns])

    def selected_code(self) -> str:
        row = self.table.currentRow()
        return self.codes[row] if 0 <= row < len(self.codes) else ""

    def select(self, code: str) -> None:
        if code in self.codes:
            self.table.selectRow(self.codes.index(code))

    def show_seats(self, seats: list[SeatInfo], lang: str) -> None:
        keep = self.selected_code()
        self.codes = [s.individual_code for s in seats]
        self.table.setRowCount(len(seats))
        for row, s in enumerate(seats):
            values = {"seat": s.seat, "full_name": s.full_name, "code": s.individual_code,
                      "class": f"{s.grade} {s.class_name}".strip(), "language": s.language,
                      "login": s.login, "state": self.state_of(s, lang)}
            for column, key in enumerate(self.columns):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                item.setText(values[key])
        self.table.resizeColumnsToContents()
        if keep:
            self.select(keep)
        elif seats and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def show_room(self, model: DeskModel) -> None:
        self.show_seats(model.room.seats(), model.language)

    def state_of(self, info: SeatInfo, lang: str) -> str:
        text = state_text(info.state, lang)
        if info.state is SeatState.ABSENT and info.absence_reason:
            text += f" — {t('absence.' + info.absence_reason, lang)}"
        return text

    def first_field(self) -> QWidget:
        return self.table
