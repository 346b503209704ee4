"""Saving a kiosk's answers: journal entries stored once each by (attempt, seq), group-committed.

A kiosk sends the entries of its journal the room does not hold yet; the room acknowledges the
highest seq it holds with every one before it. Saves are written by the room's one writer thread:
those that arrive together share one transaction and one fsync (`RoomStore.write_later`); each is
answered only once its answers are on disk, and a save refused (a locked seat, an unknown item)
refuses only itself. Answers that arrive after the sitting's time (by the server's clock) are held
apart for the representative (late_answers.py) and the kiosk is told so.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from common.content.payload import ExamPayload
from common.domain.answer_checks import AnswerInvalid, check_answer
from common.storage.base import utcnow
from common.storage.room_models import Answer, AttemptStatus
from proctor_console.room import assignment, late_answers
from proctor_console.room.errors import AnswerRefused, RoomError, SeatLocked
from proctor_console.room.memory import Seqs
from proctor_console.room.package import payload as opened_payload
from proctor_console.room.seat_locks import away
from proctor_console.room.room_pause import paused_at
from proctor_console.room.sittings import ensure_open, sitting, stored_seqs
from proctor_console.room.store import RoomStore, Waiting, note_changes


@dataclass(frozen=True)
class _Save:
    """One kiosk's answer save, waiting for a group commit."""

    attempt_id: str
    entries: list[dict[str, Any]]
    payload: ExamPayload


def save_answers(room: RoomStore, attempt_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Store journal entries; idempotent by (attempt, seq). Returns the highest stored seq."""
    return save_later(room, attempt_id, entries).result()


def save_later(room: RoomStore, attempt_id: str,
               entries: list[dict[str, Any]]) -> Future[dict[str, Any]]:
    """`save_answers` handed to the writer thread: the future has its reply once it is on disk
    (the room server's event loop awaits it, api/hot.py)."""
    payload = opened_payload(room)  # refuses before the start; opened outside the write transaction
    return room.write_later(_write_saves, _Save(attempt_id, entries, payload))


def _write_saves(room: RoomStore, s: Session, batch: list[Waiting]) -> None:
    """The rows of every save in the batch, in one insert; each save's result or refusal."""
    now = utcnow()
    stored: dict[str, Seqs] = {}  # attempt id → its seqs with this batch's
    rows: list[dict[str, Any]] = []
    for job in batch:
        save: _Save = job.work
        try:
            seqs = stored.get(save.attempt_id) or stored_seqs(room, save.attempt_id, s)
            new, held = _answer_rows(room, s, save, seqs, now)
        except Exception as exc:  # this save only
            job.error = exc
            continue
        if held is not None:  # after the time: held for the representative (late_answers.py)
            job.result = held
            continue
        rows.extend(new)
        stored[save.attempt_id] = seqs.plus(row["seq"] for row in new)
    if rows:  # Core, not the ORM's bulk insert: a third of the CPU of a save
        s.connection().execute(insert(Answer.__table__), rows)
        note_changes(s, [("seqs", attempt_id, seqs.have) for attempt_id, seqs in stored.items()])
    for job in batch:
        if job.error is None and job.result is None:
            job.result = {"acked_seq": stored[job.work.attempt_id].acked}


def _answer_rows(room: RoomStore, s: Session, save: _Save, seqs: Seqs,
                 now: dt.datetime) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The rows one save adds (none for seqs already stored), or the reply of a save held apart
    because the sitting's time is over, or the reason it is refused."""
    current = sitting(room, save.attempt_id, s)
    # The server's clock decides (deadlines.is_over); the kiosk's client_ts is kept, never trusted.
    fresh = any(int(e["seq"]) not in seqs.have for e in save.entries)
    late = fresh and current.status is not AttemptStatus.VOIDED and late_answers.time_ran_out(
        s, current, now, paused_at(room))
    if not late:
        ensure_open(current)
    if save.entries and away(room, current.student_id, s) is not None:
        raise SeatLocked("the seat is locked while the student is out of the room")
    known = {item.id: item for item in assignment.variant_of(save.payload, current).items}
    checked = [_checked(e, known) for e in save.entries if int(e["seq"]) not in seqs.have]
    if late:
        return [], late_answers.hold(room, s, save.attempt_id, checked, seqs, now)
    rows: list[dict[str, Any]] = []
    have = set(seqs.have)
    for e in checked:
        if e["seq"] in have:
            continue
        rows.append({"attempt_id": save.attempt_id, "seq": e["seq"], "item_id": e["item_id"],
                     "answer_json": json.dumps(e["answer"], ensure_ascii=False),
                     "client_ts": e["client_ts"], "received_at": now})
        have.add(e["seq"])
    return rows, None


def _checked(e: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """One journal entry checked against its item: the whole save is refused if one fails (the
    kiosk shows it)."""
    seq = int(e["seq"])
    item = known.get(e["item_id"])
    if item is None:
        raise RoomError(f"no item {e['item_id']!r} in this test")
    try:
        check_answer(item, e["answer"])
    except AnswerInvalid as exc:
        raise AnswerRefused(str(exc), item_id=exc.item_id, seq=seq) from None
    return {"seq": seq, "item_id": str(e["item_id"]), "answer": e["answer"],
            "client_ts": float(e["client_ts"])}
