"""What a kiosk measures about itself during the day and the room must know at once: the window
lost the focus, a second screen, a virtual machine, a remote-desktop session, the OS kiosk lock
off, the window not full-screen. Each report is an incident with its seat (the desk's map shows
it at the next poll) and an audit entry.

The room's policy (settings, set by the representative) decides what follows: with
``focus_lost_pause`` a focus lost during a sitting locks the seat, as a student out of the room
is (§23, seat_locks.py), until the representative lets the student go on.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, Incident, Student, Workstation
from proctor_console.room import audit
from proctor_console.room.errors import Forbidden, RoomError, VirtualMachine, WrongBuild
from proctor_console.room.readiness import expected_build
from proctor_console.room.seat_locks import away_since
from proctor_console.room.store import RoomStore

EVENTS = ("focus_lost", "focus_back", "second_screen", "virtual_machine", "remote_session",
          "kiosk_unlocked", "not_fullscreen")
# Events that are good news: shown, but they do not raise the seat's alarm.
CLEARING = ("focus_back",)
POLICIES = ("focus_lost_pause", "refuse_wrong_build", "refuse_virtual_machine")


class IntegrityReport(BaseModel):
    """What a kiosk measured about itself; the seat is the enrolled PC's (room/enrolment.py)."""

    event: str = Field(pattern="^(" + "|".join(EVENTS) + ")$")
    detail: str = Field(default="", max_length=200)


def policy(room: RoomStore, name: str) -> bool:
    return room.setting("policy_" + name) == "1"


def set_policy(room: RoomStore, name: str, on: bool, actor: str) -> dict[str, bool]:
    if name not in POLICIES:
        raise RoomError(f"a policy is one of {', '.join(POLICIES)}")
    with room.tx() as s:
        room.set_setting(s, "policy_" + name, "1" if on else "0")
        audit.record(s, actor, "policy_set", policy=name, after={name: on})
    return {name: on}


def check_workstation(room: RoomStore, workstation_id: str) -> None:
    """Refuse a login where the room's policy says so: a kiosk not running the room's build, or
    one that reported being a virtual machine."""
    wrong_build, vm = policy(room, "refuse_wrong_build"), policy(room, "refuse_virtual_machine")
    if not (wrong_build or vm):
        return
    with room.read() as s:
        rows = list(s.scalars(select(Workstation)))
        reported = [json.loads(i.details_json)["event"] for i in s.scalars(select(Incident).where(
            Incident.kind == "integrity", Incident.actor == "kiosk:" + workstation_id))]
    ws = next((w for w in rows if w.workstation_id == workstation_id), None)
    if wrong_build:
        build = expected_build(room, rows)
        if ws is None or (build is not None and ws.build_hash != build):
            raise WrongBuild("this computer does not run the room's build of the kiosk")
    if vm and "virtual_machine" in reported:
        raise VirtualMachine("this computer is a virtual machine: the room does not allow it")


def report(room: RoomStore, workstation_id: str, body: IntegrityReport,
           attempt_id: str | None) -> dict[str, Any]:
    """Record the kiosk's report; lock the seat when the room's policy says so."""
    now = utcnow()
    pause = body.event == "focus_lost" and policy(room, "focus_lost_pause")
    with room.tx() as s:
        student = s.scalar(select(Student).where(Student.seat == workstation_id))
        attempt = s.get(Attempt, attempt_id) if attempt_id else None
        if attempt is not None and attempt.workstation_id != workstation_id:
            raise Forbidden("a kiosk reports for its own seat only")
        details = {"event": body.event, "detail": body.detail, "seat": workstation_id,
                   "attempt_id": attempt_id, "signed": attempt_id is not None}
        s.add(Incident(kind="integrity", student_id=student.id if student else None, at=now,
                       actor="kiosk:" + workstation_id,
                       details_json=json.dumps(details, ensure_ascii=False, sort_keys=True)))
        locked = False
        if (pause and attempt is not None and attempt.status is AttemptStatus.IN_PROGRESS
                and student is not None and away_since(s, student.id) is None):
            s.add(Incident(kind="left", student_id=student.id, at=now,
                           actor="kiosk:" + workstation_id,
                           details_json=json.dumps({"attempt_id": attempt.id, "seat": student.seat,
                                                    "reason": "focus_lost"}, sort_keys=True)))
            locked = True
        audit.record(s, "kiosk:" + workstation_id, "integrity_" + body.event,
                     seat=workstation_id, detail=body.detail, seat_locked=locked)
    return {"recorded": body.event, "seat_locked": locked, "server_time": now.isoformat()}


def by_seat(s: Any) -> dict[str, dict[str, Any]]:
    """For the desk's map: each seat's count of alarming reports and the latest report."""
    out: dict[str, dict[str, Any]] = {}
    rows = s.scalars(select(Incident).where(Incident.kind == "integrity").order_by(Incident.id))
    for row in rows:
        d = json.loads(row.details_json)
        seat = out.setdefault(d["seat"], {"alarms": 0, "last": None, "last_at": None})
        if d["event"] not in CLEARING:
            seat["alarms"] += 1
        seat["last"], seat["last_at"] = d["event"], row.at.isoformat()
    return out
