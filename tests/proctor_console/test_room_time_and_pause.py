"""Accommodations set before the day, extra time, the room's pause and the representative's
messages — over real HTTPS, the desk as a raw HTTP client, the kiosk with its own engine; the time
checked where the room enforces it (the answers' limit and the closing at the deadline)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from sqlalchemy import select

from common.demo.roster import demo_roster_csv
from common.domain import accommodations as acc
from common.domain.roster import RosterInvalid, parse_csv
from common.storage.room_models import Answer, Attempt, AttemptStatus, Incident
from exam_client.engine.link import KioskError
from proctor_console.room import answers, audit, submission


def ok(reply: httpx.Response) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()


def roster_with_accommodations(n: int) -> str:
    """The demo roster, the first student with 1.5× time and read-aloud, in Kazakh headers."""
    lines = demo_roster_csv(n).splitlines()
    lines[0] += ",Қосымша уақыт,Дауыстап оқу,Ірі шрифт"
    lines[1] += ",\"1,5\",иә,"
    for i in range(2, len(lines)):
        lines[i] += ",,,"
    return "\n".join(lines) + "\n"


@pytest.fixture
def room_setup(tmp_path, centre):
    """The shared room set-up (tests/conftest.py), with accommodations on the roster."""
    from tests.conftest import configure_room

    return configure_room(tmp_path, centre, roster=roster_with_accommodations(6))


def start(setup) -> None:
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")


def test_roster_accommodation_cells():
    rows = parse_csv(roster_with_accommodations(3))
    assert rows[0].accommodations == acc.Accommodations(1.5, False, False, True)
    assert rows[1].accommodations == acc.Accommodations()
    assert [acc.factor(v) for v in ("", "1.5", "x1,25", "150%", "+50%", "1.33")] == \
        [1.0, 1.5, 1.25, 1.5, 1.5, 1.35]
    bad = demo_roster_csv(2).splitlines()
    bad[0] += ",extra time,read aloud"
    bad[1] += ",5,maybe"
    bad[2] += ",,"
    with pytest.raises(RosterInvalid) as refused:
        parse_csv("\n".join(bad))
    assert {(p.field, p.line) for p in refused.value.problems} == {("extra_time", 2),
                                                                    ("read_aloud", 2)}


def test_extra_time_factor_is_given_shown_and_enforced(room_setup, desk, kiosk):
    start(room_setup)
    room = room_setup.room
    duration = room.content().duration_minutes * 60
    slow, plain = room_setup.credentials[0], room_setup.credentials[1]
    seat = next(s for s in ok(desk.get("/proctor/room"))["seats"]
                if s["individual_code"] == slow["individual_code"])
    assert seat["accommodations"] == {"extra_time_factor": 1.5, "large_print": False,
                                      "high_contrast": False, "read_aloud": True}

    a = kiosk(slow["seat"]).login(slow["login"], slow["password"])
    b = kiosk(plain["seat"]).login(plain["login"], plain["password"])
    # The kiosk shows the server's time: 1.5× the specification's for the accommodated student.
    assert a.remaining_seconds() == pytest.approx(1.5 * duration, abs=3)
    assert b.remaining_seconds() == pytest.approx(duration, abs=3)
    assert a.accommodations["read_aloud"] is True and b.accommodations["read_aloud"] is False

    # The room enforces it on its own clock: at 1.2x the time it takes an answer from the 1.5x
    # student only, and its closing at that moment closes only the 1.0x sitting.
    with room.read() as s:
        started = {x.id: x.started_at for x in s.scalars(select(Attempt))}
    at = started[a.attempt_id] + dt.timedelta(seconds=1.2 * duration)
    item = a.items[0]
    entry = {"seq": 1, "item_id": item["id"], "answer": item["options"][0]["id"],
             "client_ts": 0.0}  # the kiosk's word about time is never trusted
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(answers, "utcnow", lambda: at)
        assert room.save_answers(a.attempt_id, [entry]) == {"acked_seq": 1}
        entry["item_id"] = b.items[0]["id"]
        entry["answer"] = b.items[0]["options"][0]["id"]
        # past the 1.0x student's time: held for the representative, not stored (late_answers.py)
        assert room.save_answers(b.attempt_id, [entry])["held"] == [1]
    with room.read() as s:
        assert {x.attempt_id for x in s.scalars(select(Answer))} == {a.attempt_id}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(submission, "utcnow", lambda: at)
        assert room.close_expired() == 1
    with room.read() as s:
        status = {x.id: x.status for x in s.scalars(select(Attempt))}
    assert status[a.attempt_id] is AttemptStatus.IN_PROGRESS
    assert status[b.attempt_id] is AttemptStatus.SUBMITTED


def test_room_pause_of_five_minutes_moves_every_deadline(room_setup, desk, kiosk, monkeypatch):
    start(room_setup)
    room = room_setup.room
    sittings = [kiosk(c["seat"]).login(c["login"], c["password"])
                for c in room_setup.credentials[:3]]
    with room.read() as s:
        before = {x.id: x.deadline_at for x in s.scalars(select(Attempt))}

    t0 = dt.datetime.now(dt.timezone.utc)
    clock = {"now": t0}
    from proctor_console.room import room_pause
    monkeypatch.setattr(room_pause, "utcnow", lambda: clock["now"])

    refused = desk.post("/proctor/pause", json={"reason": "lunch"})
    assert refused.status_code == 422
    paused = ok(desk.post("/proctor/pause", json={"reason": "power", "note": "жарық өшті"}))
    assert paused["paused"] is True
    # Every kiosk is told why, and its clock stands still; it takes no answer.
    for sitting in sittings:
        state = sitting.reconcile()
        assert state["paused"]["reason"] == "power" and state["paused"]["note"] == "жарық өшті"
        standing = sitting.remaining_seconds()
        assert standing == pytest.approx(sitting.deadline - t0.timestamp(), abs=1)
        with pytest.raises(KioskError) as during:
            sitting.answer(sitting.items[0]["id"], sitting.items[0]["options"][0]["id"])
        assert during.value.code == "room_paused"
    view = ok(desk.get("/proctor/room"))
    assert view["paused"]["reason"] == "power"
    assert desk.post("/proctor/pause", json={"reason": "power"}).status_code == 409
    assert room.close_expired() == 0  # no clock runs: nothing closes

    clock["now"] = t0 + dt.timedelta(minutes=5)
    resumed = ok(desk.post("/proctor/resume"))
    assert resumed == {"paused": False, "seconds": 300, "sittings": 3}
    with room.read() as s:
        after = {x.id: x.deadline_at for x in s.scalars(select(Attempt))}
    assert {k: after[k] - before[k] for k in before} == \
        {k: dt.timedelta(minutes=5) for k in before}
    for sitting in sittings:
        old = sitting.deadline
        state = sitting.reconcile()
        assert state["paused"] is None
        assert sitting.deadline == pytest.approx(after[sitting.attempt_id].timestamp())
        assert sitting.deadline - old == pytest.approx(0, abs=1) or sitting.deadline > old
    assert desk.post("/proctor/resume").status_code == 409
    with room.read() as s:
        kinds = [i.kind for i in s.scalars(select(Incident).where(Incident.student_id.is_(None)))]
        assert kinds == ["room_paused", "room_resumed"]
        assert audit.verify(s, room.paths.root).ok
        actions = [json.loads(e.details_json) for e in s.scalars(
            select(audit.AuditEntry).where(audit.AuditEntry.action == "room_resumed"))]
    assert actions[0]["seconds"] == 300 and actions[0]["sittings"] == 3


def test_messages_to_a_seat_and_to_the_room(room_setup, desk, kiosk):
    start(room_setup)
    first, second = room_setup.credentials[:2]
    a = kiosk(first["seat"]).login(first["login"], first["password"])
    b = kiosk(second["seat"]).login(second["login"], second["password"])
    ok(desk.post("/proctor/message", json={"text": "Барлығына: 10 минут қалды"}))
    ok(desk.post("/proctor/message", json={"text": "Жауап парағын тексеріңіз",
                                           "individual_code": first["individual_code"]}))
    assert desk.post("/proctor/message", json={"text": ""}).status_code == 422
    assert desk.post("/proctor/message", json={
        "text": "x", "individual_code": "00000000"}).status_code == 404
    a.reconcile()
    b.reconcile()
    assert [m["text"] for m in a.messages] == ["Барлығына: 10 минут қалды",
                                               "Жауап парағын тексеріңіз"]
    assert [m["text"] for m in b.messages] == ["Барлығына: 10 минут қалды"]
    assert a.messages[0]["to_room"] is True and a.messages[1]["to_room"] is False
