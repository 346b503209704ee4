"""The anonymous survey on satisfaction with the education services (§25), room side.

After the result is on the screen the kiosk offers a short questionnaire. What the room keeps of it
can never be tied back to the student:

* a response row holds the questionnaire's name, the answers and the **date** only — no attempt,
  student, seat, workstation or time of day;
* its key is random and the table has no SQLite row id (``WITHOUT ROWID``), so the rows are stored
  in the order of their random keys and the table does not tell which response came first;
* the room separately notes *that* an attempt has answered (`SurveyReceipt`, so nobody answers
  twice), but not which response is its own nor when;
* nothing about the survey goes into the audit log (its entries carry the kiosk and the time).

What this does not hide: an observer who copies the database file between two students' answers
could compare the copies. The answers travel in the result bundle's `survey` part (`responses`):
the questionnaire and the answers of each response, sorted by the answers, without the date.

The questionnaires are data (common/content/questionnaire.py, `common/specs/survey-*.json`): a
student answers the students' one of their level (school or college). Teachers (педагогтер)
answer theirs at a kiosk after the students: the representative hands out one-time teacher codes
(`issue_teacher_codes`); a code is kept only as its SHA-256 in a sorted list and struck out when
used, and the response is stored like a student's — nothing ties it to the code.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import func, select

from common.content.questionnaire import Questionnaire, by_id, level_of_grade, shipped
from common.storage.base import utcnow
from common.storage.room_models import (
    Attempt,
    AttemptStatus,
    Setting,
    Student,
    SurveyReceipt,
    SurveyResponse,
)
from proctor_console.room import audit
from proctor_console.room.errors import Conflict, NotFound, RoomError, Unauthorized
from proctor_console.room.store import RoomStore

MAX_QUESTIONS = 40
MAX_TEACHER_CODES = 200
_TEACHER_CODES = "teacher_survey_codes"  # the sorted SHA-256 of the codes not used yet
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


class SurveyInvalid(RoomError):
    status = 422
    code = "survey_invalid"


class SurveyAlreadyAnswered(Conflict):
    code = "survey_done"


def _check(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, int | None]:
    unknown = sorted(set(answers) - set(questionnaire.question_ids))
    if unknown:
        raise SurveyInvalid(f"no question {unknown[0]!r} in the survey {questionnaire.id}",
                            field=f"answers.{unknown[0]}")
    clean: dict[str, int | None] = {}
    for question in questionnaire.question_ids:
        value = answers.get(question)
        if value is not None and (isinstance(value, bool) or value not in questionnaire.values):
            raise SurveyInvalid(f"answers.{question}: must be on the scale or null, not {value!r}",
                                field=f"answers.{question}")
        clean[question] = value
    return clean


def _store(s: Any, questionnaire: Questionnaire, clean: dict[str, int | None]) -> None:
    s.add(SurveyResponse(id=secrets.token_hex(16), questionnaire=questionnaire.id,
                         answered_on=utcnow().date(),
                         answers_json=json.dumps(clean, sort_keys=True)))


# --- students ---------------------------------------------------------------------------------


def student_questionnaire(room: RoomStore, attempt_id: str | None) -> Questionnaire:
    """The students' questionnaire of the attempt's level (a school's, without an attempt)."""
    if attempt_id is None:
        return shipped("student", "school")
    with room.read() as s:
        attempt = s.get(Attempt, attempt_id)
        grade = s.get(Student, attempt.student_id).grade if attempt is not None else "4"
    return shipped("student", level_of_grade(grade))


def questions(room: RoomStore, attempt_id: str | None) -> dict[str, Any]:
    q = student_questionnaire(room, attempt_id)
    return {"questionnaire": q.id, "questions": q.for_kiosk()}


def record(room: RoomStore, attempt_id: str, answers: dict[str, Any]) -> dict[str, str]:
    """Keep one response, unlinked; the attempt must be submitted and may answer once."""
    questionnaire = student_questionnaire(room, attempt_id)
    clean = _check(questionnaire, answers)
    with room.tx() as s:
        attempt = s.get(Attempt, attempt_id)
        if attempt is None:
            raise NotFound("no such attempt")
        if attempt.status is not AttemptStatus.SUBMITTED:
            raise Conflict("the survey comes after the test is submitted")
        if s.get(SurveyReceipt, attempt_id) is not None:
            raise SurveyAlreadyAnswered("this test-taker has already answered the survey")
        s.add(SurveyReceipt(attempt_id=attempt_id))
        _store(s, questionnaire, clean)
    return {"status": "recorded"}


# --- teachers ---------------------------------------------------------------------------------


def teacher_questionnaire(room: RoomStore) -> Questionnaire:
    """The teachers' questionnaire of the room's level (its roster's grades)."""
    with room.read() as s:
        grade = s.scalar(select(Student.grade).limit(1)) or "4"
    return shipped("teacher", level_of_grade(grade))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def issue_teacher_codes(room: RoomStore, count: int, actor: str) -> dict[str, Any]:
    """`count` new one-time codes for the teachers' survey, shown once (only hashes are kept)."""
    if not isinstance(count, int) or not 1 <= count <= MAX_TEACHER_CODES:
        raise RoomError(f"ask for 1 to {MAX_TEACHER_CODES} codes")
    codes = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)) for _ in range(count)]
    with room.tx() as s:
        row = s.get(Setting, _TEACHER_CODES)
        unused = set(json.loads(row.value)) if row is not None else set()
        unused |= {_code_hash(c) for c in codes}
        room.set_setting(s, _TEACHER_CODES, json.dumps(sorted(unused)))
        audit.record(s, actor, "teacher_survey_codes_issued", count=count)
    return {"codes": [f"{c[:5]}-{c[5:]}" for c in codes],
            "questionnaire": teacher_questionnaire(room).id}


def record_teacher(room: RoomStore, code: str, answers: dict[str, Any]) -> dict[str, str]:
    """A teacher's response, with a one-time code; after the students (no sitting in progress)."""
    questionnaire = teacher_questionnaire(room)
    clean = _check(questionnaire, answers)
    digest = _code_hash(code or "")
    with room.tx() as s:
        row = s.get(Setting, _TEACHER_CODES)
        unused = set(json.loads(row.value)) if row is not None else set()
        if digest not in unused:
            raise Unauthorized("this teacher's code is wrong or already used")
        if s.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.status == AttemptStatus.IN_PROGRESS)):
            raise Conflict("teachers answer after the students have finished")
        unused.discard(digest)
        room.set_setting(s, _TEACHER_CODES, json.dumps(sorted(unused)))
        _store(s, questionnaire, clean)
    return {"status": "recorded"}


# --- what travels and what the representative sees -----------------------------------------------


def responses(room: RoomStore) -> list[dict[str, Any]]:
    """Every response as the bundle carries it: the questionnaire and the answers, nothing else
    (not even the date), ordered by the answers (never by arrival)."""
    with room.read() as s:
        rows = [{"questionnaire": r.questionnaire, "answers": json.loads(r.answers_json)}
                for r in s.scalars(select(SurveyResponse))]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def summary(room: RoomStore) -> dict[str, Any]:
    """How many answered, and per questionnaire and question how many chose each value."""
    rows = responses(room)
    with room.read() as s:
        receipts = s.scalar(select(func.count()).select_from(SurveyReceipt)) or 0
        row = s.get(Setting, _TEACHER_CODES)
        unused = len(json.loads(row.value)) if row is not None else 0
    student = student_questionnaire(room, None) if not rows else None
    by: dict[str, dict[str, Any]] = {}
    for q in ([student] if student else []):
        by[q.id] = _empty_counts(q)
    for response in rows:
        entry = by.get(response["questionnaire"])
        if entry is None:
            entry = by[response["questionnaire"]] = _empty_counts(by_id(response["questionnaire"]))
        entry["responses"] += 1
        for question, value in response["answers"].items():
            counts = entry["counts"].setdefault(question, {"none": 0})
            key = "none" if value is None else str(value)
            counts[key] = counts.get(key, 0) + 1
    students = next((v for k, v in sorted(by.items()) if k.startswith("student")),
                    {"responses": 0, "counts": {}})
    return {"responses": len(rows), "receipts": receipts, "teacher_codes_unused": unused,
            "questionnaires": by, "counts": students["counts"]}


def _empty_counts(q: Questionnaire) -> dict[str, Any]:
    return {"responses": 0,
            "counts": {qid: {str(v): 0 for v in q.values} | {"none": 0} for qid in q.question_ids}}
