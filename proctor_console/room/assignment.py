"""Which variant a student sits and in which order the kiosk shows it (issue 3).

A package may hold several parallel variants per language (`common.content.payload`). The room
deals them to the students of each language in seat order, starting from an offset the package's
seed decides (`ExamPayload.assign`): balanced, and two neighbours of one language never share a
variant. Each student also gets their own order of items and options where the specification
allows it (`student_view`, keyed by the individual code). The variant's exam id and the
permutation are stored with the attempt and travel in the bundle; answers name items and options
by id, so the room and the centre score the student's own variant with its keys, whatever the order
on the screen.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.content.payload import ExamPayload
from common.content.variants import apply_permutation
from common.domain.exam import ExamContent
from common.storage.room_models import Attempt, Student
from proctor_console.room.store import RoomStore


def _seat_order(seat: str) -> tuple[Any, ...]:
    """Seats in the order they stand: "2" before "10", "A-3" before "B-1"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", seat))


def test_language(payload: ExamPayload, language: str) -> str:
    """The language whose variants a student of `language` is dealt: their language of
    instruction, or, when the centre's package for this organisation has none in it, the package's
    first variant's (what the room served everyone before variants)."""
    return language if payload.of_language(language) else payload.first.language


def assign(room: RoomStore, payload: ExamPayload, s: Session,
           student: Student) -> tuple[ExamContent, dict[str, Any]]:
    """The student's variant, as they will see it, and the permutation that made the view.

    The student's place among those of their test language in seat order is read once per
    language and kept in the room's memory (a login is then not a read of the whole roster).
    """
    language = test_language(payload, student.language)
    positions = room.remembered(room.memory.positions, language, s,
                                lambda s: seat_positions(payload, s, language))
    return payload.for_student(language, student.individual_code, seat=positions[student.id])


def seat_positions(payload: ExamPayload, s: Session, language: str) -> dict[int, int]:
    """Student id → place (1, 2, …) among the students of test language `language`, in the order
    their seats stand."""
    same = sorted((row for row in s.execute(select(Student.id, Student.seat, Student.language))
                   if test_language(payload, row.language) == language),
                  key=lambda row: (_seat_order(row.seat), row.id))
    return {row.id: place for place, row in enumerate(same, start=1)}


def variant_of(payload: ExamPayload, attempt: Attempt) -> ExamContent:
    """The variant an attempt sits, with its keys (an attempt from before variants: the first)."""
    return payload.first if attempt.exam_id is None else payload.by_exam_id(attempt.exam_id)


def view_of(payload: ExamPayload, attempt: Attempt) -> ExamContent:
    """What the kiosk shows the attempt: its variant in its recorded order."""
    variant = variant_of(payload, attempt)
    if not attempt.permutation_json:
        return variant
    return apply_permutation(variant, json.loads(attempt.permutation_json))
