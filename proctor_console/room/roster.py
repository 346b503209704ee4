"""The organisation's student list: validated whole, then each student issued an individual code,
a login, a one-time password (kept only as its keyed hash, data_keys.password_key) and a seat."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.crypto import passwords
from common.domain.accommodations import Accommodations
from common.domain.roster import parse_bytes, parse_csv
from common.storage.room_models import Student
from proctor_console.room import audit, data_keys
from proctor_console.room.errors import Conflict, NotFound
from proctor_console.room.store import RoomStore


def import_roster(room: RoomStore, data: bytes | str, actor: str,
                  filename: str = "") -> list[dict[str, str]]:
    """Validate the whole list, then issue each student a code, login, password and seat.

    `data` is a CSV or XLSX file (`filename` helps tell which). Seats come from the list's
    seat column when it has one, else in the list's order. Returns the credentials once, for
    the slips; only the passwords' keyed hashes are kept. A list with any problem is refused
    whole (RosterInvalid names every row and field); nothing is half-imported.
    """
    rows = parse_csv(data) if isinstance(data, str) else parse_bytes(data, filename)
    issued: list[dict[str, str]] = []
    hashed = []
    key = data_keys.password_key(room)
    for index, row in enumerate(rows, start=1):
        password = passwords.new_password()
        hashed.append((row, index, password, passwords.keyed_hash(password, key)))
    with room.tx() as s:
        if s.scalar(select(func.count()).select_from(Student)):
            raise Conflict("a roster is already imported in this room")
        codes: set[str] = set()
        for row, index, password, password_hash in hashed:
            code = _new_code(codes)
            login = f"{room.setting('room_no') or 'r'}-{index:03d}".lower()
            seat = row.seat or f"{index:02d}"
            s.add(Student(iin=row.iin, surname=row.surname, name=row.name,
                          patronymic=row.patronymic, grade=row.grade, class_name=row.class_name,
                          language=row.language, individual_code=code, login=login,
                          password_hash=password_hash, seat=seat,
                          extra_time_factor=row.accommodations.extra_time_factor,
                          accommodations=",".join(row.accommodations.flags())))
            issued.append({"individual_code": code, "login": login, "password": password,
                           "seat": seat, "full_name": " ".join(
                               p for p in (row.surname, row.name, row.patronymic) if p)})
        accommodated = sum(1 for row in rows if row.accommodations != Accommodations())
        audit.record(s, actor, "roster_imported", students=len(rows), filename=filename or None,
                     accommodated=accommodated,
                     before={"students": 0}, after={"students": len(rows)})
    return issued


def _new_code(taken: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(10**8):08d}"
        if code not in taken:
            taken.add(code)
            return code


def student_by_code(s: Session, individual_code: str) -> Student:
    student = s.scalar(select(Student).where(Student.individual_code == individual_code))
    if student is None:
        raise NotFound(f"no student with individual code {individual_code}")
    return student


def accommodations_of(student: Student) -> Accommodations:
    return Accommodations.stored(student.extra_time_factor, student.accommodations)


def full_name(student: Student) -> str:
    return " ".join(p for p in (student.surname, student.name, student.patronymic) if p)
