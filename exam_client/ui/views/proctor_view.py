"""The representative's panel to close the kiosk: it asks for the proctor's code.

Opened with Ctrl+Alt+Shift+Q, inside the window (nothing pops up over the test); a wrong code
says so and nothing else happens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import WARN_GLYPH, button, hbox, label


class ProctorView(ScreenView):
    """Signals:
        code_entered(str): the code typed by the representative.
        back_requested: back to where the student was.
    """

    code_entered = Signal(str)
    back_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "proctorView")
        column = self.centred_column(720)
        self.title = label("title", "title")
        self.explain = label("explain", "prompt")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("proctorCode")
        self.code_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.code_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.error_label = label("proctorError", "error")
        self.error_label.hide()
        self.back_button = button("proctorBack")
        self.ok_button = button("proctorOk", "primary")
        row = hbox(spacing=12)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addWidget(self.code_edit)
        column.addWidget(self.error_label)
        column.addLayout(row)
        column.addStretch(1)
        self.code_edit.returnPressed.connect(self._ok)
        self.ok_button.clicked.connect(self._ok)
        self.back_button.clicked.connect(self.back_requested)
        self.relabel()

    def _ok(self) -> None:
        code = self.code_edit.text()
        self.code_edit.clear()
        if code:
            self.code_entered.emit(code)

    def show_error(self, key: str | None) -> None:
        self.error_label.setVisible(key is not None)
        if key is not None:
            self.error_label.setText(f"{WARN_GLYPH} {t(key, self.model.language)}")

    def relabel(self) -> None:
        lang = self.model.language
        self.title.setText(t("kiosk.proctor.title", lang))
        self.explain.setText(t("kiosk.proctor.explain", lang))
        self.code_edit.setAccessibleName(t("kiosk.proctor.code", lang))
        self.code_edit.setPlaceholderText(t("kiosk.proctor.code", lang))
        self.back_button.setText("← " + t("kiosk.proctor.back", lang))
        self.ok_button.setText(t("kiosk.proctor.ok", lang))

    def focus_first(self) -> None:
        self.show_error(None)
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
