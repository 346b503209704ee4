"""The representative's desk: one window, the day's screens in order, one primary action each.

A view only: it lays out widgets, shows what `DeskModel` and `RoomModel` hold, opens dialogs to
collect what the proctor types, and emits intents (signals) that `wire()` connects to the
controller. Acts and voids go through a confirmation that says, in plain words, what will happen.

Keyboard: Tab moves between fields, Enter presses the screen's primary button, Ctrl+PgDown /
Ctrl+PgUp (or Alt+1…8) move between the day's screens, arrows move on the seating map.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.documents.pdf import local_time
from common.i18n import LANGUAGES, t
from proctor_console.desk.controller import field_name, roster_message
from proctor_console.desk.dialogs import (
    AbsenceDialog,
    ConfirmDialog,
    ConfiscationDialog,
    DeskDialog,
    ExtendDialog,
    HeadRegisterDialog,
    HeadVisitDialog,
    ImpostorDialog,
    MoveDialog,
    NoteDialog,
    make_table,
    wrapped,
)
from proctor_console.desk.model import STEPS, DeskModel, Step
from proctor_console.desk.room_map.model import SeatInfo, SeatState
from proctor_console.desk.room_map.map_view import FONT_POINT_SIZE, RoomView, load_fonts, state_text
from common.qt_refcount import protect_singletons

protect_singletons()  # PySide6 6.12 on CPython 3.11 under-counts None (common/qt_refcount.py)

# Borders keep their width when focused (only the colour changes), so a focused button's text is
# never squeezed; the focus is a black frame on every button.
PRIMARY_STYLE = ("QPushButton { padding: 5px 12px; border: 2px solid #90a4ae; border-radius: 4px;"
                 " background: #fafafa; min-height: 22px; }"
                 "QPushButton:hover { background: #eceff1; }"
                 "QPushButton:focus { border-color: #111111; }"
                 "QPushButton:disabled { color: #90a4ae; border-color: #cfd8dc; }"
                 "QPushButton#primary { background: #0d47a1; color: white; font-weight: bold;"
                 " padding: 6px 18px; border: 3px solid #0d47a1; }"
                 "QPushButton#primary:focus { border-color: #111111; }"
                 "QPushButton#primary:disabled { background: #90a4ae; border-color: #90a4ae; }"
                 "QPushButton#act1, QPushButton#act2 { color: #b71c1c; font-weight: bold; }"
                 "QPushButton#act1:disabled, QPushButton#act2:disabled { color: #e0a0a0; }")
MESSAGE_COLOURS = {"info": ("#263238", "#eceff1"), "done": ("#1b5e20", "#e8f5e9"),
                   "error": ("#b71c1c", "#ffebee")}


class FileChooser:
    """Where files come from and go to; a test or a script puts its own in place."""

    def __init__(self, parent: QWidget, start_dir: Path):
        self.parent = parent
        self.start_dir = start_dir

    def open_file(self, caption: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, caption, str(self.start_dir), filters)
        return Path(path) if path else None

    def save_file(self, caption: str, suggested: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, caption,
                                              str(self.start_dir / suggested), filters)
        return Path(path) if path else None


def primary_button(name: str = "primary") -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setDefault(True)
    button.setAutoDefault(True)
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return button


def button(name: str) -> QPushButton:
    b = QPushButton()
    b.setObjectName(name)
    b.setAutoDefault(True)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return b


def heading(name: str) -> QLabel:
    label = wrapped("", name, bold=True)
    font = label.font()
    font.setPointSize(FONT_POINT_SIZE + 5)
    label.setFont(font)
    return label


def student_line(info: SeatInfo | None, lang: str) -> str:
    if info is None:
        return t("console.no_seat_selected", lang)
    return t("console.student_line", lang, seat=info.seat, full_name=info.full_name,
             code=info.individual_code)


class Page(QWidget):
    """One screen of the day: a heading, an explanation, a body, one primary button."""

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"page.{step.value}")
        self.title = heading("pageTitle")
        self.explain = wrapped("", "explain")
        self.body = QVBoxLayout()
        self.primary = primary_button()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.addWidget(self.title)
        outer.addWidget(self.explain)
        outer.addLayout(self.body, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.primary)
        outer.addLayout(bottom)

    def relabel(self, lang: str) -> None:
        self.title.setText(t(f"console.{self.step.value}.title", lang))
        self.explain.setText(t(f"console.{self.step.value}.explain", lang))
        self.primary.setText(t(f"console.{self.step.value}.primary", lang))

    def first_field(self) -> QWidget:
        return self.primary


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


class ImportPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.IMPORT, parent)
        self.package_label = wrapped("", "packageState")
        self.package_button = button("choosePackage")
        self.roster_hint = wrapped("", "rosterHint")
        self.problems_label = wrapped("", "problemsLabel", bold=True)
        self.problems = make_table(["", "", ""], "problems")
        self.problems.setMinimumHeight(180)
        self.body.addWidget(self.package_label)
        self.body.addWidget(self.package_button)
        self.body.addSpacing(10)
        self.body.addWidget(self.roster_hint)
        self.body.addWidget(self.problems_label)
        self.body.addWidget(self.problems, 1)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.package_button.setText(t("console.import.package_button", lang))
        self.roster_hint.setText(t("console.import.roster_hint", lang))
        self.problems.setHorizontalHeaderLabels([t("console.import.col.row", lang),
                                                 t("console.import.col.field", lang),
                                                 t("console.import.col.message", lang)])

    def show_state(self, model: DeskModel) -> None:
        lang = model.language
        package = model.package
        self.package_label.setText(
            t("console.import.package_ok", lang, package_id=package["package_id"]) if package
            else t("console.import.package_none", lang))
        problems = model.roster_problems
        self.problems_label.setText(t("console.import.problems", lang, count=len(problems))
                                    if problems else "")
        self.problems.setVisible(bool(problems))
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            cells = (str(p.get("row", p.get("line", ""))), field_name(p.get("field", ""), lang),
                     roster_message(p.get("message", ""), lang))
            for column, text in enumerate(cells):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.problems.resizeRowsToContents()


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

    def state_of(self, info: SeatInfo, lang: str) -> str:
        text = state_text(info.state, lang)
        if info.state is SeatState.ABSENT and info.absence_reason:
            text += f" — {t('absence.' + info.absence_reason, lang)}"
        return text

    def first_field(self) -> QWidget:
        return self.table


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


class ReadinessPage(Page):
    def __init__(self, model: DeskModel, parent: QWidget | None = None):
        super().__init__(Step.READINESS, parent)
        self.map = RoomView(model.room, model.language)
        self.map.setObjectName("readinessMap")
        self.map.set_mode("readiness")
        self.map.set_embedded(True)
        self.summary = wrapped("", "readySummary", bold=True)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.map, 1)

    def show_state(self, model: DeskModel) -> None:
        counts = model.room.readiness_counts()
        self.summary.setText(t("console.readiness.summary", model.language, ready=counts["ready"],
                               total=counts["total"]))

    def first_field(self) -> QWidget:
        tiles = self.map.tiles()
        return tiles[0] if tiles else self.primary


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

    def _selection(self) -> None:
        code = self.selected_code()
        info = next((s for s in self._seats if s.individual_code == code), None)
        self.student.setText(student_line(info, self._lang))
        can = info is not None and info.state in (SeatState.EXPECTED, SeatState.PRESENT,
                                                  SeatState.ABSENT)
        for b in (self.primary, self.absent_button, self.impostor_button):
            b.setEnabled(can)


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

    def show_state(self, model: DeskModel) -> None:
        c = model.room.counts()
        self.summary.setText(t("console.start.summary", model.language, present=c.present,
                               absent=c.absent, not_admitted=c.not_admitted, expected=c.expected,
                               total=c.total))
        is_open = bool(model.room.header().get("open"))
        self.primary.setEnabled(not is_open)
        self.code.setEnabled(not is_open)

    def first_field(self) -> QWidget:
        return self.code


class TestPage(Page):
    """During the test: the room's map, and the actions for the seat chosen on it."""

    def __init__(self, model: DeskModel, parent: QWidget | None = None):
        super().__init__(Step.TEST, parent)
        self.map = RoomView(model.room, model.language)
        self.map.setObjectName("testMap")
        self.map.set_embedded(True)
        self.student = wrapped("", "student", bold=True)
        self.leave_button = button("leave")
        self.extend_button = button("extend")
        self.move_button = button("move")
        self.reissue_button = button("reissue")
        self.unlock_button = button("unlock")
        self.act1_button = button("act1")
        self.act2_button = button("act2")
        self.note_button = button("note")
        self.head_button = button("head")
        self.head_register_button = button("headRegister")
        self.seat_title, self.room_title, self.log_title = (wrapped("", n, bold=True) for n in
                                                            ("seatActions", "roomActions", "logTitle"))
        self.log = QListWidget()
        self.log.setObjectName("incidents")
        self.log.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.seat_title)
        side.addWidget(self.student)
        for b in (self.leave_button, self.extend_button, self.move_button, self.reissue_button,
                  self.unlock_button, self.act1_button, self.act2_button):
            side.addWidget(b)
        side.addSpacing(8)
        side.addWidget(self.room_title)
        for b in (self.note_button, self.head_button, self.head_register_button):
            side.addWidget(b)
        side.addSpacing(8)
        side.addWidget(self.log_title)
        side.addWidget(self.log, 1)
        panel = QWidget()
        panel.setObjectName("actions")
        panel.setLayout(side)
        panel.setFixedWidth(250)
        side.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.map, 1)
        row.addWidget(panel)
        self.body.addLayout(row, 1)
        self._info: SeatInfo | None = None

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        for name in ("extend", "move", "reissue", "unlock", "act1", "act2", "note", "head",
                     "head_register"):
            getattr(self, f"{name}_button").setText(t(f"console.test.{name}", lang))
        self.seat_title.setText(t("console.test.seat_actions", lang))
        self.room_title.setText(t("console.test.room_actions", lang))
        self.log_title.setText(t("console.test.log", lang))
        self.show_seat(self._info, lang)

    def show_seat(self, info: SeatInfo | None, lang: str) -> None:
        self._info = info
        self.student.setText(student_line(info, lang))
        sitting = info is not None and info.state is SeatState.SITTING
        self.leave_button.setText(t("console.test.return" if info and info.away else "console.test.leave",
                                    lang))
        for b in (self.leave_button, self.extend_button, self.act1_button):
            b.setEnabled(sitting)
        self.move_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))
        self.reissue_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))
        self.unlock_button.setEnabled(info is not None and (info.locked_out or info.workstation_locked_out))
        self.act2_button.setEnabled(info is not None and info.state in (
            SeatState.SITTING, SeatState.PRESENT, SeatState.EXPECTED))

    def show_log(self, incidents: list[dict[str, Any]], lang: str) -> None:
        self.log.clear()
        for incident in reversed(incidents):
            time = local_time(dt.datetime.fromisoformat(incident["at"])).strftime("%H:%M")
            who = incident.get("individual_code") or incident["details"].get("full_name", "")
            text = t(f"console.incident.{incident['kind']}", lang)
            self.log.addItem(QListWidgetItem(f"{time}  {text}  {who}".strip()))

    def first_field(self) -> QWidget:
        tiles = self.map.tiles()
        return tiles[0] if tiles else self.primary


class EndPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.END, parent)
        self.summary = wrapped("", "endSummary")
        self.bundle_label = wrapped("", "bundleState")
        self.usb_button = button("saveBundle")
        self.centre_url = QLineEdit()
        self.centre_url.setObjectName("centreUrl")
        self.upload_button = button("upload")
        self.csv_button = button("exportCsv")
        self.xlsx_button = button("exportXlsx")
        self.audit_button = button("verifyAudit")
        self.audit_label = wrapped("", "auditState")
        self.acts_label = wrapped("", "actsTitle", bold=True)
        self.acts = QComboBox()
        self.acts.setObjectName("acts")
        self.act_kk_button = button("actKk")
        self.act_ru_button = button("actRu")
        self.body.addWidget(self.summary)
        self.body.addWidget(self.bundle_label)
        row = QHBoxLayout()
        row.addWidget(self.usb_button)
        row.addWidget(self.centre_url, 1)
        row.addWidget(self.upload_button)
        self.body.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.csv_button)
        row.addWidget(self.xlsx_button)
        self.body.addLayout(row)
        self.body.addWidget(self.acts_label)
        row = QHBoxLayout()
        row.addWidget(self.acts, 1)
        row.addWidget(self.act_kk_button)
        row.addWidget(self.act_ru_button)
        self.body.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.audit_button)
        row.addWidget(self.audit_label, 1)
        self.body.addLayout(row)
        self.body.addStretch(1)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.usb_button.setText(t("console.end.usb", lang))
        self.upload_button.setText(t("console.end.upload", lang))
        self.centre_url.setPlaceholderText(t("console.end.centre_url", lang))
        self.csv_button.setText(t("console.end.csv", lang))
        self.xlsx_button.setText(t("console.end.xlsx", lang))
        self.audit_button.setText(t("console.end.audit", lang))
        self.acts_label.setText(t("console.end.acts", lang))
        self.act_kk_button.setText(t("console.end.act_kk", lang))
        self.act_ru_button.setText(t("console.end.act_ru", lang))

    def show_state(self, model: DeskModel) -> None:
        lang = model.language
        c = model.room.counts()
        self.summary.setText(t("console.end.summary", lang, total=c.total, submitted=c.submitted,
                               sitting=c.sitting, voided=c.voided, absent=c.absent,
                               not_admitted=c.not_admitted))
        bundle = model.bundle
        self.bundle_label.setText(t("console.end.bundle", lang, sequence=bundle["sequence"],
                                    sha256=bundle["sha256"][:16]) if bundle
                                  else t("console.end.no_bundle", lang))
        for b in (self.usb_button, self.upload_button):
            b.setEnabled(bundle is not None)
        audit = model.audit
        if audit is None:
            self.audit_label.setText("")
        elif audit.get("ok"):
            self.audit_label.setText(t("console.end.audit_ok", lang, entries=audit["entries"]))
        else:
            self.audit_label.setText(t("console.end.audit_broken", lang, entry=audit["broken_entry"]))
        view = model.room.view() or {}
        if not self.centre_url.text() and view.get("centre_url"):
            self.centre_url.setText(view["centre_url"])
        current = self.acts.currentData()
        self.acts.clear()
        for act in view.get("acts", []):
            kind = t(f"console.act.kind.{act['kind']}", lang)
            self.acts.addItem(f"{act['number']} — {kind} — {act.get('individual_code') or ''}",
                              act["number"])
        if current is not None and self.acts.findData(current) >= 0:
            self.acts.setCurrentIndex(self.acts.findData(current))
        has_acts = self.acts.count() > 0
        self.act_kk_button.setEnabled(has_acts)
        self.act_ru_button.setEnabled(has_acts)


class DeskWindow(QMainWindow):
    """The whole desk. Its signals are the proctor's intents; `wire()` hands them to a controller.

    Signals:
        step_requested(str), language_requested(str)
        sign_in(str, str): login, PIN
        package_chosen(object), roster_chosen(object): a Path
        seating_requested(object), slips_requested(object): where to save (a Path)
        mark_requested(str, str, object): individual code, status, reason or None
        start_requested(str): the start code
        leave_requested(str), return_requested(str), unlock_requested(str), reissue_requested(str)
        extend_requested(str, int, str), move_requested(str, str, str)
        note_requested(str, object): text, individual code or None
        head_visit_requested(str, str, str), head_register_requested(str, str, str)
        act1_requested(str, object, object): code, items, drawn up by
        act2_requested(str, str, str): code, the outside person's full name, stage
        seal_requested, bundle_save_requested(object), upload_requested(str)
        export_requested(str, object): csv|xlsx, path
        act_pdf_requested(str, str, object): number, language, path
        audit_requested
    """

    step_requested = Signal(str)
    language_requested = Signal(str)
    sign_in = Signal(str, str)
    package_chosen = Signal(object)
    roster_chosen = Signal(object)
    seating_requested = Signal(object)
    slips_requested = Signal(object)
    mark_requested = Signal(str, str, object)
    start_requested = Signal(str)
    leave_requested = Signal(str)
    return_requested = Signal(str)
    unlock_requested = Signal(str)
    reissue_requested = Signal(str)
    extend_requested = Signal(str, int, str)
    move_requested = Signal(str, str, str)
    note_requested = Signal(str, object)
    head_visit_requested = Signal(str, str, str)
    head_register_requested = Signal(str, str, str)
    act1_requested = Signal(str, object, object)
    act2_requested = Signal(str, str, str)
    seal_requested = Signal()
    bundle_save_requested = Signal(object)
    upload_requested = Signal(str)
    export_requested = Signal(str, object)
    act_pdf_requested = Signal(str, str, object)
    audit_requested = Signal()

    def __init__(self, model: DeskModel, out_dir: Path | None = None, server: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("desk")
        self.setFont(QFont(load_fonts(), FONT_POINT_SIZE))
        self.setStyleSheet(PRIMARY_STYLE)
        self.chooser = FileChooser(self, Path(out_dir) if out_dir else Path.cwd())
        self.server = server
        self.current_dialog: DeskDialog | None = None
        self._build()
        self._connect()
        self._relabel()
        self._show_step()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("deskTitle")
        self.who = wrapped("", "who")
        self.room_line = wrapped("", "roomLine")
        self.language_label = wrapped("", "languageLabel")
        self.language = QComboBox()
        self.language.setObjectName("language")
        for lang in LANGUAGES:
            self.language.addItem(t(f"language.{lang}", lang), lang)
        self.language.setCurrentIndex(LANGUAGES.index(self.model.language))
        self.language_label.setBuddy(self.language)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.language_label)
        top.addWidget(self.language)
        second = QHBoxLayout()
        second.addWidget(self.room_line, 1)
        second.addWidget(self.who)

        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setFixedWidth(170)
        self.steps.setWordWrap(True)
        self.steps.setSpacing(2)
        for _ in STEPS:
            self.steps.addItem(QListWidgetItem())

        self.pages = QStackedWidget()
        self.sign_in_page = SignInPage()
        self.import_page = ImportPage()
        self.seating_page = SeatingPage()
        self.readiness_page = ReadinessPage(self.model)
        self.admission_page = AdmissionPage()
        self.start_page = StartPage()
        self.test_page = TestPage(self.model)
        self.end_page = EndPage()
        self.page_list: list[Page] = [self.sign_in_page, self.import_page, self.seating_page,
                                      self.readiness_page, self.admission_page, self.start_page,
                                      self.test_page, self.end_page]
        for page in self.page_list:
            self.pages.addWidget(page)

        self.message = wrapped("", "message")
        self.message.setContentsMargins(10, 4, 10, 4)
        self.busy = wrapped("", "busy")

        middle = QHBoxLayout()
        middle.addWidget(self.steps)
        middle.addWidget(self.pages, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.busy)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 6, 10, 6)
        outer.addLayout(top)
        outer.addLayout(second)
        outer.addLayout(middle, 1)
        outer.addLayout(bottom)
        self.setCentralWidget(central)

        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            QShortcut(QKeySequence(keys), self, activated=lambda s=step: self._step_by(s))
        for index, step in enumerate(STEPS, 1):
            QShortcut(QKeySequence(f"Alt+{index}"), self,
                      activated=lambda st=step: self.step_requested.emit(st.value))

    def _connect(self) -> None:
        m = self.model
        m.language_changed.connect(lambda _: self._relabel())
        m.step_changed.connect(lambda _: self._show_step())
        m.signed_in_changed.connect(self._show_header)
        m.busy_changed.connect(self._show_busy)
        m.message_changed.connect(self._show_message)
        m.changed.connect(self._show_part)
        m.room.changed.connect(self._show_room)
        self.language.currentIndexChanged.connect(
            lambda i: self.language_requested.emit(self.language.itemData(i)))
        self.steps.currentRowChanged.connect(self._step_clicked)

        p = self.sign_in_page
        p.primary.clicked.connect(lambda: self.sign_in.emit(p.login.text(), p.pin.text()))
        self.import_page.package_button.clicked.connect(self._choose_package)
        self.import_page.primary.clicked.connect(self._choose_roster)
        s = self.seating_page
        s.primary.clicked.connect(self._save_slips)
        s.seating_button.clicked.connect(self._save_seating)
        s.move_button.clicked.connect(lambda: self.open_move(s.selected_code()))
        s.reissue_button.clicked.connect(lambda: self._reissue(s.selected_code()))
        self.readiness_page.primary.clicked.connect(
            lambda: self.step_requested.emit(Step.ADMISSION.value))
        a = self.admission_page
        a.primary.clicked.connect(self._admit)
        a.absent_button.clicked.connect(lambda: self.open_absence(a.selected_code()))
        a.impostor_button.clicked.connect(lambda: self.open_act2(a.selected_code()))
        self.start_page.primary.clicked.connect(self._start)
        tp = self.test_page
        tp.map.seat_selected.connect(self._seat_chosen)
        tp.map.seat_activated.connect(self._seat_chosen)
        tp.leave_button.clicked.connect(self._leave_or_return)
        tp.extend_button.clicked.connect(lambda: self.open_extend(self._test_code()))
        tp.move_button.clicked.connect(lambda: self.open_move(self._test_code()))
        tp.reissue_button.clicked.connect(lambda: self._reissue(self._test_code()))
        tp.unlock_button.clicked.connect(lambda: self.unlock_requested.emit(self._test_code()))
        tp.act1_button.clicked.connect(lambda: self.open_act1(self._test_code()))
        tp.act2_button.clicked.connect(lambda: self.open_act2(self._test_code()))
        tp.note_button.clicked.connect(lambda: self.open_note(self._test_code() or None))
        tp.head_button.clicked.connect(self.open_head_visit)
        tp.head_register_button.clicked.connect(self.open_head_register)
        tp.primary.clicked.connect(lambda: self.step_requested.emit(Step.END.value))
        e = self.end_page
        e.primary.clicked.connect(self._seal)
        e.usb_button.clicked.connect(self._save_bundle)
        e.upload_button.clicked.connect(lambda: self.upload_requested.emit(e.centre_url.text().strip()))
        e.csv_button.clicked.connect(lambda: self._export("csv"))
        e.xlsx_button.clicked.connect(lambda: self._export("xlsx"))
        e.audit_button.clicked.connect(self.audit_requested)
        e.act_kk_button.clicked.connect(lambda: self._save_act("kk"))
        e.act_ru_button.clicked.connect(lambda: self._save_act("ru"))

    # --- showing the models -------------------------------------------------------------------

    def _t(self, key: str, **params: Any) -> str:
        return t(key, self.model.language, **params)

    def _relabel(self) -> None:
        lang = self.model.language
        if self.language.currentIndex() != LANGUAGES.index(lang):
            self.language.setCurrentIndex(LANGUAGES.index(lang))
        self.setWindowTitle(self._t("console.title"))
        self.title.setText(self._t("console.title"))
        self.language_label.setText(self._t("room_view.language"))
        for index, step in enumerate(STEPS):
            self.steps.item(index).setText(f"{index + 1}. {self._t(f'console.step.{step.value}')}")
        for page in self.page_list:
            page.relabel(lang)
        self.readiness_page.map.set_language(lang)
        self.test_page.map.set_language(lang)
        self.sign_in_page.server_label.setText(self._t("console.sign_in.server", server=self.server)
                                               if self.server else "")
        self._show_header()
        self._show_room()
        for part in ("package", "roster_problems", "credentials", "bundle", "audit", "incidents"):
            self._show_part(part)
        self._show_busy(self.model.busy)

    def _show_header(self) -> None:
        proctor = self.model.proctor
        self.who.setText(self._t("console.signed_in_as", full_name=proctor["full_name"])
                         if proctor else "")
        header = self.model.room.header()
        self.room_line.setText(self._t("console.room_line", room_no=header["room_no"],
                                       organisation=header["organisation_name"])
                               if header.get("room_no") else "")

    def _show_step(self) -> None:
        index = STEPS.index(self.model.step)
        self.pages.setCurrentIndex(index)
        if self.steps.currentRow() != index:
            self.steps.blockSignals(True)
            self.steps.setCurrentRow(index)
            self.steps.blockSignals(False)
        self.page_list[index].first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.step is Step.END:
            self.end_page.show_state(self.model)

    def _show_busy(self, busy: bool) -> None:
        self.busy.setText(self._t("console.busy") if busy else "")
        for page in self.page_list:  # one call at a time: no second press while one runs
            page.primary.setEnabled(not busy)
        if not busy:  # the pages that enable their primary only in some states say so again
            self._show_room()
            self._show_part("credentials")

    def _show_message(self) -> None:
        kind, text, detail = self.model.message
        ink, fill = MESSAGE_COLOURS.get(kind, MESSAGE_COLOURS["info"])
        self.message.setText(text)
        self.message.setToolTip(detail)
        self.message.setProperty("kind", kind)
        self.message.setStyleSheet(f"QLabel#message {{ color: {ink}; background: {fill};"
                                   f" border-radius: 4px; }}" if text else "")

    def _show_part(self, part: str) -> None:
        m = self.model
        if part in ("package", "roster_problems"):
            self.import_page.show_state(m)
        elif part == "credentials":
            self.seating_page.show_credentials(m)
        elif part in ("bundle", "audit"):
            self.end_page.show_state(m)
        elif part == "incidents":
            self.test_page.show_log(m.incidents, m.language)

    def _show_room(self) -> None:
        m = self.model
        lang = m.language
        seats = m.room.seats()
        self.seating_page.show_seats(seats, lang)
        self.admission_page.show_seats(seats, lang)
        self.readiness_page.show_state(m)
        self.start_page.show_state(m)
        self.end_page.show_state(m)
        code = self.test_page.map.selected_code()
        self.test_page.show_seat(m.room.seat(code) if code else None, lang)
        self._show_header()

    # --- navigation ---------------------------------------------------------------------------

    def _step_clicked(self, row: int) -> None:
        if 0 <= row < len(STEPS):
            self.step_requested.emit(STEPS[row].value)

    def _step_by(self, delta: int) -> None:
        index = STEPS.index(self.model.step) + delta
        if 0 <= index < len(STEPS):
            self.step_requested.emit(STEPS[index].value)

    # --- the proctor's choices ----------------------------------------------------------------

    def _choose_package(self) -> None:
        path = self.chooser.open_file(self._t("console.import.package_button"),
                                      "BBZhM package (*.cbtpkg);;All files (*)")
        if path:
            self.package_chosen.emit(path)

    def _choose_roster(self) -> None:
        path = self.chooser.open_file(self._t("console.import.primary"),
                                      "CSV, XLSX (*.csv *.xlsx *.txt);;All files (*)")
        if path:
            self.roster_chosen.emit(path)

    def _suggest(self, stem: str, ext: str) -> str:
        room = self.model.room.header().get("room_no") or "room"
        return f"{stem}-{room}-{self.model.language}.{ext}"

    def _save_seating(self) -> None:
        path = self.chooser.save_file(self._t("console.seating.save_sheet"),
                                      self._suggest("seating", "pdf"), "PDF (*.pdf)")
        if path:
            self.seating_requested.emit(path)

    def _save_slips(self) -> None:
        path = self.chooser.save_file(self._t("console.seating.primary"),
                                      self._suggest("slips", "pdf"), "PDF (*.pdf)")
        if path:
            self.slips_requested.emit(path)

    def _reissue(self, code: str) -> None:
        info = self.model.room.seat(code)
        if info is None:
            return
        self._confirm(self._t("console.reissue.title"),
                      [student_line(info, self.model.language), self._t("console.reissue.effect")],
                      self._t("console.reissue.ok"), lambda: self.reissue_requested.emit(code),
                      danger=False)

    def _admit(self) -> None:
        code = self.admission_page.selected_code()
        if code:
            self.mark_requested.emit(code, "present", None)
            table = self.admission_page.table
            if table.currentRow() + 1 < table.rowCount():  # on to the next student in the queue
                table.selectRow(table.currentRow() + 1)

    def _start(self) -> None:
        code = self.start_page.code.text().strip()
        if not code:
            self.model.say("error", self._t("console.start.need_code"))
            return
        c = self.model.room.counts()
        self._confirm(self._t("console.start.confirm_title"),
                      [self._t("console.start.summary", present=c.present, absent=c.absent,
                               not_admitted=c.not_admitted, expected=c.expected, total=c.total),
                       self._t("console.start.effect")],
                      self._t("console.start.primary"), lambda: self.start_requested.emit(code),
                      danger=False)

    def _test_code(self) -> str:
        return self.test_page.map.selected_code()

    def _seat_chosen(self, code: str) -> None:
        self.test_page.show_seat(self.model.room.seat(code), self.model.language)

    def _leave_or_return(self) -> None:
        info = self.model.room.seat(self._test_code())
        if info is None:
            return
        if info.away:
            self.return_requested.emit(info.individual_code)
        else:
            self.leave_requested.emit(info.individual_code)

    def _seal(self) -> None:
        c = self.model.room.counts()
        lines = [self._t("console.end.summary", total=c.total, submitted=c.submitted,
                         sitting=c.sitting, voided=c.voided, absent=c.absent,
                         not_admitted=c.not_admitted), self._t("console.end.seal_effect")]
        self._confirm(self._t("console.end.seal_title"), lines, self._t("console.end.primary"),
                      self.seal_requested.emit, danger=c.sitting > 0)

    def _save_bundle(self) -> None:
        bundle = self.model.bundle
        suggested = Path(bundle["path"]).name if bundle else "results.cbtbundle"
        path = self.chooser.save_file(self._t("console.end.usb"), suggested, "Bundle (*.cbtbundle)")
        if path:
            self.bundle_save_requested.emit(path)

    def _export(self, fmt: str) -> None:
        path = self.chooser.save_file(self._t(f"console.end.{fmt}"), self._suggest("results", fmt),
                                      f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export_requested.emit(fmt, path)

    def _save_act(self, lang: str) -> None:
        number = self.end_page.acts.currentData()
        if not number:
            return
        path = self.chooser.save_file(self._t(f"console.end.act_{lang}"), f"act-{number}-{lang}.pdf",
                                      "PDF (*.pdf)")
        if path:
            self.act_pdf_requested.emit(number, lang, path)

    # --- dialogs (opened window-modal, never blocking: tests and screen readers drive them) ----

    def _open(self, dialog: DeskDialog, on_ok) -> DeskDialog:
        self.current_dialog = dialog

        def accepted() -> None:
            self.current_dialog = None
            on_ok(dialog.values())

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: setattr(self, "current_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _confirm(self, title: str, lines: list[str], ok_text: str, then, danger: bool = True) -> None:
        dialog = ConfirmDialog(title, lines, ok_text, self.model.language, self, danger=danger)
        self._open(dialog, lambda _: then())

    def _student(self, code: str) -> tuple[SeatInfo | None, str]:
        info = self.model.room.seat(code)
        return info, student_line(info, self.model.language)

    def open_absence(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        self._open(AbsenceDialog(line, self.model.language, self),
                   lambda v: self.mark_requested.emit(code, "absent", v["reason"]))

    def open_act1(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        proctor = self.model.proctor or {}
        lang = self.model.language

        def confirm(values: dict[str, Any]) -> None:
            items = "; ".join(f"{i['name']} {i['brand']} ×{i['count']}".replace("  ", " ")
                              for i in values["items"])
            self._confirm(self._t("console.act1.confirm_title"),
                          [line, self._t("console.act1.confirm_items", items=items),
                           self._t("console.act1.effect")],
                          self._t("console.act1.confirm_ok"),
                          lambda: self.act1_requested.emit(code, values["items"],
                                                           values["drawn_up_by"]))

        self._open(ConfiscationDialog(line, proctor.get("full_name", ""), lang, self), confirm)

    def open_act2(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        during = info.state is SeatState.SITTING

        def confirm(values: dict[str, Any]) -> None:
            effect = ("console.act2.effect_during" if values["stage"] == "during_test"
                      else "console.act2.effect_entry")
            self._confirm(self._t("console.act2.confirm_title"),
                          [line, self._t("console.act2.confirm_person",
                                         full_name=values["impostor_full_name"]),
                           self._t(effect)],
                          self._t("console.act2.confirm_ok"),
                          lambda: self.act2_requested.emit(code, values["impostor_full_name"],
                                                           values["stage"]))

        self._open(ImpostorDialog(line, during, self.model.language, self), confirm)

    def open_extend(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        self._open(ExtendDialog(line, self.model.language, self),
                   lambda v: self.extend_requested.emit(code, v["minutes"], v["reason"]))

    def open_move(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        spares = [w["workstation_id"] for w in self.model.room.spares()]

        def confirm(values: dict[str, Any]) -> None:
            effect = ("console.move.effect_sitting" if info.state is SeatState.SITTING
                      else "console.move.effect")
            self._confirm(self._t("console.move.title"),
                          [line, self._t("console.move.to", seat=values["seat"]), self._t(effect)],
                          self._t("console.move.ok"),
                          lambda: self.move_requested.emit(code, values["seat"], values["reason"]),
                          danger=False)

        self._open(MoveDialog(line, spares, self.model.language, self), confirm)

    def open_note(self, code: str | None) -> None:
        line = self._student(code)[1] if code else None
        self._open(NoteDialog(line, self.model.language, self),
                   lambda v: self.note_requested.emit(v["text"], code))

    def open_head_visit(self) -> None:
        self._open(HeadVisitDialog(self.model.language, self),
                   lambda v: self.head_visit_requested.emit(v["login"], v["pin"], v["direction"]))

    def open_head_register(self) -> None:
        self._open(HeadRegisterDialog(self.model.language, self),
                   lambda v: self.head_register_requested.emit(v["login"], v["full_name"], v["pin"]))


def wire(window: DeskWindow, controller) -> None:
    """Connect the window's intents to the controller (one place, one line each)."""
    from proctor_console.desk.model import Step as _Step

    m = controller.model
    window.step_requested.connect(lambda step: m.set_step(_Step(step)))
    window.language_requested.connect(m.set_language)
    window.sign_in.connect(controller.sign_in)
    window.package_chosen.connect(controller.import_package)
    window.roster_chosen.connect(controller.import_roster)
    window.seating_requested.connect(controller.save_seating)
    window.slips_requested.connect(controller.save_slips)
    window.mark_requested.connect(controller.mark)
    window.start_requested.connect(controller.start)
    window.leave_requested.connect(controller.leave)
    window.return_requested.connect(controller.come_back)
    window.unlock_requested.connect(controller.unlock)
    window.reissue_requested.connect(controller.reissue)
    window.extend_requested.connect(controller.extend)
    window.move_requested.connect(controller.move)
    window.note_requested.connect(controller.note)
    window.head_visit_requested.connect(controller.head_visit)
    window.head_register_requested.connect(controller.add_head)
    window.act1_requested.connect(controller.act_confiscation)
    window.act2_requested.connect(controller.act_impostor)
    window.seal_requested.connect(controller.seal)
    window.bundle_save_requested.connect(controller.save_bundle)
    window.upload_requested.connect(controller.upload)
    window.export_requested.connect(controller.export)
    window.act_pdf_requested.connect(controller.save_act_pdf)
    window.audit_requested.connect(controller.verify_audit)
    m.step_changed.connect(lambda step: controller.load_incidents() if step == _Step.TEST.value
                           and m.proctor else None)
