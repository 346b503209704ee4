"""Finishing a sitting: the student submits, or the room closes it at the deadline; the room
scores it with the released key for the screen (§24; the centre scores again from the raw log)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from common.domain.scoring import latest_answers, score_attempt
from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus
from proctor_console.room import audit
from proctor_console.room.errors import Conflict, RoomError
from proctor_console.room.package import attempt_content, payload
from proctor_console.room.room_pause import pause_state, paused_at
from proctor_console.room.deadlines import LATE_ANSWER_GRACE, is_over
from proctor_console.room.sittings import answers_of, contiguous, ensure_open
from proctor_console.room.store import RoomStore


def submit(room: RoomStore, attempt_id: str, last_seq: int, reason: str = "student") -> dict[str, Any]:
    payload(room)  # opened outside the write transaction
    with room.tx() as s:
        attempt = s.get(Attempt, attempt_id)
        if attempt.status is AttemptStatus.SUBMITTED:
            return result(attempt)
        content = attempt_content(room, attempt)  # the student's own variant and keys
        ensure_open(attempt)
        answers = answers_of(s, attempt_id)
        have = contiguous({a["seq"] for a in answers})
        # Once the time is over what the room holds is final: later answers are held apart for
        # the representative (late_answers.py), never waited for.
        if have < last_seq and not is_over(attempt, utcnow(), paused_at(room)):
            raise Conflict("some answers have not arrived yet", acked_seq=have)
        attempt.status = AttemptStatus.SUBMITTED
        attempt.finished_at = utcnow()
        attempt.score = score_attempt(content, latest_answers(answers))
        attempt.max_score = content.max_score
        audit.record(s, "kiosk:" + attempt.workstation_id, "submitted", attempt_id=attempt_id,
                     reason=reason, score=attempt.score)
        return result(attempt)


def result(attempt: Attempt) -> dict[str, Any]:
    """What the kiosk shows when the test is over."""
    percent = round(100 * attempt.score / attempt.max_score, 1) if attempt.max_score else 0.0
    return {"status": attempt.status.value, "score": attempt.score,
            "max_score": attempt.max_score, "percent": percent}


def close_expired(room: RoomStore) -> int:
    """Submit every sitting whose time (plus the network grace) is over by the server's clock;
    returns how many. The room server runs this by itself every few seconds (api/app.py).
    While the room is paused no clock runs, so nothing is closed."""
    if pause_state(room) is not None:
        return 0
    now = utcnow()
    with room.read() as s:
        expired = [a.id for a in s.scalars(select(Attempt).where(
            Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.deadline_at < now - LATE_ANSWER_GRACE))
            if is_over(a, now)]
    for attempt_id in expired:
        try:
            submit(room, attempt_id, 0, reason="time_over")
        except RoomError:
            continue
    return len(expired)
