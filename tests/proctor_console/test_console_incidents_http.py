"""Readiness, live progress and the in-test actions over real HTTPS, with the kiosk's own engine.

Each action is checked where it lands: the reply, the kiosk's behaviour, the incident and audit
rows (with before/after), and the audit chain staying whole.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy import select

from common.crypto.tls import pinned_context
from common.storage.room_models import Attempt, AuditEntry, Incident, Student
from exam_client.engine.link import KioskError
from proctor_console.room import audit
from tests.conftest import enrolled


def ok(reply: httpx.Response) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()


def report(seat: str, **changes) -> dict:
    body = {"workstation_id": seat, "build_hash": "b" * 40, "screen": "1920x1080",
            "client_time": time.time(), "free_disk_mb": 20_000, "kiosk_locked": True}
    body.update(changes)
    return body


def seat_of(desk, code: str) -> dict:
    return next(s for s in ok(desk.get("/proctor/room"))["seats"] if s["individual_code"] == code)


def audit_details(room, action: str) -> list[dict]:
    with room.read() as s:
        return [json.loads(e.details_json) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def chain_whole(room) -> bool:
    with room.read() as s:
        return audit.verify(s, room.paths.root).ok


def test_readiness_names_why_each_seat_is_not_ready(room_setup, room_server, desk):
    ctx = pinned_context("127.0.0.1", room_server.port, room_server.fingerprint)
    anonymous = httpx.Client(base_url=desk.base_url, verify=ctx)  # kiosks register unsigned-in

    def register(seat: str, **changes):  # from the PC enrolled at that seat
        return anonymous.post("/kiosk/register", json=report(seat, **changes),
                              headers={"X-Workstation-Key": enrolled(room_setup.room, seat)})

    seats = [c["seat"] for c in room_setup.credentials]
    ok(register(seats[0]))
    ok(register(seats[1], screen="800x600"))
    ok(register(seats[2], kiosk_locked=False, free_disk_mb=50))
    ok(register(seats[3], client_time=time.time() + 600))
    ok(register(seats[4], build_hash="c" * 40))
    ok(register("99"))  # a spare PC
    bad = register("01", screen="big")
    assert bad.status_code == 422
    anonymous.close()

    state = ok(desk.get("/proctor/readiness"))
    reasons = {s["seat"]: s["reasons"] for s in state["seats"]}
    assert reasons == {seats[0]: [], seats[1]: ["screen"], seats[2]: ["disk", "unlocked"],
                       seats[3]: ["clock"], seats[4]: ["build"], seats[5]: ["not_registered"]}
    assert state["ready"] == 1 and state["total"] == 6
    assert [w["workstation_id"] for w in state["spares"]] == ["99"]
    offset = next(s for s in state["seats"] if s["seat"] == seats[3])["workstation"]["clock_offset_ms"]
    assert 590_000 < offset < 610_000
    # Registrations are evidence; the room view carries the same.
    assert len(audit_details(room_setup.room, "workstation_registered")) == 6
    view = ok(desk.get("/proctor/room"))
    assert view["seats"][0]["workstation"]["ready"] is True
    assert [w["workstation_id"] for w in view["spares"]] == ["99"]


def admit_and_start(setup) -> None:
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")


def test_live_progress_leave_return_and_extension(room_setup, desk, kiosk):
    admit_and_start(room_setup)
    cred = room_setup.credentials[0]
    engine = kiosk(cred["seat"])
    sitting = engine.login(cred["login"], cred["password"])
    first, second = sitting.items[0], sitting.items[1]
    sitting.answer(first["id"], first["options"][0]["id"])
    sitting.answer(first["id"], first["options"][1]["id"])
    sitting.answer(second["id"], second["options"][0]["id"])
    sitting.replicate()
    # The kiosk's heartbeat, with the sitting's token: section, journal, a raised hand.
    beat = engine.link.call("POST", "/kiosk/heartbeat",
                            report(cred["seat"], section="reading", journal_seq=5, hand_raised=True))
    assert beat["locked"] is False
    attempt = seat_of(desk, cred["individual_code"])["attempt"]
    assert (attempt["answers"], attempt["answered"], attempt["acked_seq"]) == (3, 2, 3)
    assert attempt["journal_lag"] == 2 and attempt["section"] == "reading"
    assert attempt["hand_raised"] is True
    assert 0 < attempt["time_left_s"] <= room_setup.room.content().duration_minutes * 60

    # Leave: the seat locks (the kiosk is told; answers and logins wait), the time runs on.
    left = ok(desk.post("/proctor/leave", json={"individual_code": cred["individual_code"]}))
    assert left["left_at"]
    assert engine.link.call("POST", "/kiosk/heartbeat", report(cred["seat"]))["locked"] is True
    assert sitting.reconcile()["locked"] is True
    sitting.answer(second["id"], second["options"][1]["id"])
    with pytest.raises(KioskError) as locked:
        sitting.replicate()
    assert locked.value.code == "seat_locked"
    with pytest.raises(KioskError) as relogin:
        kiosk(cred["seat"]).login(cred["login"], cred["password"])
    assert relogin.value.code == "seat_locked"
    assert seat_of(desk, cred["individual_code"])["away"] is True
    twice = desk.post("/proctor/leave", json={"individual_code": cred["individual_code"]})
    assert twice.status_code == 409

    ok(desk.post("/proctor/return", json={"individual_code": cred["individual_code"]}))
    assert sitting.replicate() == 4  # what was journalled while out arrives now
    assert seat_of(desk, cred["individual_code"])["away"] is False

    # Time extension with a reason: the deadline moves, the kiosk takes it.
    before = sitting.deadline
    reply = desk.post("/proctor/extend", json={"individual_code": cred["individual_code"],
                                               "minutes": 10, "reason": ""})
    assert reply.status_code == 422
    ok(desk.post("/proctor/extend", json={"individual_code": cred["individual_code"],
                                          "minutes": 10, "reason": "компьютер қайта қосылды"}))
    sitting.reconcile()
    assert sitting.deadline - before == pytest.approx(600, abs=1)
    extension = audit_details(room_setup.room, "time_extended")[-1]
    assert extension["reason"] == "компьютер қайта қосылды"
    assert extension["before"]["deadline"] < extension["after"]["deadline"]
    assert seat_of(desk, cred["individual_code"])["attempt"]["extensions"] == 1

    with room_setup.room.read() as s:
        kinds = [i.kind for i in s.scalars(select(Incident).order_by(Incident.id))]
    assert kinds == ["left", "returned", "time_extended"]
    assert audit_details(room_setup.room, "student_left")[0]["after"] == {
        "in_room": False, "seat_locked": True}
    assert chain_whole(room_setup.room)
    sitting.close()


def test_moving_a_student_resumes_at_the_new_seat_from_the_servers_answers(room_setup, desk, kiosk):
    admit_and_start(room_setup)
    cred = room_setup.credentials[2]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    item = sitting.items[0]
    sitting.answer(item["id"], item["options"][2]["id"])
    assert sitting.replicate() == 1

    taken = desk.post("/proctor/move", json={"individual_code": cred["individual_code"],
                                             "seat": room_setup.credentials[3]["seat"]})
    assert taken.status_code == 409
    moved = ok(desk.post("/proctor/move", json={"individual_code": cred["individual_code"],
                                                "seat": "31", "reason": "монитор сөнді"}))
    assert (moved["previous_seat"], moved["seat"]) == (cred["seat"], "31")
    # The old kiosk's session is over; logging in there again is the wrong seat.
    sitting.answer(item["id"], item["options"][0]["id"])
    with pytest.raises(KioskError) as ended:
        sitting.replicate()
    assert ended.value.code == "unauthorized"
    with pytest.raises(KioskError) as wrong:
        kiosk(cred["seat"]).login(cred["login"], cred["password"])
    assert wrong.value.code == "wrong_seat"
    # At the new seat: a fresh journal that first copies the server's answers.
    again = kiosk("31").login(cred["login"], cred["password"])
    assert again.resumed and again.answers() == {item["id"]: item["options"][2]["id"]}
    assert again.journal.last_seq == 1
    with room_setup.room.read() as s:
        student = s.scalar(select(Student).where(Student.individual_code == cred["individual_code"]))
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
    assert student.seat == "31" and attempt.workstation_id == "31" and attempt.logins == 2
    details = audit_details(room_setup.room, "seat_moved")[0]
    assert details["before"] == {"seat": cred["seat"]} and details["after"] == {"seat": "31"}
    assert details["sessions_ended"] == 1
    again.close()
    sitting.close()


def test_head_entry_log_notes_password_and_unlock(room_setup, desk, kiosk):
    admit_and_start(room_setup)
    ok(desk.post("/proctor/head", json={"login": "head", "full_name": "Бекова Сәуле Төлегенқызы",
                                        "pin": "4321"}))
    wrong = desk.post("/proctor/head/visit", json={"login": "head", "pin": "0000",
                                                   "direction": "entered"})
    assert wrong.status_code == 401
    came = ok(desk.post("/proctor/head/visit", json={"login": "head", "pin": "4321",
                                                     "direction": "entered"}))
    assert came["head"] == "Бекова Сәуле Төлегенқызы"
    assert desk.post("/proctor/head/visit", json={"login": "head", "pin": "4321",
                                                  "direction": "entered"}).status_code == 409
    ok(desk.post("/proctor/head/visit", json={"login": "head", "pin": "4321", "direction": "left"}))
    ok(desk.post("/proctor/note", json={"text": "Терезе ашылды, шу жоқ."}))

    cred = room_setup.credentials[4]
    guesser = kiosk(cred["seat"])
    for _ in range(5):
        with pytest.raises(KioskError):
            guesser.login(cred["login"], "nope")
    assert seat_of(desk, cred["individual_code"])["locked_out"] is True
    fresh = ok(desk.post("/proctor/password", json={"individual_code": cred["individual_code"]}))
    assert fresh["password"] != cred["password"] and fresh["login"] == cred["login"]
    with pytest.raises(KioskError):
        guesser.login(cred["login"], cred["password"])  # the old password no longer works
    guesser.login(cred["login"], fresh["password"]).close()

    incidents = ok(desk.get("/proctor/incidents"))["incidents"]
    assert [i["kind"] for i in incidents] == ["head_entered", "head_left", "note", "password_reissued"]
    assert incidents[0]["details"]["full_name"] == "Бекова Сәуле Төлегенқызы"
    with room_setup.room.read() as s:
        entries = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert {"head_registered", "head_entered", "head_left", "note", "password_reissued"} <= set(entries)
    assert all("4321" not in json.dumps(d) for d in audit_details(room_setup.room, "head_registered"))
    assert ok(desk.get("/proctor/audit/verify"))["ok"] is True
    # The head signs the entry log; running the room is the representative's alone.
    head_token = ok(desk.post("/proctor/signin", json={"login": "head", "pin": "4321"}))["token"]
    as_head = desk.get("/proctor/room", headers={"Authorization": f"Bearer {head_token}"})
    assert as_head.status_code == 403 and as_head.json()["error"] == "forbidden"
