"""The representative's desk: one window, the day's screens in order, one primary action each.

A view only: it lays out the day's screens (pages/), shows what `DeskModel` and `RoomModel` hold,
asks for what the proctor types through its prompts (prompts.py: files, dialogs, confirmations),
and emits intents (signals) that `wire()` connects to the controller. Acts and voids go through a
confirmation that says, in plain words, what will happen.

Keyboard: Tab moves between fields, Enter presses the screen's primary button, Ctrl+PgDown /
Ctrl+PgUp (or Alt+1…8) move between the day's screens, arrows move on the seating map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from common.i18n import LANGUAGES, t
from common.qt_refcount import protect_singletons
from proctor_console.desk.controller import DeskController
from proctor_console.desk.enrolments import Enrolments
from proctor_console.desk.fonts import FONT_POINT_SIZE, load_fonts
from proctor_console.desk.late_answers import LateAnswers
from proctor_console.desk.model import STEPS, DeskModel, Step
from proctor_console.desk.pages.admission_page import AdmissionPage
from proctor_console.desk.pages.during_test_page import TestPage
from proctor_console.desk.pages.end_page import EndPage
from proctor_console.desk.pages.import_page import ImportPage
from proctor_console.desk.pages.page import Page
from proctor_console.desk.pages.readiness_page import ReadinessPage
from proctor_console.desk.pages.seating_page import SeatingPage
from proctor_console.desk.pages.sign_in_page import SignInPage
from proctor_console.desk.pages.start_page import StartPage
from proctor_console.desk.prompts import DeskPrompts, FileChooser
from proctor_console.desk.room_actions import RoomActions
from proctor_console.desk.widgets import heading, wrapped

protect_singletons()  # PySide6 6.12 on CPython 3.11 under-counts None (common/qt_refcount.py)

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


class DeskWindow(QMainWindow):
    """The whole desk: the day's screens (pages/) in order, the steps beside them, the message line.

    Its signals are the proctor's intents; `wire()` hands them to a controller. The questions that
    come before an intent (files, dialogs, confirmations) are asked by `prompts` (prompts.py).

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
        self.prompts = DeskPrompts(self)  # the dialogs and files the intents come from
        self.server = server
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
        # Halves: the proctor's name wrapped into a narrow column took the room's map a line.
        self.who.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        second = QHBoxLayout()
        second.addWidget(self.room_line, 1)
        second.addWidget(self.who, 1)

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
        m, pr = self.model, self.prompts
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
        self.import_page.package_button.clicked.connect(pr.choose_package)
        self.import_page.primary.clicked.connect(pr.choose_roster)
        s = self.seating_page
        s.primary.clicked.connect(pr.save_slips)
        s.seating_button.clicked.connect(pr.save_seating)
        s.move_button.clicked.connect(lambda: pr.open_move(s.selected_code()))
        s.reissue_button.clicked.connect(lambda: pr.reissue(s.selected_code()))
        self.readiness_page.primary.clicked.connect(
            lambda: self.step_requested.emit(Step.ADMISSION.value))
        a = self.admission_page
        a.primary.clicked.connect(self._admit)
        a.absent_button.clicked.connect(lambda: pr.open_absence(a.selected_code()))
        a.impostor_button.clicked.connect(lambda: pr.open_act2(a.selected_code()))
        sp = self.start_page
        sp.primary.clicked.connect(lambda: pr.start(sp.code.text()))
        tp = self.test_page
        tp.leave_button.clicked.connect(self._leave_or_return)
        tp.extend_button.clicked.connect(lambda: pr.open_extend(tp.selected_code()))
        tp.move_button.clicked.connect(lambda: pr.open_move(tp.selected_code()))
        tp.reissue_button.clicked.connect(lambda: pr.reissue(tp.selected_code()))
        tp.unlock_button.clicked.connect(lambda: self.unlock_requested.emit(tp.selected_code()))
        tp.act1_button.clicked.connect(lambda: pr.open_act1(tp.selected_code()))
        tp.act2_button.clicked.connect(lambda: pr.open_act2(tp.selected_code()))
        tp.note_button.clicked.connect(lambda: pr.open_note(tp.selected_code() or None))
        tp.head_button.clicked.connect(pr.open_head_visit)
        tp.head_register_button.clicked.connect(pr.open_head_register)
        tp.primary.clicked.connect(lambda: self.step_requested.emit(Step.END.value))
        e = self.end_page
        e.primary.clicked.connect(pr.seal)
        e.usb_button.clicked.connect(pr.save_bundle)
        e.upload_button.clicked.connect(lambda: self.upload_requested.emit(e.centre_url.text().strip()))
        e.csv_button.clicked.connect(lambda: pr.export("csv"))
        e.xlsx_button.clicked.connect(lambda: pr.export("xlsx"))
        e.audit_button.clicked.connect(self.audit_requested)
        e.act_kk_button.clicked.connect(lambda: pr.save_act(e.acts.currentData(), "kk"))
        e.act_ru_button.clicked.connect(lambda: pr.save_act(e.acts.currentData(), "ru"))

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
        for page in self.page_list:
            page.show_room(self.model)
        self._show_header()

    # --- navigation ---------------------------------------------------------------------------

    def _step_clicked(self, row: int) -> None:
        if 0 <= row < len(STEPS):
            self.step_requested.emit(STEPS[row].value)

    def _step_by(self, delta: int) -> None:
        index = STEPS.index(self.model.step) + delta
        if 0 <= index < len(STEPS):
            self.step_requested.emit(STEPS[index].value)

    # --- the screens' own actions ---------------------------------------------------------------

    def _admit(self) -> None:
        code = self.admission_page.selected_code()
        if code:
            self.mark_requested.emit(code, "present", None)
            self.admission_page.select_next()

    def _leave_or_return(self) -> None:
        info = self.model.room.seat(self.test_page.selected_code())
        if info is None:
            return
        if info.away:
            self.return_requested.emit(info.individual_code)
        else:
            self.leave_requested.emit(info.individual_code)




def wire(window: DeskWindow, controller: DeskController) -> None:
    """Connect the window's intents to the controller (one place, one line each)."""
    m = controller.model
    window.room_actions = RoomActions(window, controller)  # pause, messages, teachers' codes
    window.late_answers = LateAnswers(window, controller)  # answers after the time
    window.enrolments = Enrolments(window, controller)  # the enrolled kiosk computers
    window.step_requested.connect(lambda step: m.set_step(Step(step)))
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
    m.step_changed.connect(lambda step: controller.load_incidents() if step == Step.TEST.value
                           and m.proctor else None)
