"""Step 5: admission: each student present (admitted), absent with a reason, or an outside person
at the entry (act 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.model import Step
from proctor_console.desk.pages.page import student_line
from proctor_console.desk.pages.seat_table import SeatTablePage
from proctor_console.desk.room_map.model import SeatInfo, SeatState
from proctor_console.desk.widgets import button, wrapped




class AdmissionPage(SeatTablePage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.ADMISSION, parent)
        self.student = wrapped("", "student", bold=True)
        self.absent_button = button("absent")
        self.impostor_button = button("impostorAtEntry")
        actions = QHBoxLayout()
        actions.addWidget(self.absent_button)
        actions.addWidget(self.impostor_button)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.student)
        self.body.addLayout(actions)
        self.table.itemSelectionChanged.connect(self._selection)
        self._lang = "kk"
        self._seats: list[SeatInfo] = []

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self._lang = lang
        self.absent_button.setText(t("console.admission.absent", lang))
        self.impostor_button.setText(t("console.admission.impostor", lang))
        self._selection()

    def show_seats(self, seats: list[SeatInfo], lang: str) -> None:
        self._seats = seats
        super().show_seats(seats, lang)
        self._selection()

    def select_next(self) -> None:
        """On to the next student in the queue."""
        if self.table.currentRow() + 1 < self.table.rowCount():
            self.table.selectRow(self.table.currentRow() + 1)

    def _selection(self) -> None:
        code = self.selected_code()
        info = next((s for s in self._seats if s.individual_code == code), None)
        self.student.setText(student_line(info, self._lang))
        can = info is not None and info.state in (SeatState.EXPECTED, SeatState.PRESENT,
                                                  SeatState.ABSENT)
        for b in (self.primary, self.absent_button, self.impostor_button):
            b.setEnabled(can)
