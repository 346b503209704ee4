"""Login and password (§19); the same screen, with its own words, locks an interrupted sitting."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit

from common.i18n import t
from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import WARN_GLYPH, button, hbox, label


class LoginView(ScreenView):
    """The login form. After a crash (`Phase.LOCKED`) it explains that the answers are safe.

    Signals:
        login_requested(str, str): login and password, as typed.
        back_requested: back to the language choice (not offered on the lock screen).
    """

    login_requested = Signal(str, str)
    back_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "loginView")
        column = self.centred_column(720)
        self.title = label("title", "title")
        self.explain = label("explain", "prompt")
        self.workstation_label = label("workstation", "muted")
        self.login_caption = label("loginCaption", "heading")
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setMaxLength(64)
        self.login_caption.setBuddy(self.login_edit)
        self.password_caption = label("passwordCaption", "heading")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(128)
        self.password_caption.setBuddy(self.password_edit)
        for edit in (self.login_edit, self.password_edit):
            edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.error_label = label("loginError", "error")
        self.error_label.hide()
        self.back_button = button("backToLanguage")
        self.login_button = button("loginButton", "primary")
        buttons = hbox(spacing=12)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addWidget(self.workstation_label)
        column.addWidget(self.login_caption)
        column.addWidget(self.login_edit)
        column.addWidget(self.password_caption)
        column.addWidget(self.password_edit)
        column.addWidget(self.error_label)
        column.addLayout(buttons)
        column.addStretch(1)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self._submit)
        self.login_button.clicked.connect(self._submit)
        self.back_button.clicked.connect(self.back_requested)
        model.login_changed.connect(self.relabel)
        model.phase_changed.connect(lambda _: self.relabel())
        self.relabel()

    def _submit(self) -> None:
        if self.model.login_busy:
            return  # a second Enter or a double click while the first is on its way
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login:
            self.login_edit.setFocus()
            return
        if not password:
            self.password_edit.setFocus()
            return
        self.login_requested.emit(login, password)

    def clear_password(self) -> None:
        self.password_edit.clear()

    def relabel(self) -> None:
        model = self.model
        lang = model.language
        locked = model.phase is Phase.LOCKED or model.interrupted
        self.title.setText(t("kiosk.lock.title" if locked else "kiosk.login.title", lang))
        self.explain.setText(t("kiosk.lock.explain" if locked else "kiosk.login.explain", lang))
        self.workstation_label.setText(t("kiosk.connect.workstation", lang,
                                         workstation=model.workstation_id))
        self.login_caption.setText(t("kiosk.login.login", lang))
        self.password_caption.setText(t("kiosk.login.password", lang))
        self.login_edit.setAccessibleName(t("kiosk.login.login", lang))
        self.password_edit.setAccessibleName(t("kiosk.login.password", lang))
        self.back_button.setText("← " + t("kiosk.login.back", lang))
        self.back_button.setVisible(not locked)
        busy = model.login_busy
        self.login_button.setText(t("kiosk.login.busy" if busy else "kiosk.login.submit", lang))
        self.login_button.setEnabled(not busy)
        self.login_edit.setEnabled(not busy)
        self.password_edit.setEnabled(not busy)
        error = model.login_error
        self.error_label.setVisible(error is not None)
        if error is not None:
            self.error_label.setText(f"{WARN_GLYPH} {t(error, lang)}")

    def focus_first(self) -> None:
        target = self.password_edit if self.login_edit.text() else self.login_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)
