"""The organisation's student list: parse, validate, and say exactly which row and field is wrong.

Canonical header: ``iin,surname,name,patronymic,grade,class,language`` (plus an optional ``seat``).
Kazakh, Russian and English header names are accepted as aliases, in any case, with stray spaces,
stars, colons and Latin letters that look like Cyrillic ones; a single full-name column (ФИО /
Т.А.Ә.) is split into surname, name and patronymic.

Files come as CSV (comma, semicolon or tab delimited; UTF-8 with or without BOM, UTF-16 as Excel's
"Unicode text" saves it, or Windows-1251 as older spreadsheets save it) or as XLSX (the first sheet
that has a header; numbers typed into the IIN column get their leading zero back). A title, a date
or blank lines above the header are skipped.

Every problem of the file is reported at once, each naming its row (the spreadsheet's own row or
the file's line) and field; a list with any problem is refused whole, so nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from typing import Any
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from common.domain import accommodations as acc
from common.domain import iin as iin_rules

COLUMNS = ("iin", "surname", "name", "patronymic", "grade", "class", "language")
OPTIONAL = ("patronymic", "seat", *acc.COLUMNS)
# Header names as people write them, after `header_key` (lower case, Latin look-alikes made
# Cyrillic only inside Cyrillic words, punctuation and repeated spaces dropped).
ALIASES = {
    # IIN
    "иин": "iin", "жсн": "iin", "iin": "iin", "иин обучающегося": "iin", "иин учащегося": "iin",
    "иин ученика": "iin", "білім алушының жсн": "iin", "оқушының жсн": "iin", "жсн иин": "iin",
    "иин жсн": "iin", "индивидуальный идентификационный номер": "iin",
    "жеке сәйкестендіру нөмірі": "iin",
    # surname
    "фамилия": "surname", "тегі": "surname", "surname": "surname", "last name": "surname",
    "family name": "surname", "фамилия обучающегося": "surname",
    # name
    "имя": "name", "аты": "name", "name": "name", "first name": "name", "given name": "name",
    # patronymic
    "отчество": "patronymic", "әкесінің аты": "patronymic", "patronymic": "patronymic",
    "middle name": "patronymic", "отчество при наличии": "patronymic",
    "әкесінің аты бар болса": "patronymic", "әкесінің аты бар болған жағдайда": "patronymic",
    # full name in one column
    "фио": "full_name", "ф и о": "full_name", "т а ә": "full_name", "таә": "full_name",
    "аты жөні": "full_name", "толық аты жөні": "full_name", "full name": "full_name",
    "фио обучающегося": "full_name", "фамилия имя отчество": "full_name",
    "тегі аты әкесінің аты": "full_name", "білім алушының аты жөні": "full_name",
    # grade (the year of study)
    "класс": "grade", "сынып": "grade", "курс": "grade", "grade": "grade", "year": "grade",
    "класс курс": "grade", "сынып курс": "grade", "курс сынып": "grade",
    # class (the letter or group)
    "литера": "class", "параллель": "class", "сынып литері": "class", "class": "class",
    "литер": "class", "буква класса": "class", "сынып әрпі": "class", "группа": "class",
    "топ": "class", "group": "class", "letter": "class",
    # language of instruction
    "язык": "language", "язык обучения": "language", "тіл": "language", "оқыту тілі": "language",
    "language": "language", "язык тестирования": "language", "тестілеу тілі": "language",
    "тілі": "language",
    # seat (optional: otherwise seats are given in the list's order)
    "seat": "seat", "место": "seat", "орын": "seat", "номер места": "seat", "орын нөмірі": "seat",
    "seat no": "seat",
    # accommodations set before the day (optional; common/domain/accommodations.py)
    **acc.ALIASES,
}
GRADES = ("4", "9", "college-2", "college-3")
LANGUAGES = ("kk", "ru")
MAX_ROWS = 5000  # a room holds a few dozen; a bigger file is the wrong file
HEADER_SEARCH_ROWS = 30
SEAT_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,16}$")


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
    seat: str | None = None
    accommodations: acc.Accommodations = acc.Accommodations()


@dataclass(frozen=True)
class RosterProblem:
    line: int  # the spreadsheet's row, or the CSV file's line (both count from 1)
    field: str
    message: str

    @property
    def row(self) -> int:
        return self.line

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"row": self.line, "field": self.field, "message": self.message}


class RosterInvalid(ValueError):
    def __init__(self, problems: list[RosterProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


# --- reading files ------------------------------------------------------------------------------


def parse_file(path: Path | str) -> list[RosterRow]:
    """A roster file (CSV or XLSX, told by its content and name)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterInvalid([RosterProblem(1, "file", f"cannot be read: {exc.strerror}")]) from exc
    return parse_bytes(data, path.name)


def parse_bytes(data: bytes, filename: str = "") -> list[RosterRow]:
    """A roster from a file's bytes; `filename` (only its extension counts) helps tell the kind."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return parse_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise RosterInvalid([RosterProblem(
            1, "file", "an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV")])
    if name.endswith(".ods"):
        raise RosterInvalid([RosterProblem(1, "file", "an OpenDocument sheet: save it as .xlsx or CSV")])
    return parse_csv(data)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
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
    if "\x00" in text:
        raise RosterInvalid([RosterProblem(1, "file", "is not a text (CSV) file")])
    delimiter = _guess_delimiter(text)
    return parse_rows(_csv_rows(text, delimiter))


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # newline="": the csv module reads line ends itself (a lone CR is one too), as its docs ask.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field longer than the csv module's limit
            raise RosterInvalid([RosterProblem(reader.line_num or start, "file",
                                               f"is not a readable CSV file ({exc})")]) from exc
        # A row's own line is where it starts (right even after a quoted newline).
        yield start, values
        start = reader.line_num + 1


def _guess_delimiter(text: str) -> str:
    """The delimiter with which a header row is found with the most known columns."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    best, best_score = None, 0
    for delimiter in (";", ",", "\t", "|"):
        try:
            for values in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
                score = len({ALIASES.get(header_key(v)) for v in values} - {None})
                if score > best_score:
                    best, best_score = delimiter, score
        except csv.Error:
            continue  # not this delimiter's file; the reading proper names the problem
    if best is not None:
        return best
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((";", ",", "\t"), key=first.count)


def parse_xlsx(data: bytes) -> list[RosterRow]:
    """The first sheet with a header row; cells are read as the spreadsheet typed them."""
    import openpyxl  # only here: CSV needs nothing of it
    from openpyxl.utils.exceptions import InvalidFileException

    # What a damaged file may raise while it is read: a broken zip or deflate stream, broken XML
    # (SyntaxError is ParseError's base), a value openpyxl cannot convert.
    unreadable = (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError,
                  ValueError, TypeError, OSError, SyntaxError)
    _check_unpacked_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as exc:
        raise RosterInvalid([RosterProblem(1, "file", f"is not a readable .xlsx file ({exc})")]) from exc
    try:
        try:
            sheets = [_sheet_rows(sheet) for sheet in book.worksheets[:MAX_XLSX_SHEETS]]
        except unreadable as exc:
            raise RosterInvalid([RosterProblem(1, "file", f"is not a readable .xlsx file ({exc})")]) from exc
        first_problem: RosterInvalid | None = None
        for rows in sheets:
            if not _find_header(rows) and len(sheets) > 1:
                continue  # a cover sheet or an instructions sheet
            try:
                return parse_rows(rows)
            except RosterInvalid as exc:
                if first_problem is None:
                    first_problem = exc
                if _find_header(rows):
                    raise
        if first_problem is not None:
            raise first_problem
        raise RosterInvalid([RosterProblem(1, "header", "the file is empty")])
    finally:
        book.close()


# A roster is a class list: a crafted file must not hold the room server for minutes (issue 15,
# finding 10: a 5 MB file took 88 s). Past these it is refused with a clear line.
MAX_XLSX_UNPACKED, MAX_XLSX_SHEETS = 32 * 1024 * 1024, 10  # bytes inside the zip; sheets read
MAX_ROSTER_ROWS, MAX_ROSTER_COLUMNS = 3000, 40


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RosterInvalid([RosterProblem(1, "file", f"is not a readable .xlsx file ({exc})")]) from exc
    unpacked = sum(info.file_size for info in parts)
    if unpacked > MAX_XLSX_UNPACKED or len(parts) > 1000:
        raise RosterInvalid([RosterProblem(1, "file", f"is too large for a class list ({unpacked} bytes "
                                           f"unpacked, at most {MAX_XLSX_UNPACKED})")])


def _sheet_rows(sheet: Any) -> list[tuple[int, list[str]]]:
    declared = sheet.max_row  # the sheet's own <dimension>, when it has one: read nothing more
    rows = []
    for index, values in enumerate(sheet.iter_rows(max_col=MAX_ROSTER_COLUMNS, values_only=True), 1):
        if index > MAX_ROSTER_ROWS or (isinstance(declared, int) and declared > MAX_ROSTER_ROWS):
            raise RosterInvalid([RosterProblem(1, "file", f"has more than {MAX_ROSTER_ROWS} rows: "
                                               "a roster is one organisation's class lists")])
        rows.append((index, [_cell_text(v) for v in values]))
    return rows


def _cell_text(value: object) -> str:
    """A cell as text the way a person reads it: 4.0 is "4", a number keeps every digit."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- the rows, whatever file they came from ----------------------------------------------------

_LOOKALIKES = str.maketrans("aceopxykmtbhi", "асеорхукмтвні")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_PUNCTUATION = re.compile(r"[\s*:;.,/\\()\[\]«»\"'№#_\-–—]+")


def header_key(text: str) -> str:
    """A header cell reduced to what tells the column: ``' Ф.И.О.* '`` → ``'ф и о'``."""
    text = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip().lower()
    words = []
    for word in _PUNCTUATION.split(text):
        if not word:
            continue
        # "иин" typed with a Latin "и"-like letter is rare; "ИИH" with a Latin H is not.
        if _CYRILLIC.search(word):
            word = word.translate(_LOOKALIKES)
        words.append(word)
    return " ".join(words)


def _columns(values: list[str]) -> list[str | None]:
    return [ALIASES.get(header_key(v)) for v in values]


def _find_header(rows: list[tuple[int, list[str]]]) -> tuple[int, list[str | None]] | None:
    """The first row (among the first few non-blank ones) that names at least two columns."""
    seen = 0
    for index, (_, values) in enumerate(rows):
        if not any(str(v).strip() for v in values):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        columns = _columns(values)
        if len({c for c in columns if c}) >= 2:
            return index, columns
    return None


def parse_rows(source: Iterable[tuple[int, list[str]]]) -> list[RosterRow]:
    """Validate rows given as (row number, cell texts), header first; see the module's doc."""
    rows = list(source)
    found = _find_header(rows)
    if found is None:
        first = next(((n, v) for n, v in rows if any(str(x).strip() for x in v)), None)
        if first is None:
            raise RosterInvalid([RosterProblem(1, "header", "the file is empty")])
        header_index = rows.index(first)
        columns = _columns(first[1])
    else:
        header_index, columns = found
    header_line = rows[header_index][0]
    present = {c for c in columns if c}
    if "full_name" in present:
        present |= {"surname", "name", "patronymic"}
    missing = [c for c in COLUMNS if c not in present and c not in OPTIONAL]
    if missing:
        raise RosterInvalid([RosterProblem(header_line, m, "column is missing from the header")
                             for m in missing])
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise RosterInvalid([RosterProblem(header_line, c, "column appears twice in the header")
                             for c in twice])

    result: list[RosterRow] = []
    problems: list[RosterProblem] = []
    seen_iin: dict[str, int] = {}
    seen_seat: dict[str, int] = {}
    data_rows = [(n, v) for n, v in rows[header_index + 1:] if any(_clean(x) for x in v)]
    if len(data_rows) > MAX_ROWS:
        raise RosterInvalid([RosterProblem(data_rows[MAX_ROWS][0], "rows",
                                           f"more than {MAX_ROWS} students: is it the right file?")])
    seat_column = columns.index("seat") if "seat" in columns else None
    use_seats = seat_column is not None and any(
        _clean(v[seat_column]) for _, v in data_rows if seat_column < len(v))
    for line, values in data_rows:
        record = {c: _clean(values[i]) if i < len(values) else ""
                  for i, c in enumerate(columns) if c}
        before = len(problems)
        if "full_name" in record and not (record.get("surname") or record.get("name")):
            parts = record["full_name"].split(" ")
            record["surname"] = parts[0] if parts else ""
            record["name"] = parts[1] if len(parts) > 1 else ""
            record["patronymic"] = " ".join(parts[2:])

        iin = _check_iin(record.get("iin", ""), line, problems)
        if iin is not None:
            if iin in seen_iin:
                problems.append(RosterProblem(line, "iin", f"duplicate of line {seen_iin[iin]}"))
            seen_iin.setdefault(iin, line)

        for field in ("surname", "name", "patronymic"):
            value = record.get(field, "")
            if not value:
                if field != "patronymic":
                    problems.append(RosterProblem(line, field, "is empty"))
                continue
            problem = _name_problem(value)
            if problem:
                problems.append(RosterProblem(line, field, problem))

        grade, class_from_grade = _grade(record.get("grade", ""))
        if grade is None:
            problems.append(RosterProblem(line, "grade", f"must be one of {', '.join(GRADES)}"))
        class_name = record.get("class", "") or class_from_grade
        language = record.get("language", "").lower()
        if language not in LANGUAGES:
            problems.append(RosterProblem(line, "language", "must be kk or ru"))

        seat = record.get("seat") or None
        if use_seats and seat is None:
            problems.append(RosterProblem(line, "seat", "is empty: give a seat to every student or to none"))
        if seat is not None:
            seat = seat.zfill(2) if seat.isdigit() else seat
            if not SEAT_PATTERN.match(seat):
                problems.append(RosterProblem(line, "seat", "must be 1-16 Latin letters, digits or '-'"))
            elif seat in seen_seat:
                problems.append(RosterProblem(line, "seat", f"also given on line {seen_seat[seat]}"))
            seen_seat.setdefault(seat, line)

        accommodations = _accommodations(record, line, problems)
        if len(problems) == before:
            result.append(RosterRow(
                line=line, iin=iin or "", surname=record["surname"], name=record["name"],
                patronymic=record.get("patronymic") or None, grade=grade or "",
                class_name=class_name, language=language, seat=seat,
                accommodations=accommodations))
    if problems:
        raise RosterInvalid(problems)
    if not result:
        raise RosterInvalid([RosterProblem(header_line + 1, "rows", "the list has no students")])
    return result


def _accommodations(record: dict[str, str], line: int,
                    problems: list[RosterProblem]) -> acc.Accommodations:
    values: dict[str, object] = {}
    for column in acc.COLUMNS:
        try:
            if column == "extra_time":
                values["extra_time_factor"] = acc.factor(record.get(column, ""))
            else:
                values[column] = acc.flag(record.get(column, ""))
        except acc.AccommodationInvalid as exc:
            problems.append(RosterProblem(line, column, str(exc)))
    return acc.Accommodations(**values)  # type: ignore[arg-type]


_SPACES = re.compile(r"\s+")


def _clean(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip()


_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE]\+?\d+$")
_IIN_NOISE = re.compile(r"[\s\-'’`\u00a0]")


def _check_iin(raw: str, line: int, problems: list[RosterProblem]) -> str | None:
    if _SCIENTIFIC.match(raw):
        problems.append(RosterProblem(line, "iin", "was saved as a rounded number (like 5.1E+11): "
                                                   "format the IIN column as text and save again"))
        return None
    value = _IIN_NOISE.sub("", raw)
    if value.isascii() and value.isdigit() and 9 <= len(value) <= 11:
        value = value.zfill(12)  # a spreadsheet's number lost the leading zero (born 2000-2009)
    try:
        return iin_rules.validate(value)
    except iin_rules.InvalidIIN as exc:
        problems.append(RosterProblem(line, "iin", str(exc)))
        return None


_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ \-'’.,]+[^\W\d_]*)*$")


def _name_problem(value: str) -> str | None:
    if any(ch.isdigit() for ch in value):
        return "contains digits"
    if len(value) > 100:
        return "is longer than 100 letters"
    if not _NAME_OK.match(value):
        return "has characters other than letters, spaces, hyphens and apostrophes"
    return None


_GRADE_WORDS = re.compile(r"класс|кл\.?|сынып|grade|курс|kurs|year|college|колледж|tvet|-?ші|-?шы|-?ый|-?й|[\"«»“”'`]")
_GRADE_SCHOOL = re.compile(r"^(4|9)\s*-?\s*([^\W\d_]{1,2})?$")
_GRADE_COLLEGE = re.compile(r"^(2|3|ii|iii)$")


def _grade(raw: str) -> tuple[str | None, str]:
    """(grade, class letter written with it): '4', '4А', '4 «Ә» класс', '2 курс', 'college-3'..."""
    value = re.sub(r"^(\d+)[.,]0+$", r"\1", raw.strip().lower())  # 4.0 from a number cell
    if value in GRADES:
        return value, ""
    college = any(word in value for word in ("курс", "kurs", "college", "колледж", "tvet"))
    bare = _SPACES.sub(" ", _GRADE_WORDS.sub(" ", value)).strip(" -")
    if college:
        match = _GRADE_COLLEGE.match(bare.replace(" ", ""))
        if match:
            return "college-" + {"ii": "2", "iii": "3"}.get(match.group(1), match.group(1)), ""
        return None, ""
    school = _GRADE_SCHOOL.match(bare)
    if school:
        return school.group(1), (school.group(2) or "").upper()
    return None, ""
