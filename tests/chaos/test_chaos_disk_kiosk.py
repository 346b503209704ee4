"""Faults at the kiosk's disk: its journal directory full, then read-only (a real tmpfs, ENOSPC
and EROFS from the kernel).

Expected: an answer the journal could not make durable is refused (`JournalError`: the screen
marks it "not saved" and keeps the earlier saved answer), nothing already confirmed is damaged
(the journal reopens with every entry), a kiosk started on a read-only disk refuses the login
with a translated message, and once the disk takes writes again the sitting goes on and every
answer reaches the room server.
"""

from __future__ import annotations

import pytest

from common.i18n import t
from disk_faults import fill, set_read_only, tmpfs
from exam_client.engine.config import KioskConfig
from common.journal_format import JournalError
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError
from kiosk_process import stored
from tests.conftest import enrolled


@pytest.fixture
def kiosk_dir(tmp_path):
    with tmpfs(tmp_path / "kiosk", "1m") as path:
        yield path


def start(room_setup, room_server, kiosk_dir):
    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    engine = KioskEngine(KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint,
                                     cred["seat"], kiosk_dir,
                                     workstation_key=enrolled(room, cred["seat"])))
    return engine, cred


def test_kiosk_journal_disk_full(room_setup, room_server, kiosk_dir, chaos):
    engine, cred = start(room_setup, room_server, kiosk_dir)
    sitting = engine.login(cred["login"], cred["password"])
    items = [item["id"] for item in sitting.items]
    for item in items[:3]:
        sitting.answer(item, ["a"] if item == "r3" else "a")  # r3: multiple choice, a list
    confirmed = [(e.seq, e.item_id, e.answer) for e in sitting.journal.entries]
    filler = fill(kiosk_dir)
    refused = 0
    for item in items[3:6]:
        with pytest.raises(JournalError, match="answer not saved"):
            # more than the last page holds (the journal under test: no item takes this answer)
            sitting.journal.append(item, "b" * 50_000, client_ts=sitting.server_now())
        refused += 1
    assert [(e.seq, e.item_id, e.answer) for e in sitting.journal.entries] == confirmed
    filler.unlink()  # space returns: the student answers again
    for item in items[3:6]:
        sitting.answer(item, "b")
    assert sitting.replicate() == 6
    sitting.close()
    again = KioskEngine(engine.config).login(cred["login"], cred["password"])  # the journal reopens
    assert again.journal.recovered_tail_bytes == 0
    assert [(e.seq, e.item_id, e.answer) for e in again.journal.entries][:3] == confirmed
    assert again.journal.last_seq == 6
    at_server = stored(room_setup.room, again.attempt_id)
    assert all(at_server[e.seq] == (e.item_id, e.answer) for e in again.journal.entries)
    again.close()
    chaos.record("Faults: disk", "kiosk journal directory full (ENOSPC on a tmpfs)", refused,
                 refused, 0, "each refused answer reported not saved, nothing confirmed damaged; "
                 "journal reopened whole; answers saved and delivered once space returned")


def test_kiosk_journal_disk_read_only(room_setup, room_server, kiosk_dir, chaos):
    engine, cred = start(room_setup, room_server, kiosk_dir)
    sitting = engine.login(cred["login"], cred["password"])
    items = [item["id"] for item in sitting.items]
    for item in items[:2]:
        sitting.answer(item, "a")
    assert sitting.replicate() == 2
    sitting.close()  # the PC restarts, and its disk comes back read-only
    set_read_only(kiosk_dir, True)
    try:
        with pytest.raises(KioskError) as refused, KioskEngine(engine.config) as restarted:
            restarted.login(cred["login"], cred["password"])
        assert refused.value.code == "kiosk_disk"
        texts = {t(f"kiosk.error.{refused.value.code}", lang) for lang in ("kk", "ru", "en")}
        assert len(texts) == 3
    finally:
        set_read_only(kiosk_dir, False)
    again = KioskEngine(engine.config).login(cred["login"], cred["password"])
    assert again.journal.last_seq == 2 and again.resumed
    again.answer(items[2], ["c"])
    assert again.replicate() == 3
    assert again.submit()["status"] == "submitted"
    again.close()
    chaos.record("Faults: disk", "kiosk journal directory read-only at start (remount ro)", 1, 1, 0,
                 "login refused with kiosk_disk (translated); after remount rw the sitting resumed "
                 "with its journal whole and was submitted")
