"""Answers that arrive after the sitting's time, held apart for the representative (issue 15).

The server's clock decides when a sitting ends (deadlines.py). A kiosk that lost the network keeps
journalling, and its answers reach the room only when the link is back, after the deadline and
its grace; the kiosk cannot prove when it journalled them (its `client_ts` is whatever it says).
So they are neither scored nor thrown away: they are held here, the kiosk is told so (HTTP 202,
its screen says they went to the representative), and the representative sees each with the
workstation's offline period (its last report before the silence and its first after,
readiness.py) and accepts or rejects it. An accepted answer becomes one of the attempt's answers
(the attempt is re-scored, and the bundle marks it `late_accepted`); a rejected one never reaches
the bundle. Every hold and every decision is audited.

A sitting the student submitted takes no more answers at all (the kiosk sent everything before
submitting): only a sitting whose time ran out is held for.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.domain.scoring import latest_answers, score_attempt
from common.storage.base import utcnow
from common.storage.room_models import (
    Attempt,
    AttemptStatus,
    Answer,
    HeldAnswer,
    LateDecision,
    Student,
    Workstation,
)
from proctor_console.room import audit
from proctor_console.room.deadlines import LATE_ANSWER_GRACE, deadline_of, is_over
from proctor_console.room.errors import AttemptClosed, NotFound, RoomError
from proctor_console.room.memory import Seqs, Sitting
from proctor_console.room.package import attempt_content, payload
from proctor_console.room.readiness import SILENT_AFTER
from proctor_console.room.roster import full_name
from proctor_console.room.sittings import answers_of
from proctor_console.room.store import RoomStore

# A sitting's journal holds a few hundred changes; more held than this is not a lost network.
MAX_HELD_PER_ATTEMPT = 2000
DECISIONS = {"accept": LateDecision.ACCEPTED, "reject": LateDecision.REJECTED}


def time_ran_out(s: Session, current: Sitting, now: dt.datetime,
                 paused_at: dt.datetime | None) -> bool:
    """Whether the sitting takes no answers because its time (and grace) is over by the server's
    clock: still open past it, or closed by the room at it (not submitted by the student)."""
    if current.status is AttemptStatus.IN_PROGRESS:
        return is_over(current, now, paused_at)
    if current.status is AttemptStatus.SUBMITTED:
        finished = s.get(Attempt, current.id).finished_at
        return finished is not None and finished > deadline_of(current) + LATE_ANSWER_GRACE
    return False


def hold(room: RoomStore, s: Session, attempt_id: str, checked: list[dict[str, Any]],
         stored: Seqs, now: dt.datetime) -> dict[str, Any]:
    """Hold the entries of a save the room did not store (already checked against their items);
    the kiosk's reply: every seq the room has, stored or held, counts as received."""
    held = set(s.scalars(select(HeldAnswer.seq).where(HeldAnswer.attempt_id == attempt_id)))
    new = [e for e in checked if e["seq"] not in stored.have and e["seq"] not in held]
    if len(held) + len(new) > MAX_HELD_PER_ATTEMPT:
        raise AttemptClosed("time is over: the room holds no more late answers of this test")
    if new:
        offline_from, offline_until = _offline_period(s, attempt_id, now)
        for e in new:
            s.add(HeldAnswer(attempt_id=attempt_id, seq=e["seq"], item_id=e["item_id"],
                             answer_json=json.dumps(e["answer"], ensure_ascii=False),
                             client_ts=e["client_ts"], received_at=now, offline_from=offline_from,
                             offline_until=offline_until, decision=LateDecision.HELD))
        audit.record(s, "room", "late_answers_held", attempt_id=attempt_id,
                     seqs=[e["seq"] for e in new],
                     offline_from=offline_from.isoformat() if offline_from else None,
                     offline_until=offline_until.isoformat() if offline_until else None)
        held.update(e["seq"] for e in new)
    return {"acked_seq": stored.plus(held).acked, "held": sorted(held),
            "message": "time is over: these answers were sent to the representative"}


def _offline_period(s: Session, attempt_id: str,
                    now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The workstation's silence around these answers: still silent now (this save is its first
    contact), or its latest silence, ended by a report since the deadline; none if it never was."""
    attempt = s.get(Attempt, attempt_id)
    ws = s.get(Workstation, attempt.workstation_id)
    if ws is None:
        return None, None
    if now - ws.last_seen_at > SILENT_AFTER:
        return ws.last_seen_at, now
    if ws.silent_until is not None and ws.silent_until >= attempt.started_at:
        return ws.silent_from, ws.silent_until
    return None, None


def held_answers(room: RoomStore, only_waiting: bool = False) -> list[dict[str, Any]]:
    """Every late answer with its student, seat, item and the workstation's offline period."""
    with room.read() as s:
        query = (select(HeldAnswer, Attempt, Student)
                 .join(Attempt, Attempt.id == HeldAnswer.attempt_id)
                 .join(Student, Student.id == Attempt.student_id)
                 .order_by(Student.seat, HeldAnswer.seq))
        if only_waiting:
            query = query.where(HeldAnswer.decision == LateDecision.HELD)
        rows = list(s.execute(query))
    numbers: dict[str, int] = {}
    if rows and room.opened_payload is not None:
        numbers = {item.id: n for n, item in enumerate(room.opened_payload.first.items, 1)}
    return [{
        "id": h.id, "attempt_id": a.id, "individual_code": st.individual_code,
        "full_name": full_name(st), "seat": st.seat, "workstation_id": a.workstation_id,
        "seq": h.seq, "item_id": h.item_id, "item_number": numbers.get(h.item_id),
        "answer": json.loads(h.answer_json), "client_ts": h.client_ts,
        "deadline_at": a.deadline_at.isoformat(), "received_at": h.received_at.isoformat(),
        "offline_from": h.offline_from.isoformat() if h.offline_from else None,
        "offline_until": h.offline_until.isoformat() if h.offline_until else None,
        "decision": h.decision.value,
        "decided_at": h.decided_at.isoformat() if h.decided_at else None,
        "decided_by": h.decided_by,
    } for h, a, st in rows]


def waiting_count(room: RoomStore) -> int:
    with room.read() as s:
        return s.scalar(select(func.count()).select_from(HeldAnswer).where(
            HeldAnswer.decision == LateDecision.HELD)) or 0


def decide(room: RoomStore, ids: Iterable[int], decision: str, actor: str) -> dict[str, Any]:
    """Accept or reject held answers (each once): accepted ones join their attempt's answers and
    the attempt is scored again; one audit entry per attempt."""
    if decision not in DECISIONS:
        raise RoomError("a late answer is accepted or rejected")
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise RoomError("choose the late answers to decide")
    payload(room)  # opened outside the write transaction (the re-score needs the keys)
    now = utcnow()
    scores: dict[str, Any] = {}
    with room.tx() as s:
        rows = list(s.scalars(select(HeldAnswer).where(HeldAnswer.id.in_(wanted))
                              .order_by(HeldAnswer.attempt_id, HeldAnswer.seq)))
        if len(rows) != len(wanted):
            raise NotFound("no such late answer")
        if any(h.decision is not LateDecision.HELD for h in rows):
            raise RoomError("a late answer is decided once; this one already was")
        by_attempt: dict[str, list[HeldAnswer]] = {}
        for h in rows:
            h.decision, h.decided_at, h.decided_by = DECISIONS[decision], now, actor
            by_attempt.setdefault(h.attempt_id, []).append(h)
            if decision == "accept":
                s.add(Answer(attempt_id=h.attempt_id, seq=h.seq, item_id=h.item_id,
                             answer_json=h.answer_json, client_ts=h.client_ts,
                             received_at=h.received_at))
        s.flush()
        for attempt_id, held in by_attempt.items():
            attempt = s.get(Attempt, attempt_id)
            before = attempt.score
            if decision == "accept" and attempt.status is AttemptStatus.SUBMITTED:
                attempt.score = score_attempt(attempt_content(room, attempt),
                                              latest_answers(answers_of(s, attempt_id)))
            scores[attempt_id] = attempt.score
            audit.record(s, actor, f"late_answers_{DECISIONS[decision].value}",
                         attempt_id=attempt_id, seqs=[h.seq for h in held],
                         before={"score": before}, after={"score": attempt.score})
    return {"decided": len(rows), "decision": DECISIONS[decision].value, "scores": scores}


def accepted_seqs(s: Session, attempt_id: str) -> set[int]:
    """The seqs of the attempt's answers the representative accepted late (the bundle marks them)."""
    return set(s.scalars(select(HeldAnswer.seq).where(
        HeldAnswer.attempt_id == attempt_id, HeldAnswer.decision == LateDecision.ACCEPTED)))
