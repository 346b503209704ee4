"""The kiosk's answer journal: durability, crash recovery, tamper and corruption detection."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_client.engine import journal as journal_mod
from common import journal_format
from exam_client.engine.journal import AnswerJournal
from common.journal_format import (
    JournalCorrupt,
    JournalEntry,
    JournalError,
    JournalKeyMismatch,
)

REPO = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
ATTEMPT = "att-2025-0001"


def build(path: Path, answers: list[tuple[str, object]], key: bytes = KEY,
          attempt: str = ATTEMPT) -> tuple[list[JournalEntry], list[int]]:
    """Write a journal; return its entries and the byte offset where each record starts,
    followed by the file size (so record i spans bounds[i]..bounds[i+1])."""
    bounds = []
    with AnswerJournal.create(path, key, attempt) as j:
        for i, (item, answer) in enumerate(answers):
            bounds.append(path.stat().st_size)
            j.append(item, answer, client_ts=1_700_000_000.0 + i)
        bounds.append(path.stat().st_size)
        return list(j.entries), bounds


def flip(data: bytes, offset: int, mask: int = 0x01) -> bytes:
    return data[:offset] + bytes([data[offset] ^ mask]) + data[offset + 1:]


THREE = [("q1", "A"), ("q2", ["B", "D"]), ("q3", {"text": "forty-two"})]


# --------------------------------------------------------------------------- basics


def test_round_trip_and_latest_answers(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    with AnswerJournal.create(path, KEY, ATTEMPT) as j:
        assert j.last_seq == 0 and j.entries == () and j.latest_answers() == {}
        e1 = j.append("q1", "A", client_ts=100.0)
        e2 = j.append("q2", ["A", "C"], client_ts=101)
        e3 = j.append("q1", "B")
        e4 = j.append("q3", {"blanks": ["x", "Қазақстан"]})
        e5 = j.append("q2", None)  # cleared
        written = j.entries
        assert [e.seq for e in written] == [1, 2, 3, 4, 5]
        assert (e1.item_id, e1.answer, e1.client_ts) == ("q1", "A", 100.0)
        assert isinstance(e2.client_ts, float) and e2.client_ts == 101.0
        assert len({e.chain for e in written}) == 5 and all(len(e.chain) == 64 for e in written)
        latest = j.latest_answers()
        assert latest == {"q1": e3, "q2": e5, "q3": e4}
        assert latest["q2"].answer is None
        assert j.recovered_tail_bytes == 0
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:
        assert j.entries == written  # equal field by field, chain included
        assert j.latest_answers() == latest
        assert j.last_seq == 5 and j.recovered_tail_bytes == 0


def test_seq_strictly_increasing_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    seen: list[int] = []
    for round_ in range(4):
        with AnswerJournal.open_or_create(path, KEY, ATTEMPT) as j:
            assert j.last_seq == len(seen)
            for k in range(3):
                seen.append(j.append(f"q{k}", f"r{round_}").seq)
    assert seen == list(range(1, 13))
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:
        assert [e.seq for e in j.entries] == seen
        assert j.latest_answers()["q2"].answer == "r3"


def test_file_format_matches_the_documentation(tmp_path: Path) -> None:
    """Decode the file independently, following only the module docstring."""
    path = tmp_path / "j.cbtj"
    entries, _ = build(path, THREE)
    data = path.read_bytes()
    header, rest = data.split(b"\n", 1)
    header += b"\n"
    magic, attempt, check = header[:-1].split(b" ")
    assert magic == b"CBTJ1" and attempt == ATTEMPT.encode() and len(check) == 32
    chain = hashlib.sha256(header).digest()
    off = 0
    for seq, entry in enumerate(entries, start=1):
        length = int.from_bytes(rest[off:off + 4], "big")
        nonce, ct = rest[off + 4:off + 16], rest[off + 16:off + 4 + length]
        plain = AESGCM(KEY).decrypt(nonce, ct, header + seq.to_bytes(8, "big"))
        rec = json.loads(plain)
        assert plain == json.dumps(rec, sort_keys=True, separators=(",", ":")).encode()
        assert rec == {"seq": seq, "item_id": entry.item_id, "answer": entry.answer,
                       "client_ts": entry.client_ts, "prev": chain.hex()}
        chain = hashlib.sha256(chain + nonce + ct).digest()
        assert entry.chain == chain.hex()
        off += 4 + length
    assert off == len(rest)


def test_create_open_errors(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    with pytest.raises(FileNotFoundError):
        AnswerJournal.open(path, KEY, ATTEMPT)
    AnswerJournal.create(path, KEY, ATTEMPT).close()
    with pytest.raises(FileExistsError):
        AnswerJournal.create(path, KEY, ATTEMPT)
    for bad in (b"", bytes(16), bytes(33), "k" * 32, None):
        with pytest.raises(ValueError):
            AnswerJournal.create(tmp_path / "other.cbtj", bad, ATTEMPT)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            AnswerJournal.open(path, bad, ATTEMPT)  # type: ignore[arg-type]
    assert not (tmp_path / "other.cbtj").exists()
    for bad_attempt in ("", "with space", "line\nbreak", "x" * 129):
        with pytest.raises(ValueError):
            AnswerJournal.create(tmp_path / "other.cbtj", KEY, bad_attempt)
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_open_or_create(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    with AnswerJournal.open_or_create(path, KEY, ATTEMPT) as j:
        j.append("q1", "A")
    with AnswerJournal.open_or_create(path, KEY, ATTEMPT) as j:
        assert j.last_seq == 1
    with pytest.raises(JournalKeyMismatch):
        AnswerJournal.open_or_create(path, OTHER_KEY, ATTEMPT)


def test_second_open_is_refused_while_the_first_is_open(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    j = AnswerJournal.create(path, KEY, ATTEMPT)
    with pytest.raises(JournalError, match="already open"):
        AnswerJournal.open(path, KEY, ATTEMPT)
    j.close()
    j.close()  # idempotent
    with pytest.raises(JournalError, match="closed"):
        j.append("q1", "A")
    AnswerJournal.open(path, KEY, ATTEMPT).close()


def test_bad_arguments_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    with AnswerJournal.create(path, KEY, ATTEMPT) as j:
        j.append("q1", "A")
        size = path.stat().st_size
        with pytest.raises(TypeError):
            j.append("q2", object())
        with pytest.raises(ValueError):
            j.append("q2", float("nan"))
        with pytest.raises(ValueError):
            j.append("", "A")
        with pytest.raises(ValueError):
            j.append("q2", "A", client_ts=float("inf"))
        with pytest.raises(ValueError):
            j.append("q2", "x" * (2 << 20))
        assert path.stat().st_size == size
        assert j.append("q2", "B").seq == 2


def test_append_is_fsynced_and_create_fsyncs_the_directory(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []
    real_write, real_fsync = os.write, os.fsync

    def spy_write(fd: int, data: bytes) -> int:
        calls.append(("write", fd))
        return real_write(fd, data)

    def spy_fsync(fd: int) -> None:
        kind = "fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync"
        calls.append((kind, fd))
        real_fsync(fd)

    monkeypatch.setattr(journal_mod.os, "write", spy_write)
    monkeypatch.setattr(journal_mod.os, "fsync", spy_fsync)
    path = tmp_path / "j.cbtj"
    j = AnswerJournal.create(path, KEY, ATTEMPT)
    assert [c[0] for c in calls] == ["write", "fsync", "fsync-dir"]
    fd = calls[0][1]
    calls.clear()
    j.append("q1", "A")
    assert calls == [("write", fd), ("fsync", fd)]  # one write of the whole record, then fsync
    j.close()


# --------------------------------------------------------------------------- failures while writing


def test_failed_fsync_rolls_back_and_refuses_more(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.cbtj"
    j = AnswerJournal.create(path, KEY, ATTEMPT)
    j.append("q1", "A")
    size = path.stat().st_size
    real_fsync = os.fsync
    failures = iter([True])

    def failing_fsync(fd: int) -> None:
        if next(failures, False):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(journal_mod.os, "fsync", failing_fsync)
    with pytest.raises(JournalError, match="not saved"):
        j.append("q2", "B")
    assert path.stat().st_size == size  # the unconfirmed record is gone
    assert j.last_seq == 1
    with pytest.raises(JournalError, match="unusable"):
        j.append("q2", "B")
    j.close()
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:
        assert [e.seq for e in j.entries] == [1] and j.recovered_tail_bytes == 0
        assert j.append("q2", "B").seq == 2


def test_short_write_rolls_back_and_can_retry(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.cbtj"
    j = AnswerJournal.create(path, KEY, ATTEMPT)
    j.append("q1", "A")
    size = path.stat().st_size
    real_write = os.write
    journal_fd = j._fd
    short = iter([True])

    def short_write(fd: int, data: bytes) -> int:
        if fd == journal_fd and next(short, False):
            return real_write(fd, data[: len(data) // 2])
        return real_write(fd, data)

    monkeypatch.setattr(journal_mod.os, "write", short_write)
    with pytest.raises(JournalError, match="short write"):
        j.append("q2", "B")
    assert path.stat().st_size == size
    assert j.append("q2", "B").seq == 2  # retry works
    j.close()
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:
        assert [(e.seq, e.answer) for e in j.entries] == [(1, "A"), (2, "B")]


# --------------------------------------------------------------------------- real SIGKILL

CHILD = r"""
import sys
from pathlib import Path
from exam_client.engine.journal import AnswerJournal

def answer(n):
    if n % 4 == 0:
        return "essay " * (50 * (n % 9) + 1)   # a few KB: a wider window for the kill
    return ["A", "C"] if n % 4 == 1 else "B%d" % n

j = AnswerJournal.open_or_create(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3])
seq = j.last_seq
sys.stdout.write("ready %d\n" % seq)
sys.stdout.flush()
while True:
    n = seq + 1
    seq = j.append("q%d" % (n % 7), answer(n), client_ts=float(n)).seq
    sys.stdout.write("%d\n" % seq)
    sys.stdout.flush()
"""


def child_answer(n: int) -> object:
    if n % 4 == 0:
        return "essay " * (50 * (n % 9) + 1)
    return ["A", "C"] if n % 4 == 1 else "B%d" % n


def test_sigkill_loses_no_confirmed_entry(tmp_path: Path) -> None:
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    path = tmp_path / "crash.cbtj"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    confirmed_all: set[int] = set()
    kill_after = [1, 2, 3, 5, 8, 13, 21, 34, 1, 4, 7, 10, 2, 6, 9, 15, 25, 40, 3, 11]
    for round_, n in enumerate(kill_after):
        err_path = tmp_path / f"child{round_}.err"
        with open(err_path, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(path), KEY.hex(), ATTEMPT],
                stdout=subprocess.PIPE, stderr=err, env=env, cwd=REPO)
        watchdog = threading.Timer(20, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            ready = proc.stdout.readline()
            assert ready.startswith(b"ready "), err_path.read_text()
            start_seq = int(ready.split()[1])
            seen = []
            while len(seen) < n:
                line = proc.stdout.readline()
                assert line, err_path.read_text()
                seen.append(int(line))
            os.kill(proc.pid, signal.SIGKILL)
            # Read on through the same buffered reader (communicate() would bypass its buffer
            # and drop lines already read ahead).
            rest = proc.stdout.read()
            proc.stdout.close()
            proc.wait()
        finally:
            watchdog.cancel()
        assert proc.returncode == -signal.SIGKILL
        # Every line the child printed was printed after append() returned.
        seen += [int(x) for x in rest.split(b"\n") if x.strip()]
        assert seen == list(range(start_seq + 1, start_seq + 1 + len(seen)))
        confirmed_all.update(seen)
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            seqs = [e.seq for e in j.entries]
            assert set(seqs) >= confirmed_all, f"round {round_}: lost confirmed entries"
            assert j.last_seq <= max(confirmed_all) + 1  # at most one unconfirmed extra
            for e in j.entries:
                assert (e.item_id, e.answer, e.client_ts) == (
                    "q%d" % (e.seq % 7), child_answer(e.seq), float(e.seq))
    assert len(confirmed_all) >= sum(kill_after)


# --------------------------------------------------------------------------- torn tails


def test_torn_tail_at_every_offset(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    entries, bounds = build(src, THREE + [("q4", "the last answer, torn")])
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    # Every cut inside the records area, the last record first and foremost.
    for cut in range(bounds[0], bounds[-1]):
        path.write_bytes(data[:cut])
        kept = max(i for i, b in enumerate(bounds) if b <= cut)
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.entries == tuple(entries[:kept]), cut
            assert j.recovered_tail_bytes == cut - bounds[kept]
            assert path.stat().st_size == bounds[kept]  # cut off on disk
            if bounds[-2] < cut:  # inside the last record: the recovered journal goes on
                assert j.recovered_tail_bytes > 0
                new = j.append("q9", f"after cut {cut}")
                assert new.seq == kept + 1
        if bounds[-2] < cut:
            with AnswerJournal.open(path, KEY, ATTEMPT) as j:
                assert j.recovered_tail_bytes == 0
                assert j.entries[:kept] == tuple(entries[:kept])
                assert j.entries[-1].answer == f"after cut {cut}"


def test_torn_tail_of_a_large_record(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    essay = "Абай Құнанбайұлы — ақын, ойшыл. " * 800
    entries, bounds = build(src, THREE + [("essay", essay)])
    data = src.read_bytes()
    assert bounds[-1] - bounds[-2] > 30_000
    counter = iter(range(10**6))

    @settings(max_examples=60, deadline=None)
    @given(cut=st.integers(bounds[-2] + 1, bounds[-1] - 1), zeros=st.integers(0, 5000))
    def check(cut: int, zeros: int) -> None:
        path = tmp_path / f"j{next(counter)}.cbtj"
        # A cut-off append, possibly followed by zeros (file grown, data not yet on disk).
        torn = data[:cut] + bytes(min(zeros, bounds[-1] - cut - 1))
        path.write_bytes(torn)
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.entries == tuple(entries[:3])
            assert j.recovered_tail_bytes == len(torn) - bounds[-2] > 0
            j.append("q9", "next")
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert [e.seq for e in j.entries] == [1, 2, 3, 4] and j.recovered_tail_bytes == 0
        path.unlink()

    check()


def test_zero_filled_tails_are_torn(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    entries, bounds = build(src, THREE)
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    last = data[bounds[-2]:]
    cases = [data + bytes(k) for k in (1, 3, 4, 15, 16, 17, 100, 4096)]
    # The last record at full length, but part of it never reached the disk.
    for keep in (0, 4, 16, 20, len(last) - 16):
        cases.append(data[:bounds[-2]] + last[:keep] + bytes(len(last) - keep))
    for case in cases:
        path.write_bytes(case)
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            expected = entries if len(case) > len(data) else entries[:2]
            assert j.entries == tuple(expected)
            assert j.recovered_tail_bytes == len(case) - (bounds[-1] if len(case) > len(data)
                                                          else bounds[-2])


def test_interrupted_create_is_completed(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    AnswerJournal.create(path, KEY, ATTEMPT).close()
    header = path.read_bytes()
    for cut in range(len(header)):
        path.write_bytes(header[:cut])
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.entries == () and j.recovered_tail_bytes == cut
            j.append("q1", "A")
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.last_seq == 1
    path.write_bytes(bytes(20))
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:
        assert j.entries == ()


# --------------------------------------------------------------------------- corruption, tampering


@pytest.mark.parametrize("record", [1, 2])
def test_every_flipped_byte_in_a_record_is_corruption(tmp_path: Path, record: int) -> None:
    src = tmp_path / "src.cbtj"
    _, bounds = build(src, THREE)
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    start, end = bounds[record - 1], bounds[record]
    for offset in range(start, end):
        for mask in (0x01, 0x80, 0xFF):
            path.write_bytes(flip(data, offset, mask))
            with pytest.raises(JournalCorrupt) as info:
                AnswerJournal.open(path, KEY, ATTEMPT).close()
            assert type(info.value) is JournalCorrupt, (offset, mask)  # not "wrong key"
            assert f"record {record} at byte offset {start}" in str(info.value), (offset, mask)
            assert path.read_bytes() == flip(data, offset, mask)  # never "repaired"


def test_every_flipped_byte_in_the_last_record_is_an_unsynced_tail(tmp_path: Path) -> None:
    """After the last authentic record nothing can prove the bytes were ever synced (a power cut
    leaves garbage where an append was under way): they are cut, every earlier record kept."""
    src = tmp_path / "src.cbtj"
    entries, bounds = build(src, THREE)
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    for offset in range(bounds[2], bounds[3]):
        path.write_bytes(flip(data, offset, 0xFF))
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.entries == tuple(entries[:2]) and j.recovered_tail_bytes == bounds[3] - bounds[2]
        assert path.read_bytes() == data[:bounds[2]]


def test_every_flipped_byte_in_the_header_is_corruption(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    _, bounds = build(src, THREE)
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    for offset in range(bounds[0]):
        path.write_bytes(flip(data, offset))
        with pytest.raises(JournalCorrupt, match="byte offset 0"):
            AnswerJournal.open(path, KEY, ATTEMPT).close()


def test_wrong_key(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    build(path, THREE)
    with pytest.raises(JournalKeyMismatch, match="wrong key"):
        AnswerJournal.open(path, OTHER_KEY, ATTEMPT)
    empty = tmp_path / "empty.cbtj"
    AnswerJournal.create(empty, KEY, ATTEMPT).close()
    with pytest.raises(JournalKeyMismatch):  # caught even before any record exists
        AnswerJournal.open(empty, OTHER_KEY, ATTEMPT)
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:  # the right key still works
        assert j.last_seq == 3


def test_journal_of_another_attempt(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    build(path, THREE)
    with pytest.raises(JournalCorrupt, match="attempt") as info:
        AnswerJournal.open(path, KEY, "att-2025-0002")
    assert type(info.value) is JournalCorrupt


def test_records_transplanted_from_another_attempt(tmp_path: Path) -> None:
    a, b = tmp_path / "a.cbtj", tmp_path / "b.cbtj"
    _, bounds_a = build(a, THREE, attempt="att-A")
    build(b, [], attempt="att-B")
    b_data = b.read_bytes()
    b.write_bytes(b_data + a.read_bytes()[bounds_a[0]:])
    with AnswerJournal.open(b, KEY, "att-B") as j:  # none authentic here: an unsynced tail
        assert j.entries == ()
    # Before an authentic record of this journal, they are refused and named.
    c = tmp_path / "c.cbtj"
    _, bounds_c = build(c, [("q1", "A")], attempt="att-B")
    c_data = c.read_bytes()
    mine = build(tmp_path / "d.cbtj", [("q1", "A"), ("q2", "B")], attempt="att-B")[1]
    second = (tmp_path / "d.cbtj").read_bytes()[mine[1]:mine[2]]
    c.write_bytes(c_data[:bounds_c[0]] + a.read_bytes()[bounds_a[0]:bounds_a[1]] + second)
    with pytest.raises(JournalCorrupt, match="record 1 at byte offset .*valid records follow"):
        AnswerJournal.open(c, KEY, "att-B")


def test_swapped_dropped_and_forked_records(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    _, bounds = build(src, THREE + [("q4", "D")])
    data = src.read_bytes()
    rec = [data[bounds[i]:bounds[i + 1]] for i in range(4)]
    path = tmp_path / "j.cbtj"

    path.write_bytes(data[:bounds[0]] + rec[0] + rec[2] + rec[1] + rec[3])  # swapped
    with pytest.raises(JournalCorrupt, match=f"record 2 at byte offset {bounds[1]}"):
        AnswerJournal.open(path, KEY, ATTEMPT)

    path.write_bytes(data[:bounds[0]] + rec[0] + rec[2] + rec[3])  # one dropped
    with pytest.raises(JournalCorrupt, match="record 2"):
        AnswerJournal.open(path, KEY, ATTEMPT)

    path.write_bytes(data[:bounds[0]] + rec[0] + rec[1] + rec[2])  # last one dropped: undetectable
    with AnswerJournal.open(path, KEY, ATTEMPT) as j:             # by design (no outside anchor)
        assert j.last_seq == 3 and j.recovered_tail_bytes == 0

    # A second journal for the same attempt and key: its record 2 has the right seq and
    # header, but hangs off a different record 1.
    fork = tmp_path / "fork.cbtj"
    _, fb = build(fork, [("q1", "Z"), ("q2", "Y")])
    fork_data = fork.read_bytes()
    path.write_bytes(data[:bounds[0]] + rec[0] + fork_data[fb[1]:fb[2]])
    with pytest.raises(JournalCorrupt, match="record 2 .*(chain|authentication)"):
        AnswerJournal.open(path, KEY, ATTEMPT)


def test_garbage_after_the_last_record_is_cut_and_before_a_record_refused(tmp_path: Path) -> None:
    src = tmp_path / "src.cbtj"
    entries, bounds = build(src, THREE)
    data = src.read_bytes()
    path = tmp_path / "j.cbtj"
    # After a power cut: a plausible length running past the end with random bytes behind it,
    # pure garbage, a copy of the last record: never synced, so cut; every record kept.
    for junk in ((200).to_bytes(4, "big") + os.urandom(100), os.urandom(4096),
                 data[bounds[-2]:]):
        path.write_bytes(data + junk)
        with AnswerJournal.open(path, KEY, ATTEMPT) as j:
            assert j.entries == tuple(entries) and j.recovered_tail_bytes == len(junk)
        assert path.read_bytes() == data
    # The same garbage before an authentic record: damage to confirmed data, refused and named.
    junk = os.urandom(64)
    path.write_bytes(data[:bounds[1]] + junk + data[bounds[1]:])
    with pytest.raises(JournalCorrupt, match=f"record 2 at byte offset {bounds[1]}"):
        AnswerJournal.open(path, KEY, ATTEMPT)
    path.write_bytes(data[:bounds[2]] + junk + data[bounds[2]:])  # before the last record
    with pytest.raises(JournalCorrupt, match=f"record 3 at byte offset {bounds[2]}"):
        AnswerJournal.open(path, KEY, ATTEMPT)
    path.write_bytes(data[:bounds[2]] + junk + data[bounds[2]:])  # before the last record
    with pytest.raises(JournalCorrupt, match=f"record 3 at byte offset {bounds[2]}"):
        AnswerJournal.open(path, KEY, ATTEMPT)


def test_random_damage_is_reported_or_yields_a_prefix(tmp_path: Path) -> None:
    """Whatever happens to the bytes, open() never returns an entry that was not written."""
    src = tmp_path / "src.cbtj"
    entries, bounds = build(src, THREE + [("q4", "D" * 300), ("q5", ["E"])])
    data = src.read_bytes()
    counter = iter(range(10**6))

    @settings(max_examples=300, deadline=None)
    @given(offset=st.integers(0, len(data) - 1), junk=st.binary(min_size=1, max_size=40),
           truncate=st.booleans())
    def check(offset: int, junk: bytes, truncate: bool) -> None:
        damaged = (data[:offset] + junk if truncate
                   else data[:offset] + junk + data[offset + len(junk):])[: len(data) + 40]
        if damaged == data[: len(damaged)] and len(damaged) <= len(data):
            return  # no damage, only a clean cut
        path = tmp_path / f"j{next(counter)}.cbtj"
        path.write_bytes(damaged)
        try:
            with AnswerJournal.open(path, KEY, ATTEMPT) as j:
                got = j.entries
        except JournalCorrupt:
            return
        finally:
            path.unlink()
        assert got == tuple(entries[: len(got)])
        # Only the region after the last kept record can have been taken for a torn tail.
        assert offset + len(junk) > bounds[len(got)] or truncate

    check()


def test_plaintext_never_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.cbtj"
    secret = "ZEBRA-CROSSING-ANSWER-7731"
    kazakh = "Тәуелсіздік күні желтоқсанда"
    with AnswerJournal.create(path, KEY, ATTEMPT) as j:
        j.append("item-SECRET-ITEM-ID", secret)
        j.append("q2", [secret, kazakh])
        j.append("q3", {"essay": kazakh * 20})
    data = path.read_bytes()
    for needle in (secret.encode(), kazakh.encode(), json.dumps(kazakh).encode(),
                   b"SECRET-ITEM-ID", b"essay", b"answer", KEY, KEY.hex().encode()):
        assert needle not in data
    assert data.startswith(b"CBTJ1 " + ATTEMPT.encode() + b" ")


def test_counter_mode_view_matches_gcm() -> None:
    """The torn-tail check decrypts without the tag; it must agree with AES-GCM."""
    nonce = os.urandom(12)
    plain = b'{"answer":"' + b"x" * 100 + b'"}'
    ct = AESGCM(KEY).encrypt(nonce, plain, b"aad")
    assert journal_format._ctr_decrypt(KEY, nonce, ct[:-16]) == plain
    assert journal_format._ctr_decrypt(KEY, nonce, ct[:37]) == plain[:37]
