"""Finding 6 (issue 15): anyone on the LAN could lock students and seats out.

Logins are predictable and failed logins lock a login (5) and a workstation (10): 29
unauthenticated requests locked 3 students and a seat. Now a login is tried only from an enrolled
kiosk PC, at the seat its credential proves, so a laptop on the LAN locks no one, and a student at
their own enrolled seat can lock only what the per-seat limit allows.
"""

from __future__ import annotations

from common.storage.room_models import Student
from proctor_console.room.logins import workstation_failures
from tests.security.conftest import kiosk_login


def test_a_laptop_on_the_lan_locks_no_student_and_no_seat(open_room, attacker):
    room = open_room.room
    creds = open_room.credentials
    for n in range(29):
        victim = creds[n % 3]
        reply = attacker.post("/session/login", json={
            "login": victim["login"], "password": f"wrong{n}", "workstation_id": creds[0]["seat"]},
            headers={"X-Workstation": creds[0]["seat"]})
        assert reply.status_code == 401 and reply.json()["error"] == "not_enrolled", reply.text
    with room.read() as s:
        assert [st.failed_logins for st in s.query(Student)] == [0] * len(creds)
        assert workstation_failures(s) == {}
    for cred in creds[:3]:  # every student still logs in at their seat
        kiosk_login(attacker, cred, room)
