"""§25 for teachers: the representative hands out one-time codes after the students; a teacher
answers the teachers' questionnaire at a kiosk (the kiosk's own engine over real HTTPS); the
answers reach the centre's survey report beside the students', with nothing that links a
response to a code, a teacher, a kiosk or a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from central_scorer.reports.survey import survey_aggregates
from common.bundle import open_bundle
from common.content.questionnaire import all_shipped, shipped
from common.storage.central_models import CentralSurveyResponse
from common.storage.room_models import SurveyResponse
from exam_client.engine.link import KioskError
from proctor_console.room import sealing

TEACHERS = shipped("teacher", "school")


def ok(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_the_questionnaires_are_data_in_three_languages_for_school_and_college():
    ids = {q.id for q in all_shipped()}
    assert ids == {"student-2026", "student-college-2026", "teacher-2026", "teacher-college-2026"}
    for q in all_shipped():
        for question in q.questions:
            assert all(getattr(question.text, lang).strip() for lang in ("kk", "ru", "en"))
    assert "Мектеп" in shipped("student", "school").questions[0].text.kk
    assert "Колледж" in shipped("student", "college").questions[0].text.kk  # not «Мектепте…»


def test_a_teachers_answers_at_a_kiosk_reach_the_centre_unlinked(room_setup, desk, kiosk):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    first, second = room_setup.credentials[:2]
    a = kiosk(first["seat"]).login(first["login"], first["password"])
    b = kiosk(second["seat"]).login(second["login"], second["password"])
    a.submit()
    assert a.survey_questions()[0]["id"] == "lessons_interesting"
    a.send_survey({"feel_safe": 5})

    codes = ok(desk.post("/proctor/survey/teacher-codes", json={"count": 3}))
    assert codes["questionnaire"] == TEACHERS.id and len(codes["codes"]) == 3
    teacher_kiosk = kiosk("T1")
    questions = teacher_kiosk.teacher_survey_questions()
    assert [q["id"] for q in questions["questions"]] == list(TEACHERS.question_ids)
    assert questions["questions"][0]["text"]["kk"] == TEACHERS.questions[0].text.kk
    # After the students: not while a student is still sitting.
    with pytest.raises(KioskError) as early:
        teacher_kiosk.send_teacher_survey(codes["codes"][0], {"workload": 4})
    assert early.value.code == "conflict"
    b.submit()

    answers = [{"workload": 4, "resources": 2, "monitoring_useful": 5},
               {"workload": 2, "resources": None, "monitoring_useful": 4},
               {"workload": 4, "resources": 3, "monitoring_useful": 5}]
    for code, given in zip(codes["codes"], answers):
        assert teacher_kiosk.send_teacher_survey(code, given) == {"status": "recorded"}
    for wrong, reason in ((codes["codes"][0], "used"), ("ZZZZZ-ZZZZZ", "unknown")):
        with pytest.raises(KioskError) as refused:
            teacher_kiosk.send_teacher_survey(wrong, {"workload": 1})
        assert refused.value.code == "unauthorized", reason
    with pytest.raises(KioskError) as bad:
        kiosk("T2").send_teacher_survey("ABCDE-FGHJK", {"lessons_interesting": 9})
    assert bad.value.code in ("survey_invalid", "unauthorized")

    # The room keeps the questionnaire, the answers and the date: no code, no seat, no time.
    with room.read() as s:
        rows = list(s.scalars(select(SurveyResponse)))
    assert sorted(r.questionnaire for r in rows) == ["student-2026", *[TEACHERS.id] * 3]
    for row in rows:
        assert not any(c.replace("-", "") in row.answers_json or c in row.answers_json
                       for c in codes["codes"])

    raw = Path(sealing.seal(room, "rep")["path"]).read_bytes()
    centre = room_setup.centre
    assert ingest(centre, raw).status == "stored"
    opened = open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                         centre_id=centre.centre_id)
    assert all(set(r) == {"questionnaire", "answers"} for r in opened.parts["survey"])
    with centre.read() as s:
        stored = list(s.scalars(select(CentralSurveyResponse)))
    assert sorted(r.questionnaire for r in stored) == ["student-2026", *[TEACHERS.id] * 3]

    report = survey_aggregates(centre, min_group=3)
    by_id = {q["questionnaire"]: q for q in report["questionnaires"]}
    teachers = by_id[TEACHERS.id]["overall"]
    assert teachers["respondents"] == 3
    assert teachers["questions"]["workload"]["counts"] == {"2": 1, "4": 2, "none": 0}
    assert teachers["questions"]["monitoring_useful"]["mean"] == pytest.approx(4.67, abs=0.01)
    assert by_id["student-2026"]["overall"] == {"key": "all", "suppressed": True}  # 1 student
    assert not any(c in json.dumps(report) for c in codes["codes"])


def test_a_teacher_answers_through_the_kiosks_screens(qtbot, tmp_path, room_setup, room_server, desk):
    """The connect screen's «Педагогтерге арналған сауалнама», the teachers' questions, the code,
    Send: the room keeps a teachers' response and the kiosk is ready for the next teacher."""
    from PySide6.QtCore import Qt

    from exam_client.engine.config import KioskConfig
    from exam_client.engine.kiosk import KioskEngine
    from exam_client.ui.app import KioskWindow
    from exam_client.ui.controller import KioskController
    from exam_client.ui.models import KioskModel, Link, Phase
    from exam_client.ui.survey_flow import SurveyFlow

    codes = ok(desk.post("/proctor/survey/teacher-codes", json={"count": 1}))["codes"]
    config = KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint, "T1",
                         tmp_path / "kiosk-teacher")
    model = KioskModel("T1", "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    controller = KioskController(KioskEngine(config), model, window, sync_ms=150, retry_ms=150)
    window.show()
    controller.start()
    try:
        qtbot.waitUntil(lambda: model.link is Link.ONLINE, timeout=5000)
        qtbot.mouseClick(window.connect_view.teacher_button, Qt.MouseButton.LeftButton)
        view = window.survey_view
        qtbot.waitUntil(lambda: model.survey_state == "ready", timeout=5000)
        assert view.title.text() == "Педагогтерге арналған жасырын сауалнама"
        assert list(view.boxes) == list(TEACHERS.question_ids)
        qtbot.mouseClick(view.boxes["workload"].cards[4], Qt.MouseButton.LeftButton)
        assert not view.send_button.isEnabled()  # no code yet
        qtbot.keyClicks(view.code_edit, "WRONG-CODE1")
        qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.survey_state == "wrong_code", timeout=5000)
        view.code_edit.clear()
        qtbot.keyClicks(view.code_edit, codes[0])
        qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.phase is Phase.DONE, timeout=5000)
        with room_setup.room.read() as s:
            rows = list(s.scalars(select(SurveyResponse)))
        assert [r.questionnaire for r in rows] == [TEACHERS.id]
        assert json.loads(rows[0].answers_json)["workload"] == 4
        controller.survey_flow._back_to_connect()  # what the timer does after the thank-you
        assert model.phase is Phase.CONNECTING and not view.code_edit.text()
        assert SurveyFlow  # the flow module is the kiosk's own
    finally:
        controller.shutdown()
