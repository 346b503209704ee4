"""The organisation's student list: parse, validate, and say exactly which row and field is wrong.

Canonical header: iin,surname,name,patronymic,grade,class,language (Kazakh and Russian header
names are accepted as aliases). Comma, semicolon or tab delimited; UTF-8 with or without BOM, or
Windows-1251 as older spreadsheets save it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from common.domain import iin as iin_rules

COLUMNS = ("iin", "surname", "name", "patronymic", "grade", "class", "language")
ALIASES = {
    "иин": "iin", "жсн": "iin",
    "фамилия": "surname", "тегі": "surname",
    "имя": "name", "аты": "name",
    "отчество": "patronymic", "әкесінің аты": "patronymic",
    "класс": "grade", "сынып": "grade", "курс": "grade",
    "литера": "class", "параллель": "class", "сынып литері": "class",
    "язык": "language", "язык обучения": "language", "тіл": "language", "оқыту тілі": "language",
}
GRADES = ("4", "9", "college-2", "college-3")
LANGUAGES = ("kk", "ru")


@dataclass(frozen=True)
class RosterRow:
    line: int
    iin: str
    surname: str
    name: str
    patronymic: str | None
    grade: str
    class_name: str
    language: str


@dataclass(frozen=True)
class RosterProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.message}"


class RosterInvalid(ValueError):
    def __init__(self, problems: list[RosterProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterInvalid([RosterProblem(1, "file", "neither UTF-8 nor Windows-1251 text")])


def parse_csv(data: bytes | str) -> list[RosterRow]:
    """All rows, or RosterInvalid listing every problem found (nothing is half-imported)."""
    # A str read with plain "utf-8" from an Excel file still starts with the BOM.
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    # Spreadsheets often leave blank lines above the header; the first non-blank line is it.
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    for header in reader:
        if any(h.strip() for h in header):
            break
    if not any(h.strip() for h in header):
        raise RosterInvalid([RosterProblem(1, "header", "the file is empty")])
    header_line = reader.line_num
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in columns and c != "patronymic"]
    if missing:
        raise RosterInvalid([RosterProblem(header_line, m, "column is missing from the header")
                             for m in missing])

    rows: list[RosterRow] = []
    problems: list[RosterProblem] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num  # the file's own line number, right even after quoted newlines
        if not any(v.strip() for v in values):
            continue
        record = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
        before = len(problems)
        try:
            iin = iin_rules.validate(record["iin"])
        except iin_rules.InvalidIIN as exc:
            problems.append(RosterProblem(line, "iin", str(exc)))
            iin = record["iin"]
        else:
            if iin in seen:
                problems.append(RosterProblem(line, "iin", f"duplicate of line {seen[iin]}"))
            seen.setdefault(iin, line)
        for field in ("surname", "name"):
            if not record[field]:
                problems.append(RosterProblem(line, field, "is empty"))
        grade = record["grade"].lower()
        if grade not in GRADES:
            problems.append(RosterProblem(line, "grade", f"must be one of {', '.join(GRADES)}"))
        language = record["language"].lower()
        if language not in LANGUAGES:
            problems.append(RosterProblem(line, "language", "must be kk or ru"))
        if len(problems) == before:
            rows.append(
                RosterRow(
                    line=line,
                    iin=iin,
                    surname=record["surname"],
                    name=record["name"],
                    patronymic=record.get("patronymic") or None,
                    grade=grade,
                    class_name=record["class"],
                    language=language,
                )
            )
    if problems:
        raise RosterInvalid(problems)
    if not rows:
        raise RosterInvalid([RosterProblem(2, "rows", "the list has no students")])
    return rows
