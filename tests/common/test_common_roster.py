"""The organisation's student list: headers, delimiters, encodings, and problems named by line and
field, all reported at once."""

from __future__ import annotations

import datetime as dt

import pytest

from common.domain import iin as iin_rules
from common.domain.roster import RosterInvalid, RosterProblem, RosterRow, parse_csv


def make_iin(born: dt.date, female: bool, serial: int = 1) -> str:
    for s in range(serial, serial + 100):
        number = iin_rules.make(born, female, s)
        if number is not None:
            return number
    raise AssertionError("no serial gives a check digit")


AIGERIM = make_iin(dt.date(2016, 3, 21), True, 11)
ERASYL = make_iin(dt.date(2016, 7, 2), False, 25)
INKAR = make_iin(dt.date(2015, 12, 16), True, 307)
ANNA = make_iin(dt.date(2016, 1, 9), True, 4410)
VIKTOR = make_iin(dt.date(2010, 10, 5), False, 812)

CANONICAL = (
    "iin,surname,name,patronymic,grade,class,language\n"
    f"{AIGERIM},Сәрсенбаева,Әйгерім,Нұрланқызы,4,Ә,kk\n"
    f"{ERASYL},Қожахметов,Ерасыл,Серікұлы,4,Ә,kk\n"
    f"{ANNA},Иванова,Анна,Сергеевна,4,Б,ru\n"
)


def problems_of(data: bytes | str) -> list[tuple[int, str]]:
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(data)
    return [(p.line, p.field) for p in refused.value.problems]


def test_canonical_header_reads_every_field():
    rows = parse_csv(CANONICAL)
    assert rows == [
        RosterRow(2, AIGERIM, "Сәрсенбаева", "Әйгерім", "Нұрланқызы", "4", "Ә", "kk"),
        RosterRow(3, ERASYL, "Қожахметов", "Ерасыл", "Серікұлы", "4", "Ә", "kk"),
        RosterRow(4, ANNA, "Иванова", "Анна", "Сергеевна", "4", "Б", "ru"),
    ]


def test_kazakh_header_aliases_with_semicolons():
    text = (
        "ЖСН;Тегі;Аты;Әкесінің аты;Сынып;Сынып литері;Оқыту тілі\n"
        f"{INKAR};Үсенова;Іңкәр;Ерланқызы;4;А;қаз\n"
    )
    # 'қаз' is not a language code: the alias for the header works, the value is still checked.
    assert problems_of(text) == [(2, "language")]
    rows = parse_csv(text.replace("қаз", "KK"))
    assert rows == [RosterRow(2, INKAR, "Үсенова", "Іңкәр", "Ерланқызы", "4", "А", "kk")]


def test_russian_header_aliases_with_tabs():
    text = (
        "ИИН\tФамилия\tИмя\tОтчество\tКласс\tЛитера\tЯзык обучения\n"
        f"{VIKTOR}\tКим\tВиктор\tАлексеевич\tcollege-2\tП-21\tru\n"
        f"{ANNA}\tИванова\tАнна\t\t4\tБ\tRU\n"
    )
    rows = parse_csv(text)
    assert rows == [
        RosterRow(2, VIKTOR, "Ким", "Виктор", "Алексеевич", "college-2", "П-21", "ru"),
        RosterRow(3, ANNA, "Иванова", "Анна", None, "4", "Б", "ru"),
    ]


def test_header_names_ignore_case_and_surrounding_spaces():
    text = (
        " IIN ; Surname ; NAME ; Patronymic ; Grade ; Class ; Language \n"
        f"{AIGERIM};Сәрсенбаева;Әйгерім;;4;Ә;kk\n"
    )
    assert parse_csv(text)[0].surname == "Сәрсенбаева"


def test_patronymic_column_may_be_left_out():
    text = f"iin,surname,name,grade,class,language\n{ERASYL},Қожахметов,Ерасыл,4,Ә,kk\n"
    assert parse_csv(text) == [RosterRow(2, ERASYL, "Қожахметов", "Ерасыл", None, "4", "Ә", "kk")]


def test_utf8_with_bom_as_excel_saves_it():
    data = "\ufeff".encode() + CANONICAL.replace(",", ";").encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = parse_csv(data)
    assert [r.iin for r in rows] == [AIGERIM, ERASYL, ANNA]
    assert rows[0].name == "Әйгерім"


def test_a_bom_left_in_already_decoded_text_is_ignored():
    # Text read with encoding="utf-8" (not "utf-8-sig") keeps the BOM in front of the header.
    data = "\ufeff".encode() + CANONICAL.encode("utf-8")
    assert parse_csv(data.decode("utf-8")) == parse_csv(CANONICAL)


def test_utf8_without_bom_from_bytes():
    assert parse_csv(CANONICAL.encode("utf-8")) == parse_csv(CANONICAL)


def test_windows_1251_as_older_spreadsheets_save_it():
    # cp1251 has no Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ: such files spell Kazakh names the Russian way.
    text = (
        "ИИН;Фамилия;Имя;Отчество;Класс;Литера;Язык обучения\r\n"
        f"{ANNA};Иванова;Анна;Сергеевна;4;Б;ru\r\n"
        f"{ERASYL};Кожахметов;Ерасыл;Серикович;4;Б;ru\r\n"
    )
    data = text.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = parse_csv(data)
    assert [(r.surname, r.name, r.patronymic, r.class_name) for r in rows] == [
        ("Иванова", "Анна", "Сергеевна", "Б"),
        ("Кожахметов", "Ерасыл", "Серикович", "Б"),
    ]


def test_bytes_in_neither_encoding_are_refused():
    assert problems_of(b"iin;surname\n\x98\n") == [(1, "file")]


def test_bad_iin_names_line_and_field():
    bad = AIGERIM[:11] + str((int(AIGERIM[11]) + 1) % 10)
    text = CANONICAL.replace(ERASYL, bad)
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    assert refused.value.problems == [RosterProblem(3, "iin", "check digit does not match")]
    assert str(refused.value) == "line 3, field iin: check digit does not match"


def test_duplicate_iin_names_the_first_line():
    text = CANONICAL + f"{AIGERIM},Сәрсенбаева,Әйгерім,,4,Ә,kk\n"
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    assert refused.value.problems == [RosterProblem(5, "iin", "duplicate of line 2")]


def test_duplicate_written_with_spaces_is_still_a_duplicate():
    spaced = f"{AIGERIM[:6]} {AIGERIM[6:]}"
    text = CANONICAL + f"{spaced},Сәрсенбаева,Әйгерім,,4,Ә,kk\n"
    assert problems_of(text) == [(5, "iin")]


def test_empty_surname_names_line_and_field():
    text = CANONICAL.replace("Қожахметов", "  ")
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    assert refused.value.problems == [RosterProblem(3, "surname", "is empty")]


def test_grade_5_is_not_tested():
    text = CANONICAL.replace(",4,Б,ru", ",5,Б,ru")
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    [problem] = refused.value.problems
    assert (problem.line, problem.field) == (4, "grade")
    assert "4, 9, college-2, college-3" in problem.message


def test_language_en_is_refused():
    text = CANONICAL.replace(",Б,ru", ",Б,en")
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    assert refused.value.problems == [RosterProblem(4, "language", "must be kk or ru")]


@pytest.mark.parametrize("column", ["iin", "surname", "name", "grade", "class", "language"])
def test_a_missing_column_is_named_on_the_header_line(column):
    columns = ["iin", "surname", "name", "patronymic", "grade", "class", "language"]
    keep = [c for c in columns if c != column]
    text = ",".join(keep) + "\n" + ",".join("x" for _ in keep) + "\n"
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    assert refused.value.problems == [RosterProblem(1, column, "column is missing from the header")]


def test_every_missing_column_is_named_at_once():
    assert problems_of("ЖСН;Тегі\n") == [(1, "name"), (1, "grade"), (1, "class"), (1, "language")]


def test_blank_lines_are_skipped_and_line_numbers_stay_true():
    text = (
        "iin;surname;name;patronymic;grade;class;language\n"
        "\n"
        f"{AIGERIM};Сәрсенбаева;Әйгерім;Нұрланқызы;4;Ә;kk\n"
        "   \n"
        ";;;;;;\n"
        f"{ERASYL};Қожахметов;Ерасыл;Серікұлы;4;Ә;kk\n"
        "\n"
    )
    rows = parse_csv(text)
    assert [(r.line, r.iin) for r in rows] == [(3, AIGERIM), (6, ERASYL)]
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text.replace(";Серікұлы;4;", ";Серікұлы;5;"))
    assert [(p.line, p.field) for p in refused.value.problems] == [(6, "grade")]


@pytest.mark.parametrize("data", [b"", "", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(data)
    assert refused.value.problems == [RosterProblem(1, "header", "the file is empty")]


def test_a_header_without_students_is_refused():
    with pytest.raises(RosterInvalid) as refused:
        parse_csv("iin,surname,name,patronymic,grade,class,language\n\n\n")
    assert refused.value.problems == [RosterProblem(2, "rows", "the list has no students")]


def test_all_problems_are_reported_at_once_and_nothing_is_half_imported():
    bad_iin = "160321600000"
    text = (
        "iin,surname,name,patronymic,grade,class,language\n"
        f"{AIGERIM},Сәрсенбаева,Әйгерім,Нұрланқызы,4,Ә,kk\n"  # good
        f"{bad_iin},,Ерасыл,Серікұлы,5,Ә,en\n"  # four problems on one line
        f"{ANNA},Иванова,,Сергеевна,4,Б,ru\n"
        f"{AIGERIM},Сәрсенбаева,Әйгерім,Нұрланқызы,4,Ә,kk\n"
        f"{INKAR},Үсенова,Іңкәр,Ерланқызы,college-3,А,де\n"
    )
    with pytest.raises(RosterInvalid) as refused:
        parse_csv(text)
    got = [(p.line, p.field) for p in refused.value.problems]
    assert got == [
        (3, "iin"), (3, "surname"), (3, "grade"), (3, "language"),
        (4, "name"),
        (5, "iin"),
        (6, "language"),
    ]
    message = str(refused.value)
    for line in (3, 4, 5, 6):
        assert f"line {line}, field" in message
    assert "duplicate of line 2" in message


def test_the_exception_message_lists_at_most_twenty_problems_but_keeps_all():
    lines = ["iin,surname,name,patronymic,grade,class,language"]
    lines += [f"{AIGERIM[:11]}{(int(AIGERIM[11]) + 1) % 10},Тест,Тест,,4,А,kk"] * 25
    with pytest.raises(RosterInvalid) as refused:
        parse_csv("\n".join(lines))
    assert len(refused.value.problems) == 25
    assert str(refused.value).count("line ") == 20


def test_quoted_fields_keep_their_delimiters():
    text = (
        "iin,surname,name,patronymic,grade,class,language\n"
        f'{AIGERIM},"Сәрсенбаева, Әбілқасым",Әйгерім,,4,Ә,kk\n'
    )
    assert parse_csv(text)[0].surname == "Сәрсенбаева, Әбілқасым"
