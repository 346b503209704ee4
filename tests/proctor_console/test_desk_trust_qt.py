"""The representative decides the answers that arrived after the time and revokes a kiosk
computer's enrolment from the desk (real widgets, issue 15), against a real room server; the
room's rows, a raw HTTPS client and the kiosk's own result screen show each one."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from common.protocol import API
from common.storage.base import utcnow
from common.storage.room_models import Answer, Attempt, AuditEntry, HeldAnswer
from exam_client.ui.models import KioskModel
from exam_client.ui.views.result_view import ResultView
from proctor_console.desk.model import Step
from tests.conftest import enrolled
from tests.proctor_console.desk_session import open_signed_in_desk, run

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


@pytest.fixture
def desk_window(qtbot, tmp_path, room_setup, room_server):
    return open_signed_in_desk(qtbot, tmp_path, room_setup, room_server)


def _open_late(qtbot, window, controller):
    late = window.late_answers
    run(qtbot, controller, "late_answers", lambda: qtbot.mouseClick(late.button, Qt.MouseButton.LeftButton))
    dialog = window.prompts.current_dialog
    assert dialog.objectName() == "lateAnswersDialog"
    return dialog


def _confirm(qtbot, window, controller, action: str) -> None:
    confirm = window.prompts.current_dialog
    assert confirm.objectName() == "confirmDialog"
    run(qtbot, controller, action, confirm.ok_button.click)


def test_late_answers_are_shown_then_accepted_or_rejected_from_the_desk(qtbot, room_setup,
                                                                       desk_window, kiosk):
    window, controller = desk_window
    room = room_setup.room
    model = window.model
    model.set_step(Step.TEST)
    cred = room_setup.credentials[0]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    first, second = [i for i in sitting.items if i["type"] == "single_choice"][:2]
    # Journalled on the kiosk (offline: not sent yet) ...
    sitting.answer(first["id"], first["options"][0]["id"])
    sitting.answer(second["id"], second["options"][1]["id"])
    # ... and the link comes back after the end, by the server's clock.
    with room.tx() as s:
        s.get(Attempt, sitting.attempt_id).deadline_at = utcnow() - dt.timedelta(minutes=3)
    result = sitting.submit()
    assert result["status"] == "submitted" and result["held_late"] == 2
    assert sitting.held_seqs == [1, 2] and sitting.journal.last_seq == 2  # the journal keeps them
    with room.read() as s:
        assert s.query(Answer).count() == 0 and s.get(Attempt, sitting.attempt_id).score == 0

    # The kiosk's result screen says they went to the representative (not an error).
    kiosk_model = KioskModel(cred["seat"], "kk")
    view = ResultView(kiosk_model)
    qtbot.addWidget(view)
    kiosk_model.set_result(result)
    assert view.late.text().startswith("Уақыт біткеннен кейін жеткен 2 жауабыңыз")

    # The desk's button says two wait; its list shows them with the kiosk's offline period.
    late = window.late_answers
    dialog = _open_late(qtbot, window, controller)
    assert late.button.text() == "Кешіккен жауаптар (2)…"
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(n, 0).text() for n in range(2)] == [cred["seat"]] * 2
    assert dialog.table.item(0, 6).text() == "күтуде"
    dialog.ok_button.click()  # nothing chosen: refused in the dialog
    assert dialog.error.isVisible() and window.prompts.current_dialog is dialog

    dialog.table.selectRow(1)
    dialog.reject_button.click()
    _confirm(qtbot, window, controller, "decide_late_answers")
    dialog = _open_late(qtbot, window, controller)
    assert late.button.text() == "Кешіккен жауаптар (1)…"
    assert dialog.table.item(1, 6).text() == "қабылданбады"
    dialog.table.selectRow(0)
    dialog.ok_button.click()
    _confirm(qtbot, window, controller, "decide_late_answers")
    assert model.message[1] == "Кешіккен жауаптар қабылданды: 1"

    with room.read() as s:
        stored = [(a.seq, a.item_id) for a in s.scalars(select(Answer))]
        decided = {h.seq: (h.decision.value, h.decided_by) for h in s.scalars(select(HeldAnswer))}
        actions = [e.action for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("late_answers_%")).order_by(AuditEntry.id))]
    assert stored == [(1, first["id"])]
    assert decided == {1: ("accepted", "rep"), 2: ("rejected", "rep")}
    assert actions == ["late_answers_held", "late_answers_rejected", "late_answers_accepted"]
    qtbot.waitUntil(lambda: late.button.text() == "Кешіккен жауаптар…", timeout=5000)


def test_the_representative_revokes_an_enrolment_and_that_pc_is_refused(qtbot, room_setup,
                                                                        room_server, desk_window):
    window, controller = desk_window
    model = window.model
    model.set_step(Step.READINESS)
    room = room_setup.room
    seats = [c["seat"] for c in room_setup.credentials[:2]]
    keys = {seat: enrolled(room, seat) for seat in seats}
    report = {"build_hash": "b" * 64, "screen": "1920x1080", "client_time": utcnow().timestamp(),
              "free_disk_mb": 5000, "kiosk_locked": True}
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}{API}", verify=False,
                      timeout=30) as raw:
        for seat in seats:  # both PCs report: the list shows when each was last seen
            reply = raw.post("/kiosk/register", json=report, headers={"X-Workstation-Key": keys[seat]})
            assert reply.status_code == 200, reply.text

        buttons = window.enrolments
        assert buttons.button.text() == "Тіркелген компьютерлер…"
        run(qtbot, controller, "enrolments",
            lambda: qtbot.mouseClick(buttons.button, Qt.MouseButton.LeftButton))
        dialog = window.prompts.current_dialog
        assert dialog.objectName() == "enrolmentsDialog"
        shown = {dialog.table.item(n, 0).text(): (dialog.table.item(n, 2).text(),
                                                  dialog.table.item(n, 3).text())
                 for n in range(dialog.table.rowCount())}
        assert set(seats) <= set(shown)
        assert all(shown[seat][1] == "белсенді" and shown[seat][0] for seat in seats)
        dialog.select_seat(seats[0])
        dialog.ok_button.click()
        confirm = window.prompts.current_dialog
        assert confirm.objectName() == "confirmDialog" and seats[0] in confirm.heading.text()
        run(qtbot, controller, "revoke_enrolment", confirm.ok_button.click)
        assert model.message[1] == f"{seats[0]} орнындағы компьютердің тіркелуі кері қайтарылды"

        # That PC's next request is refused; the other seat's PC goes on.
        refused = raw.post("/kiosk/heartbeat", json=report, headers={"X-Workstation-Key": keys[seats[0]]})
        assert refused.status_code == 401 and refused.json()["error"] == "not_enrolled", refused.text
        cred = room_setup.credentials[0]
        login = raw.post("/session/login", headers={"X-Workstation-Key": keys[seats[0]]},
                         json={"login": cred["login"], "password": cred["password"]})
        assert login.status_code == 401
        other = raw.post("/kiosk/heartbeat", json=report, headers={"X-Workstation-Key": keys[seats[1]]})
        assert other.status_code == 200, other.text

    run(qtbot, controller, "enrolments",
        lambda: qtbot.mouseClick(buttons.button, Qt.MouseButton.LeftButton))
    dialog = window.prompts.current_dialog
    row = next(n for n in range(dialog.table.rowCount()) if dialog.table.item(n, 0).text() == seats[0])
    assert dialog.table.item(row, 3).text().startswith("кері қайтарылды")
    dialog.select_seat(seats[0])
    dialog.ok_button.click()  # a revoked one cannot be revoked again: refused in the dialog
    assert dialog.error.isVisible() and window.prompts.current_dialog is dialog
