"""The power-cut filesystem itself: what a cut keeps and loses, and the kiosk's journal on it."""

from __future__ import annotations

import os
import sqlite3

import pytest

from exam_client.engine.journal import AnswerJournal
from tests.powercut.mount import PowerCutMount, unavailable

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))
KEY = bytes(range(32))


@pytest.fixture
def disk(tmp_path):
    with PowerCutMount(tmp_path / "disk") as mount:
        yield mount


def fsync_dir(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def test_unsynced_data_and_names_are_lost_synced_ones_kept(disk):
    kept, lost = disk.path / "kept", disk.path / "lost"
    with open(kept, "wb") as f:
        f.write(b"synced")
        f.flush()
        os.fsync(f.fileno())
        f.write(b" but not this")
    fsync_dir(disk.path)
    lost.write_bytes(b"never synced, nor its name")
    (disk.path / "dir").mkdir()
    assert kept.read_bytes() == b"synced but not this"
    disk.cut("discard", 1)
    assert kept.read_bytes() == b"synced"
    assert sorted(os.listdir(disk.path)) == ["kept"]


def test_a_synced_rename_survives_an_unsynced_one_does_not(disk):
    target = disk.path / "f"
    for content in (b"old", b"new"):
        tmp = disk.path / "f.tmp"
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        if content == b"old":
            fsync_dir(disk.path)
    assert target.read_bytes() == b"new"
    disk.cut("discard", 2)
    assert target.read_bytes() == b"old"


def test_torn_and_garbage_cuts_touch_only_unsynced_bytes(disk):
    path = disk.path / "f"
    seen = set()
    for seed in range(40):
        with open(path, "wb") as f:
            f.write(b"A" * 1000)
            f.flush()
            os.fsync(f.fileno())
            f.write(b"B" * 3000)
        fsync_dir(disk.path)
        mode = ("torn", "garbage")[seed % 2]
        disk.cut(mode, seed)
        data = path.read_bytes()
        assert data[:1000] == b"A" * 1000 and len(data) <= 4000
        tail = data[1000:]
        seen.add((mode, "empty" if not tail else "prefix" if tail == b"B" * len(tail) else "junk"))
    assert {("torn", "prefix"), ("garbage", "junk")} <= seen


def test_journal_recovers_every_synced_record_after_a_garbage_tail(disk):
    """An append under way when the power went: its bytes are garbage after the cut (never
    synced, never confirmed). Every synced record comes back; the garbage is cut."""
    outcomes = set()
    for seed in range(30):
        path = disk.path / f"journal-{seed}.cbtj"
        with AnswerJournal.create(path, KEY, f"att-{seed}") as journal:
            for i in range(5):
                journal.append(f"q{i}", f"answer {i}")
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # the sixth append, cut before its fsync
            os.write(fd, (300).to_bytes(4, "big") + os.urandom(300))
            os.close(fd)
        disk.cut(("garbage", "torn")[seed % 2], seed)
        size = path.stat().st_size
        with AnswerJournal.open(path, KEY, f"att-{seed}") as journal:
            assert [e.answer for e in journal.entries] == [f"answer {i}" for i in range(5)]
            outcomes.add(journal.recovered_tail_bytes > 0)
            assert path.stat().st_size == size - journal.recovered_tail_bytes
    assert outcomes == {True, False} or outcomes == {True}


def test_sqlite_in_wal_mode_keeps_every_commit(disk):
    db = disk.path / "db.sqlite3"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE t (x INTEGER)")
    for i in range(50):
        with con:
            con.execute("INSERT INTO t VALUES (?)", (i,))
    con.close()
    disk.cut("garbage", 7)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM t").fetchone() == (50,)
    con.close()


@pytest.mark.parametrize("mode", ["discard", "torn", "garbage"])
def test_the_room_certificate_survives_a_power_cut_right_after_it_is_made(disk, mode):
    """The room's TLS certificate and key are on disk before their fingerprint is shown (it goes
    on the slips and into every kiosk's pin): a cut just after the first start must leave both
    readable and the same (a torn certificate kept the room server from starting again)."""
    from common.crypto.tls import fingerprint_of_pem, make_self_signed

    tls = disk.path / "room" / "tls"
    tls.mkdir(parents=True)
    fsync_dir(disk.path)
    fsync_dir(disk.path / "room")
    shown = make_self_signed(tls / "room-cert.pem", tls / "room-key.pem", ["127.0.0.1"])
    disk.cut(mode, 3)
    assert fingerprint_of_pem((tls / "room-cert.pem").read_bytes()) == shown
    assert b"PRIVATE KEY" in (tls / "room-key.pem").read_bytes()
