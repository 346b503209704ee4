"""The network between the kiosk and the room server is cut and comes back.

A small TCP proxy on loopback stands for the lab's network: the kiosk (real window, real engine)
talks to the real room server only through it. Cutting the proxy drops every connection and
refuses new ones, like a pulled cable. While it is cut the student goes on answering — every
answer is saved on the PC and the screen says so, with a discreet offline mark; when it returns,
everything reaches the server, and a submission asked for while cut completes once it is back.
The room server's clock and deadline are the authority: a deadline moved at the server reaches
the kiosk, and at zero the kiosk submits by itself.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from common.storage.room_models import Answer, Attempt
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskWindow
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Link, Phase
from tcp_proxy import CuttableProxy  # tests/tcp_proxy.py, shared with tests/chaos/
from tests.conftest import enrolled

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


@pytest.fixture
def proxy(room_server):
    p = CuttableProxy(room_server.port)
    yield p
    p.cut()


@pytest.fixture
def kiosk(qtbot, tmp_path, room_setup, room_server, proxy):
    room = room_setup.room
    cred = room_setup.credentials[1]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    config = KioskConfig("127.0.0.1", proxy.port, room_server.fingerprint, cred["seat"],
                         tmp_path / "kiosk", workstation_key=enrolled(room, cred["seat"]))
    engine = KioskEngine(config)
    engine.link._timeout = 2.0  # a cut network answers nothing; do not wait 10 s for it
    model = KioskModel(config.workstation_id, "en")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    controller = KioskController(engine, model, window, sync_ms=150, retry_ms=150)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: model.link is Link.ONLINE, timeout=5000)
    qtbot.mouseClick(window.connect_view.continue_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.login_view.login_edit, cred["login"])
    qtbot.keyClicks(window.login_view.password_edit, cred["password"])
    qtbot.keyClick(window.login_view.password_edit, Qt.Key.Key_Return)
    qtbot.mouseClick(window.instructions_view.ready_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=10000)
    yield model, window, controller
    controller.shutdown()


def test_heartbeats_a_raised_hand_and_a_locked_seat(qtbot, kiosk, room_setup):
    from common.storage.room_models import Workstation
    from proctor_console.room import incidents

    model, window, controller = kiosk
    room = room_setup.room
    cred = room_setup.credentials[1]
    sitting = controller.sitting
    answer_by_screen(qtbot, window, model, "r1")

    def workstation():
        with room.read() as s:
            return s.get(Workstation, cred["seat"])

    qtbot.waitUntil(lambda: (ws := workstation()) is not None and ws.journal_seq == 1, timeout=5000)
    ws = workstation()
    assert ws.attempt_id == sitting.attempt_id and ws.section == "reading" and len(ws.build_hash) == 32
    assert abs(ws.clock_offset_ms) < 2000 and not ws.hand_raised

    qtbot.mouseClick(window.test_view.header.hand_button, Qt.MouseButton.LeftButton)
    assert window.test_view.header.hand_button.text() == "☝ Hand raised"
    qtbot.waitUntil(lambda: workstation().hand_raised, timeout=5000)

    # The representative lets the student out: the seat locks, nothing can be answered.
    incidents.leave(room, cred["individual_code"], "rep")
    qtbot.waitUntil(lambda: model.phase is Phase.AWAY, timeout=5000)
    assert window.message_view.title.text() == "Your seat is locked for now"
    assert not controller.give_answer("r2", "a")
    incidents.come_back(room, cred["individual_code"], "rep")
    qtbot.waitUntil(lambda: model.phase is Phase.TEST, timeout=5000)
    answer_by_screen(qtbot, window, model, "r2")
    qtbot.waitUntil(lambda: model.pending == 0, timeout=5000)


def answer_by_screen(qtbot, window, model, item_id: str) -> None:
    test = window.test_view
    qtbot.mouseClick(test.nav.buttons[item_id], Qt.MouseButton.LeftButton)
    box = test.boxes[0]
    if box.ref.item["type"] == "numeric":
        qtbot.keyClicks(box.widget.entry, "42")
        qtbot.keyClick(box.widget.entry, Qt.Key.Key_Return)
    else:
        qtbot.mouseClick(box.widget.cards[-1], Qt.MouseButton.LeftButton)
    assert box.status_label.text() == "✓ Saved", item_id  # on disk, network or not


def server_answers(room, attempt_id: str) -> list[tuple[int, str, object]]:
    with room.read() as s:
        rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.seq))
        return [(a.seq, a.item_id, json.loads(a.answer_json)) for a in rows]


def test_a_cut_network_loses_nothing_and_submits_when_it_returns(qtbot, kiosk, proxy, room_setup):
    model, window, controller = kiosk
    room = room_setup.room
    sitting = controller.sitting
    test = window.test_view

    for item_id in ("r1", "r2"):
        answer_by_screen(qtbot, window, model, item_id)
    qtbot.waitUntil(lambda: model.pending == 0 and sitting.acked_seq == 2, timeout=5000)
    assert not test.header.offline_label.isVisible()

    proxy.cut()
    for item_id in ("r3", "m1", "m2", "s1"):
        answer_by_screen(qtbot, window, model, item_id)
    qtbot.waitUntil(lambda: model.link is Link.OFFLINE, timeout=8000)
    assert test.header.offline_label.isVisible()
    assert test.header.offline_label.text() == "○ Offline — answers are being saved on this computer"
    assert model.phase is Phase.TEST  # nothing popped up; the test goes on
    assert len(server_answers(room, sitting.attempt_id)) == 2
    assert sitting.journal.last_seq == 6 and model.pending == 4
    answer_by_screen(qtbot, window, model, "s2")  # still saved while offline

    proxy.restore()
    qtbot.waitUntil(lambda: model.link is Link.ONLINE and model.pending == 0, timeout=10000)
    assert not test.header.offline_label.isVisible()
    journal = [(e.seq, e.item_id, e.answer) for e in sitting.journal.entries]
    assert server_answers(room, sitting.attempt_id) == journal and len(journal) == 7

    # Cut again, then submit: the kiosk says it is waiting, and finishes when the link is back.
    proxy.cut()
    answer_by_screen(qtbot, window, model, "s3")
    qtbot.mouseClick(test.review_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.review_view.submit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.review_view.yes_button, Qt.MouseButton.LeftButton)
    assert model.phase is Phase.SUBMITTING
    qtbot.waitUntil(lambda: window.message_view.link_label.isVisible(), timeout=8000)
    assert window.message_view.link_label.text().startswith("○ No connection to the room server")
    with room.read() as s:
        assert s.get(Attempt, sitting.attempt_id).status.value == "in_progress"
    with qtbot.waitSignal(controller.submitted, timeout=15000):
        proxy.restore()
    assert model.phase is Phase.RESULT
    assert server_answers(room, sitting.attempt_id) == [
        (e.seq, e.item_id, e.answer) for e in sitting.journal.entries]
    with room.read() as s:
        assert s.get(Attempt, sitting.attempt_id).status.value == "submitted"


def test_the_room_servers_deadline_rules_and_zero_submits(qtbot, kiosk, room_setup):
    model, window, controller = kiosk
    room = room_setup.room
    sitting = controller.sitting
    answer_by_screen(qtbot, window, model, "r1")

    # The server moves the deadline (as a time extension would): the kiosk's clock follows it.
    with room.tx() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        attempt.deadline_at = attempt.started_at + dt.timedelta(minutes=200)
    qtbot.waitUntil(lambda: model.remaining is not None and model.remaining > 150 * 60, timeout=5000)
    assert window.test_view.header.clock_label.text().startswith("◷ 3:")
    assert window.test_view.header.clock_label.property("level") == 0

    # Four minutes left: past both warning times (10 and 5 minutes), the colour changes.
    with room.tx() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        attempt.deadline_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=4)
    qtbot.waitUntil(lambda: window.test_view.header.clock_label.property("level") == 2, timeout=5000)
    assert "Less than 4 min left" in window.test_view.header.clock_label.accessibleName()

    # Two seconds left: at zero the kiosk submits by itself and says why.
    with room.tx() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        attempt.deadline_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
    with qtbot.waitSignal(controller.submitted, timeout=10000) as done:
        pass
    assert done.args[0]["status"] == "submitted"
    assert model.phase is Phase.RESULT
    with room.read() as s:
        assert s.get(Attempt, sitting.attempt_id).status.value == "submitted"
    assert server_answers(room, sitting.attempt_id)[0][1] == "r1"
