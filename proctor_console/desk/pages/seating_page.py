"""Step 3: the seating sheet, the students' slips (with their one-time passwords), moving a
student to another seat, and a new password for a lost slip."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.seat_table import SeatTablePage
from proctor_console.desk.widgets import button, wrapped




class SeatingPage(SeatTablePage):
    columns = ("seat", "full_name", "code", "class", "language", "login")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.SEATING, parent)
        self.passwords_label = wrapped("", "passwords")
        self.seating_button = button("saveSeating")
        self.move_button = button("moveSeat")
        self.reissue_button = button("reissue")
        actions = QHBoxLayout()
        for b in (self.seating_button, self.move_button, self.reissue_button):
            actions.addWidget(b)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.passwords_label)
        self.body.addLayout(actions)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.seating_button.setText(t("console.seating.save_sheet", lang))
        self.move_button.setText(t("console.seating.move", lang))
        self.reissue_button.setText(t("console.seating.reissue", lang))

    def show_credentials(self, model: DeskModel) -> None:
        n = len(model.credentials)
        self.passwords_label.setText(t("console.seating.passwords", model.language, count=n)
                                     if n else t("console.seating.no_passwords", model.language))
        self.primary.setEnabled(n > 0)
