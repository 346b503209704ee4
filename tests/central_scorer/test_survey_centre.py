"""The anonymous survey (§25) from the room to the centre: carried in the bundle without anything
that names a student, stored per room, replaced by a newer bundle, never doubled by a duplicate,
and published per organisation and region only for groups of at least 10 respondents."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from central_scorer.reports.aggregates import MIN_GROUP
from central_scorer.ingest.bundles import IngestRefused, ingest
from central_scorer.reports.survey import survey_aggregates
from common.bundle import open_bundle, seal_bundle
from common.crypto.sealing import RecipientPublicKey
from common.crypto.signing import write_secret
from common.storage.central_models import (
    Campaign, CampaignOrganisation, CentralSurveyResponse, ReceivedBundle)
from common.content.questionnaire import shipped
from proctor_console.room import sealing, survey
from tests.conftest import configure_room

STUDENTS = shipped("student", "school").id
QUESTIONS = ("lessons_interesting", "teachers_explain", "feel_safe", "equipment",
             "useful_for_life", "test_clear")


def answers_of(n: int) -> dict[str, int | None]:
    """The n-th respondent's answers: feel_safe 1..5 in turn, equipment left out by every third."""
    return {"feel_safe": n % 5 + 1, "equipment": None if n % 3 == 0 else 4, "test_clear": 5}


def sit_and_answer(setup, how_many: int, first: int = 0) -> list[str]:
    """`how_many` students (from the `first`-th) sit the test, submit and answer the survey."""
    room = setup.room
    attempts = []
    for n, cred in enumerate(setup.credentials[first:first + how_many], start=first):
        reply = room.login(cred["login"], cred["password"], cred["seat"])
        room.save_answers(reply["attempt_id"], [{"seq": 1, "item_id": "r1", "answer": "b",
                                                 "client_ts": 0.0}])
        room.submit(reply["attempt_id"], 1)
        survey.record(room, reply["attempt_id"], answers_of(n))
        attempts.append(reply["attempt_id"])
    return attempts


def open_room(setup) -> None:
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")


def place_in_region(centre, region: str, *codes: str) -> None:
    """The campaign's selection, which tells the centre each organisation's region."""
    with centre.tx() as s:
        campaign = Campaign(year=2026, grade="4", share="0.25", seed="1", list_sha256="0" * 64,
                            selection_json="{}", first_day=dt.date(2026, 4, 13),
                            last_day=dt.date(2026, 4, 24))
        s.add(campaign)
        s.flush()
        for code in codes:
            s.add(CampaignOrganisation(campaign_id=campaign.id, code=code, name=f"Мектеп {code}",
                                       region=region, district="Медеу", territory="urban",
                                       type="school", language="kk", contingent=40,
                                       stratum="urban/kk", test_day=dt.date(2026, 4, 15)))


def stored(centre) -> list[CentralSurveyResponse]:
    with centre.read() as s:
        return list(s.scalars(select(CentralSurveyResponse)))


def seal_and_ingest(setup) -> bytes:
    raw = Path(sealing.seal(setup.room, "rep")["path"]).read_bytes()
    assert ingest(setup.centre, raw).status == "stored"
    return raw


def test_survey_travels_anonymously_and_is_published_per_organisation_and_region(tmp_path, centre):
    big = configure_room(tmp_path / "big", centre, students=12)
    small = configure_room(tmp_path / "small", centre, students=4, room_id="R-TEST-2",
                           organisation_code="300400")
    place_in_region(centre, "Алматы", "100200", "300400")
    open_room(big)
    open_room(small)
    attempts = sit_and_answer(big, MIN_GROUP) + sit_and_answer(small, 3)

    raw = seal_and_ingest(big)
    seal_and_ingest(small)

    # In the bundle: the questionnaire and the answers, nothing else.
    opened = open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                         centre_id=centre.centre_id)
    assert len(opened.parts["survey"]) == MIN_GROUP
    assert all(set(row) == {"questionnaire", "answers"} for row in opened.parts["survey"])
    assert opened.parts["survey"] == sorted(opened.parts["survey"], key=lambda r: json.dumps(r, sort_keys=True))

    # At the centre: no column and no value that leads to a student, an attempt or a seat.
    columns = {c.name for c in CentralSurveyResponse.__table__.columns}
    assert columns == {"id", "bundle_pk", "room_id", "organisation_code", "questionnaire", "answers_json"}
    rows = stored(centre)
    assert len(rows) == MIN_GROUP + 3
    personal = attempts + [c[k] for setup in (big, small) for c in setup.credentials
                           for k in ("individual_code", "login", "full_name")]
    for row in rows:
        answers = json.loads(row.answers_json)
        assert set(answers) == set(QUESTIONS)
        assert all(v is None or v in (1, 2, 3, 4, 5) for v in answers.values())
        assert not any(p in row.answers_json for p in personal)

    published = survey_aggregates(centre)
    assert published["min_group"] == MIN_GROUP == 10
    (q,) = published["questionnaires"]
    assert q["questionnaire"] == STUDENTS
    orgs = {g["key"]: g for g in q["by"]["organisation"]}
    assert orgs["300400"] == {"key": "300400", "suppressed": True}  # 3 respondents
    assert orgs["100200"]["respondents"] == 10
    feel_safe = orgs["100200"]["questions"]["feel_safe"]
    assert feel_safe["counts"] == {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "none": 0}
    assert feel_safe["mean"] == 3.0
    equipment = orgs["100200"]["questions"]["equipment"]  # n = 0, 3, 6, 9 left it out
    assert equipment["counts"] == {"4": 6, "none": 4} and equipment["answered"] == 6
    (region,) = q["by"]["region"]  # both organisations, 13 together: published
    assert region["key"] == "Алматы" and region["respondents"] == 13
    assert sum(region["questions"]["test_clear"]["counts"].values()) == 13
    assert q["overall"]["respondents"] == 13


def test_groups_under_ten_are_suppressed(tmp_path, centre):
    setup = configure_room(tmp_path, centre, students=12)
    open_room(setup)
    sit_and_answer(setup, MIN_GROUP - 1)
    seal_and_ingest(setup)
    (q,) = survey_aggregates(centre)["questionnaires"]
    assert q["overall"] == {"key": "all", "suppressed": True}
    assert q["by"]["organisation"] == [{"key": "100200", "suppressed": True}]
    assert q["by"]["region"] == [{"key": "unknown", "suppressed": True}]  # no campaign facts
    assert "9" not in json.dumps(q)  # not even the group's size

    sit_and_answer(setup, 1, first=MIN_GROUP - 1)  # the tenth respondent
    seal_and_ingest(setup)
    (q,) = survey_aggregates(centre)["questionnaires"]
    assert q["by"]["organisation"][0]["respondents"] == MIN_GROUP


def test_a_duplicate_counts_once_and_a_newer_bundle_replaces_the_rooms_answers(tmp_path, centre):
    setup = configure_room(tmp_path, centre, students=12)
    open_room(setup)
    sit_and_answer(setup, 10)
    first = seal_and_ingest(setup)
    assert ingest(centre, first).status == "duplicate"
    assert len(stored(centre)) == 10

    sit_and_answer(setup, 2, first=10)
    seal_and_ingest(setup)  # supersedes: the room's 12, not 10 + 12
    rows = stored(centre)
    assert len(rows) == 12
    assert len({r.bundle_pk for r in rows}) == 1
    assert ingest(centre, first).status == "duplicate"
    with centre.read() as s:
        assert s.scalar(select(func.count()).select_from(CentralSurveyResponse)) == 12
    (q,) = survey_aggregates(centre)["questionnaires"]
    assert q["overall"]["respondents"] == 12


def test_the_survey_endpoint_needs_the_staff_token_and_the_cli_prints_it(tmp_path, centre, central_server):
    setup = configure_room(tmp_path, centre, students=12)
    open_room(setup)
    sit_and_answer(setup, 11)
    seal_and_ingest(setup)
    url, ca = central_server
    token = "staff-token-for-this-test"
    write_secret(centre.root / "keys" / "staff-token.sha256",
                 hashlib.sha256(token.encode()).hexdigest().encode())
    verify = ssl.create_default_context(cadata=ca)
    assert httpx.get(f"{url}/api/v1/survey", verify=verify).status_code == 401
    forged = {"Authorization": "Bearer not-the-token"}
    assert httpx.get(f"{url}/api/v1/survey", verify=verify, headers=forged).status_code == 401
    reply = httpx.get(f"{url}/api/v1/survey", verify=verify,
                      headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200
    assert reply.json() == survey_aggregates(centre)
    assert reply.json()["questionnaires"][0]["overall"]["respondents"] == 11

    env = {**os.environ, "CBT_CENTRE_DATABASE_URL": centre.engine.url.render_as_string(hide_password=False)}
    done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                           "survey", "--json"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == survey_aggregates(centre)


def _reseal(setup, survey_rows) -> bytes:
    """The room's own parts with its survey part replaced, signed by the room's key."""
    room = setup.room
    parts = {**sealing.collect_parts(room), "survey": survey_rows}
    return seal_bundle(parts, signer=room.signing_key,
                       recipient=RecipientPublicKey.from_b64(room.setting("centre_recipient_key")),
                       centre_id=room.setting("centre_id"), room_id=room.setting("room_id"),
                       organisation_code=room.setting("organisation_code"), sequence=1)


def test_the_centre_keeps_nothing_but_the_answers_and_refuses_bad_ones(tmp_path, centre):
    setup = configure_room(tmp_path, centre, students=12)
    open_room(setup)
    attempts = sit_and_answer(setup, 2)
    code = setup.credentials[0]["individual_code"]
    # A room that wrongly adds who answered: the centre stores only the questionnaire and answers.
    leaky = [{**row, "individual_code": code, "attempt_id": attempts[0], "answered_at": "09:41"}
             for row in survey.responses(setup.room)]
    bad = [{"questionnaire": STUDENTS, "answers": {"feel_safe": 7}}]
    with pytest.raises(IngestRefused) as refused:
        ingest(centre, _reseal(setup, bad))
    assert refused.value.code == "malformed" and stored(centre) == []
    with centre.read() as s:
        assert s.scalar(select(func.count()).select_from(ReceivedBundle)) == 0

    assert ingest(centre, _reseal(setup, leaky)).status == "stored"
    rows = stored(centre)
    assert len(rows) == 2
    for row in rows:
        assert code not in row.answers_json and attempts[0] not in row.answers_json
        assert "09:41" not in row.answers_json and set(json.loads(row.answers_json)) == set(QUESTIONS)
