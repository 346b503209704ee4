"""Step 6: the start: the morning's start code opens the package; admitted students may log in."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.widgets import wrapped




class StartPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.START, parent)
        self.summary = wrapped("", "startSummary")
        self.code = QLineEdit()
        self.code.setObjectName("startCode")
        self.code_label = wrapped()
        self.code_label.setBuddy(self.code)
        row = QHBoxLayout()
        row.addWidget(self.code_label)
        row.addWidget(self.code, 1)
        self.body.addWidget(self.summary)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.code.returnPressed.connect(self.primary.click)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.code_label.setText(t("console.start.code", lang))

    def show_room(self, model: DeskModel) -> None:
        c = model.room.counts()
        self.summary.setText(t("console.start.summary", model.language, present=c.present,
                               absent=c.absent, not_admitted=c.not_admitted, expected=c.expected,
                               total=c.total))
        is_open = bool(model.room.header().get("open"))
        self.primary.setEnabled(not is_open)
        self.code.setEnabled(not is_open)

    def first_field(self) -> QWidget:
        return self.code
