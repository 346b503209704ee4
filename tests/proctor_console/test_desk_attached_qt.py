"""The desk over a room server already running (`proctor-console desk --server`, as the demo opens
it): with a session signed in elsewhere it opens signed in, at the screen of the day the room is
at, and watches the room; a session that is not valid leaves it at the sign-in screen, saying why.
"""

from __future__ import annotations

import pytest

from common.documents.slips import Connection
from common.i18n import t
from proctor_console.desk.client import DeskClient, ServerAddress
from proctor_console.desk.controller import DeskController
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.window import DeskWindow, wire

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


@pytest.fixture
def desk(qtbot, tmp_path, room_server):
    model = DeskModel("kk")
    address = ServerAddress("127.0.0.1", room_server.port, room_server.fingerprint)
    controller = DeskController(model, DeskClient(address),
                                Connection("127.0.0.1", room_server.port, room_server.fingerprint),
                                out_dir=tmp_path)
    window = DeskWindow(model, out_dir=tmp_path)
    qtbot.addWidget(window)
    wire(window, controller)
    window.show()
    yield model, window, controller
    controller.shutdown()


def test_a_session_signed_in_elsewhere_opens_the_room_s_screen(qtbot, desk, room_setup):
    model, window, controller = desk
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")

    controller.take_session(room_setup.rep_token)
    qtbot.waitUntil(lambda: model.step is Step.TEST, timeout=10000)
    assert window.pages.currentWidget() is window.test_page
    assert window.who.text() == t("console.signed_in_as", "kk", full_name="Өкіл Тестов")
    qtbot.waitUntil(lambda: len((model.room.view() or {}).get("seats", [])) == len(room_setup.credentials),
                    timeout=10000)


def test_a_session_that_is_not_valid_stays_at_the_sign_in_screen(qtbot, desk):
    model, window, controller = desk
    with qtbot.waitSignal(controller.failed, timeout=10000) as failed:
        controller.take_session("not-a-session")
    assert failed.args[:2] == ["take_session", "unauthorized"]
    assert model.step is Step.SIGN_IN and model.proctor is None and controller.client.token is None
    assert window.message.text() == t("console.error.unauthorized", "kk")
