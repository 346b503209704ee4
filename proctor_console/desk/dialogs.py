"""The desk's dialogs. Each only collects what the proctor types and says it in `values()`;
the desk's prompts (prompts.py) decide what follows (a confirmation, then an intent for the
controller).

Every dialog works by keyboard alone: fields in tab order, Enter for the primary button, Escape to
cancel; texts come from the catalogue and wrap, so longer Kazakh words never cut.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.domain.absence import ABSENCE_REASONS
from common.i18n import t
from proctor_console.desk.widgets import wrapped



class DeskDialog(QDialog):
    """A dialog with a heading, a body the subclass fills, and OK / Cancel buttons."""

    def __init__(self, name: str, title: str, ok_text: str, lang: str, parent: QWidget | None = None,
                 danger: bool = False):
        super().__init__(parent)
        self.setObjectName(name)
        self.lang = lang
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.heading = wrapped(title, "heading", bold=True)
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        self.heading.setFont(font)
        self.body = QVBoxLayout()
        self.error = wrapped("", "dialogError")
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setObjectName("ok")
        self.ok_button.setDefault(True)
        if danger:
            self.ok_button.setStyleSheet("QPushButton { background: #b71c1c; color: white;"
                                         " padding: 6px 14px; font-weight: bold;"
                                         " border: 3px solid #b71c1c; border-radius: 4px; }"
                                         "QPushButton:focus { border-color: #111111; }")
        self.cancel_button = QPushButton(t("console.cancel", lang))
        self.cancel_button.setObjectName("cancel")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self._try_accept)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def check(self) -> str:
        """An error text if the fields are not complete, else ""."""
        return ""

    def _try_accept(self) -> None:
        problem = self.check()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {}


class ConfirmDialog(DeskDialog):
    """What will happen, in plain words, before anything that cannot be undone."""

    def __init__(self, title: str, lines: list[str], ok_text: str, lang: str,
                 parent: QWidget | None = None, danger: bool = True):
        super().__init__("confirmDialog", title, ok_text, lang, parent, danger=danger)
        self.summary = wrapped("\n".join(lines), "summary")
        self.summary.setStyleSheet("QLabel#summary { background: #fff8e1; border: 1px solid #f9a825;"
                                   " padding: 8px; }")
        self.body.addWidget(self.summary)
        # A stray Enter does not void a result: Cancel is the default and has the focus.
        self.ok_button.setDefault(False)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.cancel_button.setFocus()


class AbsenceDialog(DeskDialog):
    def __init__(self, student: str, lang: str, parent: QWidget | None = None):
        super().__init__("absenceDialog", t("console.absence.title", lang),
                         t("console.absence.ok", lang), lang, parent)
        self.body.addWidget(wrapped(student, "student"))
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        for code in ABSENCE_REASONS:
            self.reason.addItem(t(f"absence.{code}", lang), code)
        form = QFormLayout()
        form.addRow(wrapped(t("console.absence.reason", lang)), self.reason)
        self.body.addLayout(form)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.currentData()}


class ConfiscationDialog(DeskDialog):
    """Act 1 (Appendix 1): the items found and who drew the act up."""

    def __init__(self, student: str, representative: str, lang: str, parent: QWidget | None = None):
        super().__init__("act1Dialog", t("console.act1.title", lang), t("console.act1.ok", lang),
                         lang, parent)
        self.body.addWidget(wrapped(student, "student", bold=True))
        self.body.addWidget(wrapped(t("console.act1.items", lang)))
        self.items = QTableWidget(3, 3)
        self.items.setObjectName("items")
        self.items.setHorizontalHeaderLabels([t("act1.items.name", lang), t("act1.items.brand", lang),
                                              t("act1.items.count", lang)])
        self.items.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.add_row = QPushButton(t("console.act1.add_row", lang))
        self.add_row.setObjectName("addRow")
        self.add_row.clicked.connect(lambda: self.items.insertRow(self.items.rowCount()))
        self.body.addWidget(self.items)
        self.body.addWidget(self.add_row)
        self.body.addWidget(wrapped(t("console.act1.drawn_up_by", lang)))
        self.drawn_up_by = QPlainTextEdit(representative)
        self.drawn_up_by.setObjectName("drawnUpBy")
        self.drawn_up_by.setTabChangesFocus(True)
        self.drawn_up_by.setFixedHeight(70)
        self.body.addWidget(self.drawn_up_by)

    def set_item(self, row: int, name: str, brand: str = "", count: int = 1) -> None:
        while self.items.rowCount() <= row:
            self.items.insertRow(self.items.rowCount())
        for column, value in enumerate((name, brand, str(count))):
            self.items.setItem(row, column, QTableWidgetItem(value))

    def _items(self) -> tuple[list[dict[str, Any]], str]:
        found = []
        for row in range(self.items.rowCount()):
            cells = [(self.items.item(row, c).text().strip() if self.items.item(row, c) else "")
                     for c in range(3)]
            if not any(cells):
                continue
            if not cells[0]:
                return [], t("console.act1.need_name", self.lang, row=row + 1)
            try:
                count = int(cells[2] or "1")
            except ValueError:
                count = 0
            if count < 1:
                return [], t("console.act1.need_count", self.lang, row=row + 1)
            found.append({"name": cells[0], "brand": cells[1], "count": count})
        if not found:
            return [], t("console.act1.need_item", self.lang)
        return found, ""

    def check(self) -> str:
        return self._items()[1]

    def values(self) -> dict[str, Any]:
        names = [n.strip() for n in self.drawn_up_by.toPlainText().splitlines() if n.strip()]
        return {"items": self._items()[0], "drawn_up_by": names}


class ImpostorDialog(DeskDialog):
    """Act 2 (Appendix 2): who came in the test-taker's place, at entry or during the test."""

    def __init__(self, student: str, during_test: bool, lang: str, parent: QWidget | None = None):
        super().__init__("act2Dialog", t("console.act2.title", lang), t("console.act2.ok", lang),
                         lang, parent)
        self.body.addWidget(wrapped(student, "student", bold=True))
        self.impostor = QLineEdit()
        self.impostor.setObjectName("impostor")
        self.stage = QComboBox()
        self.stage.setObjectName("stage")
        self.stage.addItem(t("console.act2.at_entry", lang), "at_entry")
        self.stage.addItem(t("console.act2.during_test", lang), "during_test")
        self.stage.setCurrentIndex(1 if during_test else 0)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(wrapped(t("console.act2.impostor", lang)), self.impostor)
        form.addRow(wrapped(t("console.act2.stage", lang)), self.stage)
        self.body.addLayout(form)

    def check(self) -> str:
        return "" if self.impostor.text().strip() else t("console.act2.need_name", self.lang)

    def values(self) -> dict[str, Any]:
        return {"impostor_full_name": self.impostor.text().strip(), "stage": self.stage.currentData()}


class ExtendDialog(DeskDialog):
    def __init__(self, student: str, lang: str, parent: QWidget | None = None):
        super().__init__("extendDialog", t("console.extend.title", lang), t("console.extend.ok", lang),
                         lang, parent)
        self.body.addWidget(wrapped(student, "student", bold=True))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("minutes")
        self.minutes.setRange(1, 60)
        self.minutes.setValue(5)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(t("console.extend.reason_hint", lang))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(wrapped(t("console.extend.minutes", lang)), self.minutes)
        form.addRow(wrapped(t("console.extend.reason", lang)), self.reason)
        self.body.addLayout(form)

    def check(self) -> str:
        return "" if self.reason.text().strip() else t("console.extend.need_reason", self.lang)

    def values(self) -> dict[str, Any]:
        return {"minutes": self.minutes.value(), "reason": self.reason.text().strip()}


class MoveDialog(DeskDialog):
    def __init__(self, student: str, spares: list[str], lang: str, parent: QWidget | None = None):
        super().__init__("moveDialog", t("console.move.title", lang), t("console.move.ok", lang),
                         lang, parent)
        self.body.addWidget(wrapped(student, "student", bold=True))
        self.body.addWidget(wrapped(t("console.move.hint", lang)))
        self.seat = QComboBox()
        self.seat.setObjectName("seat")
        self.seat.setEditable(True)
        self.seat.addItems(spares)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(wrapped(t("console.move.seat", lang)), self.seat)
        form.addRow(wrapped(t("console.move.reason", lang)), self.reason)
        self.body.addLayout(form)

    def check(self) -> str:
        return "" if self.seat.currentText().strip() else t("console.move.need_seat", self.lang)

    def values(self) -> dict[str, Any]:
        return {"seat": self.seat.currentText().strip(), "reason": self.reason.text().strip()}


class NoteDialog(DeskDialog):
    def __init__(self, student: str | None, lang: str, parent: QWidget | None = None):
        super().__init__("noteDialog", t("console.note.title", lang), t("console.note.ok", lang),
                         lang, parent)
        if student:
            self.body.addWidget(wrapped(student, "student", bold=True))
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setTabChangesFocus(True)
        self.body.addWidget(self.text)

    def check(self) -> str:
        return "" if self.text.toPlainText().strip() else t("console.note.need_text", self.lang)

    def values(self) -> dict[str, Any]:
        return {"text": self.text.toPlainText().strip()}


class HeadVisitDialog(DeskDialog):
    """§22: the head of the organisation comes in or goes out, and signs in with their own PIN."""

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__("headDialog", t("console.head.title", lang), t("console.head.ok", lang),
                         lang, parent)
        self.body.addWidget(wrapped(t("console.head.hint", lang)))
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.direction = QComboBox()
        self.direction.setObjectName("direction")
        self.direction.addItem(t("console.head.entered", lang), "entered")
        self.direction.addItem(t("console.head.left", lang), "left")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(wrapped(t("console.head.login", lang)), self.login)
        form.addRow(wrapped(t("console.head.pin", lang)), self.pin)
        form.addRow(wrapped(t("console.head.direction", lang)), self.direction)
        self.body.addLayout(form)

    def check(self) -> str:
        return "" if self.login.text().strip() and self.pin.text() else t("console.head.need", self.lang)

    def values(self) -> dict[str, Any]:
        return {"login": self.login.text().strip(), "pin": self.pin.text(),
                "direction": self.direction.currentData()}


class HeadRegisterDialog(DeskDialog):
    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__("headRegisterDialog", t("console.head.register_title", lang),
                         t("console.head.register_ok", lang), lang, parent)
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(wrapped(t("console.head.full_name", lang)), self.full_name)
        form.addRow(wrapped(t("console.head.login", lang)), self.login)
        form.addRow(wrapped(t("console.head.pin", lang)), self.pin)
        self.body.addLayout(form)

    def check(self) -> str:
        ok = self.login.text().strip() and self.full_name.text().strip() and len(self.pin.text()) >= 4
        return "" if ok else t("console.head.need_all", self.lang)

    def values(self) -> dict[str, Any]:
        return {"login": self.login.text().strip(), "full_name": self.full_name.text().strip(),
                "pin": self.pin.text()}
