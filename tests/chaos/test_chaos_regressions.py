"""One regression test for each fault the attack suite's fuzzers found, on the exact input kind that
found it (each was an uncaught exception: a crash of the parser or a 500 of the server)."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from common.content.qti.importer import import_path
from common.content.qti.source import FileRefused, parse_xml
from common.content.spec import SpecError, load_spec
from common.crypto.tls import pinned_context
from common.demo.roster import demo_roster_csv
from common.domain.roster import RosterInvalid, parse_bytes
from common.i18n import LANGUAGES, t
from exam_client.ui.login_flow import LOGIN_ERRORS
from tests.conftest import enrolled

SPEC = Path(__file__).resolve().parents[2] / "common" / "specs" / "grade4.json"


def test_a_specification_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    path.write_bytes(SPEC.read_bytes().replace(b'"version"', b'"vers\x81on"', 1))
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(path)  # was UnicodeDecodeError


def test_a_specification_nested_too_deeply_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(SpecError):
        load_spec(path)


def test_qti_with_an_unknown_encoding_is_refused(tmp_path):
    xml = b'<?xml version="1.0" encoding="no-such-encoding"?><assessmentItem/>'
    with pytest.raises(FileRefused, match="not readable XML"):
        parse_xml(xml, "item.xml")  # was LookupError
    (tmp_path / "item.xml").write_bytes(xml)
    [item] = import_path(tmp_path / "item.xml")
    assert not item.ok and "no-such-encoding" in " ".join(item.errors)


def _xlsx_with_a_broken_sheet() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for line in demo_roster_csv(3).splitlines():
        book.active.append(line.split(";"))
    out = BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # The member's data starts after its local header (30 bytes, the name and the extra field).
    name_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start] = 0xFF  # deflate block type 3: "invalid block type"
    return bytes(data)


def test_an_xlsx_with_a_broken_deflate_stream_is_refused():
    with pytest.raises(RosterInvalid) as refused:
        parse_bytes(_xlsx_with_a_broken_sheet(), "list.xlsx")  # was zlib.error
    assert "not a readable .xlsx" in refused.value.problems[0].message


def test_a_csv_with_a_lone_carriage_return_is_read():
    text = demo_roster_csv(3)
    first, rest = text.split("\n", 1)
    rows = parse_bytes((first + "\n" + rest.replace("\n", "\r", 1)).encode(), "list.csv")
    assert len(rows) == 3  # was csv.Error: new-line character seen in unquoted field


def test_a_csv_with_a_field_past_the_csv_limit_is_refused():
    text = demo_roster_csv(2) + '"' + "x" * 200_000 + '";1\n'
    with pytest.raises(RosterInvalid):
        parse_bytes(text.encode(), "list.csv")  # was csv.Error: field larger than field limit


def test_the_kiosk_has_a_message_for_every_login_refusal():
    for code in LOGIN_ERRORS:
        for lang in LANGUAGES:
            assert t(f"kiosk.error.{code}", lang)
    assert "workstation_locked_out" in LOGIN_ERRORS


# --- the room server: each was a 500 -----------------------------------------------------------


def test_refusals_of_the_room_server_are_answers_not_crashes(room_setup, desk):
    code = room_setup.credentials[0]["individual_code"]
    cases = [
        ("/proctor/attendance", {"individual_code": code, "status": ""}, 400),
        ("/proctor/acts/impostor", {"individual_code": code, "impostor_full_name": "X",
                                    "stage": ""}, 400),
        ("/proctor/bundle/upload", {"central_url": "http://centre.invalid"}, 409),  # nothing sealed
    ]
    for path, body, status in cases:
        reply = desk.post(path, json=body)
        assert reply.status_code == status, (path, reply.status_code, reply.text)
    desk.post("/proctor/bundle")
    for url in ("/\u0005S", "ftp://centre", "not a url"):
        reply = desk.post("/proctor/bundle/upload", json={"central_url": url})
        assert reply.status_code == 400, (url, reply.text)


def test_numbers_past_what_is_stored_are_refused(room_setup, room_server):
    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    token = room.login(cred["login"], cred["password"], cred["seat"])["token"]
    ctx = pinned_context("127.0.0.1", room_server.port, room_server.fingerprint)
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}/api/v1", verify=ctx,
                      headers={"Authorization": f"Bearer {token}",
                               "X-Workstation-Key": enrolled(room, cred["seat"])},
                      timeout=30) as kiosk:
        report = {"workstation_id": cred["seat"], "build_hash": "b", "screen": "1920x1080",
                  "client_time": 1.7e9, "free_disk_mb": 1000, "kiosk_locked": True}
        assert kiosk.post("/kiosk/heartbeat", json=report).status_code == 200
        for field, value in (("free_disk_mb", 444425506926883630129589780480),
                             ("client_time", 1e300), ("journal_seq", 2**63)):
            reply = kiosk.post("/kiosk/heartbeat", json={**report, field: value})
            assert reply.status_code == 422, (field, reply.text)  # was 500 (SQLite overflow)
        for entry in ('{"seq": 9223372036854775808, "item_id": "r1", "answer": "a", "client_ts": 0}',
                      '{"seq": 1, "item_id": "r1", "answer": "a", "client_ts": 1e999}'):
            reply = kiosk.post("/attempt/answers", content=f'{{"entries": [{entry}]}}'.encode(),
                               headers={"Content-Type": "application/json"})
            assert reply.status_code == 422, (entry, reply.text)
        assert kiosk.get("/attempt/state").json()["acked_seq"] == 0
