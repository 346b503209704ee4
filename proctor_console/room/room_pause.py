"""A room pause (a power cut, an alarm): every clock in the room stops, and each sitting's
deadline moves by the pause when the representative resumes (deadlines.after_pause).

While the room is paused the kiosks show why (the reason the representative gave) and take no
answers; the room closes no sitting for time. Pause and resume are incidents and audit entries.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, Incident, Setting
from proctor_console.room import audit, deadlines
from proctor_console.room.errors import Conflict, RoomError
from proctor_console.room.memory import read_pause
from proctor_console.room.store import RoomStore

SETTING = "room_pause"
REASONS = ("power", "alarm", "technical", "other")
MAX_NOTE = 500


def pause_state(room: RoomStore) -> dict[str, Any] | None:
    """The room's pause ({"since", "reason", "note"}), or None; from the room's memory."""
    return room.remembered(room.memory.room, "pause", None, read_pause)


def paused_at(room: RoomStore) -> dt.datetime | None:
    state = pause_state(room)
    return dt.datetime.fromisoformat(state["since"]) if state else None


def pause(room: RoomStore, reason: str, note: str, actor: str) -> dict[str, Any]:
    if reason not in REASONS:
        raise RoomError(f"the reason of a pause is one of {', '.join(REASONS)}")
    note = (note or "").strip()[:MAX_NOTE]
    now = utcnow()
    with room.tx() as s:
        row = s.get(Setting, SETTING)
        if row is not None and row.value:
            raise Conflict("the room is already paused")
        state = {"since": now.isoformat(), "reason": reason, "note": note}
        room.set_setting(s, SETTING, json.dumps(state, ensure_ascii=False, sort_keys=True))
        s.add(Incident(kind="room_paused", student_id=None, at=now, actor=actor,
                       details_json=json.dumps(state, ensure_ascii=False, sort_keys=True)))
        audit.record(s, actor, "room_paused", reason=reason, note=note,
                     before={"paused": False}, after={"paused": True})
    return {"paused": True, **state}


def resume(room: RoomStore, actor: str) -> dict[str, Any]:
    """Every sitting in progress gets the time the pause took; returns how many and how long."""
    now = utcnow()
    with room.tx() as s:
        row = s.get(Setting, SETTING)
        if row is None or not row.value:
            raise Conflict("the room is not paused")
        state = json.loads(row.value)
        since = dt.datetime.fromisoformat(state["since"])
        moved = 0
        for attempt in s.scalars(select(Attempt).where(
                Attempt.status == AttemptStatus.IN_PROGRESS)):
            attempt.deadline_at = deadlines.after_pause(attempt.deadline_at, attempt.started_at,
                                                        since, now)
            moved += 1
        room.set_setting(s, SETTING, "")
        seconds = int((now - since).total_seconds())
        details = {**state, "resumed": now.isoformat(), "seconds": seconds, "sittings": moved}
        s.add(Incident(kind="room_resumed", student_id=None, at=now, actor=actor,
                       details_json=json.dumps(details, ensure_ascii=False, sort_keys=True)))
        audit.record(s, actor, "room_resumed", seconds=seconds, sittings=moved,
                     before={"paused": True, "since": state["since"]}, after={"paused": False})
    return {"paused": False, "seconds": seconds, "sittings": moved}
