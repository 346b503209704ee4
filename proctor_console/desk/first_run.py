"""The desk's first run: a room folder never set up asks for the centre's kit and the PIN the
representative chooses (twice), sets the room up from the kit (proctor_console/room/kit.py), and
the day opens. Three steps: choose the kit, choose the PIN, done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget)

from common.i18n import t
from common.room_kit import KitInvalid
from proctor_console.room.errors import RoomError
from proctor_console.room.kit import set_up_from_kit


def init_from_kit(folder: Path, kit: Path, pin: str, password_params: Any = None) -> dict[str, Any]:
    """The same set-up without a window (`desk --kit KIT`, the PIN from $CBT_PROCTOR_PIN)."""
    return set_up_from_kit(folder, kit, pin, password_params)


class FirstRunDialog(QDialog):
    def __init__(self, folder: Path, lang: str, password_params: Any = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.folder, self.lang, self.params = Path(folder), lang, password_params
        self.result_info: dict[str, Any] | None = None
        self.setWindowTitle(t("desk.first_run.title", lang))
        self.kit_edit = QLineEdit()
        self.kit_edit.setAccessibleName(t("desk.first_run.kit", lang))
        browse = QPushButton(t("desk.first_run.browse", lang))
        browse.clicked.connect(self._browse)
        self.pin_edit, self.pin_again = QLineEdit(), QLineEdit()
        for edit in (self.pin_edit, self.pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        row = QHBoxLayout()
        row.addWidget(self.kit_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(t("desk.first_run.kit", lang), row)
        form.addRow(t("desk.first_run.pin", lang), self.pin_edit)
        form.addRow(t("desk.first_run.pin_again", lang), self.pin_again)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("desk.first_run.set_up", lang))
        self.buttons.accepted.connect(self.set_up)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(t("desk.first_run.intro", lang, folder=str(self.folder)))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        for part in (intro, form, self.error, self.buttons):
            (layout.addLayout if isinstance(part, QFormLayout) else layout.addWidget)(part)
        self.resize(640, 260)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, t("desk.first_run.kit", self.lang))
        if chosen:
            self.kit_edit.setText(chosen)

    def set_up(self) -> None:
        kit = Path(self.kit_edit.text().strip())
        if not self.kit_edit.text().strip():
            return self.error.setText(t("desk.first_run.no_kit", self.lang))
        if self.pin_edit.text() != self.pin_again.text():
            return self.error.setText(t("desk.first_run.pins_differ", self.lang))
        try:
            self.result_info = set_up_from_kit(self.folder, kit, self.pin_edit.text(), self.params)
        except (KitInvalid, RoomError, OSError) as exc:
            return self.error.setText(t("desk.first_run.failed", self.lang, reason=str(exc)))
        self.accept()


def ask_for_kit(folder: Path, lang: str, password_params: Any = None) -> bool:
    """Show the first-run dialog; True once the room was set up from a kit."""
    app = QApplication.instance() or QApplication([])  # noqa: F841 - the dialog needs one
    dialog = FirstRunDialog(folder, lang, password_params)
    return dialog.exec() == QDialog.DialogCode.Accepted
