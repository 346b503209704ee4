"""Finding 9 (issue 15): unauthenticated kiosk register/heartbeat faked a seat's readiness and
flooded the audit log. Now only an enrolled kiosk PC reports, and only about itself."""

from __future__ import annotations

import time

from common.storage.room_models import AuditEntry, Workstation
from tests.security.conftest import seat_key

READY = {"build_hash": "b" * 12, "screen": "1920x1080", "free_disk_mb": 5000, "kiosk_locked": True}


def test_an_unenrolled_device_cannot_fake_a_seat_or_flood_the_audit(open_room, attacker, desk):
    room = open_room.room
    seat = open_room.credentials[0]["seat"]
    with room.read() as s:
        audit_before = s.query(AuditEntry).count()
    for n in range(50):
        body = {**READY, "workstation_id": seat, "client_time": time.time(), "build_hash": f"fake{n}"}
        path = "/kiosk/register" if n % 2 else "/kiosk/heartbeat"
        reply = attacker.post(path, json=body, headers={"X-Workstation": seat})
        assert reply.status_code == 401 and reply.json()["error"] == "not_enrolled", reply.text
    with room.read() as s:
        assert s.query(Workstation).count() == 0
        assert s.query(AuditEntry).count() == audit_before
    readiness = desk.get("/proctor/readiness").json()
    assert next(x for x in readiness["seats"] if x["seat"] == seat)["reasons"] == ["not_registered"]

    # The enrolled PC at another seat reports about itself only, whatever its body says.
    other = open_room.credentials[1]["seat"]
    reply = attacker.post("/kiosk/register", headers=seat_key(room, other),
                          json={**READY, "workstation_id": seat, "client_time": time.time()})
    assert reply.status_code == 200, reply.text
    with room.read() as s:
        assert [w.workstation_id for w in s.query(Workstation)] == [other]
