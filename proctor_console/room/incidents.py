"""What the representative does during the test, besides the acts — each one an incident row and
an audit entry with what was before and after, in one transaction.

* leave / return (§23): the student leaves the room with permission; the time keeps running and
  the seat is locked (no login, no new answers; the kiosk shows its lock screen) until they return;
* time extension for a technical failure, with its reason;
* moving a student to another seat (before the start, or during the test: the old kiosk's session
  ends and the student logs in at the new seat, where the kiosk copies the server's answers into a
  fresh journal and goes on);
* the entry log of the head of the organisation (§22: only the representative and the head may
  enter during the test);
* notes;
* a new password (a lost slip) and unlocking a login locked after wrong passwords.

None of these is ever edited; a correction is a new incident.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.crypto import passwords
from common.domain.roster import SEAT_PATTERN
from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, Incident, Proctor, Student
from proctor_console.room import audit, data_keys, deadlines
from proctor_console.room.errors import Conflict, RoomError, Unauthorized
from proctor_console.room.logins import clear_workstation_failures
from proctor_console.room.proctors import check_pin
from proctor_console.room.roster import full_name, student_by_code
from proctor_console.room.seat_locks import away_since
from proctor_console.room.sessions import end_sessions
from proctor_console.room.store import RoomStore

MAX_EXTENSION_MINUTES = 60
MAX_NOTE = 2000
KINDS = ("left", "returned", "time_extended", "seat_moved", "note", "head_entered", "head_left",
         "password_reissued", "login_unlocked")


def _add(s: Session, kind: str, actor: str, student: Student | None, **details: Any) -> Incident:
    incident = Incident(kind=kind, student_id=student.id if student else None, at=utcnow(),
                        actor=actor, details_json=json.dumps(details, ensure_ascii=False,
                                                             sort_keys=True))
    s.add(incident)
    return incident


def _sitting(s: Session, student: Student) -> Attempt:
    attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
    if attempt is None or attempt.status is not AttemptStatus.IN_PROGRESS:
        raise Conflict("the student is not sitting the test now")
    return attempt


# --- leave and return ----------------------------------------------------------------------------


def leave(room: RoomStore, individual_code: str, actor: str) -> dict[str, Any]:
    """§23: the representative lets the student out; the seat locks, the time keeps running."""
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        attempt = _sitting(s, student)
        if away_since(s, student.id) is not None:
            raise Conflict("the student is already out of the room")
        incident = _add(s, "left", actor, student, attempt_id=attempt.id, seat=student.seat)
        audit.record(s, actor, "student_left", individual_code=individual_code, seat=student.seat,
                     before={"in_room": True}, after={"in_room": False, "seat_locked": True})
    return {"individual_code": individual_code, "left_at": incident.at.isoformat()}


def come_back(room: RoomStore, individual_code: str, actor: str) -> dict[str, Any]:
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        since = away_since(s, student.id)
        if since is None:
            raise Conflict("the student has not left the room")
        now = utcnow()
        minutes = round((now - since).total_seconds() / 60, 1)
        _add(s, "returned", actor, student, seat=student.seat, away_minutes=minutes)
        audit.record(s, actor, "student_returned", individual_code=individual_code,
                     seat=student.seat, away_minutes=minutes,
                     before={"in_room": False, "seat_locked": True}, after={"in_room": True})
    return {"individual_code": individual_code, "away_minutes": minutes}


# --- time ----------------------------------------------------------------------------------------


def extend_time(room: RoomStore, individual_code: str, minutes: int, reason: str,
                actor: str) -> dict[str, Any]:
    """More time for a technical failure; the kiosk takes the new deadline at its next contact."""
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise RoomError(f"the extension must be 1 to {MAX_EXTENSION_MINUTES} minutes")
    reason = (reason or "").strip()
    if not reason:
        raise RoomError("write the reason for the extension (the technical failure)")
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        attempt = _sitting(s, student)
        before = attempt.deadline_at
        attempt.deadline_at = deadlines.extended(before, minutes)
        _add(s, "time_extended", actor, student, attempt_id=attempt.id, minutes=minutes,
             reason=reason, before=before.isoformat(), after=attempt.deadline_at.isoformat())
        audit.record(s, actor, "time_extended", individual_code=individual_code, minutes=minutes,
                     reason=reason, before={"deadline": before.isoformat()},
                     after={"deadline": attempt.deadline_at.isoformat()})
        deadline = attempt.deadline_at
    return {"individual_code": individual_code, "deadline": deadline.isoformat()}


# --- seats ---------------------------------------------------------------------------------------


def move_seat(room: RoomStore, individual_code: str, new_seat: str, reason: str,
              actor: str) -> dict[str, Any]:
    """Give the student another seat. During the test the old kiosk's session ends at once; the
    student logs in at the new seat and goes on from the server's copy of their answers."""
    new_seat = new_seat.strip()
    if new_seat.isdigit():
        new_seat = new_seat.zfill(2)
    if not SEAT_PATTERN.match(new_seat):
        raise RoomError("a seat is 1-16 Latin letters, digits or '-'")
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        if student.seat == new_seat:
            raise Conflict(f"the student already sits at seat {new_seat}")
        taken = s.scalar(select(Student).where(Student.seat == new_seat))
        if taken is not None:
            raise Conflict(f"seat {new_seat} is {full_name(taken)}'s")
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
        if attempt is not None and attempt.status is not AttemptStatus.IN_PROGRESS:
            raise Conflict("the student's test is over: the seat cannot change")
        old_seat = student.seat
        student.seat = new_seat
        ended = end_sessions(s, attempt.id) if attempt is not None else 0
        _add(s, "seat_moved", actor, student, before=old_seat, after=new_seat,
             reason=(reason or "").strip(), attempt_id=attempt.id if attempt else None)
        audit.record(s, actor, "seat_moved", individual_code=individual_code,
                     reason=(reason or "").strip(), sessions_ended=ended,
                     before={"seat": old_seat}, after={"seat": new_seat})
    return {"individual_code": individual_code, "seat": new_seat, "previous_seat": old_seat}


# --- notes and the head of the organisation ---------------------------------------------------------


def add_note(room: RoomStore, text: str, actor: str, individual_code: str | None = None) -> dict[str, Any]:
    text = (text or "").strip()
    if not text:
        raise RoomError("the note is empty")
    if len(text) > MAX_NOTE:
        raise RoomError(f"a note is at most {MAX_NOTE} characters")
    with room.tx() as s:
        student = student_by_code(s, individual_code) if individual_code else None
        incident = _add(s, "note", actor, student, text=text)
        audit.record(s, actor, "note", individual_code=individual_code, text=text)
    return {"at": incident.at.isoformat(), "text": text}


def add_head(room: RoomStore, login: str, full_name_: str, pin: str, actor: str) -> None:
    """Register the head of the organisation, who signs the entry log with their own PIN (§22)."""
    login, full_name_ = login.strip().lower(), full_name_.strip()
    if not login or not full_name_:
        raise RoomError("write the head's login and full name")
    check_pin(pin)
    hashed = passwords.hash_password(pin, room.password_params)  # the room's cost
    with room.tx() as s:
        if s.scalar(select(Proctor).where(Proctor.login == login)) is not None:
            raise Conflict(f"the login {login} is taken")
        s.add(Proctor(login=login, full_name=full_name_, role="head", pin_hash=hashed))
        audit.record(s, actor, "head_registered", login=login, full_name=full_name_,
                     before=None, after={"login": login, "role": "head"})


def head_visit(room: RoomStore, head_login: str, head_pin: str, direction: str,
               actor: str) -> dict[str, Any]:
    """The head of the organisation comes in or goes out; they confirm with their own PIN."""
    if direction not in ("entered", "left"):
        raise RoomError("direction is entered or left")
    with room.read() as s:
        head = s.scalar(select(Proctor).where(Proctor.login == head_login.strip().lower()))
    if head is None or head.role != "head" or not passwords.verify_password(head_pin, head.pin_hash):
        raise Unauthorized("wrong login or PIN of the head of the organisation")
    with room.tx() as s:
        inside = _head_inside(s, head.login)
        if direction == "entered" and inside:
            raise Conflict("the head is already in the room")
        if direction == "left" and not inside:
            raise Conflict("the head is not in the room")
        incident = _add(s, f"head_{direction}", actor, None, head=head.login,
                        full_name=head.full_name)
        audit.record(s, actor, f"head_{direction}", head=head.login, full_name=head.full_name,
                     before={"inside": inside}, after={"inside": not inside})
    return {"head": head.full_name, "direction": direction, "at": incident.at.isoformat()}


def _head_inside(s: Session, login: str) -> bool:
    last = s.scalars(select(Incident).where(Incident.kind.in_(("head_entered", "head_left")))
                     .order_by(Incident.id.desc())).all()
    for incident in last:
        if json.loads(incident.details_json).get("head") == login:
            return incident.kind == "head_entered"
    return False


# --- credentials -----------------------------------------------------------------------------------


def reissue_password(room: RoomStore, individual_code: str, actor: str) -> dict[str, str]:
    """A new one-time password (the slip was lost); the old one stops working, the lock is lifted."""
    password = passwords.new_password()
    hashed = passwords.keyed_hash(password, data_keys.password_key(room))
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
        if attempt is not None and attempt.status is not AttemptStatus.IN_PROGRESS:
            raise Conflict("the student's test is over")
        failed = student.failed_logins
        student.password_hash = hashed
        student.failed_logins = 0
        _add(s, "password_reissued", actor, student)
        audit.record(s, actor, "password_reissued", individual_code=individual_code,
                     before={"failed_logins": failed}, after={"failed_logins": 0})
        return {"individual_code": individual_code, "login": student.login, "password": password,
                "seat": student.seat, "full_name": full_name(student)}


def unlock_login(room: RoomStore, individual_code: str, actor: str) -> None:
    """Lift the lock of the student's login and of the workstation at the student's seat."""
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        failed = student.failed_logins
        at_seat = clear_workstation_failures(room, s, student.seat)
        if failed == 0 and at_seat == 0:
            raise Conflict("neither the login nor the seat's workstation is locked")
        student.failed_logins = 0
        _add(s, "login_unlocked", actor, student, failed_logins=failed,
             workstation_failed_logins=at_seat)
        audit.record(s, actor, "login_unlocked", individual_code=individual_code,
                     workstation_id=student.seat,
                     before={"failed_logins": failed, "workstation_failed_logins": at_seat},
                     after={"failed_logins": 0, "workstation_failed_logins": 0})


# --- reading -------------------------------------------------------------------------------------


def incident_list(room: RoomStore) -> list[dict[str, Any]]:
    """Every incident, oldest first, for the screen and the bundle."""
    with room.read() as s:
        codes = {st.id: st.individual_code for st in s.scalars(select(Student))}
        return [{"id": i.id, "kind": i.kind, "at": i.at.isoformat(), "actor": i.actor,
                 "individual_code": codes.get(i.student_id) if i.student_id else None,
                 "details": json.loads(i.details_json)}
                for i in s.scalars(select(Incident).order_by(Incident.id))]
