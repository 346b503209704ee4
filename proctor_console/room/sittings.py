"""A student's sitting (an `Attempt`) as the kiosk's requests see it: its status and deadline,
the answers the room holds, and the state the kiosk's heartbeat is told.

What every request reads is served from the room's memory (memory.py) and filled from the
database on a miss.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.storage.base import utcnow
from common.storage.room_models import Answer, Attempt, AttemptStatus
from proctor_console.room.errors import AttemptClosed, AttemptVoided
from proctor_console.room.deadlines import deadline_of
from proctor_console.room.memory import Seqs, Sitting
from proctor_console.room.messages import messages_for
from proctor_console.room.room_pause import pause_state
from proctor_console.room.seat_locks import away
from proctor_console.room.store import RoomStore

def sitting(room: RoomStore, attempt_id: str, s: Session | None = None) -> Sitting:
    return room.remembered(room.memory.sittings, attempt_id, s,
                           lambda s: Sitting.of(s.get(Attempt, attempt_id)))


def stored_seqs(room: RoomStore, attempt_id: str, s: Session | None = None) -> Seqs:
    return room.remembered(room.memory.seqs, attempt_id, s, lambda s: Seqs.of(
        s.scalars(select(Answer.seq).where(Answer.attempt_id == attempt_id))))


def ensure_open(attempt: Attempt | Sitting) -> None:
    if attempt.status is AttemptStatus.VOIDED:
        raise AttemptVoided("the representative removed this test-taker; the result is voided")
    if attempt.status is AttemptStatus.SUBMITTED:
        raise AttemptClosed("this test is already submitted")


def answers_of(s: Session, attempt_id: str) -> list[dict[str, Any]]:
    """Every stored answer of the attempt, in seq order."""
    rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.seq))
    return [{"seq": a.seq, "item_id": a.item_id, "answer": json.loads(a.answer_json),
             "client_ts": a.client_ts} for a in rows]


def contiguous(seqs: set[int]) -> int:
    """The highest seq with every one before it."""
    n = 0
    while n + 1 in seqs:
        n += 1
    return n


def attempt_state(room: RoomStore, attempt_id: str) -> dict[str, Any]:
    """What the kiosk's heartbeat is told: status, deadline, the server's time, what is stored,
    whether the seat is locked, the room's pause and the representative's messages."""
    current = sitting(room, attempt_id)
    since = away(room, current.student_id)
    return {"status": current.status.value, "deadline": deadline_of(current).isoformat(),
            "server_time": utcnow().isoformat(), "acked_seq": stored_seqs(room, attempt_id).acked,
            "locked": since is not None, "lock_reason": "away" if since else None,
            "paused": pause_state(room),
            "messages": messages_for(room, current.student_id)}


def state_in_memory(room: RoomStore, attempt_id: str) -> bool:
    """Whether `attempt_state(attempt_id)` would be answered from memory alone."""
    m = room.memory
    current = m.sittings.get(attempt_id)
    return (current is not None and attempt_id in m.seqs and current.student_id in m.away
            and "pause" in m.room and "messages" in m.room)
