"""Drawing up the two acts of the rules: the record, the PDF, the void — in one transaction.

An act is never edited afterwards; the PDF is written and fsynced before the act is reported done.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from common.canonical import sha256_hex
from common.durable import write_durably
from common.documents.acts import act_data, act_sha256, render_confiscation_act, render_impostor_act
from common.domain.acts import (
    ConfiscationAct,
    FoundItem,
    ImpostorAct,
    ImpostorStage,
    Organisation,
    Person,
)
from common.storage.base import utcnow
from common.storage.room_models import Act, Attempt, AttemptStatus, Attendance, Student
from proctor_console.room import audit
from proctor_console.room.errors import Conflict, RoomError
from proctor_console.room.package import attempt_content, content
from proctor_console.room.proctors import proctor_for_login
from proctor_console.room.sessions import end_sessions
from proctor_console.room.store import RoomStore


def draw_up_confiscation(room: RoomStore, individual_code: str, items: list[dict[str, Any]],
                         drawn_up_by: list[str], actor: str) -> dict[str, Any]:
    """Appendix 1: forbidden items found; material taken, test-taker removed, results voided."""
    if not items:
        raise RoomError("name at least one item found (name, brand, count)")
    found = tuple(FoundItem(str(i["name"]), str(i.get("brand", "")), int(i.get("count", 1)))
                  for i in items)

    def build(number: str, student: Student, proctor_name: str, at: datetime) -> ConfiscationAct:
        return ConfiscationAct(
            number=number, organisation=_organisation(room), drawn_up_at=at,
            representative=proctor_name, room=room.setting("room_no") or "", seat=student.seat,
            test_taker=_person(student), variant=_variant(room, student), items=found,
            drawn_up_by=tuple(drawn_up_by) or (proctor_name,), language=student.language)

    return _draw_up(room, "confiscation", individual_code, build, render_confiscation_act, actor,
                    voids=True)


def draw_up_impostor(room: RoomStore, individual_code: str, impostor_full_name: str, stage: str,
                     actor: str) -> dict[str, Any]:
    """Appendix 2: an outside person came in the test-taker's place, at entry or during the test."""
    try:
        stage_value = ImpostorStage(stage)
    except ValueError:
        raise RoomError(f"the stage is one of {', '.join(s.value for s in ImpostorStage)}") from None
    if not impostor_full_name.strip():
        raise RoomError("write the outside person's full name")

    def build(number: str, student: Student, proctor_name: str, at: datetime) -> ImpostorAct:
        return ImpostorAct(
            number=number, organisation=_organisation(room), drawn_up_at=at,
            representative=proctor_name, stage=stage_value, test_taker=_person(student),
            impostor_full_name=impostor_full_name.strip(), room=room.setting("room_no") or "",
            language=student.language)

    return _draw_up(room, "impostor", individual_code, build, render_impostor_act, actor,
                    voids=stage_value is ImpostorStage.DURING_TEST)


def _variant(room: RoomStore, student: Student) -> str:
    """The variant the test-taker sits (each student has their own: assignment.py)."""
    with room.read() as s:
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
    return (content(room) if attempt is None else attempt_content(room, attempt)).variant


def _draw_up(room: RoomStore, kind: str, individual_code: str, build, render, actor: str,
             voids: bool) -> dict[str, Any]:
    with room.read() as s:
        student = s.scalar(select(Student).where(Student.individual_code == individual_code))
        if student is None:
            raise RoomError(f"no student with individual code {individual_code}")
        proctor = proctor_for_login(room, actor)
        attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
        count = s.scalar(select(func.count()).select_from(Act)) or 0
    if voids and (attempt is None or attempt.status is not AttemptStatus.IN_PROGRESS):
        raise Conflict("the test-taker is not sitting the test now")
    number = f"{room.setting('room_id')}-{count + 1:04d}"
    act = build(number, student, proctor.full_name, utcnow())
    pdf = render(act)
    path = room.paths.acts / f"act-{number}-{kind}.pdf"
    write_durably(path, pdf)
    data = act_data(act)
    with room.tx() as s:
        s.add(Act(number=number, kind=kind, student_id=student.id,
                  data_json=json.dumps(data, ensure_ascii=False, sort_keys=True),
                  pdf_path=str(path), pdf_sha256=sha256_hex(pdf)))
        if voids:
            a = s.get(Attempt, attempt.id)
            a.status = AttemptStatus.VOIDED
            a.void_reason = kind
            a.finished_at = utcnow()
            end_sessions(s, a.id)
        elif kind == "impostor":
            s.get(Student, student.id).attendance = Attendance.NOT_ADMITTED
        audit.record(s, actor, f"act_{kind}", number=number, individual_code=individual_code,
                     data_sha256=act_sha256(act), pdf_sha256=sha256_hex(pdf), voided=voids,
                     before={"attempt": attempt.status.value if attempt else None,
                             "attendance": student.attendance.value},
                     after={"attempt": "voided" if voids else (attempt.status.value if attempt else None),
                            "attendance": "not_admitted" if kind == "impostor" and not voids
                            else student.attendance.value})
    return {"number": number, "kind": kind, "pdf_path": str(path), "pdf_sha256": sha256_hex(pdf),
            "data_sha256": act_sha256(act), "voided": voids}


def _organisation(room: RoomStore) -> Organisation:
    return Organisation(code=room.setting("organisation_code") or "",
                        name=room.setting("organisation_name") or "")


def _person(student: Student) -> Person:
    return Person(surname=student.surname, name=student.name, patronymic=student.patronymic,
                  individual_code=student.individual_code)
