"""The representative pauses the room, sends messages and makes the teachers' survey codes from
the desk (real widgets) against a real room server; the room's records and a kiosk's state show
each one."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from common.storage.room_models import Incident
from proctor_console.room.room_pause import pause_state
from tests.proctor_console.desk_session import open_signed_in_desk, run

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


@pytest.fixture
def desk_window(qtbot, tmp_path, room_setup, room_server):
    return open_signed_in_desk(qtbot, tmp_path, room_setup, room_server)


def test_pause_resume_message_and_teacher_codes_from_the_desk(qtbot, room_setup, desk_window, kiosk):
    window, controller = desk_window
    room = room_setup.room
    actions = window.room_actions
    assert actions.pause_button.text() == "Аудиторияны кідірту…"
    cred = room_setup.credentials[0]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])

    qtbot.mouseClick(actions.pause_button, Qt.MouseButton.LeftButton)
    dialog = window.prompts.current_dialog
    assert dialog.objectName() == "pauseDialog"
    dialog.reason.setCurrentIndex(dialog.reason.findData("power"))
    dialog.note.setText("Жарық өшті")
    run(qtbot, controller, "pause", dialog.ok_button.click)
    assert pause_state(room)["reason"] == "power"
    assert sitting.reconcile()["paused"]["note"] == "Жарық өшті"
    qtbot.waitUntil(lambda: actions.pause_button.text() == "Тестілеуді жалғастыру", timeout=5000)
    run(qtbot, controller, "resume",
        lambda: qtbot.mouseClick(actions.pause_button, Qt.MouseButton.LeftButton))
    assert pause_state(room) is None

    window.test_page.map.select(cred["individual_code"])
    qtbot.mouseClick(actions.message_button, Qt.MouseButton.LeftButton)
    dialog = window.prompts.current_dialog
    assert cred["seat"] in dialog.findChild(type(dialog.heading), "to").text()
    dialog.ok_button.click()  # empty: refused in the dialog, nothing sent
    assert dialog.error.isVisible() and window.prompts.current_dialog is dialog
    dialog.text.setPlainText("Қалам алып беріңіз")
    run(qtbot, controller, "message", dialog.ok_button.click)
    sitting.reconcile()
    assert [m["text"] for m in sitting.messages] == ["Қалам алып беріңіз"]

    qtbot.mouseClick(actions.teachers_button, Qt.MouseButton.LeftButton)
    dialog = window.prompts.current_dialog
    dialog.count.setValue(4)
    result = run(qtbot, controller, "teacher_codes", dialog.ok_button.click)
    shown = window.prompts.current_dialog
    assert shown.objectName() == "codesShownDialog"
    assert shown.codes.toPlainText().split("\n") == result["codes"] and len(result["codes"]) == 4
    with room.read() as s:
        kinds = [i.kind for i in s.scalars(select(Incident).order_by(Incident.id))]
        details = [json.loads(i.details_json) for i in s.scalars(
            select(Incident).where(Incident.kind == "message"))]
    assert kinds[-3:] == ["room_paused", "room_resumed", "message"]
    assert details[0]["seat"] == cred["seat"]
