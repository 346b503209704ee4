"""The room as the representative's desk shows it (`GET /api/v1/proctor/room`): each seat with its
student, attendance, kiosk (readiness) and sitting (progress), the acts, and the room's state.

The desk's room map (proctor_console/desk/room_map/) draws this dict; the exports table is built
from it too. A voided sitting never carries a score.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select

from common.domain.scoring import latest_answers
from common.storage.base import utcnow
from common.storage.room_models import Act, Answer, Attempt, AttemptStatus, Incident, Student
from proctor_console.room.logins import (
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_PER_WORKSTATION,
    workstation_failures,
)
from proctor_console.room.readiness import workstation_views
from proctor_console.room import deadlines, integrity, late_answers
from proctor_console.room.room_pause import paused_at, pause_state
from proctor_console.room.roster import accommodations_of, full_name
from proctor_console.room.seat_locks import away_since
from proctor_console.room.sittings import contiguous
from proctor_console.room.store import RoomStore


def room_view(room: RoomStore) -> dict[str, Any]:
    """The room for the representative's screen: each seat with its student, attendance,
    kiosk (readiness) and sitting (progress). A voided sitting never carries a score."""
    workstations = workstation_views(room)
    now = utcnow()
    with room.read() as s:
        students = list(s.scalars(select(Student).order_by(Student.seat)))
        attempts = {a.student_id: a for a in s.scalars(select(Attempt))}
        answer_rows: dict[str, list[dict[str, Any]]] = {}
        for a in s.scalars(select(Answer).order_by(Answer.attempt_id, Answer.seq)):
            answer_rows.setdefault(a.attempt_id, []).append(
                {"seq": a.seq, "item_id": a.item_id, "answer": json.loads(a.answer_json)})
        incidents = dict(s.execute(select(Incident.student_id, func.count())
                                   .where(Incident.student_id.is_not(None))
                                   .group_by(Incident.student_id)).all())
        extended = dict(s.execute(select(Incident.student_id, func.count())
                                  .where(Incident.kind == "time_extended")
                                  .group_by(Incident.student_id)).all())
        away = {st.id: away_since(s, st.id) for st in students}
        failures = workstation_failures(s)
        alarms = integrity.by_seat(s)
        codes = {st.id: st.individual_code for st in students}
        acts = [{"number": act.number, "kind": act.kind, "individual_code": codes.get(act.student_id),
                 "created_at": act.created_at.isoformat(), "pdf_sha256": act.pdf_sha256}
                for act in s.scalars(select(Act).order_by(Act.id))]
    seats = []
    for st in students:
        a = attempts.get(st.id)
        ws = workstations.get(st.seat)
        seat = {
            "seat": st.seat, "individual_code": st.individual_code, "full_name": full_name(st),
            "grade": st.grade, "class_name": st.class_name, "language": st.language,
            "login": st.login, "locked_out": st.failed_logins >= MAX_FAILED_LOGINS,
            "workstation_locked_out": failures.get(st.seat, 0) >= MAX_FAILED_LOGINS_PER_WORKSTATION,
            "attendance": st.attendance.value, "absence_reason": st.absence_reason,
            "away": away[st.id] is not None,
            "away_since": away[st.id].isoformat() if away[st.id] else None,
            "incidents": incidents.get(st.id, 0), "workstation": ws, "attempt": None,
            "integrity": alarms.get(st.seat),
            "accommodations": accommodations_of(st).to_dict(),
        }
        if a is not None:
            seat["attempt"] = _sitting_view(a, answer_rows.get(a.id, []), ws,
                                            extended.get(st.id, 0), now, paused_at(room))
        seats.append(seat)
    taken = {st.seat for st in students}
    return {"room_id": room.setting("room_id"), "room_no": room.setting("room_no"),
            "organisation_code": room.setting("organisation_code"),
            "organisation_name": room.setting("organisation_name"),
            "open": room.setting("started_at") is not None,
            "started_at": room.setting("started_at"), "centre_url": room.setting("centre_url"),
            "server_time": now.isoformat(), "seats": seats, "acts": acts,
            "paused": pause_state(room),
            "disk": room.disk_problem,
            "late_answers_waiting": late_answers.waiting_count(room),
            "locked_workstations": sorted(w for w, n in failures.items()
                                          if n >= MAX_FAILED_LOGINS_PER_WORKSTATION),
            "spares": [ws for wid, ws in sorted(workstations.items()) if wid not in taken]}


def _sitting_view(a: Attempt, rows: list[dict[str, Any]], ws: dict[str, Any] | None,
                  extensions: int, now: dt.datetime,
                  paused: dt.datetime | None) -> dict[str, Any]:
    """A seat's sitting: progress, time left, how far the kiosk's journal is ahead of the room."""
    acked = contiguous({r["seq"] for r in rows})
    answered = sum(1 for v in latest_answers(rows).values() if v not in (None, "", [], {}))
    voided = a.status is AttemptStatus.VOIDED
    journal = ws.get("journal_seq") if ws and ws.get("attempt_id") == a.id else None
    return {
        "status": a.status.value, "answers": len(rows), "answered": answered,
        "score": None if voided else a.score,
        "max_score": None if voided else a.max_score,
        "void_reason": a.void_reason, "logins": a.logins,
        "started_at": a.started_at.isoformat(), "deadline": a.deadline_at.isoformat(),
        "time_left_s": int(deadlines.time_left(a.deadline_at, now, paused).total_seconds())
        if a.status is AttemptStatus.IN_PROGRESS else 0,
        "acked_seq": acked, "journal_lag": None if journal is None else max(0, journal - acked),
        "section": ws.get("section") if journal is not None else None,
        "hand_raised": bool(ws and ws.get("hand_raised") and journal is not None),
        "extensions": extensions,
    }
