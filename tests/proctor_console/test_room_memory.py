"""The room's in-memory view of the kiosks' sittings (proctor_console/room/memory.py) and the group
commit of answer saves: every write is seen by the next request, and every acknowledged save is on
disk."""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, select

from common.storage.room_models import Attempt, AttemptStatus, SessionToken
from proctor_console.room import incidents
from proctor_console.room.errors import AttemptVoided, DiskFull, RoomError, SeatLocked, Unauthorized


def _started(setup, n: int = 3):
    room = setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    sittings = []
    for cred in setup.credentials[:n]:
        reply = room.login(cred["login"], cred["password"], cred["seat"])
        items = [i["id"] for section in reply["content"]["sections"] for i in section["items"]]
        sittings.append({**cred, "token": reply["token"], "attempt_id": reply["attempt_id"],
                         "items": items})
    return sittings


def _entry(seq: int, item: str) -> dict:
    # A cleared answer (None) fits every item type: this test is about commits, not answer shapes.
    return {"seq": seq, "item_id": item, "answer": None, "client_ts": time.time()}


def _stored(room, attempt_id: str) -> list[int]:
    """Read back with a connection of its own, as after a power cut."""
    with sqlite3.connect(room.paths.database) as db:
        return [r[0] for r in db.execute(
            "SELECT seq FROM answers WHERE attempt_id = ? ORDER BY seq", (attempt_id,))]


def test_waiting_saves_go_to_disk_in_one_commit_and_a_refusal_refuses_only_itself(room_setup):
    room = room_setup.room
    sittings = _started(room_setup, 3)
    commits = []
    event.listen(room.engine, "commit", lambda conn: commits.append(1))
    results: dict[int, object] = {}

    def save(i: int, entries: list[dict]) -> None:
        try:
            results[i] = room.save_answers(sittings[i % 3]["attempt_id"], entries)
        except RoomError as exc:
            results[i] = exc

    jobs = [(0, [_entry(1, sittings[0]["items"][0]), _entry(2, sittings[0]["items"][1])]),
            (1, [_entry(1, sittings[1]["items"][0])]),
            (2, [_entry(1, "no-such-item")]),  # refused: the others still commit
            (3, [_entry(2, sittings[0]["items"][2]), _entry(3, sittings[0]["items"][2])])]
    threads = [threading.Thread(target=save, args=job) for job in jobs]
    with room._write:  # a write in progress: the saves queue up behind it
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(room._waiting) < len(jobs) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(room._waiting) == len(jobs)
    for t in threads:
        t.join(10)

    assert len(commits) == 1  # one transaction, one fsync, for all four
    # Both of attempt 0's saves are answered after the one commit: seqs 1-3 are on disk (seq 2
    # came twice and is stored once).
    assert results[0] == results[3] == {"acked_seq": 3}
    assert results[1] == {"acked_seq": 1}
    assert isinstance(results[2], RoomError) and "no-such-item" in str(results[2])
    assert _stored(room, sittings[0]["attempt_id"]) == [1, 2, 3]
    assert _stored(room, sittings[1]["attempt_id"]) == [1]
    assert _stored(room, sittings[2]["attempt_id"]) == []
    assert room.attempt_state(sittings[0]["attempt_id"])["acked_seq"] == 3


def test_every_write_is_seen_by_the_next_kiosk_request(room_setup):
    room = room_setup.room
    a, b, c = _started(room_setup, 3)
    attempt_id = room.attempt_for(a["token"], a["seat"])
    room.save_answers(attempt_id, [_entry(1, a["items"][0])])
    state = room.attempt_state(attempt_id)
    assert room.in_memory(token=a["token"]) and room.in_memory(attempt_id=attempt_id)
    assert state["acked_seq"] == 1 and not state["locked"]

    # §23: out of the room, the seat locks at once; back, it opens.
    incidents.leave(room, a["individual_code"], "rep")
    assert room.attempt_state(attempt_id)["locked"]
    with pytest.raises(SeatLocked):
        room.save_answers(attempt_id, [_entry(2, a["items"][1])])
    incidents.come_back(room, a["individual_code"], "rep")
    assert not room.attempt_state(attempt_id)["locked"]
    assert room.save_answers(attempt_id, [_entry(2, a["items"][1])]) == {"acked_seq": 2}

    # A time extension moves the deadline the kiosk is told.
    before = dt.datetime.fromisoformat(room.attempt_state(attempt_id)["deadline"])
    incidents.extend_time(room, a["individual_code"], 10, "power cut", "rep")
    after = dt.datetime.fromisoformat(room.attempt_state(attempt_id)["deadline"])
    assert after - before == dt.timedelta(minutes=10)

    # Logging in again ends the old session, though it was in memory.
    again = room.login(a["login"], a["password"], a["seat"])
    with pytest.raises(Unauthorized):
        room.attempt_for(a["token"], a["seat"])
    assert room.attempt_for(again["token"], a["seat"]) == attempt_id
    with pytest.raises(Unauthorized):  # and a session is its workstation's only
        room.attempt_for(again["token"], b["seat"])

    # A move to another seat ends the session at the old one.
    b_attempt = room.attempt_for(b["token"], b["seat"])
    incidents.move_seat(room, b["individual_code"], "99", "broken screen", "rep")
    with pytest.raises(Unauthorized):
        room.attempt_for(b["token"], b["seat"])

    # A void (as the acts write it) refuses the next save and the session.
    c_attempt = room.attempt_for(c["token"], c["seat"])
    assert room.attempt_state(c_attempt)["status"] == "in_progress"
    with room.tx() as s:
        s.get(Attempt, c_attempt).status = AttemptStatus.VOIDED
        for token in s.scalars(select(SessionToken).where(SessionToken.subject == c_attempt)):
            token.revoked = True
    assert room.attempt_state(c_attempt)["status"] == "voided"
    with pytest.raises(AttemptVoided):
        room.attempt_for(c["token"], c["seat"])
    with pytest.raises(AttemptVoided):
        room.save_answers(c_attempt, [_entry(1, c["items"][0])])
    assert _stored(room, c_attempt) == [] and b_attempt != c_attempt


def test_a_failed_commit_acknowledges_nothing_and_memory_follows_the_disk(room_setup):
    room = room_setup.room
    (a,) = _started(room_setup, 1)
    attempt_id = a["attempt_id"]
    assert room.save_answers(attempt_id, [_entry(1, a["items"][0])]) == {"acked_seq": 1}

    def refuse(conn):  # the commit fails as on a full disk
        raise OSError(errno.ENOSPC, "No space left on device")

    event.listen(room.engine, "commit", refuse)
    with pytest.raises(DiskFull):
        room.save_answers(attempt_id, [_entry(2, a["items"][1])])
    assert room.disk_problem["code"] == "disk_full"
    event.remove(room.engine, "commit", refuse)
    assert _stored(room, attempt_id) == [1]
    assert room.attempt_state(attempt_id)["acked_seq"] == 1
    assert room.save_answers(attempt_id, [_entry(2, a["items"][1])]) == {"acked_seq": 2}
    assert _stored(room, attempt_id) == [1, 2]
