"""Seating sheets, credential slips, the acts' QR codes and the results export — real PDFs and
spreadsheets read back (pypdf, OpenCV's QR reader on a rendering, openpyxl)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from common.canonical import canonical_bytes, sha256_hex
from common.documents.slips import Connection, Slip, connection_payload, render_slips
from common.storage.room_models import Act
from proctor_console.room import acts
from qr_scan import qr_codes


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.mark.parametrize("lang,title,code_word", [("kk", "Отырғызу парағы", "ТЖК"),
                                                  ("ru", "Посадочный лист", "ИКТ")])
def test_seating_sheet_lists_every_seat_with_its_individual_code(room_setup, desk, lang, title,
                                                                 code_word):
    reply = desk.get("/proctor/documents/seating", params={"lang": lang})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = text_of(reply.content)
    assert title in text and code_word in text and "Өкіл Тестов" in text and "Тест мектебі" in text
    for cred in room_setup.credentials:
        assert f"{cred['seat']} {cred['full_name']} {cred['individual_code']}" in text


def test_slips_carry_login_password_seat_and_a_qr_with_the_connection(tmp_path):
    fingerprint = "0f" * 32
    connection = Connection("192.168.10.5", 8443, fingerprint)
    slips = [Slip(f"Әбілқасым Ұлжан {i}", f"{i:08d}", f"{i:02d}", f"12-{i:03d}", f"PW{i}-ҚҰҢ")
             for i in range(1, 11)]
    pdf = render_slips(slips, connection, "12", dt.date(2026, 11, 22), "kk")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # eight to a page
    text = text_of(pdf)
    for slip in slips:
        assert f"Логин: {slip.login}" in text and f"Пароль: {slip.password}" in text
        assert f"орын {slip.seat}" in text
    payloads = qr_codes(pdf, tmp_path)
    assert payloads == sorted(f"cbt-room:1;host=192.168.10.5;port=8443;fp={fingerprint};ws={i:02d}"
                              for i in range(1, 9))
    assert all("PW" not in p for p in payloads)  # the password is never in the QR code
    with pytest.raises(ValueError):
        connection_payload(Connection("h", 1, "short"), "01")


def test_an_acts_qr_code_names_it_and_the_hash_of_its_stored_data(room_setup, desk, tmp_path):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    intruder = room_setup.credentials[5]
    act = acts.draw_up_impostor(room, intruder["individual_code"], "Бөгде Адам Адамұлы",
                                "at_entry", "rep")
    with room.read() as s:
        row = s.scalar(select(Act).where(Act.number == act["number"]))
    stored = json.loads(row.data_json)
    digest = sha256_hex(canonical_bytes(stored))
    assert act["data_sha256"] == digest
    pdf = desk.get(f"/proctor/acts/{act['number']}/pdf").content
    assert sha256_hex(pdf) == row.pdf_sha256
    assert qr_codes(pdf, tmp_path) == [f"cbt-act:1;number={act['number']};sha256={digest}"]
    assert digest in text_of(pdf)


def test_results_export_marks_void_and_absent_and_never_shows_a_void_score(room_setup, desk):
    room = room_setup.room
    creds = room_setup.credentials
    room.mark_attendance(creds[0]["individual_code"], "absent", "competition", "rep")
    for cred in creds[1:]:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    scored = room.login(creds[1]["login"], creds[1]["password"], creds[1]["seat"])
    room.submit(scored["attempt_id"], 0)
    room.login(creds[2]["login"], creds[2]["password"], creds[2]["seat"])
    act = acts.draw_up_confiscation(room, creds[2]["individual_code"],
                                    [{"name": "Ұялы телефон", "brand": "Redmi", "count": 1}], [], "rep")

    reply = desk.get("/proctor/export/results", params={"format": "csv", "lang": "ru"})
    assert reply.status_code == 200 and reply.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], {r[1]: r for r in rows[1:]}
    assert header[:3] == ["Место", "ИКТ", "Ф.И.О."]
    absent = body[creds[0]["individual_code"]]
    assert absent[7] == "отсутствовал(а): в связи с участием в соревнованиях и олимпиадах"
    assert body[creds[1]["individual_code"]][7] == "сдал(а)"
    assert body[creds[1]["individual_code"]][8] == "0" and body[creds[1]["individual_code"]][9]
    void = body[creds[2]["individual_code"]]
    assert void[7].startswith("АННУЛИРОВАН") and void[8:11] == ["", "", ""]
    assert void[11] == act["number"]

    xlsx = desk.get("/proctor/export/results", params={"format": "xlsx", "lang": "kk"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "ТЖК"
    by_code = {r[1]: r for r in values[1:]}
    assert by_code[creds[2]["individual_code"]][7].startswith("ЖОЙЫЛДЫ")
    assert by_code[creds[2]["individual_code"]][8:11] == [None, None, None]
    assert isinstance(by_code[creds[1]["individual_code"]][8], (int, float))


@pytest.mark.parametrize("lang,words,language", [
    ("kk", ("Сәйкестендірілді", "Тіл"), "қазақ тілі"),
    ("ru", ("Личность", "установлена", "Язык"), "казахский язык")])
def test_seating_sheet_names_the_language_and_breaks_no_word(room_setup, desk, tmp_path, lang,
                                                             words, language):
    """pdftotext of the sheet: the language in words, not «kk»; no header word cut in two."""
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(desk.get("/proctor/documents/seating", params={"lang": lang}).content)
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.splitlines()
    for word in words:
        assert any(word in line.split() or word in line for line in lines), word
    tokens = " ".join(lines).split()
    assert "kk" not in tokens and "ru" not in tokens
    assert tokens.count(language.split()[0]) >= len(room_setup.credentials)
