"""Rosters as real spreadsheets save them: XLSX and CSV with titles, numbers, look-alike letters,
UTF-16, full-name columns — and a broken list is refused whole, one problem per bad row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from common.domain import iin as iin_rules
from common.domain.roster import RosterInvalid, parse_bytes, parse_file
from common.storage.room_models import Student


def make_iin(born: dt.date, female: bool, serial: int) -> str:
    for s in range(serial, serial + 100):
        number = iin_rules.make(born, female, s)
        if number is not None:
            return number
    raise AssertionError


# Born in 2005-2008: their IINs start with 0, which a spreadsheet's number cell drops.
ZERO_A = make_iin(dt.date(2007, 4, 3), True, 101)
ZERO_B = make_iin(dt.date(2008, 1, 15), False, 202)
PLAIN = make_iin(dt.date(2016, 5, 9), True, 303)
OTHER = make_iin(dt.date(2016, 8, 1), False, 404)


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_as_an_organisation_fills_it_in():
    data = xlsx(
        ("Нұсқаулық", [["Толтыру тәртібі: әр оқушыға бір жол."]]),  # an instructions sheet first
        ("4А", [
            ["Абай атындағы № 45 мектеп-гимназия"],
            ["Тізім, 2026 ж."],
            [],
            ["№", "ЖСН", "Тегi", "Аты", "Әкесінің аты (бар болса)", "Сынып", "Литер", "Оқыту тілі"],
            [1, int(ZERO_A), "Сәрсенбаева ", "Әйгерім", None, 4.0, "А", "KK"],
            [2, int(ZERO_B), "Қожахметов", "Ерасыл\u00a0", "Серікұлы", 4, "А", "kk"],
            [3, PLAIN, "O'Brien", "Анна-Мария", None, "4", "а", "ru"],
            [None, None, None, None, None, None, None, None],
        ]))
    rows = parse_bytes(data, "4A.xlsx")
    assert [(r.line, r.iin, r.surname, r.name, r.patronymic, r.grade, r.class_name, r.language)
            for r in rows] == [
        (5, ZERO_A, "Сәрсенбаева", "Әйгерім", None, "4", "А", "kk"),
        (6, ZERO_B, "Қожахметов", "Ерасыл", "Серікұлы", "4", "А", "kk"),
        (7, PLAIN, "O'Brien", "Анна-Мария", None, "4", "а", "ru"),
    ]


def test_xlsx_problems_name_the_spreadsheet_row():
    data = xlsx(("Лист1", [
        ["ИИН", "Фамилия", "Имя", "Отчество", "Класс", "Литера", "Язык обучения"],
        [PLAIN, "Иванова", "Анна", "", 4, "Б", "ru"],
        [PLAIN, "Иванова", "Анна", "", 4, "Б", "ru"],
        [5.1234e11, "Петров2", "", "", 7, "Б", "en"],
    ]))
    with pytest.raises(RosterInvalid) as refused:
        parse_bytes(data, "list.xlsx")
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (3, "iin"), (4, "iin"), (4, "surname"), (4, "name"), (4, "grade"), (4, "language")]
    messages = {(p.row, p.field): p.message for p in refused.value.problems}
    assert messages[(3, "iin")] == "duplicate of line 2"
    assert messages[(4, "surname")] == "contains digits"


def test_a_file_that_is_not_a_spreadsheet_is_named_as_such(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RosterInvalid) as refused:
        parse_file(path)
    assert refused.value.problems[0].field == "file"
    with pytest.raises(RosterInvalid) as old:
        parse_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "list.xls")
    assert "save it as .xlsx" in old.value.problems[0].message


def test_excel_unicode_text_is_utf16_with_tabs_and_a_full_name_column():
    # The class letter written with the grade ("4 «Б» класс") is the class when its cell is empty.
    text = (f"ФИО\tИИН\tКласс\tЛитера\tЯзык\n"
            f"Ким Виктор Алексеевич\t{OTHER}\t4 «Б» класс\t\tru\n"
            f"Әлімжанова Томирис\t{PLAIN}\t4Ә\t\tkk\n")
    rows = parse_bytes(text.encode("utf-16"), "export.txt")
    assert [(r.surname, r.name, r.patronymic, r.grade, r.class_name) for r in rows] == [
        ("Ким", "Виктор", "Алексеевич", "4", "Б"),
        ("Әлімжанова", "Томирис", None, "4", "Ә"),
    ]


def test_scientific_notation_iin_is_explained():
    text = ("iin;surname;name;grade;class;language\n"
            "5,12346E+11;Иванова;Анна;4;Б;ru\n")
    with pytest.raises(RosterInvalid) as refused:
        parse_bytes(text.encode("cp1251"), "list.csv")
    [problem] = refused.value.problems
    assert problem.field == "iin" and "format the IIN column as text" in problem.message


def test_college_courses_and_a_seat_column():
    text = ("ИИН,Фамилия,Имя,Курс,Группа,Язык,Место\n"
            f"{ZERO_A},Ахметова,Дана,2 курс,П-21,ru,3\n"
            f"{ZERO_B},Беков,Арман,III курс,П-31,kk,A-7\n")
    rows = parse_bytes(text.encode(), "college.csv")
    assert [(r.grade, r.class_name, r.seat) for r in rows] == [
        ("college-2", "П-21", "03"), ("college-3", "П-31", "A-7")]
    with pytest.raises(RosterInvalid) as refused:
        parse_bytes(text.replace(",A-7", ",03").encode(), "college.csv")
    assert [(p.row, p.field) for p in refused.value.problems] == [(3, "seat")]


@pytest.fixture
def empty_room(tmp_path, centre):
    """A configured room with its package but no roster yet."""
    import json

    from common.crypto import passwords
    from common.demo.roster import demo_content_json
    from common.domain.exam import content_from_dict
    from proctor_console.room.room import Room

    room = Room(tmp_path / "room", password_params=passwords.FAST)
    key = room.configure({
        "room_id": "R-X", "organisation_code": "100200", "organisation_name": "Тест мектебі",
        "room_no": "7", **centre.public_info(),
        "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл Тестов"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = content_from_dict(json.loads(demo_content_json()))
    centre.make_package(content, "100200", tmp_path / "p.cbtpkg", kdf_memory_kib=1024)
    room.import_package((tmp_path / "p.cbtpkg").read_bytes(), "rep")
    return room


def students_in(room) -> int:
    with room.read() as s:
        return s.scalar(select(func.count()).select_from(Student))


def test_nothing_is_half_imported(empty_room):
    good_rows = [["ЖСН", "Тегі", "Аты", "Сынып", "Литер", "Тіл"],
                 [ZERO_A, "Сәрсенбаева", "Әйгерім", 4, "А", "kk"],
                 [ZERO_B, "Қожахметов", "Ерасыл", 4, "А", "kk"]]
    bad = xlsx(("S", good_rows + [[PLAIN, "", "Анна", 5, "Б", "ru"]]))
    with pytest.raises(RosterInvalid) as refused:
        empty_room.import_roster(bad, "rep", "bad.xlsx")
    assert [(p.row, p.field) for p in refused.value.problems] == [(4, "surname"), (4, "grade")]
    assert students_in(empty_room) == 0
    credentials = empty_room.import_roster(xlsx(("S", good_rows)), "rep", "good.xlsx")
    assert [c["seat"] for c in credentials] == ["01", "02"]
    assert students_in(empty_room) == 2
