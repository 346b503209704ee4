"""The working list of organisations (§14): CSV or XLSX in, validated organisations out.

Canonical header: ``code,name,region,district,territory,type,contingent,language,participated``.
Kazakh and Russian header names are accepted as aliases, and so are Kazakh and Russian words for
the values (``қала``/``город`` for ``city`` and so on). ``contingent`` is the number of students in
the tested grade (a whole number, at least 1); ``participated`` lists the years the organisation
already took part, separated by ``;`` (spaces or commas work too).

CSV: comma, semicolon or tab delimited; UTF-8 with or without BOM, or Windows-1251. XLSX: the
first worksheet, read with openpyxl in read-only mode (formulas are not evaluated, external links
are not followed, and its XML is parsed through defusedxml); the archive is checked for size before
it is opened. Nothing is half-imported: every problem is reported at once, each naming its row and
field.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

COLUMNS = ("code", "name", "region", "district", "territory", "type", "contingent", "language",
           "participated")
OPTIONAL = ("participated",)

HEADER_ALIASES = {
    "код": "code", "коды": "code", "ұйым коды": "code", "код организации": "code",
    "атауы": "name", "ұйым атауы": "name", "наименование": "name", "название": "name",
    "облыс": "region", "өңір": "region", "область": "region", "регион": "region",
    "аудан": "district", "район": "district",
    "аумақ": "territory", "аумақтық тиістілігі": "territory", "территория": "territory",
    "местность": "territory",
    "түрі": "type", "ұйым түрі": "type", "тип": "type", "тип организации": "type",
    "контингент": "contingent", "білім алушылар контингенті": "contingent",
    "білім алушылар саны": "contingent", "количество обучающихся": "contingent",
    "оқыту тілі": "language", "тіл": "language", "язык обучения": "language", "язык": "language",
    "қатысқан жылдары": "participated", "қатысуы": "participated", "годы участия": "participated",
    "участие": "participated",
}

TERRITORIES = ("city", "village")
TYPES = ("school", "lyceum", "gymnasium", "school-gymnasium", "school-lyceum", "college")
LANGUAGES = ("kk", "ru", "mixed")

VALUE_ALIASES = {
    "territory": {"қала": "city", "город": "city", "ауыл": "village", "село": "village"},
    "type": {
        "мектеп": "school", "жалпы білім беретін мектеп": "school", "школа": "school",
        "общеобразовательная школа": "school", "лицей": "lyceum", "гимназия": "gymnasium",
        "мектеп-гимназия": "school-gymnasium", "школа-гимназия": "school-gymnasium",
        "мектеп-лицей": "school-lyceum", "школа-лицей": "school-lyceum", "колледж": "college",
    },
    "language": {"қазақ": "kk", "қазақша": "kk", "казахский": "kk", "орыс": "ru",
                 "русский": "ru", "аралас": "mixed", "смешанный": "mixed"},
}

MAX_ROWS = 100_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes; a national list is a few megabytes
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Organisation:
    row: int
    code: str
    name: str
    region: str
    district: str
    territory: str
    type: str
    contingent: int
    language: str
    participated: tuple[int, ...]

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "region": self.region,
                "district": self.district, "territory": self.territory, "type": self.type,
                "contingent": self.contingent, "language": self.language,
                "participated": list(self.participated)}


@dataclass(frozen=True)
class ListProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.message}"


class WorkingListInvalid(ValueError):
    """The list is refused; ``problems`` names every row and field that is wrong."""

    def __init__(self, problems: list[ListProblem]):
        self.problems = problems
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__("; ".join(str(p) for p in problems[:20]) + more)


# --- reading ---------------------------------------------------------------------------------------


def parse_working_list(data: bytes) -> list[Organisation]:
    """Organisations from a CSV or XLSX file's bytes (the format is told by its content)."""
    if data.startswith(b"PK\x03\x04"):
        return _validate(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkingListInvalid([ListProblem(1, "file", "an old Excel .xls file: save it as .xlsx or CSV")])
    return _validate(_csv_rows(data))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkingListInvalid([ListProblem(1, "file", "neither UTF-8 nor Windows-1251 text")])


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for values in reader:
        rows.append((reader.line_num, values))
        if len(rows) > MAX_ROWS + 1:
            raise WorkingListInvalid([ListProblem(reader.line_num, "file",
                                                  f"more than {MAX_ROWS} rows")])
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("defusedxml is not installed: refusing to parse spreadsheet XML")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise WorkingListInvalid([ListProblem(1, "file", f"not a readable XLSX file ({exc})")]) from None
    if total > MAX_XLSX_UNCOMPRESSED:
        raise WorkingListInvalid([ListProblem(1, "file", "the spreadsheet unpacks to more than "
                                              f"{MAX_XLSX_UNCOMPRESSED // 2**20} MiB")])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise WorkingListInvalid([ListProblem(1, "file", f"not a readable XLSX file ({exc})")]) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell_text(v) for v in values]))
            if len(rows) > MAX_ROWS + 1:
                raise WorkingListInvalid([ListProblem(number, "file", f"more than {MAX_ROWS} rows")])
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- validation ------------------------------------------------------------------------------------


def _validate(rows: list[tuple[int, list[str]]]) -> list[Organisation]:
    rows = [(n, v) for n, v in rows if any(str(x).strip() for x in v)]
    if not rows:
        raise WorkingListInvalid([ListProblem(1, "header", "the file is empty")])
    header_row, header = rows[0]
    columns = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in columns and c not in OPTIONAL]
    if missing:
        raise WorkingListInvalid([ListProblem(header_row, m, "column is missing from the header")
                                  for m in missing])

    organisations: list[Organisation] = []
    problems: list[ListProblem] = []
    seen: dict[str, int] = {}
    for row, values in rows[1:]:
        record = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
        before = len(problems)

        def problem(field: str, message: str) -> None:
            problems.append(ListProblem(row, field, message))  # noqa: B023 - used at once

        code = record["code"]
        if not _CODE.match(code):
            problem("code", "must be 1 to 32 letters, digits, '-' or '_'")
        elif code in seen:
            problem("code", f"duplicate of row {seen[code]}")
        else:
            seen[code] = row
        for field in ("name", "region", "district"):
            if not record[field]:
                problem(field, "is empty")
        choices = {"territory": TERRITORIES, "type": TYPES, "language": LANGUAGES}
        chosen: dict[str, str] = {}
        for field, allowed in choices.items():
            value = record[field].lower()
            value = VALUE_ALIASES[field].get(value, value)
            if value not in allowed:
                problem(field, f"{record[field]!r} is not one of {', '.join(allowed)}")
            chosen[field] = value
        contingent = 0
        try:
            contingent = int(record["contingent"])
        except ValueError:
            problem("contingent", f"{record['contingent']!r} is not a whole number")
        else:
            if contingent < 1:
                problem("contingent", "must be at least 1 (students in the tested grade)")
        years: list[int] = []
        for part in re.split(r"[;,\s]+", record.get("participated", "")):
            if not part:
                continue
            if not _YEAR.match(part):
                problem("participated", f"{part!r} is not a year (years are separated by ';')")
            else:
                years.append(int(part))
        if len(problems) == before:
            organisations.append(Organisation(
                row=row, code=code, name=record["name"], region=record["region"],
                district=record["district"], territory=chosen["territory"], type=chosen["type"],
                contingent=contingent, language=chosen["language"],
                participated=tuple(sorted(set(years)))))
    if problems:
        raise WorkingListInvalid(problems)
    return organisations
