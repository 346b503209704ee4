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
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import func, select

from common.i18n import LANGUAGES, t
from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, SurveyReceipt, SurveyResponse
from proctor_console.room.errors import Conflict, NotFound, RoomError
from proctor_console.room.store import RoomStore

QUESTIONNAIRE = "student-2026"
# The statements a student agrees with or not, on a scale of 1 (no) to 5 (yes).
QUESTIONS: tuple[str, ...] = (
    "lessons_interesting",
    "teachers_explain",
    "feel_safe",
    "equipment",
    "useful_for_life",
    "test_clear",
)
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)


class SurveyInvalid(RoomError):
    status = 422
    code = "survey_invalid"


class SurveyAlreadyAnswered(Conflict):
    code = "survey_done"


def questions() -> list[dict[str, Any]]:
    """The questionnaire as the kiosk shows it: each statement and the scale, in kk, ru and en."""
    scale = [{"value": v, "text": {lang: t(f"kiosk.survey.scale.{v}", lang) for lang in LANGUAGES}}
             for v in SCALE]
    return [{"id": q, "text": {lang: t(f"kiosk.survey.q.{q}", lang) for lang in LANGUAGES},
             "scale": scale} for q in QUESTIONS]


def _check(answers: dict[str, Any]) -> dict[str, int | None]:
    unknown = sorted(set(answers) - set(QUESTIONS))
    if unknown:
        raise SurveyInvalid(f"no question {unknown[0]!r} in the survey {QUESTIONNAIRE}",
                            field=f"answers.{unknown[0]}")
    clean: dict[str, int | None] = {}
    for question in QUESTIONS:
        value = answers.get(question)
        if value is not None and (isinstance(value, bool) or value not in SCALE):
            raise SurveyInvalid(f"answers.{question}: must be 1 to 5 or null, not {value!r}",
                                field=f"answers.{question}")
        clean[question] = value
    return clean


def record(room: RoomStore, attempt_id: str, answers: dict[str, Any]) -> dict[str, str]:
    """Keep one response, unlinked; the attempt must be submitted and may answer once."""
    clean = _check(answers)
    with room.tx() as s:
        attempt = s.get(Attempt, attempt_id)
        if attempt is None:
            raise NotFound("no such attempt")
        if attempt.status is not AttemptStatus.SUBMITTED:
            raise Conflict("the survey comes after the test is submitted")
        if s.get(SurveyReceipt, attempt_id) is not None:
            raise SurveyAlreadyAnswered("this test-taker has already answered the survey")
        s.add(SurveyReceipt(attempt_id=attempt_id))
        s.add(SurveyResponse(id=secrets.token_hex(16), questionnaire=QUESTIONNAIRE,
                             answered_on=utcnow().date(),
                             answers_json=json.dumps(clean, sort_keys=True)))
    return {"status": "recorded"}


def responses(room: RoomStore) -> list[dict[str, Any]]:
    """Every response as the bundle carries it: the questionnaire and the answers, nothing else
    (not even the date), ordered by the answers (never by arrival)."""
    with room.read() as s:
        rows = [{"questionnaire": r.questionnaire, "answers": json.loads(r.answers_json)}
                for r in s.scalars(select(SurveyResponse))]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def summary(room: RoomStore) -> dict[str, Any]:
    """How many answered, and per question how many chose each value (for the representative)."""
    rows = responses(room)
    with room.read() as s:
        receipts = s.scalar(select(func.count()).select_from(SurveyReceipt)) or 0
    counts = {q: {str(v): 0 for v in SCALE} | {"none": 0} for q in QUESTIONS}
    for row in rows:
        for question, value in row["answers"].items():
            if question in counts:
                counts[question]["none" if value is None else str(value)] += 1
    return {"questionnaire": QUESTIONNAIRE, "responses": len(rows), "receipts": receipts,
            "counts": counts}
