"""A screen of the representative's day: a heading, an explanation, a body, one primary button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.room_map.model import SeatInfo
from proctor_console.desk.widgets import heading, primary_button, wrapped


def student_line(info: SeatInfo | None, lang: str) -> str:
    if info is None:
        return t("console.no_seat_selected", lang)
    return t("console.student_line", lang, seat=info.seat, full_name=info.full_name,
             code=info.individual_code)


class Page(QWidget):
    """One screen of the day: a heading, an explanation, a body, one primary button."""

    def __init__(self, step: Step, parent: QWidget | None = None, heading_row: bool = False):
        """`heading_row`: the explanation beside the heading, not under it (a screen whose body
        needs every line of a laptop's window)."""
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"page.{step.value}")
        self.title = heading("pageTitle")
        self.explain = wrapped("", "explain")
        self.body = QVBoxLayout()
        self.primary = primary_button()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        if heading_row:
            row = QHBoxLayout()
            row.setSpacing(16)
            row.addWidget(self.title)
            row.addWidget(self.explain, 1)
            outer.addLayout(row)
        else:
            outer.addWidget(self.title)
            outer.addWidget(self.explain)
        outer.addLayout(self.body, 1)
        # the row of the primary button; a part of the desk may put a button at its left end
        self.bottom = QHBoxLayout()
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.primary)
        outer.addLayout(self.bottom)

    def relabel(self, lang: str) -> None:
        self.title.setText(t(f"console.{self.step.value}.title", lang))
        self.explain.setText(t(f"console.{self.step.value}.explain", lang))
        self.primary.setText(t(f"console.{self.step.value}.primary", lang))

    def show_room(self, model: DeskModel) -> None:
        """Show the room as the models hold it now, where this screen shows it (each poll)."""

    def first_field(self) -> QWidget:
        return self.primary
