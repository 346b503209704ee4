"""The anonymous survey (§25) over the real room server: once per submitted attempt, checked
answers, and nothing stored that leads back to the student."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
import sqlalchemy.exc
from sqlalchemy import select, text

from common.crypto.tls import pinned_context
from common.storage.room_models import SurveyReceipt, SurveyResponse
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError
from tests.conftest import enrolled


@pytest.fixture
def sittings(tmp_path, room_setup, room_server):
    """Two students logged in at their seats."""
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    made = []
    for cred in room_setup.credentials[:2]:
        engine = KioskEngine(KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint,
                                         cred["seat"], tmp_path / cred["seat"],
                                         workstation_key=enrolled(room, cred["seat"])))
        made.append((engine, engine.login(cred["login"], cred["password"])))
    yield [s for _, s in made]
    for engine, sitting in made:
        sitting.close()
        engine.close()


def test_the_survey_comes_after_the_test_and_once(sittings, room_setup):
    first, second = sittings
    questions = first.survey_questions()
    ids = [q["id"] for q in questions]
    assert ids == ["lessons_interesting", "teachers_explain", "feel_safe", "equipment",
                   "useful_for_life", "test_clear"]
    assert questions[0]["text"]["kk"] == "Мектептегі сабақтар маған қызықты."
    assert [p["text"]["ru"] for p in questions[0]["scale"]] == [
        "Нет", "Скорее нет", "Не знаю", "Скорее да", "Да"]

    with pytest.raises(KioskError) as early:
        first.send_survey({"feel_safe": 5})
    assert early.value.code == "conflict"  # not before the test is submitted

    first.submit()
    for bad, field in (({"no_such": 3}, "answers.no_such"), ({"feel_safe": 6}, "answers.feel_safe"),
                       ({"feel_safe": True}, "answers.feel_safe")):
        with pytest.raises(KioskError) as refused:
            first.send_survey(bad)
        assert refused.value.code == "survey_invalid" and refused.value.details["field"] == field
    assert first.send_survey({"feel_safe": 5, "test_clear": 2}) == {"status": "recorded"}
    with pytest.raises(KioskError) as twice:
        first.send_survey({"feel_safe": 1})
    assert twice.value.code == "survey_done"

    second.submit()
    second.send_survey({"feel_safe": 4, "lessons_interesting": None})

    room = room_setup.room
    with room.read() as s:
        rows = list(s.scalars(select(SurveyResponse)))
        receipts = {r.attempt_id for r in s.scalars(select(SurveyReceipt))}
    assert receipts == {first.attempt_id, second.attempt_id}
    assert len(rows) == 2
    for row in rows:
        # no identity, no time of day: the date, a random key, the answers
        assert isinstance(row.answered_on, dt.date) and not isinstance(row.answered_on, dt.datetime)
        assert len(row.id) == 32 and int(row.id, 16) >= 0
        for attempt in (first.attempt_id, second.attempt_id):
            assert attempt not in row.id + row.answers_json
    assert sorted(json.loads(r.answers_json)["feel_safe"] for r in rows) == [4, 5]
    columns = {c.name for c in SurveyResponse.__table__.columns}
    assert columns == {"id", "questionnaire", "answered_on", "answers_json"}


def test_the_table_keeps_no_arrival_order(sittings, room_setup):
    room = room_setup.room
    with room.engine.connect() as c:
        ddl = c.execute(text("SELECT sql FROM sqlite_master WHERE name = 'survey_responses'")).scalar()
        assert "WITHOUT ROWID" in ddl.upper()
        with pytest.raises(sqlalchemy.exc.OperationalError):
            c.execute(text("SELECT rowid FROM survey_responses"))


def test_the_representative_sees_counts_only(sittings, room_setup, room_server):
    first, second = sittings
    for sitting, value in ((first, 5), (second, 3)):
        sitting.submit()
        sitting.send_survey({"equipment": value})
    ctx = pinned_context("127.0.0.1", room_server.port, room_server.fingerprint)
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}/api/v1", verify=ctx) as http:
        assert http.get("/proctor/survey").status_code == 401
        reply = http.get("/proctor/survey",
                         headers={"Authorization": f"Bearer {room_setup.rep_token}"}).json()
    assert reply["responses"] == 2 and reply["receipts"] == 2
    assert reply["counts"]["equipment"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1, "none": 0}
    assert reply["counts"]["feel_safe"]["none"] == 2
