"""The demo's scripted student at the kiosk's real window (exam_client/ui/autopilot.py): it logs
in with the slip's login and password, answers every item of the demo test, submits and leaves
the survey by pressing the screen's buttons; what it reported as confirmed is what the room holds.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from common.domain.scoring import latest_answers
from common.storage.room_models import Answer, Attempt, AttemptStatus
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskWindow
from exam_client.ui.autopilot import Autopilot, Student
from exam_client.ui.controller import KioskController
from exam_client.ui.models import KioskModel, Phase

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform cannot pass a window's size hints on; harmless here.
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


def test_the_scripted_student_sits_the_test_through_the_window(qtbot, tmp_path, room_setup,
                                                                room_server):
    room, cred = room_setup.room, room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, cred["seat"],
                         tmp_path / "kiosk", workstation_key=cred["workstation_key"])
    model = KioskModel(config.workstation_id, "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    controller = KioskController(KioskEngine(config), model, window, sync_ms=200, retry_ms=150)
    out = io.StringIO()
    pilot = Autopilot(window, controller, Student(cred["login"], cred["password"], seed=3, beat_ms=50),
                      out=out)
    window.show()
    qtbot.waitExposed(window)
    controller.start()
    pilot.start()
    try:
        qtbot.waitUntil(lambda: model.phase is Phase.DONE, timeout=60000)
    finally:
        controller.shutdown()

    events = [json.loads(line) for line in out.getvalue().splitlines()]
    phases = [e["phase"] for e in events if e["event"] == "phase"]
    assert [p for p in ("login", "instructions", "test", "review", "result", "survey", "done")
            if p in phases] == ["login", "instructions", "test", "review", "result", "survey", "done"]
    confirmed = [e for e in events if e["event"] == "confirmed"]
    items = {item.id for item in room.content().items}
    assert {e["item_id"] for e in confirmed} == items  # every item of the demo test answered

    with room.read() as s:
        attempt = s.scalars(select(Attempt).where(Attempt.workstation_id == cred["seat"])).one()
        stored = [{"seq": a.seq, "item_id": a.item_id, "answer": json.loads(a.answer_json)}
                  for a in s.scalars(select(Answer).where(Answer.attempt_id == attempt.id))]
    assert attempt.status is AttemptStatus.SUBMITTED
    assert latest_answers(stored) == latest_answers(confirmed)
