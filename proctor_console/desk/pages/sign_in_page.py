"""Step 1: the representative signs in with their login and PIN."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLineEdit, QWidget

from common.i18n import t
from proctor_console.desk.model import Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.widgets import wrapped




class SignInPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.SIGN_IN, parent)
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_label, self.pin_label = wrapped(), wrapped()
        self.login_label.setBuddy(self.login)
        self.pin_label.setBuddy(self.pin)
        self.server_label = wrapped("", "server")
        grid = QGridLayout()
        grid.addWidget(self.login_label, 0, 0)
        grid.addWidget(self.login, 0, 1)
        grid.addWidget(self.pin_label, 1, 0)
        grid.addWidget(self.pin, 1, 1)
        grid.setColumnStretch(1, 1)
        box = QFrame()
        box.setMaximumWidth(620)
        box.setLayout(grid)
        self.body.addWidget(box)
        self.body.addWidget(self.server_label)
        self.body.addStretch(1)
        self.pin.returnPressed.connect(self.primary.click)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.login_label.setText(t("console.sign_in.login", lang))
        self.pin_label.setText(t("console.sign_in.pin", lang))

    def first_field(self) -> QWidget:
        return self.login
