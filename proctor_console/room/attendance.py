"""Admission: the representative marks each student present or absent (with the reasons of §12)."""

from __future__ import annotations

from sqlalchemy import select

from common.domain.absence import ABSENCE_REASONS
from common.storage.room_models import Attempt, Attendance
from proctor_console.room import audit
from proctor_console.room.errors import Conflict, RoomError
from proctor_console.room.roster import student_by_code
from proctor_console.room.store import RoomStore



def mark_attendance(room: RoomStore, individual_code: str, status: str, reason: str | None,
                    actor: str) -> None:
    if status not in (Attendance.PRESENT, Attendance.ABSENT):
        raise RoomError("attendance is present or absent")
    attendance = Attendance(status)
    if attendance is Attendance.ABSENT and reason not in ABSENCE_REASONS:
        raise RoomError(f"an absence needs a reason: one of {', '.join(ABSENCE_REASONS)}")
    with room.tx() as s:
        student = student_by_code(s, individual_code)
        if s.scalar(select(Attempt).where(Attempt.student_id == student.id)):
            raise Conflict("the student has already started: attendance cannot change")
        before = {"attendance": student.attendance.value, "absence_reason": student.absence_reason}
        student.attendance = attendance
        student.absence_reason = reason if attendance is Attendance.ABSENT else None
        audit.record(s, actor, "attendance", individual_code=individual_code,
                     status=attendance.value, reason=reason, before=before,
                     after={"attendance": attendance.value,
                            "absence_reason": student.absence_reason})
