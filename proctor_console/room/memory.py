"""What every kiosk request reads, kept in memory by the room (docs/BENCHMARKS.md, "Room server
under 500 kiosks").

A heartbeat and an answer save each need the kiosk's session, its sitting (status, deadline,
variant), whether the student is out of the room, and which answer seqs the room holds. Read from
SQLite on every request, that was four ORM round trips; here it is four dictionary look-ups.

The database stays the truth. An entry is filled from it on a miss, and every committed write that
changes a row behind an entry drops the entry (the room's store, store.py, collects the changed
rows in its session's ``before_flush`` and hands them to `changed` right after the commit, while
it still holds the room's write lock), so a revocation, a void, a time extension or a leave is
seen by the next request. Saved answers add their seqs instead of dropping them.

A fill reads the database without the write lock, so a write may commit between its read and its
store; `fill` therefore stores only if nothing changed since `epoch()` was taken before the read.

So that the moment everyone logs in does not become one read per kiosk and table, the memory is
filled in bulk (`load`: four queries) when the server starts and when the room opens, and a
login's commit puts its new session and sitting in (`changes_in`) instead of dropping them.
A login also reads where its student stands among those of their language in seat order (the
variant dealt, assignment.py): kept per language (`positions`), dropped whenever a student is
added or removed or changes seat or language.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from common.storage.room_models import (
    Answer,
    Attempt,
    AttemptStatus,
    Incident,
    SessionToken,
    Setting,
    Student,
)

AWAY_KINDS = ("left", "returned")
# Room-wide state every kiosk's request reads: the room's pause (a setting) and the proctor's
# messages (incidents), kept under these keys of `RoomMemory.room`.
ROOM_SETTINGS = {"room_pause": "pause"}
ROOM_INCIDENTS = {"message": "messages"}


@dataclass(frozen=True)
class Sitting:
    """The fields of an `Attempt` a kiosk request needs (duck-types it for `assignment.variant_of`)."""

    id: str
    student_id: int
    status: AttemptStatus
    deadline_at: dt.datetime
    exam_id: str | None

    @classmethod
    def of(cls, attempt: Attempt) -> "Sitting":
        return cls(attempt.id, attempt.student_id, attempt.status, attempt.deadline_at,
                   attempt.exam_id)


@dataclass(frozen=True)
class Seqs:
    """The answer seqs an attempt has stored, and the highest seq with every one before it."""

    have: frozenset[int] = frozenset()
    acked: int = 0

    @classmethod
    def of(cls, seqs: Iterable[int]) -> "Seqs":
        return cls().plus(seqs)

    def plus(self, seqs: Iterable[int]) -> "Seqs":
        have = self.have.union(seqs)
        acked = self.acked
        while acked + 1 in have:
            acked += 1
        return Seqs(have, acked)


# A change noted during a transaction: ("drop", table, key) forgets an entry; ("put", table,
# (key, value)) sets one; ("seqs", attempt id, seqs) adds stored seqs to the attempt's entry, if
# it has one; ("clear", table, None) forgets the whole table.
Change = tuple[str, str, Any]


class RoomMemory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = 0
        self.sessions: dict[str, tuple[str, str | None]] = {}  # token sha256 → (attempt, workstation)
        self.sittings: dict[str, Sitting] = {}  # attempt id → sitting
        self.away: dict[int, dt.datetime | None] = {}  # student id → when they left, or None
        self.seqs: dict[str, Seqs] = {}  # attempt id → stored seqs
        self.room: dict[str, Any] = {}  # "pause" → the room's pause; "messages" → the messages
        # test language → student id → place among that language's students in seat order
        self.positions: dict[str, dict[int, int]] = {}

    def epoch(self) -> int:
        return self._epoch

    def fill(self, table: dict[Any, Any], key: Any, value: Any, epoch: int) -> None:
        with self._lock:
            if self._epoch == epoch:
                table[key] = value

    def changed(self, changes: list[Change]) -> None:
        """Apply what a committed transaction changed."""
        if not changes:
            return
        with self._lock:
            self._epoch += 1
            for what, a, b in changes:
                if what == "seqs":
                    if a in self.seqs:
                        self.seqs[a] = self.seqs[a].plus(b)
                elif what == "put":
                    getattr(self, a)[b[0]] = b[1]
                elif what == "clear":
                    getattr(self, a).clear()
                else:
                    getattr(self, a).pop(b, None)

    def load(self, s: Session) -> None:
        """Fill every table from the database in four queries. The caller holds the room's write
        lock, so no commit lands between the reads and the store."""
        sessions = {row.token_sha256: (row.subject, row.workstation_id) for row in s.execute(
            select(SessionToken.token_sha256, SessionToken.subject, SessionToken.workstation_id)
            .where(SessionToken.kind == "kiosk", SessionToken.revoked.is_(False)))}
        sittings = {row.id: Sitting(row.id, row.student_id, row.status, row.deadline_at,
                                    row.exam_id)
                    for row in s.execute(select(Attempt.id, Attempt.student_id, Attempt.status,
                                                Attempt.deadline_at, Attempt.exam_id))}
        away: dict[int, dt.datetime | None] = dict.fromkeys(s.scalars(select(Student.id)))
        for student_id, kind, at in s.execute(
                select(Incident.student_id, Incident.kind, Incident.at)
                .where(Incident.kind.in_(AWAY_KINDS)).order_by(Incident.id)):
            away[student_id] = at if kind == "left" else None  # the last one counts
        stored: dict[str, list[int]] = {attempt_id: [] for attempt_id in sittings}
        for attempt_id, seq in s.execute(select(Answer.attempt_id, Answer.seq)):
            stored.setdefault(attempt_id, []).append(seq)
        room = {"pause": read_pause(s), "messages": read_messages(s)}
        with self._lock:
            self._epoch += 1
            self.sessions, self.sittings, self.away = sessions, sittings, away
            self.seqs = {attempt_id: Seqs.of(seqs) for attempt_id, seqs in stored.items()}
            self.room = room

    def clear(self) -> None:
        with self._lock:
            self._epoch += 1
            for table in (self.sessions, self.sittings, self.away, self.seqs, self.room,
                          self.positions):
                table.clear()


def changes_in(new: Iterable[Any], dirty: Iterable[Any], deleted: Iterable[Any]) -> list[Change]:
    """The entries a flush makes stale (called from the session's before_flush)."""
    out: list[Change] = []
    for obj in (*dirty, *deleted):
        if isinstance(obj, SessionToken):
            out.append(("drop", "sessions", obj.token_sha256))
        elif isinstance(obj, Attempt):
            out.append(("drop", "sittings", obj.id))
        elif isinstance(obj, Incident):
            out.append(("drop", "away", obj.student_id))
        elif isinstance(obj, Answer):
            out.append(("drop", "seqs", obj.attempt_id))
        elif isinstance(obj, Setting) and obj.name in ROOM_SETTINGS:
            out.append(("drop", "room", ROOM_SETTINGS[obj.name]))
        elif isinstance(obj, Student) and (obj in deleted or _moved(obj)):
            out.append(("clear", "positions", None))
    for obj in new:
        if isinstance(obj, Setting) and obj.name in ROOM_SETTINGS:
            out.append(("drop", "room", ROOM_SETTINGS[obj.name]))
        if isinstance(obj, Incident) and obj.kind in ROOM_INCIDENTS:
            out.append(("drop", "room", ROOM_INCIDENTS[obj.kind]))
        if isinstance(obj, Incident) and obj.kind in AWAY_KINDS:
            out.append(("drop", "away", obj.student_id))
        elif isinstance(obj, Answer):
            out.append(("seqs", obj.attempt_id, (obj.seq,)))
        elif isinstance(obj, Attempt):
            out.extend(_new_sitting(obj))
        elif isinstance(obj, SessionToken) and obj.kind == "kiosk" and not obj.revoked:
            # A login: its next request finds the session without reading the database.
            out.append(("put", "sessions", (obj.token_sha256, (obj.subject, obj.workstation_id))))
        elif isinstance(obj, Student):
            out.append(("clear", "positions", None))
    return out


def _moved(student: Student) -> bool:
    """A student's seat or language is being changed (not their failed logins, say)."""
    attrs = inspect(student).attrs
    return attrs.seat.history.has_changes() or attrs.language.history.has_changes()


def _new_sitting(attempt: Attempt) -> list[Change]:
    """A new attempt's sitting and (no) stored seqs; dropped instead if a field is not set yet."""
    if None in (attempt.id, attempt.student_id, attempt.status, attempt.deadline_at):
        return [("drop", "sittings", attempt.id)]
    return [("put", "sittings", (attempt.id, Sitting.of(attempt))),
            ("put", "seqs", (attempt.id, Seqs()))]


def read_pause(s: Session) -> dict[str, Any] | None:
    """The room's pause ({"since", "reason", "note"}) as stored, or None (room_pause.py)."""
    row = s.get(Setting, "room_pause")
    value = json.loads(row.value) if row is not None and row.value else None
    return value or None


def read_messages(s: Session) -> list[dict[str, Any]]:
    """Every message of the day, oldest first (messages.py)."""
    rows = s.scalars(select(Incident).where(Incident.kind == "message").order_by(Incident.id))
    return [{"id": r.id, "student_id": r.student_id, "at": r.at.isoformat(),
             "text": json.loads(r.details_json)["text"]} for r in rows]
