"""After a crash the kiosk starts on a lock screen; the student logs in again and is back at the
same page, with every answer and flag, on the same attempt."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from common.storage.room_models import Answer
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskWindow
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Phase
from tests.conftest import enrolled

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


def test_an_interrupted_sitting_locks_the_screen_and_resumes_where_it_was(
        qtbot, tmp_path, room_setup, room_server):
    room = room_setup.room
    cred = room_setup.credentials[2]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, cred["seat"],
                         tmp_path / "kiosk", workstation_key=enrolled(room, cred["seat"]))

    # The first life: three answers on disk, the place saved, then the power goes (no goodbye;
    # the server never heard of the last answer).
    first = KioskEngine(config)
    sitting = first.login(cred["login"], cred["password"])
    sitting.answer("r1", "b")
    sitting.replicate()
    sitting.answer("m1", "12")
    sitting.answer("r3", ["a", "b"])
    sitting.save_place({"page": 6, "flags": ["r3", "m2"]})
    attempt_id = sitting.attempt_id
    sitting.close()
    first.close()
    assert KioskEngine(config).interrupted_attempts() == [attempt_id]

    # The next start: the lock screen, not the language choice.
    engine = KioskEngine(config)
    model = KioskModel(cred["seat"], "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    controller = KioskController(engine, model, window, sync_ms=150, retry_ms=150)
    window.show()
    controller.start()
    try:
        assert model.phase is Phase.LOCKED
        login = window.login_view
        assert login.title.text() == "Тестілеу үзілді" and not login.back_button.isVisible()
        assert login.explain.text().startswith("Жауаптарыңыз осы компьютерде сақталған")
        qtbot.keyClicks(login.login_edit, cred["login"])
        qtbot.keyClicks(login.password_edit, "wrong")
        qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: model.login_error is not None, timeout=5000)
        assert model.phase is Phase.LOCKED  # still locked, and told why
        assert login.error_label.text() == "⚠ Логин немесе пароль қате. Тексеріп, қайта енгізіңіз."
        qtbot.keyClicks(login.password_edit, cred["password"])
        qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=10000)  # no instructions again

        resumed = controller.sitting
        assert resumed.resumed and resumed.attempt_id == attempt_id
        assert model.page_index == 6 and model.flags == {"r3", "m2"}
        assert model.answers() == {"r1": "b", "m1": "12", "r3": ["a", "b"]}
        assert window.test_view.nav.buttons["r3"].text() == "3✓⚑"  # saved (r3 has an answer) and flagged
        qtbot.waitUntil(lambda: model.pending == 0, timeout=5000)
        with room.read() as s:
            rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.seq))
            assert [(a.seq, a.item_id, json.loads(a.answer_json)) for a in rows] == [
                (1, "r1", "b"), (2, "m1", "12"), (3, "r3", ["a", "b"])]

        with qtbot.waitSignal(controller.submitted, timeout=10000):
            controller.submit()
        assert engine.interrupted_attempts() == []  # a finished sitting locks nothing
    finally:
        controller.shutdown()
