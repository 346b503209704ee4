"""A whole exam day driven through the representative's desk (real widgets, pytest-qt, offscreen)
against a real room server on loopback, with real kiosks (the kiosk's own engine) at the seats.

The day: sign in, import the package, a broken roster refused whole, the right one imported,
seating sheet and slips, readiness, admission (present / absent / an outside person at the door),
start, a leave and return, a time extension, a seat move, act 1, the head of the organisation's
entry log, a note, the end, the bundle, the exports — then the database rows, the audit chain and
the PDFs' text in Kazakh and Russian are checked.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from common.crypto import passwords
from common.crypto.tls import pinned_context
from common.demo.roster import demo_content_json
from common.documents.slips import Connection
from common.domain.exam import content_from_dict
from common.storage.room_models import Act, Attempt, AuditEntry, Incident, Student
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import Removed
from proctor_console.desk.client import DeskClient, ServerAddress
from proctor_console.desk.controller import DeskController
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.window import DeskWindow, wire
from proctor_console.room import audit
from proctor_console.room.room import Room
from proctor_console.room.server import ServerThread
from qr_scan import qr_codes
from tests.conftest import enrolled

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

ROSTER = (
    "ЖСН;Тегі;Аты;Әкесінің аты;Сынып;Литер;Оқыту тілі\n"
    "{0};Әбілқасымова;Ұлжан;Нұрланқызы;4;Ә;kk\n"
    "{1};Қожахметов;Ерасыл;Серікұлы;4;Ә;kk\n"
    "{2};Иванова;Анна;Сергеевна;4;Б;ru\n"
    "{3};Өмірзақов;Дәулет;Болатұлы;4;Ә;kk\n"
    "{4};Ғалымжанова;Айгүл;;4;Б;ru\n"
    "{5};Іскақова;Жансая;Бауыржанқызы;4;Ә;kk\n"
)


def iins(n: int) -> list[str]:
    import datetime as dt

    from common.domain import iin as iin_rules

    found, serial = [], 1
    while len(found) < n:
        number = iin_rules.make(dt.date(2016, 2, 1 + len(found)), len(found) % 2 == 0, serial)
        serial += 1
        if number:
            found.append(number)
    return found


class Chooser:
    """Stands where the file dialogs are: gives the path the test has set for each next file."""

    def __init__(self) -> None:
        self.next: list[Path] = []

    def open_file(self, caption: str, filters: str) -> Path | None:
        return self.next.pop(0)

    def save_file(self, caption: str, suggested: str, filters: str) -> Path | None:
        return self.next.pop(0)


class Day:
    """The desk, its controller, the room behind it, and helpers to act and wait like a proctor."""

    def __init__(self, qtbot, window: DeskWindow, controller: DeskController, room: Room,
                 server: ServerThread, tmp: Path, package: dict):
        self.qtbot, self.window, self.controller = qtbot, window, controller
        self.model = controller.model
        self.room, self.server, self.tmp, self.package = room, server, tmp, package
        self.chooser = Chooser()
        window.chooser = self.chooser
        self.failures: list[tuple[str, str, str]] = []
        controller.failed.connect(lambda *f: self.failures.append(f))

    def wait_for(self, action: str, trigger, timeout: int = 20_000):
        """Do `trigger` and wait until the controller reports `action` done; return its result."""
        box: dict = {}

        def done(name: str, result) -> bool:
            if name == action:
                box["result"] = result
                return True
            return False

        with self.qtbot.waitSignal(self.controller.done, timeout=timeout, check_params_cb=done):
            trigger()
        return box["result"]

    def wait_failed(self, action: str, trigger, timeout: int = 20_000) -> str:
        with self.qtbot.waitSignal(self.controller.failed, timeout=timeout,
                                   check_params_cb=lambda name, code, msg: name == action) as blocker:
            trigger()
        return blocker.args[1]

    def dialog(self):
        dialog = self.window.prompts.current_dialog
        assert dialog is not None and dialog.isVisible()
        return dialog

    def confirm(self, action: str):
        dialog = self.dialog()
        assert dialog.objectName() == "confirmDialog"
        return self.wait_for(action, dialog.ok_button.click)

    def go(self, step: Step) -> None:
        """Move to a screen with the keyboard, as the guide says (Alt+N)."""
        self.qtbot.keyClick(self.window.focusWidget() or self.window,
                            Qt.Key(Qt.Key.Key_1 + list(Step).index(step)), Qt.KeyboardModifier.AltModifier)
        if self.model.step is not step:  # no active window offscreen: the step list does the same
            self.window.steps.setCurrentRow(list(Step).index(step))
        assert self.model.step is step

    def seat(self, code: str):
        return self.model.room.seat(code)

    def tile(self, code: str):
        return next(t for t in self.window.test_page.map.tiles() if t.individual_code == code)

    def choose_on_map(self, code: str) -> None:
        self.qtbot.mouseClick(self.tile(code), Qt.MouseButton.LeftButton)
        assert self.window.test_page.map.selected_code() == code

    def refresh(self) -> None:
        self.wait_for("refresh", self.controller.refresh)


@pytest.fixture
def day(qtbot, tmp_path: Path, centre):
    room = Room(tmp_path / "room", password_params=passwords.FAST)
    key = room.configure({
        "room_id": "R-DAY-1", "organisation_code": "190745",
        "organisation_name": "Абай атындағы № 45 мектеп-гимназия", "room_no": "12",
        **centre.public_info(),
        "representative": {"login": "rep", "pin": "2468", "full_name": "Қожахметов Ғалым Һидаятұлы"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = content_from_dict(json.loads(demo_content_json()))
    package = centre.make_package(content, "190745", tmp_path / "day.cbtpkg", kdf_memory_kib=1024)
    server = ServerThread(room, "127.0.0.1", 0)
    server.start()
    model = DeskModel("kk")
    client = DeskClient(ServerAddress("127.0.0.1", server.port, server.fingerprint))
    controller = DeskController(model, client, Connection("192.168.10.5", server.port,
                                                          server.fingerprint), out_dir=tmp_path)
    window = DeskWindow(model, out_dir=tmp_path, server=f"127.0.0.1:{server.port}")
    # The controller stops (its watcher thread, its calls under way) before the window goes.
    qtbot.addWidget(window, before_close_func=lambda _: controller.shutdown())
    wire(window, controller)
    window.resize(1366, 800)
    window.show()
    qtbot.waitExposed(window)
    yield Day(qtbot, window, controller, room, server, tmp_path, package)
    server.stop()


def type_text(widget, text: str) -> None:
    """Type like a person, one key press per letter (QTest.keyClicks knows Latin-1 only)."""
    for ch in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch,
                           Qt.KeyboardModifier.NoModifier)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_a_whole_day_at_the_desk(day: Day, centre) -> None:  # noqa: PLR0915 - it is a whole day
    w, m, qtbot, tmp = day.window, day.model, day.qtbot, day.tmp

    # --- 1. sign in, by keyboard ------------------------------------------------------------------
    assert m.step is Step.SIGN_IN and w.sign_in_page.login.hasFocus()
    qtbot.keyClicks(w.sign_in_page.login, "rep")
    qtbot.keyClick(w.sign_in_page.login, Qt.Key.Key_Tab)
    qtbot.keyClicks(w.sign_in_page.pin, "0000")
    code = day.wait_failed("sign_in", lambda: qtbot.keyClick(w.sign_in_page.pin, Qt.Key.Key_Return))
    assert code == "unauthorized" and m.message[1] == "Логин немесе PIN-код қате, не кіру мерзімі бітті."
    w.sign_in_page.pin.clear()
    qtbot.keyClicks(w.sign_in_page.pin, "2468")
    day.wait_for("sign_in", lambda: qtbot.keyClick(w.sign_in_page.pin, Qt.Key.Key_Return))
    assert m.step is Step.IMPORT
    assert w.who.text() == "Кірген: Қожахметов Ғалым Һидаятұлы"

    # --- 2. the package, a broken roster, the right roster ---------------------------------------
    day.chooser.next = [Path(day.package["path"])]
    day.wait_for("import_package", w.import_page.package_button.click)
    assert day.package["package_id"] in w.import_page.package_label.text()
    numbers = iins(6)
    book = Workbook()
    sheet = book.active
    sheet.append(["Тізім"])
    for line in ROSTER.format(*numbers).splitlines():
        sheet.append(line.split(";"))
    sheet.cell(row=4, column=5, value=5)  # row 4: grade 5 is not tested
    sheet.cell(row=6, column=1, value=numbers[0])  # row 6: the first student's IIN again
    broken = tmp / "4A-broken.xlsx"
    book.save(broken)
    day.chooser.next = [broken]
    assert day.wait_failed("import_roster", w.import_page.primary.click) == "roster_invalid"
    table = w.import_page.problems
    problems = [(table.item(r, 0).text(), table.item(r, 1).text(), table.item(r, 2).text())
                for r in range(table.rowCount())]
    assert problems == [("4", "Сынып/курс", "4, 9, college-2 немесе college-3 болуы керек"),
                        ("6", "ЖСН", "3-жолдағы ЖСН қайталанады")]
    with day.room.read() as s:
        assert s.scalars(select(Student)).all() == []  # nothing half-imported
    good = tmp / "4A.csv"
    good.write_text(ROSTER.format(*numbers), encoding="utf-8")
    day.chooser.next = [good]
    credentials = day.wait_for("import_roster", w.import_page.primary.click)
    assert m.step is Step.SEATING and len(m.credentials) == 6
    assert w.seating_page.table.rowCount() == 6
    codes = [c["individual_code"] for c in credentials]
    cred = {c["individual_code"]: c for c in credentials}

    # --- 3. seating sheet (kk, then ru) and slips ------------------------------------------------
    sheet_kk, slips_pdf, sheet_ru = tmp / "seating-kk.pdf", tmp / "slips.pdf", tmp / "seating-ru.pdf"
    day.chooser.next = [sheet_kk]
    day.wait_for("save_seating", w.seating_page.seating_button.click)
    day.chooser.next = [slips_pdf]
    day.wait_for("save_slips", w.seating_page.primary.click)
    m.set_language("ru")
    assert w.seating_page.seating_button.text() == "Сохранить посадочный лист (PDF)…"
    day.chooser.next = [sheet_ru]
    day.wait_for("save_seating", w.seating_page.seating_button.click)
    text_kk, text_ru = pdf_text(sheet_kk), pdf_text(sheet_ru)
    assert "Отырғызу парағы" in text_kk and "ТЖК" in text_kk
    assert "Посадочный лист" in text_ru and "ИКТ" in text_ru
    for c in credentials:
        line = f"{c['seat']} {c['full_name']} {c['individual_code']}"
        assert line in text_kk and line in text_ru
    slips_text = pdf_text(slips_pdf)
    for c in credentials:
        assert f"Логин: {c['login']}" in slips_text and f"Пароль: {c['password']}" in slips_text
    assert len(qr_codes(slips_pdf, tmp)) == 6
    assert all(f"port={day.server.port};fp={day.server.fingerprint}" in q
               for q in qr_codes(slips_pdf, tmp))

    # --- 4. readiness: the kiosks register ---------------------------------------------------------
    ctx = pinned_context("127.0.0.1", day.server.port, day.server.fingerprint)
    with httpx.Client(base_url=f"https://127.0.0.1:{day.server.port}/api/v1", verify=ctx) as kiosks:
        for seat in ["01", "02", "03", "04", "05", "06", "07"]:
            assert kiosks.post("/kiosk/register", headers={
                "X-Workstation-Key": enrolled(day.room, seat)}, json={
                "build_hash": "f" * 40,
                "screen": "1280x720" if seat == "05" else "1920x1080", "client_time": time.time(),
                "free_disk_mb": 9000, "kiosk_locked": True}).status_code == 200
        day.go(Step.READINESS)
        day.refresh()
        assert w.readiness_page.summary.text() == "Готово: 5 из 6"
        tiles = w.readiness_page.map.tiles()
        assert [t.readiness.value for t in tiles] == ["ready"] * 4 + ["not_ready", "ready"]
        assert tiles[4].detail_label.text() == "маленький экран"  # the reason is shown
        # The PC gets a bigger screen and reports again: the seat turns green.
        kiosks.post("/kiosk/heartbeat", headers={"X-Workstation-Key": enrolled(day.room, "05")}, json={
            "build_hash": "f" * 40, "screen": "1920x1080",
            "client_time": time.time(), "free_disk_mb": 9000, "kiosk_locked": True})
    day.refresh()
    assert w.readiness_page.summary.text() == "Готово: 6 из 6"
    assert [t.readiness.value for t in w.readiness_page.map.tiles()] == ["ready"] * 6
    assert [s["workstation_id"] for s in m.room.spares()] == ["07"]

    # --- 5. admission --------------------------------------------------------------------------
    m.set_language("kk")
    w.readiness_page.primary.click()
    assert m.step is Step.ADMISSION
    page = w.admission_page
    for index in range(4):
        page.select(codes[index])
        day.wait_for("mark", page.primary.click)
    page.select(codes[4])
    page.absent_button.click()
    dialog = day.dialog()
    dialog.reason.setCurrentIndex(dialog.reason.findData("competition"))
    day.wait_for("mark", dialog.ok_button.click)
    page.select(codes[5])
    page.impostor_button.click()
    dialog = day.dialog()
    assert dialog.stage.currentData() == "at_entry"
    dialog.ok_button.click()
    assert "Бөгде тұлғаның толық аты-жөнін жазыңыз." in day.dialog().error.text()
    type_text(day.dialog().impostor, "Сүлейменов Ілияс Жүсіпұлы")
    day.dialog().ok_button.click()
    act2 = day.confirm("act")
    assert act2["voided"] is False
    states = {s.individual_code: s.state.value for s in m.room.seats()}
    assert [states[c] for c in codes] == ["present"] * 4 + ["absent", "not_admitted"]

    # --- 6. start -------------------------------------------------------------------------------
    day.go(Step.START)
    assert "Кіргізілді: 4, қатыспады: 1, кіргізілмеді: 1" in w.start_page.summary.text()
    qtbot.keyClicks(w.start_page.code, day.package["start_code"])
    qtbot.keyClick(w.start_page.code, Qt.Key.Key_Return)
    day.confirm("start")
    assert m.step is Step.TEST and m.room.header()["open"] is True

    # --- 7. the kiosks sit the test ---------------------------------------------------------------
    engines: list[KioskEngine] = []

    def kiosk(seat: str) -> KioskEngine:
        engine = KioskEngine(KioskConfig("127.0.0.1", day.server.port, day.server.fingerprint, seat,
                                         tmp / f"kiosk-{seat}",
                                         workstation_key=enrolled(day.room, seat)))
        engines.append(engine)
        return engine

    sittings = {}
    for c in codes[:4]:
        sitting = kiosk(cred[c]["seat"]).login(cred[c]["login"], cred[c]["password"])
        item = sitting.items[0]
        sitting.answer(item["id"], item["options"][1]["id"])
        sitting.replicate()
        sittings[c] = sitting
    day.refresh()
    assert all(day.seat(c).state.value == "sitting" for c in codes[:4])

    try:
        # --- 8. leave and return (§23) ----------------------------------------------------------
        first = codes[0]
        day.choose_on_map(first)
        assert w.test_page.leave_button.text() == "Шығуға рұқсат беру"
        day.wait_for("leave", w.test_page.leave_button.click)
        assert day.seat(first).away and "аудиториядан шықты" in day.tile(first).flags_label.text()
        assert sittings[first].reconcile()["locked"] is True
        assert w.test_page.leave_button.text() == "Қайтып келді — орынды ашу"
        day.wait_for("come_back", w.test_page.leave_button.click)
        assert not day.seat(first).away

        # --- 9. a time extension with its reason --------------------------------------------------
        second = codes[1]
        day.choose_on_map(second)
        w.test_page.extend_button.click()
        dialog = day.dialog()
        dialog.minutes.setValue(7)
        type_text(dialog.reason, "компьютер қайта қосылды")
        before = sittings[second].deadline
        day.wait_for("extend", dialog.ok_button.click)
        sittings[second].reconcile()
        assert sittings[second].deadline - before == pytest.approx(420, abs=1)
        assert "уақыт ұзартылды" in day.tile(second).flags_label.text()

        # --- 10. a seat move: the student goes on at seat 07 from the server's answers ------------
        third = codes[2]
        day.choose_on_map(third)
        w.test_page.move_button.click()
        dialog = day.dialog()
        assert dialog.seat.currentText() == "07"  # the spare kiosk is offered
        type_text(dialog.reason, "монитор сөнді")
        dialog.ok_button.click()
        day.confirm("move")
        assert day.seat(third).seat == "07"
        moved = kiosk("07").login(cred[third]["login"], cred[third]["password"])
        assert moved.resumed and moved.answers() == sittings[third].answers()
        sittings[third].close()
        sittings[third] = moved

        # --- 11. act 1: a phone is found ----------------------------------------------------------
        fourth = codes[3]
        day.choose_on_map(fourth)
        w.test_page.act1_button.click()
        dialog = day.dialog()
        dialog.set_item(0, "Ұялы телефон", "Samsung Galaxy A15", 1)
        dialog.ok_button.click()
        confirm = day.dialog()
        assert "Ұялы телефон Samsung Galaxy A15 ×1" in confirm.summary.text()
        # A stray Enter does not void anyone: Cancel is the default and holds the focus.
        assert confirm.focusWidget() is confirm.cancel_button and confirm.cancel_button.isDefault()
        act1 = day.confirm("act")
        assert act1["voided"] is True
        assert day.seat(fourth).state.value == "voided" and day.seat(fourth).score is None
        item = sittings[fourth].items[1]
        sittings[fourth].answer(item["id"], item["options"][0]["id"])
        with pytest.raises(Removed):
            sittings[fourth].replicate()

        # --- 12. the head of the organisation comes in and goes out (§22); a note -----------------
        w.test_page.head_register_button.click()
        dialog = day.dialog()
        type_text(dialog.full_name, "Бекова Сәуле Төлегенқызы")
        qtbot.keyClicks(dialog.login, "head")
        qtbot.keyClicks(dialog.pin, "1357")
        day.wait_for("add_head", dialog.ok_button.click)
        for direction in ("entered", "left"):
            w.test_page.head_button.click()
            dialog = day.dialog()
            qtbot.keyClicks(dialog.login, "head")
            qtbot.keyClicks(dialog.pin, "1357")
            dialog.direction.setCurrentIndex(dialog.direction.findData(direction))
            day.wait_for("head_visit", dialog.ok_button.click)
        w.test_page.note_button.click()
        type_text(day.dialog().text, "Терезе ашылды, шу жоқ.")
        day.wait_for("note", day.dialog().ok_button.click)

        def log() -> list[str]:
            return [w.test_page.log.item(i).text() for i in range(w.test_page.log.count())]

        # Newest first: the note, the head out, the head in, ... (what the room stored, in words).
        qtbot.waitUntil(lambda: len(log()) == 7, timeout=10_000)
        assert f"жазба  {fourth}" in log()[0] and "ұйым басшысы шықты" in log()[1]
        assert "ұйым басшысы кірді  Бекова Сәуле Төлегенқызы" in log()[2]

        # --- 13. the students submit ------------------------------------------------------------
        results = {c: sittings[c].submit() for c in codes[:3]}
        assert all(r["status"] == "submitted" for r in results.values())
    finally:
        for engine in engines:
            engine.close()

    # --- 14. the end: seal, USB, exports, acts in both languages, the audit log ------------------
    day.go(Step.END)
    w.end_page.primary.click()
    bundle = day.confirm("seal")
    usb = tmp / "usb" / "results.cbtbundle"
    day.chooser.next = [usb]
    day.wait_for("save_bundle", w.end_page.usb_button.click)
    assert usb.read_bytes() == Path(bundle["path"]).read_bytes()
    # The USB copy is what the centre takes: it opens, re-scores and voids by the act.
    report = ingest(centre, usb.read_bytes())
    assert (report.status, report.scored, report.voided) == ("stored", 3, 1)
    exports = {fmt: tmp / f"results.{fmt}" for fmt in ("csv", "xlsx")}
    day.chooser.next = [exports["csv"]]
    day.wait_for("export", w.end_page.csv_button.click)
    day.chooser.next = [exports["xlsx"]]
    day.wait_for("export", w.end_page.xlsx_button.click)
    rows = {r[1]: r for r in csv.reader(io.StringIO(exports["csv"].read_text("utf-8-sig")),
                                        delimiter=";")}
    assert rows[fourth][7].startswith("ЖОЙЫЛДЫ") and rows[fourth][8:11] == ["", "", ""]
    assert rows[codes[4]][7].startswith("қатыспады")
    assert rows[first][7] == "тапсырды" and rows[first][8] != ""

    assert w.end_page.acts.count() == 2
    act_pdfs = {}
    for index in range(2):
        w.end_page.acts.setCurrentIndex(index)
        number = w.end_page.acts.currentData()
        for lang, btn in (("kk", w.end_page.act_kk_button), ("ru", w.end_page.act_ru_button)):
            path = tmp / f"{number}-{lang}.pdf"
            day.chooser.next = [path]
            day.wait_for("save_act", btn.click)
            act_pdfs[(number, lang)] = pdf_text(path)
    a1, a2 = act1["number"], act2["number"]
    assert "Тыйым салынған заттардың тәркіленуі және тестіленушіні аудиториядан шығару" in act_pdfs[(a1, "kk")]
    assert "Акт об изъятии запрещённого предмета" in act_pdfs[(a1, "ru")]
    for lang in ("kk", "ru"):
        assert "Өмірзақов Дәулет Болатұлы" in act_pdfs[(a1, lang)]
        assert "Samsung Galaxy A15" in act_pdfs[(a1, lang)] and fourth in act_pdfs[(a1, lang)]
        assert "Сүлейменов Ілияс Жүсіпұлы" in act_pdfs[(a2, lang)]
        assert act1["data_sha256"] in act_pdfs[(a1, lang)]  # the same act, whatever its language
    assert "бөгде тұлғаның анықталуы" in act_pdfs[(a2, "kk")]
    assert "постороннего лица" in act_pdfs[(a2, "ru")]

    day.wait_for("audit", w.end_page.audit_button.click)
    assert w.end_page.audit_label.text().startswith("Аудит журналы бүтін")

    # --- 15. what the room stored -----------------------------------------------------------------
    with day.room.read() as s:
        students = {st.individual_code: st for st in s.scalars(select(Student))}
        attempts = {a.student_id: a for a in s.scalars(select(Attempt))}
        status = {c: attempts[students[c].id].status.value if students[c].id in attempts else None
                  for c in codes}
        assert status == {codes[0]: "submitted", codes[1]: "submitted", codes[2]: "submitted",
                          codes[3]: "voided", codes[4]: None, codes[5]: None}
        assert attempts[students[fourth].id].void_reason == "confiscation"
        assert attempts[students[fourth].id].score is None
        assert students[third].seat == "07" and attempts[students[third].id].workstation_id == "07"
        assert (students[codes[4]].attendance.value, students[codes[4]].absence_reason) == (
            "absent", "competition")
        assert students[codes[5]].attendance.value == "not_admitted"
        assert [(a.kind, a.number) for a in s.scalars(select(Act).order_by(Act.id))] == [
            ("impostor", a2), ("confiscation", a1)]
        kinds = [i.kind for i in s.scalars(select(Incident).order_by(Incident.id))]
        assert kinds == ["left", "returned", "time_extended", "seat_moved", "head_entered",
                         "head_left", "note"]
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        for expected in ("proctor_signed_in", "package_imported", "roster_imported", "attendance",
                         "workstation_registered", "act_impostor", "room_opened", "student_left",
                         "student_returned", "time_extended", "seat_moved", "act_confiscation",
                         "head_registered", "head_entered", "head_left", "note", "bundle_sealed",
                         "bundle_copied", "results_exported"):
            assert expected in actions, expected
        moved_entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "seat_moved")).one()
        assert json.loads(moved_entry.details_json)["after"] == {"seat": "07"}
        verdict = audit.verify(s, day.room.paths.root)
    assert verdict.ok and verdict.entries == len(actions)
    assert not [f for f in day.failures if f[0] not in ("sign_in", "import_roster")]
