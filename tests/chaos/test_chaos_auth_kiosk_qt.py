"""What the student sees when the workstation is locked after guessing: the kiosk's real login
screen (Qt, offscreen) against the real room server shows the lock's own message, in the student's
language, as it does for a wrong seat."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from common.i18n import t
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskWindow
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Link, Phase
from proctor_console.room.errors import Unauthorized, WorkstationLockedOut
from proctor_console.room.logins import MAX_FAILED_LOGINS_PER_WORKSTATION
from tests.conftest import enrolled


def test_the_kiosk_shows_the_workstation_lock(qtbot, tmp_path, room_setup, room_server):
    room = room_setup.room
    owner, other = room_setup.credentials[:2]
    for cred in (owner, other):
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    for n in range(MAX_FAILED_LOGINS_PER_WORKSTATION):  # someone guessed at this seat before
        with pytest.raises(Unauthorized):
            room.login(f"nobody-{n}", "x", owner["seat"])
    with pytest.raises(WorkstationLockedOut):
        room.login(owner["login"], owner["password"], owner["seat"])

    config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, owner["seat"],
                         tmp_path / "kiosk", workstation_key=enrolled(room, owner["seat"]))
    model = KioskModel(config.workstation_id, "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    controller = KioskController(KioskEngine(config), model, window, sync_ms=200, retry_ms=150)
    window.show()
    controller.start()
    try:
        qtbot.waitUntil(lambda: model.link is Link.ONLINE, timeout=5000)
        qtbot.mouseClick(window.connect_view.language_buttons["ru"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.connect_view.continue_button, Qt.MouseButton.LeftButton)
        login = window.login_view
        qtbot.keyClicks(login.login_edit, owner["login"])
        qtbot.keyClick(login.login_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(login.password_edit, owner["password"])
        qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        if model.phase is Phase.INSTRUCTIONS:
            qtbot.mouseClick(window.instructions_view.ready_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.login_error is not None, timeout=10000)
        assert model.login_error == "kiosk.error.workstation_locked_out"
        assert model.phase is Phase.LOGIN
        assert login.error_label.isVisible()
        assert login.error_label.text().endswith(t("kiosk.error.workstation_locked_out", "ru"))
        assert login.password_edit.text() == ""  # cleared, as after any refusal
    finally:
        controller.shutdown()
