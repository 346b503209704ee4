"""Finding 3 (issue 15): seat and workstation were whatever the client said.

Login took `workstation_id` from the body and a session's workstation from the `X-Workstation`
header: another student's slip worked from any device that claimed the victim's seat, and a stolen
token worked with the victim's header. Now each kiosk PC is enrolled (a credential the room gave
it at set-up, `X-Workstation-Key`), and the seat of a login and the workstation of a session come
from that proof alone. The attacker: a laptop on the LAN, and a student at another enrolled seat.
"""

from __future__ import annotations

from tests.security.conftest import bearer, kiosk_login, seat_key


def test_a_slip_works_only_at_its_own_enrolled_seat(open_room, attacker):
    room = open_room.room
    victim, thief = open_room.credentials[:2]
    slip = {"login": victim["login"], "password": victim["password"], "workstation_id": victim["seat"]}

    # A laptop that claims the victim's seat in the body and the old header: not enrolled.
    reply = attacker.post("/session/login", json=slip, headers={"X-Workstation": victim["seat"]})
    assert reply.status_code == 401 and reply.json()["error"] == "not_enrolled", reply.text
    reply = attacker.post("/session/login", json=slip, headers={"X-Workstation-Key": "x" * 20})
    assert reply.status_code == 401 and reply.json()["error"] == "not_enrolled", reply.text

    # The thief's own enrolled PC: the body's seat is ignored, the slip is for another seat.
    reply = attacker.post("/session/login", json=slip, headers=seat_key(room, thief["seat"]))
    assert reply.status_code == 403 and reply.json()["error"] == "wrong_seat", reply.text


def test_a_stolen_token_works_from_no_other_pc(open_room, attacker):
    room = open_room.room
    victim, thief = open_room.credentials[:2]
    mine = kiosk_login(attacker, victim, room)
    stolen = {"Authorization": f"Bearer {mine['token']}", "X-Workstation": victim["seat"]}

    assert attacker.get("/attempt/state", headers=stolen).status_code == 401
    reply = attacker.get("/attempt/state", headers={**stolen, **seat_key(room, thief["seat"])})
    assert reply.status_code == 401 and "another workstation" in reply.json()["message"], reply.text
    assert attacker.get("/attempt/state", headers=bearer(mine)).status_code == 200


def test_the_representative_sees_and_revokes_enrolments(open_room, attacker, desk):
    room = open_room.room
    victim = open_room.credentials[0]
    mine = kiosk_login(attacker, victim, room)
    listed = {e["workstation_id"]: e for e in desk.get("/proctor/enrolments").json()["enrolments"]}
    assert sorted(listed) == sorted(c["seat"] for c in open_room.credentials)  # every seat's PC
    assert listed[victim["seat"]]["revoked_at"] is None
    assert desk.post(f"/proctor/enrolments/{victim['seat']}/revoke").status_code == 200
    reply = attacker.get("/attempt/state", headers=bearer(mine))
    assert reply.status_code == 401 and reply.json()["error"] == "not_enrolled"
    after = {e["workstation_id"]: e for e in desk.get("/proctor/enrolments").json()["enrolments"]}
    assert after[victim["seat"]]["revoked_at"] is not None
    assert all(e["revoked_at"] is None for seat, e in after.items() if seat != victim["seat"])
    # Enrolled again (a new credential for the seat's PC), the sitting goes on.
    fresh = desk.post("/proctor/enrolments", json={"workstation_id": victim["seat"]}).json()
    again = attacker.post("/session/login", headers={"X-Workstation-Key": fresh["workstation_key"]},
                          json={"login": victim["login"], "password": victim["password"]})
    assert again.status_code == 200 and again.json()["resumed"] is True
