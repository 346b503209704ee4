"""Finding 10 (issue 15), the lower ones (the public page's differencing attack has its own file,
test_finding_10_public_page_differencing.py): files readable by anyone on the PC, start codes in
clear at the centre, and a crafted roster spreadsheet that held the room server for 88 s.
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile

from openpyxl import Workbook
from sqlalchemy import select

from common.storage.central_models import CentralPackage


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_room_and_centre_files_are_the_owners_alone(room_setup):
    room, centre = room_setup.room, room_setup.centre
    assert _mode(room.paths.root) == 0o700 and _mode(room.paths.database) == 0o600
    assert all(_mode(p) == 0o600 for p in room.paths.root.glob("room.sqlite3*"))
    assert _mode(centre.root) == 0o700 and _mode(centre.root / "central.sqlite3") == 0o600


def test_the_centre_database_does_not_hold_start_codes(room_setup):
    """Kept sealed under the centre's data key (keys/, 0600) for the notice printed later
    (`central-scorer start-code`); the database's bytes alone do not hold them."""
    centre, code = room_setup.centre, room_setup.package["start_code"]
    with centre.read() as s:
        row = s.scalars(select(CentralPackage)).first()
    assert code not in row.start_code
    assert code.encode() not in b"".join(p.read_bytes() for p in centre.root.glob("central.sqlite3*"))
    assert centre.start_code_of(row.start_code, row.package_id) == code
    assert _mode(centre.root / "keys" / "centre-data.key") == 0o600


def _xlsx(rows: int, extra: bytes = b"") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["ИИН", "Тегі", "Аты", "Сынып", "Тілі"])
    for n in range(rows):
        sheet.append([f"{n:012d}", "Тегі", "Аты", "4", "kk"])
    out = io.BytesIO()
    book.save(out)
    if not extra:
        return out.getvalue()
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", extra)
    return out.getvalue()


def test_a_crafted_roster_is_refused_quickly_with_a_clear_line(room_setup, desk):
    for data, phrase in ((_xlsx(3500), "more than 3000 rows"),
                         (_xlsx(3, b"\0" * (40 * 1024 * 1024)), "too large")):
        started = time.monotonic()
        reply = desk.post("/proctor/roster", content=data, headers={"X-Filename": "4A.xlsx"})
        assert reply.status_code == 422 and reply.json()["error"] == "roster_invalid", reply.text
        assert phrase in reply.text
        assert time.monotonic() - started < 20


def test_the_room_database_alone_opens_no_journal_and_not_the_test(room_setup):
    """A copy of room.sqlite3 (a backup, a stolen file) holds no journal key and no content key
    as they are: both are wrapped under the data key kept in keys/ (room/data_keys.py)."""
    import base64

    from common.storage.room_models import Attempt, Package

    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    reply = room.login(cred["login"], cred["password"], cred["seat"])
    journal_key = base64.b64decode(reply["journal_key"])
    with room.read() as s:
        stored = s.get(Attempt, reply["attempt_id"]).journal_key
        content_key = s.scalar(select(Package.content_key))
    assert journal_key not in stored and len(stored) > len(journal_key)
    database = b"".join(p.read_bytes() for p in room.paths.root.glob("room.sqlite3*"))
    assert journal_key not in database
    assert len(content_key) > 32  # wrapped, not the 32 bytes that open the test
    assert _mode(room.paths.root / "keys" / "room-data.key") == 0o600
    # ... and the room itself still opens both (a restart reads the package again)
    room.opened_payload = None
    assert room.content().items and room.login(cred["login"], cred["password"], cred["seat"])["journal_key"] == reply["journal_key"]
