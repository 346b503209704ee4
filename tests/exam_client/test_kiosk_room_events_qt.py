"""The kiosk's window and controller against a real room server: accommodations applied at login
(read-aloud button, larger text), the room's pause shown with its reason and the clock standing,
the representative's message over the test, and focus lost reported to the room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from common.demo.roster import demo_roster_csv
from common.storage.room_models import Incident
from exam_client.engine import read_aloud
from exam_client.ui.app import KioskWindow
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Link, Phase

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


def roster() -> str:
    lines = demo_roster_csv(3).splitlines()
    lines[0] += ",extra_time,large_print,read_aloud"
    lines[1] += ",1.5,yes,yes"
    lines[2] += ",,,"
    lines[3] += ",,,"
    return "\n".join(lines) + "\n"


@pytest.fixture
def room_setup(tmp_path, centre):
    from tests.conftest import configure_room

    setup = configure_room(tmp_path, centre, roster=roster())
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")
    return setup


@pytest.fixture
def kiosk_window(qtbot, tmp_path, room_setup, room_server):
    """A kiosk (engine, window, controller) at a student's seat, logged in through its screens."""
    from exam_client.engine.config import KioskConfig
    from exam_client.engine.kiosk import KioskEngine

    made = []

    def make(cred):
        config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, cred["seat"],
                             tmp_path / f"kiosk-{cred['seat']}", workstation_key=cred["workstation_key"])
        model = KioskModel(cred["seat"], "kk")
        window = KioskWindow(model, kiosk_mode=False)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        controller = KioskController(KioskEngine(config), model, window, sync_ms=150,
                                     retry_ms=150)
        made.append(controller)
        window.show()
        qtbot.waitExposed(window)
        controller.start()
        qtbot.waitUntil(lambda: model.link is Link.ONLINE, timeout=5000)
        qtbot.mouseClick(window.connect_view.continue_button, Qt.MouseButton.LeftButton)
        login = window.login_view
        qtbot.keyClicks(login.login_edit, cred["login"])
        qtbot.keyClick(login.login_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(login.password_edit, cred["password"])
        qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        qtbot.mouseClick(window.instructions_view.ready_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=10000)
        return controller, model, window

    yield make
    for controller in made:
        controller.shutdown()


def test_accommodations_pause_and_messages_at_the_kiosk(qtbot, room_setup, desk, kiosk_window):
    slow, plain = room_setup.credentials[:2]
    controller, model, window = kiosk_window(slow)
    _, plain_model, plain_window = kiosk_window(plain)
    duration = room_setup.room.content().duration_minutes * 60
    # The 1.5x time on the kiosk's clock; larger text; the read-aloud button where espeak-ng is.
    assert model.remaining == pytest.approx(1.5 * duration, abs=5)
    assert plain_model.remaining == pytest.approx(duration, abs=5)
    assert model.text_scale == 1.25 and plain_model.text_scale == 1.0
    assert window.test_view.header.who_label.text().endswith("· уақыт ×1,5")
    assert "×" not in plain_window.test_view.header.who_label.text()
    box = window.test_view.boxes[0]
    assert box.read_button.isVisibleTo(window) is read_aloud.available()
    assert not plain_window.test_view.boxes[0].read_button.isVisibleTo(plain_window)

    # The room pauses: the kiosk says why and its clock stands still.
    assert desk.post("/proctor/pause", json={"reason": "alarm", "note": "Өрт дабылы"}).status_code == 200
    qtbot.waitUntil(lambda: model.phase is Phase.PAUSED, timeout=5000)
    message = window.message_view
    assert message.title.text() == "Тестілеу уақытша тоқтатылды"
    assert message.notice_label.text() == "Себебі: дабыл. Өрт дабылы"
    standing = model.remaining
    qtbot.wait(1200)
    assert model.remaining == pytest.approx(standing, abs=1)
    assert controller.give_answer(box.ref.id, "a") is False
    assert desk.post("/proctor/resume").status_code == 200
    qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=5000)

    # A message to this seat: over the test until the student closes it; the other seat sees none.
    reply = desk.post("/proctor/message", json={"text": "Жауаптарыңызды тексеріңіз",
                                                "individual_code": slow["individual_code"]})
    assert reply.status_code == 200
    bar = window.test_view.message_bar
    qtbot.waitUntil(lambda: bar.isVisibleTo(window), timeout=5000)
    assert bar.text.text() == "Жауаптарыңызды тексеріңіз"
    qtbot.wait(400)
    assert not plain_window.test_view.message_bar.isVisibleTo(plain_window)
    qtbot.mouseClick(bar.ok_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisibleTo(window)
    qtbot.wait(400)
    assert not bar.isVisibleTo(window)  # closed stays closed at the next heartbeat

    # Focus lost (the window's guard says so): an incident at the room for this seat.
    window.incident.emit("focus_lost")
    room = room_setup.room

    def reported() -> bool:
        with room.read() as s:
            return any('"focus_lost"' in i.details_json and f'"{slow["seat"]}"' in i.details_json
                       for i in s.scalars(select(Incident).where(Incident.kind == "integrity")))
    qtbot.waitUntil(reported, timeout=3000)
