"""A student's login at a kiosk, and the lockouts that stop guessing.

A student may log in only when admitted, only at their own seat, and not while out of the room.
The first login deals the student's variant and starts the sitting; a later one resumes it (the
old session ends) with the same journal key and the answers the room holds.

Five wrong passwords lock the login; ten failed logins at one workstation (any logins, unknown
ones, someone else's password at the wrong seat) lock the workstation; both until the
representative unlocks them (incidents.unlock_login).
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.crypto import passwords
from common.domain.exam import content_to_dict
from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, Attendance, Setting, Student
from proctor_console.room import (
    assignment,
    audit,
    data_keys,
    deadlines,
    integrity,
    slow_lane,
    submission,
)
from proctor_console.room.errors import (
    AttemptClosed,
    LockedOut,
    NotAdmitted,
    SeatLocked,
    Unauthorized,
    WorkstationLockedOut,
    WrongSeat,
)
from proctor_console.room.journal_grants import grant_for
from proctor_console.room.package import payload as opened_payload
from proctor_console.room.roster import accommodations_of, full_name
from proctor_console.room.seat_locks import away_since
from proctor_console.room.sessions import end_sessions, open_session
from proctor_console.room.deadlines import is_over
from proctor_console.room.sittings import answers_of, ensure_open
from proctor_console.room.store import RoomStore

MAX_FAILED_LOGINS = 5  # wrong passwords for one login, then it is locked until the representative unlocks
# Failed logins at one workstation (any login, unknown logins, someone else's password at the wrong
# seat), then the workstation is locked until the representative unlocks it: one seat cannot
# guess its way through the room's logins, nor lock more than two other students out.
MAX_FAILED_LOGINS_PER_WORKSTATION = 10
# Failed logins per workstation: {workstation id: count}, one setting, so that guessing from
# one seat is stopped whichever logins it tries (each login also locks on its own).
_WORKSTATION_FAILURES = "failed_logins_by_workstation"


def login(room: RoomStore, login: str, password: str, workstation_id: str) -> dict[str, Any]:
    payload = opened_payload(room)  # refuses before the start
    with room.read() as s:
        failures = workstation_failures(s)
    if failures.get(workstation_id, 0) >= MAX_FAILED_LOGINS_PER_WORKSTATION:
        raise WorkstationLockedOut("too many failed logins at this computer: ask the representative")
    with room.read() as s:
        student = s.scalar(select(Student).where(Student.login == login.strip().lower()))
    if student is None:
        _login_failed(room, workstation_id, None, login, "unknown_login")
        raise Unauthorized("wrong login or password")
    if student.failed_logins >= MAX_FAILED_LOGINS:
        raise LockedOut("too many wrong passwords: ask the representative")
    if not _password_ok(room, password, student.password_hash):
        _login_failed(room, workstation_id, student.id, login, "wrong_password")
        raise Unauthorized("wrong login or password")
    if student.attendance is not Attendance.PRESENT:
        raise NotAdmitted("the representative has not admitted this student")
    if student.seat != workstation_id:
        # The right password at another seat: someone else's slip. Counted against this seat.
        _login_failed(room, workstation_id, None, login, "wrong_seat")
        raise WrongSeat(f"this student's seat is {student.seat}, not {workstation_id}")
    with room.read() as s:
        if away_since(s, student.id) is not None:
            raise SeatLocked("the student is out of the room: the representative unlocks the seat")
        earlier = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
    if earlier is not None and earlier.status is not AttemptStatus.VOIDED:
        # After the deadline (the server's clock) a login shows the result, never the test.
        if earlier.status is AttemptStatus.IN_PROGRESS and is_over(earlier):
            submission.submit(room, earlier.id, 0, reason="time_over")
        if earlier.status is AttemptStatus.SUBMITTED or is_over(earlier):
            with room.read() as s:
                done = s.get(Attempt, earlier.id)
            raise AttemptClosed("the test is over", result=submission.result(done))
    integrity.check_workstation(room, workstation_id)  # the room's policy: build, VM

    now = utcnow()
    with room.tx() as s:
        row = s.get(Student, student.id)
        row.failed_logins = 0
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
        resumed = attempt is not None
        if attempt is None:
            # The student's own variant and order, recorded with the attempt (assignment.py).
            variant, permutation = assignment.assign(room, payload, s, row)
            attempt_id = str(uuid.uuid4())
            attempt = Attempt(
                id=attempt_id, student_id=student.id,
                package_id=room.setting("package_id"), workstation_id=workstation_id,
                # wrapped under the room's data key, never stored as it is (data_keys.py)
                journal_key=data_keys.wrap(room, os.urandom(32), attempt_id),
                status=AttemptStatus.IN_PROGRESS, started_at=now,
                deadline_at=deadlines.first_deadline(now, variant.duration_minutes,
                                                     row.extra_time_factor),
                finished_at=None, score=None, max_score=None, void_reason=None,
                exam_id=variant.exam_id, permutation_json=json.dumps(permutation, sort_keys=True))
            s.add(attempt)
        else:
            ensure_open(attempt)
            attempt.logins += 1
            attempt.workstation_id = workstation_id
            end_sessions(s, attempt.id)
        token = open_session(s, "kiosk", attempt.id, workstation_id)
        audit.record(s, "kiosk:" + workstation_id, "resumed" if resumed else "login",
                     individual_code=student.individual_code, attempt_id=attempt.id)
        answers = answers_of(s, attempt.id)
        view = assignment.view_of(payload, attempt)
        grant = grant_for(room, attempt, row)
    return {
        "token": token,
        "attempt_id": attempt.id,
        "journal_key": base64.b64encode(data_keys.unwrap(room, attempt.journal_key, attempt.id)).decode(),
        "journal_grant": grant,  # the key sealed to the centre, signed by the room
        "resumed": resumed,
        "student": {"full_name": full_name(student), "individual_code": student.individual_code,
                    "seat": student.seat, "language": student.language,
                    "accommodations": accommodations_of(student).to_dict()},
        "server_time": now.isoformat(),
        "deadline": attempt.deadline_at.isoformat(),
        "content": content_to_dict(view, with_keys=False),
        "answers": answers,
        "acked_seq": max((a["seq"] for a in answers), default=0),
    }


def _password_ok(room: RoomStore, password: str, stored: str) -> bool:
    """The one-time password against its keyed hash (microseconds); a hash stored as Argon2id
    before keyed hashes (a room set up by an earlier version) on the slow lane."""
    if passwords.is_memory_hard(stored):
        return slow_lane.run(passwords.verify_password, password, stored)
    return passwords.verify_password(password, stored, data_keys.password_key(room))


def workstation_failures(s: Session) -> dict[str, int]:
    """Failed logins by workstation id."""
    row = s.get(Setting, _WORKSTATION_FAILURES)
    return json.loads(row.value) if row else {}


def _login_failed(room: RoomStore, workstation_id: str, student_id: int | None, login: str,
                  reason: str) -> None:
    """Count a failed login against the login (a wrong password) and the workstation (any
    failure); audit it, and audit the moment either becomes locked."""
    actor = "kiosk:" + workstation_id
    with room.tx() as s:
        failures = workstation_failures(s)
        failures[workstation_id] = failures.get(workstation_id, 0) + 1
        room.set_setting(s, _WORKSTATION_FAILURES, json.dumps(failures, sort_keys=True))
        audit.record(s, actor, "login_failed", login=login, reason=reason,
                     workstation_failures=failures[workstation_id])
        if failures[workstation_id] == MAX_FAILED_LOGINS_PER_WORKSTATION:
            audit.record(s, actor, "workstation_locked_out", workstation_id=workstation_id,
                         failed_logins=failures[workstation_id])
        if student_id is not None:
            row = s.get(Student, student_id)
            row.failed_logins += 1
            if row.failed_logins == MAX_FAILED_LOGINS:
                audit.record(s, actor, "login_locked_out", individual_code=row.individual_code,
                             failed_logins=row.failed_logins)


def clear_workstation_failures(room: RoomStore, s: Session, workstation_id: str) -> int:
    """Forget a workstation's failed logins (the representative unlocks it); returns how many."""
    failures = workstation_failures(s)
    count = failures.pop(workstation_id, 0)
    if count:
        room.set_setting(s, _WORKSTATION_FAILURES, json.dumps(failures, sort_keys=True))
    return count
