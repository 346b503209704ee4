"""A whole sitting through the kiosk's real widgets against a real room server on loopback.

The student connects, chooses a language, logs in, reads the instructions, waits for the room to
open, answers every item type with mouse and keyboard, flags, opens the reference tables,
reviews, submits (with a double click), sees the result and answers the survey. Then the room's
database is read: every answer the screen called saved is there, the attempt was submitted once,
and the survey was stored with no link to the student.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from sqlalchemy import func, select

from common.crypto import passwords
from common.demo.roster import demo_roster_csv
from common.domain.exam import content_from_dict
from common.domain.scoring import latest_answers, score_attempt
from common.storage.room_models import Answer, Attempt, AuditEntry, SurveyReceipt, SurveyResponse
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskWindow
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Link, Phase
from exam_client.ui.sample_exam import sample_content
from tests.conftest import enrolled

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform cannot pass a window's size hints on; harmless here.
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


@pytest.fixture
def room_setup(tmp_path, centre):
    """A room whose package holds the kiosk's sample test: every item type, a passage, a table
    and a picture shared by items, both reference tables allowed (conftest's room has three types)."""
    from proctor_console.room.room import Room

    room = Room(tmp_path / "room", password_params=passwords.FAST)
    key = room.configure({
        "room_id": "R-TEST-1", "organisation_code": "100200", "organisation_name": "Тест мектебі",
        "room_no": "7", **centre.public_info(),
        "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл Тестов"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = content_from_dict(sample_content("kk", with_keys=True))
    package = centre.make_package(content, "100200", tmp_path / "pkg.cbtpkg", kdf_memory_kib=1024)
    room.import_package((tmp_path / "pkg.cbtpkg").read_bytes(), "rep")
    credentials = room.import_roster(demo_roster_csv(3), "rep")
    return SimpleNamespace(room=room, centre=centre, package=package, credentials=credentials,
                           content=content)


@pytest.fixture
def kiosk(qtbot, tmp_path, room_setup, room_server):
    """The kiosk of the first student's seat: engine, model, window, controller."""
    cred = room_setup.credentials[0]
    config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, cred["seat"],
                         tmp_path / "kiosk", workstation_key=enrolled(room_setup.room, cred["seat"]))
    engine = KioskEngine(config)
    model = KioskModel(config.workstation_id, "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    controller = KioskController(engine, model, window, sync_ms=200, retry_ms=150)
    window.show()
    qtbot.waitExposed(window)
    controller.start()
    yield model, window, controller, cred
    controller.shutdown()


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def double_click(qtbot, widget) -> None:
    """What a real double click delivers: press, release, double-click press, release."""
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(widget, left)
    qtbot.mouseRelease(widget, left)
    qtbot.mouseDClick(widget, left)
    qtbot.mouseRelease(widget, left)


def type_text(widget, text: str) -> None:
    """Key presses that carry their text, as a Kazakh keyboard layout sends them (QTest's
    keyClicks knows only the letters of a Latin layout)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def stored_answers(room, attempt_id: str) -> list[tuple[int, str, object]]:
    with room.read() as s:
        rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.seq))
        return [(a.seq, a.item_id, json.loads(a.answer_json)) for a in rows]


def test_a_whole_sitting_through_the_screens(qtbot, kiosk, room_setup):
    model, window, controller, cred = kiosk
    room = room_setup.room
    room.mark_attendance(cred["individual_code"], "present", None, "rep")

    # 1. Connect: the workstation and the room are shown; the student picks Russian.
    qtbot.waitUntil(lambda: model.link is Link.ONLINE, timeout=5000)
    connect = window.connect_view
    assert connect.workstation_label.text() == f"Жұмыс орны (компьютер): {cred['seat']}"
    assert connect.room_label.text() == "Аудитория: R-TEST-1"
    click(qtbot, connect.language_buttons["ru"])
    assert model.language == "ru" and connect.continue_button.text() == "Продолжить →"
    click(qtbot, connect.continue_button)
    assert model.phase is Phase.LOGIN

    # 2. Login, typed; Enter in the password field goes on to the instructions.
    login = window.login_view
    qtbot.keyClicks(login.login_edit, cred["login"])
    qtbot.keyClick(login.login_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(login.password_edit, cred["password"])
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    assert model.phase is Phase.INSTRUCTIONS
    assert window.instructions_view.title.text() == "Прочитайте перед началом"

    # 3. Ready: the room is not open yet, so the kiosk waits and keeps asking.
    click(qtbot, window.instructions_view.ready_button)
    assert model.phase is Phase.WAITING
    qtbot.waitUntil(lambda: model.login_busy, timeout=2000)
    with qtbot.waitSignal(controller.worker.finished, timeout=5000):
        pass  # at least one more "room not open" answer arrived
    assert model.phase is Phase.WAITING
    room.start(room_setup.package["start_code"], "rep")
    qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=10000)
    sitting = controller.sitting
    test = window.test_view
    assert test.header.who_label.text().endswith(f"место {cred['seat']}")
    assert len(model.refs) == 12 and test.header.clock_label.text().startswith("◷ 1:")

    # 4. The first page is a context group: the passage on the left, three items on the right.
    assert [b.ref.id for b in test.boxes] == ["r1", "r2", "r3"]
    assert "Әлихан" in test.context_view.texts[0]
    box = test.boxes[0]
    click(qtbot, box.widget.cards[1])  # single choice with the mouse
    assert model.answer("r1") == "b" and box.status_label.text() == "✓ Сохранено"
    before = sitting.journal.last_seq
    double_click(qtbot, box.widget.cards[0])  # a double click counts once
    assert model.answer("r1") == "a" and sitting.journal.last_seq == before + 1
    click(qtbot, box.widget.cards[0])  # choosing the chosen one again writes nothing
    assert sitting.journal.last_seq == before + 1
    click(qtbot, box.flag_button)
    assert model.is_flagged("r1") and test.nav.buttons["r1"].text() == "1✓⚑"  # saved and flagged

    widget = test.boxes[1].widget  # multiple choice by keyboard letters; at most two
    widget.focus_first()
    for key in (Qt.Key.Key_A, Qt.Key.Key_B, Qt.Key.Key_C):
        qtbot.keyClick(widget, key)
    assert model.answer("r2") == ["a", "b"]  # the third was refused, and the hint says why
    assert widget.hint_label.property("role") == "error"

    box = test.boxes[2]  # text entry: a draft until Enter
    type_text(box.widget.entry, "Өсу күнделігі")
    assert box.status_label.text().startswith("✎") and model.answer("r3") is None
    qtbot.keyClick(box.widget.entry, Qt.Key.Key_Return)
    assert model.answer("r3") == "Өсу күнделігі" and box.status_label.text() == "✓ Сохранено"

    # 5. PageDown turns the page; ordering with the arrows and with Alt+↑.
    qtbot.keyClick(test, Qt.Key.Key_PageDown)
    order = test.boxes[0].widget
    assert test.boxes[0].ref.id == "r4" and order.order() == ["a", "b", "c"]
    click(qtbot, order.places[0].down)  # a goes below b
    assert model.answer("r4") == ["b", "a", "c"]
    order.places[2].up.setFocus()
    qtbot.keyClick(order.places[2].up, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert model.answer("r4") == ["b", "c", "a"]

    # 6. Numeric beside a table, with its unit; typed text is saved when the page turns.
    qtbot.keyClick(test, Qt.Key.Key_PageDown)
    box = test.boxes[0]
    assert box.ref.id == "m1" and box.widget.unit_label.text() == "л"
    assert test.context_view.findChild(QTableWidget, "contextTable").rowCount() == 2
    qtbot.keyClicks(box.widget.entry, "6x")  # the x is refused by the field
    assert box.widget.entry.text() == "6"
    click(qtbot, test.next_button)
    assert model.answer("m1") == "6"

    click(qtbot, test.boxes[0].widget.cards[1])  # m2
    click(qtbot, test.next_button)

    # 7. Matching: one click per line; a right element taken again moves to the new line.
    match = test.boxes[0].widget
    assert test.boxes[0].ref.id == "m3"
    click(qtbot, match.cards[("L1", "R2")])
    click(qtbot, match.cards[("L2", "R2")])  # R2 leaves line 1 for line 2
    assert model.answer("m3") == [["L2", "R2"]]
    for left, right in (("L2", "R1"), ("L1", "R2"), ("L3", "R3")):  # line 2 changes its mind
        click(qtbot, match.cards[(left, right)])
    assert model.answer("m3") == [["L1", "R2"], ["L2", "R1"], ["L3", "R3"]]
    click(qtbot, test.next_button)

    # 8. Inline choice: a drop-down chosen by keyboard and a typed gap.
    inline = test.boxes[0].widget
    combo, gap_line = inline.gap_widgets["g1"], inline.gap_widgets["g2"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert model.answer("m4") == {"g1": "b"}
    qtbot.keyClicks(gap_line, "2000")
    qtbot.keyClick(gap_line, Qt.Key.Key_Return)
    assert model.answer("m4") == {"g1": "b", "g2": "2000"}
    click(qtbot, test.next_button)

    # 9. The reference tables open in place of the item, the clock stays; then back.
    assert test.boxes[0].ref.id == "s1"
    click(qtbot, test.header.periodic_button)
    assert model.references == "periodic" and test.body.currentWidget() is test.references
    assert test.header.clock_label.isVisible() and not test.next_button.isVisible()
    table = test.references.periodic.table
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert test.references.periodic.detail.text() == "3 Li — Литий, атомная масса 6,94"
    click(qtbot, test.references.solubility_button)
    assert model.references == "solubility"
    test.references.solubility.table.setCurrentCell(5, 7)
    assert test.references.solubility.detail.text() == "Ba²⁺ + SO₄²⁻: нерастворимо"
    click(qtbot, test.references.back_button)
    assert model.references is None and test.body.currentWidget() is test.page_host
    click(qtbot, test.boxes[0].widget.cards[2])  # BaSO4
    click(qtbot, test.next_button)

    # 10. Gap match: a word used once moves from the gap it was in.
    gaps = test.boxes[0].widget
    first, second = gaps.gap_widgets["G1"], gaps.gap_widgets["G2"]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)  # снег / қар
    second.setFocus()
    qtbot.keyClick(second, Qt.Key.Key_Down)  # the same word: it leaves G1
    assert model.answer("s2") == {"G2": "W1"} and first.currentData() is None
    qtbot.keyClick(second, Qt.Key.Key_Down)  # W2 in G2
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)  # W1 in G1
    assert model.answer("s2") == {"G1": "W1", "G2": "W2"}
    click(qtbot, test.next_button)

    # 11. Association: two lines of two drop-downs.
    assoc = test.boxes[0].widget
    first_a, second_a = assoc.lines[0]
    first_a.setFocus()
    type_text(first_a, "ү")  # a closed drop-down finds its entry by the first letter: үлкен
    second_a.setFocus()
    qtbot.keyClick(second_a, Qt.Key.Key_Down)  # үлкен again: may be used once, refused, said so
    assert second_a.currentData() is None and assoc.hint_label.property("role") == "error"
    type_text(second_a, "з")  # зор
    assert model.answer("s3") == [["A", "C"]]
    for combo, letter in zip(assoc.lines[1], "жт"):  # жылдам ↔ тез
        combo.setFocus()
        type_text(combo, letter)
    assert model.answer("s3") == [["A", "C"], ["B", "D"]]
    click(qtbot, test.next_button)

    # 12. A picture beside the last item; the last page's button goes to the review.
    assert test.boxes[0].ref.id == "s4"
    picture = test.context_view.findChild(QLabel, "picture")
    assert not picture.pixmap().isNull() and picture.accessibleName().startswith("Бағаналы")
    click(qtbot, test.boxes[0].widget.cards[0])
    click(qtbot, test.next_button)
    assert model.phase is Phase.REVIEW

    # 13. Review: counts, then a confirmation in the screen; a double click submits once.
    review = window.review_view
    assert review.summary.text() == "Есть ответ: 12 из 12 · Без ответа: 0 · Отмечено: 1"
    click(qtbot, review.submit_button)
    assert review.confirm.isVisible() and review.no_button.hasFocus()
    click(qtbot, review.no_button)
    assert not review.confirm.isVisible() and model.phase is Phase.REVIEW
    click(qtbot, review.submit_button)
    with qtbot.waitSignal(controller.submitted, timeout=10000) as done:
        double_click(qtbot, review.yes_button)
    result = done.args[0]
    assert model.phase is Phase.RESULT
    assert window.result_view.score_label.text() == f"Ваш результат: {result['score']:g} из 18 баллов"
    # Every answer as the student gave it, scored by the one scoring engine: all of them right.
    given = latest_answers([{"seq": e.seq, "item_id": e.item_id, "answer": e.answer}
                            for e in sitting.journal.entries])
    assert result["score"] == score_attempt(room_setup.content, given) == 18.0

    # What the room stored: exactly the journal, every confirmed answer, one submission.
    journal = [(e.seq, e.item_id, e.answer) for e in sitting.journal.entries]
    assert stored_answers(room, sitting.attempt_id) == journal
    with room.read() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        assert attempt.status.value == "submitted" and attempt.score == result["score"]
        submits = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "submitted"))
        assert submits == 1

    # 14. The survey: chosen by mouse and by the keys 1–5, sent once, stored unlinked.
    click(qtbot, window.result_view.continue_button)
    qtbot.waitUntil(lambda: model.survey_state == "ready", timeout=5000)
    survey = window.survey_view
    first, second = list(survey.boxes.values())[:2]
    qtbot.waitUntil(first.cards[5].isVisible)  # new widgets show on the next turn of the loop
    click(qtbot, first.cards[5])  # the cards are keyed by their value, 1 to 5
    second.cards[1].setFocus()
    qtbot.keyClick(second.cards[1], Qt.Key.Key_2)
    assert model.survey_answers == {first.question["id"]: 5, second.question["id"]: 2}
    double_click(qtbot, survey.send_button)
    qtbot.waitUntil(lambda: model.phase is Phase.DONE, timeout=5000)
    assert window.message_view.title.text() == "Спасибо!"
    with room.read() as s:
        rows = list(s.scalars(select(SurveyResponse)))
        assert len(rows) == 1
        stored = json.loads(rows[0].answers_json)
        assert stored[first.question["id"]] == 5 and stored[second.question["id"]] == 2
        assert sitting.attempt_id not in rows[0].answers_json + rows[0].id
        assert s.scalar(select(func.count()).select_from(SurveyReceipt)) == 1
