"""The representative's messages to one seat or to the whole room: each an incident and an
audit entry; the kiosks read them with the sitting's state (sittings.attempt_state) and show each
one once, over the test, until the student closes it."""

from __future__ import annotations

import json
from typing import Any


from common.storage.base import utcnow
from common.storage.room_models import Incident
from proctor_console.room import audit
from proctor_console.room.errors import RoomError
from proctor_console.room.roster import student_by_code
from proctor_console.room.memory import read_messages
from proctor_console.room.store import RoomStore

MAX_TEXT = 500


def send(room: RoomStore, text: str, individual_code: str | None, actor: str) -> dict[str, Any]:
    """A message to the student with this code, or to everyone when the code is None."""
    text = (text or "").strip()
    if not text:
        raise RoomError("write the message")
    if len(text) > MAX_TEXT:
        raise RoomError(f"a message is at most {MAX_TEXT} characters")
    with room.tx() as s:
        student = student_by_code(s, individual_code) if individual_code else None
        details = {"text": text, "seat": student.seat if student else None}
        incident = Incident(kind="message", student_id=student.id if student else None,
                            at=utcnow(), actor=actor,
                            details_json=json.dumps(details, ensure_ascii=False, sort_keys=True))
        s.add(incident)
        s.flush()
        audit.record(s, actor, "message_sent", to=individual_code or "room", text=text)
        sent = {"id": incident.id, "at": incident.at.isoformat(), **details}
    return sent


def all_messages(room: RoomStore) -> list[dict[str, Any]]:
    """Every message of the day (a few dozen at most), from the room's memory."""
    return room.remembered(room.memory.room, "messages", None, read_messages)


def messages_for(room: RoomStore, student_id: int) -> list[dict[str, Any]]:
    """The messages a student's kiosk shows: the room's and their own, oldest first."""
    return [{"id": m["id"], "at": m["at"], "text": m["text"], "to_room": m["student_id"] is None}
            for m in all_messages(room) if m["student_id"] in (None, student_id)]
