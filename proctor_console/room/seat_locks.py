"""The seat lock (§23): while a student is out of the room with the representative's permission,
the time runs on but their seat takes no login and no answer, and the kiosk shows its lock screen.

Whether a student is out is read from the incidents ("left", then "returned"), and kept in the
room's memory for the kiosks' requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.storage.room_models import Incident, Student
from proctor_console.room.store import RoomStore


def away_since(s: Session, student_id: int) -> dt.datetime | None:
    """When the student left the room with permission (§23), if they have not come back yet."""
    last = s.scalars(select(Incident).where(
        Incident.student_id == student_id, Incident.kind.in_(("left", "returned")))
        .order_by(Incident.id.desc()).limit(1)).first()
    return last.at if last is not None and last.kind == "left" else None


def away(room: RoomStore, student_id: int, s: Session | None = None) -> dt.datetime | None:
    """`away_since`, from the room's memory."""
    return room.remembered(room.memory.away, student_id, s, lambda s: away_since(s, student_id))


def seat_lock(room: RoomStore, workstation_id: str) -> dict[str, Any]:
    """Whether the kiosk at this seat must show its lock screen (the student is out, §23)."""
    with room.read() as s:
        student = s.scalar(select(Student).where(Student.seat == workstation_id))
    since = away(room, student.id) if student is not None else None
    return {"locked": since is not None, "lock_reason": "away" if since else None}
