"""The headless commands: `roster validate`, `act render`, `audit verify` — run through the real CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from common.documents.acts import act_sha256
from proctor_console import cli
from proctor_console.room.act_input import confiscation_from_dict
from qr_scan import qr_codes

SRC = Path(__file__).resolve().parents[2]

ACT1 = {
    "number": "R-12-0003",
    "organisation": {"code": "190745", "name": "Абай атындағы № 45 мектеп-гимназия"},
    "drawn_up_at": "2026-11-22T10:35:00+05:00",
    "representative": "Қожахметов Ғалым Һидаятұлы",
    "room": "12", "seat": "05", "variant": "3",
    "test_taker": {"surname": "Өмірзақов", "name": "Дәулет", "patronymic": "Болатұлы",
                   "individual_code": "40110283"},
    "items": [{"name": "Ұялы телефон", "brand": "Samsung A15", "count": 1},
              {"name": "Шпаргалка", "brand": "", "count": 2}],
    "drawn_up_by": ["Қожахметов Ғалым Һидаятұлы"],
}
ACT2 = {
    "number": "R-12-0004",
    "organisation": {"code": "190745", "name": "Абай атындағы № 45 мектеп-гимназия"},
    "drawn_up_at": "2026-11-22T09:05:00+05:00",
    "representative": "Қожахметов Ғалым Һидаятұлы",
    "room": "12", "stage": "at_entry",
    "test_taker": {"surname": "Іскақова", "name": "Жансая", "patronymic": None,
                   "individual_code": "79193130"},
    "impostor_full_name": "Ұлықбекова Әсем Қайратқызы",
}


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


# --- roster validate ---------------------------------------------------------------------------


def test_roster_validate_prints_one_json_object_per_problem_and_exits_1(tmp_path, capsys):
    roster = tmp_path / "list.csv"
    roster.write_text(
        "Список 4 «А» класса\n\n"
        "ИИН;Фамилия;Имя;Отчество;Класс;Литера;Язык обучения\n"
        "160321600000;Иванова;Анна;;4;А;ru\n"
        "160321500014;;Ерлан;;5;А;de\n", encoding="cp1251")
    code, out, err = run(["roster", "validate", str(roster), "--json"], capsys)
    assert code == 1
    problems = [json.loads(line) for line in out.splitlines()]
    assert [(p["row"], p["field"]) for p in problems] == [
        (4, "iin"), (5, "surname"), (5, "grade"), (5, "language")]
    assert all(set(p) == {"row", "field", "message"} and p["message"] for p in problems)
    assert "nothing would be imported" in err


def test_roster_validate_of_a_good_file_prints_nothing_and_exits_0(tmp_path, capsys):
    from common.demo.roster import demo_roster_csv

    roster = tmp_path / "good.csv"
    roster.write_text(demo_roster_csv(5), encoding="utf-8")
    code, out, err = run(["roster", "validate", str(roster), "--json"], capsys)
    assert (code, out) == (0, "")
    assert "5 students" in err


def test_roster_validate_as_installed_console_script(tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text("iin,surname,name,grade,class,language\n123,A,B,4,A,kk\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "proctor_console.cli", "roster", "validate",
                           str(roster), "--json"], capture_output=True, text=True, cwd=SRC)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == {"row": 2, "field": "iin", "message": "must be exactly 12 digits"}


# --- act render --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang,title", [("kk", "Тыйым салынған заттардың тәркіленуі"),
                                        ("ru", "Акт об изъятии запрещённого предмета")])
def test_act_1_renders_from_json_with_every_field_and_a_qr_code(tmp_path, capsys, lang, title):
    data = tmp_path / "act1.json"
    data.write_text(json.dumps(ACT1, ensure_ascii=False), encoding="utf-8")
    out_pdf = tmp_path / f"act1-{lang}.pdf"
    code, out, _ = run(["act", "render", "--kind", "1", "--lang", lang, "--json-in", str(data),
                        "--out", str(out_pdf)], capsys)
    assert code == 0
    reply = json.loads(out)
    text = text_of(out_pdf)
    for value in (title, "Өмірзақов Дәулет Болатұлы", "40110283", "Samsung A15", "Шпаргалка",
                  "190745", "Қожахметов Ғалым Һидаятұлы", "10", "35", reply["data_sha256"]):
        assert value in text, value
    expected = act_sha256(confiscation_from_dict(ACT1, lang))
    assert reply["data_sha256"] == expected
    assert qr_codes(out_pdf, tmp_path) == [f"cbt-act:1;number=R-12-0003;sha256={expected}"]


def test_act_2_renders_at_entry_in_russian(tmp_path, capsys):
    data = tmp_path / "act2.json"
    data.write_text(json.dumps(ACT2, ensure_ascii=False), encoding="utf-8")
    out_pdf = tmp_path / "act2.pdf"
    code, _, _ = run(["act", "render", "--kind", "2", "--lang", "ru", "--json-in", str(data),
                      "--out", str(out_pdf)], capsys)
    assert code == 0
    text = text_of(out_pdf)
    assert "постороннего лица" in text and "Ұлықбекова Әсем Қайратқызы" in text
    assert "Іскақова Жансая, 79193130" in text
    assert "не допустить" in text.lower() or "не допуск" in text.lower()


def test_act_render_names_every_missing_or_bad_field(tmp_path, capsys):
    bad = dict(ACT1, drawn_up_at="22.11.2026 10:35", items=[{"name": "", "count": 0}])
    del bad["variant"]
    bad["test_taker"] = {"surname": "Өмірзақов"}
    data = tmp_path / "bad.json"
    data.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(["act", "render", "--kind", "1", "--lang", "kk", "--json-in", str(data),
                          "--out", str(tmp_path / "never.pdf")], capsys)
    assert code == 1 and out == ""
    fields = {json.loads(line)["field"] for line in err.splitlines()}
    assert fields == {"drawn_up_at", "variant", "test_taker.name", "test_taker.individual_code",
                      "items[0].name", "items[0].count"}
    assert not (tmp_path / "never.pdf").exists()


def test_act_render_reports_broken_json_with_its_line(tmp_path, capsys):
    data = tmp_path / "broken.json"
    data.write_text('{"number": "1",\n "room": }', encoding="utf-8")
    code, _, err = run(["act", "render", "--kind", "2", "--lang", "ru", "--json-in", str(data),
                        "--out", str(tmp_path / "x.pdf")], capsys)
    assert code == 1 and "line 2" in json.loads(err)["message"]


# --- audit verify --------------------------------------------------------------------------------


def audited_room(room_setup) -> Path:
    room = room_setup.room
    for cred in room_setup.credentials[:3]:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.mark_attendance(room_setup.credentials[3]["individual_code"], "absent", "illness", "rep")
    return room.paths.root


def verify(data_dir: Path, capsys) -> tuple[int, dict]:
    code, out, _ = run(["audit", "verify", "--data-dir", str(data_dir), "--json"], capsys)
    return code, json.loads(out)


def entries(data_dir: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(data_dir / "room.sqlite3") as db:
        return db.execute("SELECT id, action FROM audit_log ORDER BY id").fetchall()


def tamper(data_dir: Path, sql: str, *params) -> None:
    db = sqlite3.connect(data_dir / "room.sqlite3")
    with db:
        db.execute(sql, params)
    db.close()


def test_a_whole_log_verifies_and_records_before_and_after(room_setup, capsys):
    data_dir = audited_room(room_setup)
    code, verdict = verify(data_dir, capsys)
    assert code == 0 and verdict["ok"] and verdict["entries"] == len(entries(data_dir))
    with sqlite3.connect(data_dir / "room.sqlite3") as db:
        details = [json.loads(d) for (d,) in db.execute(
            "SELECT details_json FROM audit_log WHERE action = 'attendance' ORDER BY id")]
    assert details[-1]["before"] == {"attendance": "expected", "absence_reason": None}
    assert details[-1]["after"] == {"attendance": "absent", "absence_reason": "illness"}


@pytest.mark.parametrize("column,value", [
    ("details_json", '{"individual_code": "00000000", "reason": null, "status": "present"}'),
    ("actor", "someone-else"),
    ("action", "attendance_x"),
    ("at", "2026-01-01 00:00:00.000000"),
    ("at", "not a time"),
])
def test_changing_any_field_of_a_row_names_that_entry(room_setup, capsys, column, value):
    data_dir = audited_room(room_setup)
    victim = [i for i, action in entries(data_dir) if action == "attendance"][1]
    tamper(data_dir, f"UPDATE audit_log SET {column} = ? WHERE id = ?", value, victim)
    code, verdict = verify(data_dir, capsys)
    assert code == 1 and verdict["broken_entry"] == victim, verdict


def test_rehashing_a_changed_row_breaks_the_next_link(room_setup, capsys):
    data_dir = audited_room(room_setup)
    victim = [i for i, action in entries(data_dir) if action == "attendance"][0]
    tamper(data_dir, "UPDATE audit_log SET hash = ? WHERE id = ?", "f" * 64, victim)
    code, verdict = verify(data_dir, capsys)
    assert code == 1 and verdict["broken_entry"] == victim  # its own hash no longer fits it
    tamper(data_dir, "UPDATE audit_log SET prev_hash = ? WHERE id = ?", "f" * 64, victim + 1)
    code, verdict = verify(data_dir, capsys)
    assert verdict["broken_entry"] == victim


def test_removing_a_row_in_the_middle_names_it(room_setup, capsys):
    data_dir = audited_room(room_setup)
    victim = entries(data_dir)[2][0]
    tamper(data_dir, "DELETE FROM audit_log WHERE id = ?", victim)
    code, verdict = verify(data_dir, capsys)
    assert code == 1 and verdict["broken_entry"] == victim
    assert "missing" in verdict["reason"]


def test_removing_the_newest_rows_is_seen_through_the_noted_head(room_setup, capsys):
    data_dir = audited_room(room_setup)
    last = entries(data_dir)[-1][0]
    tamper(data_dir, "DELETE FROM audit_log WHERE id >= ?", last - 1)
    code, verdict = verify(data_dir, capsys)
    assert code == 1 and verdict["broken_entry"] == last
    assert "removed from its end" in verdict["reason"]


def test_human_output_names_the_entry(room_setup, capsys):
    data_dir = audited_room(room_setup)
    tamper(data_dir, "UPDATE audit_log SET actor = 'x' WHERE id = 2")
    code, out, _ = run(["audit", "verify", "--data-dir", str(data_dir)], capsys)
    assert code == 1 and "BROKEN at entry 2" in out
