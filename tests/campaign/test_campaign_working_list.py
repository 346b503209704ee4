"""The working list: CSV in three encodings and delimiters, XLSX, aliases, and every problem named."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from central_scorer.campaign import working_list
from central_scorer.campaign.working_list import WorkingListInvalid, parse_working_list

DATA = Path(__file__).resolve().parent.parent / "data" / "working_lists"


def test_the_national_sample_reads_whole():
    orgs = parse_working_list((DATA / "national_sample.csv").read_bytes())
    assert len(orgs) == 160
    assert len({o.code for o in orgs}) == 160
    first = orgs[0]
    assert (first.row, first.code, first.territory, first.type, first.language) == (
        2, "110000", "city", "school-gymnasium", "mixed")
    assert first.participated == (2022, 2024)
    assert {o.language for o in orgs} == {"kk", "ru", "mixed"}


def test_russian_header_and_values_in_windows_1251_with_semicolons():
    raw = (DATA / "russian_cp1251.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is Windows-1251
    orgs = parse_working_list(raw)
    assert [(o.code, o.territory, o.type, o.language, o.participated) for o in orgs] == [
        ("200001", "village", "school", "ru", ()),
        ("200002", "city", "gymnasium", "ru", (2023,)),
        ("200003", "city", "school-lyceum", "kk", ()),
    ]
    assert orgs[1].name == "Гимназия №1"


def test_kazakh_header_and_values_with_bom_and_tabs():
    raw = (DATA / "kazakh_bom.tsv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    orgs = parse_working_list(raw)
    assert orgs[0].name == "Әбу Насыр әл-Фараби атындағы мектеп"
    assert (orgs[1].territory, orgs[1].type, orgs[1].language, orgs[1].participated) == (
        "village", "school", "kk", (2022, 2024))


def test_every_problem_is_named_by_row_and_field_at_once():
    with pytest.raises(WorkingListInvalid) as exc:
        parse_working_list((DATA / "broken.csv").read_bytes())
    found = {(p.row, p.field) for p in exc.value.problems}
    assert found == {
        (2, "territory"),
        (3, "name"), (3, "contingent"),
        (4, "code"), (4, "type"), (4, "language"), (4, "contingent"), (4, "participated"),
    }
    duplicate = next(p for p in exc.value.problems if p.field == "code")
    assert duplicate.message == "duplicate of row 2"
    assert "row 2, field territory: 'town' is not one of city, village" in str(exc.value)


@pytest.mark.parametrize(("raw", "field"), [
    (b"", "header"),
    (b"\n\n", "header"),
    (b"code,name,region\n1,A,B\n", "district"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest-of-an-old-xls", "file"),
    (b"PK\x03\x04 not really a zip", "file"),
])
def test_unusable_files_are_refused_with_a_reason(raw, field):
    with pytest.raises(WorkingListInvalid) as exc:
        parse_working_list(raw)
    assert exc.value.problems[0].field == field


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_kazakh_header_numbers_and_blank_rows():
    raw = xlsx_bytes([
        ["Коды", "Атауы", "Облыс", "Аудан", "Аумақ", "Түрі", "Контингент", "Оқыту тілі",
         "Қатысқан жылдары"],
        [500001, "Қызылжар мектебі", "Солтүстік Қазақстан облысы", "Қызылжар ауданы", "ауыл",
         "мектеп", 14, "қазақ", None],
        [None] * 9,
        [500002, "Петропавл гимназиясы", "Солтүстік Қазақстан облысы", "Петропавл", "city",
         "gymnasium", 88.0, "ru", 2024],
    ])
    orgs = parse_working_list(raw)
    assert [(o.row, o.code, o.contingent, o.participated) for o in orgs] == [
        (2, "500001", 14, ()), (4, "500002", 88, (2024,))]


def test_xlsx_problems_name_the_sheet_row():
    raw = xlsx_bytes([list(working_list.COLUMNS),
                      ["600001", "A", "R", "D", "city", "school", "x", "kk", ""]])
    with pytest.raises(WorkingListInvalid) as exc:
        parse_working_list(raw)
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "contingent")]


def test_xlsx_that_unpacks_too_large_is_refused_before_parsing(monkeypatch):
    raw = xlsx_bytes([list(working_list.COLUMNS)])
    monkeypatch.setattr(working_list, "MAX_XLSX_UNCOMPRESSED", 1000)
    with pytest.raises(WorkingListInvalid, match="unpacks to more than"):
        parse_working_list(raw)


def test_spreadsheet_xml_goes_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True
