"""Logins' Argon2id on the room's slow lane (proctor_console/room/slow_lane.py): in a room whose
students' passwords an earlier version stored as Argon2id, however many kiosks log in at once, at
most one derivation per core runs, on a thread of lower priority, so the event loop serving the
sitting kiosks keeps its share of the CPU. Since issue 20 the room stores keyed hashes, which
never take the slow lane (test_room_one_time_passwords.py)."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from sqlalchemy import select

from common.crypto import passwords
from common.storage.room_models import Student
from proctor_console.room import slow_lane


def stored_as_argon2id(room, credentials) -> None:
    """The students' passwords as an earlier version of the room stored them."""
    by_login = {c["login"]: c["password"] for c in credentials}
    with room.tx() as s:
        for student in s.scalars(select(Student)):
            student.password_hash = passwords.hash_password(by_login[student.login], passwords.FAST)


def test_a_login_storm_derives_at_most_one_password_per_core_at_a_time(open_room, monkeypatch):
    room_setup, room = open_room, open_room.room
    stored_as_argon2id(room, room_setup.credentials)
    running, most, nice = 0, 0, []
    lock = threading.Lock()
    verify = passwords.verify_password

    def counted(password: str, hashed: str, key: bytes | None = None) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if sys.platform.startswith("linux"):
            nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        try:
            time.sleep(0.05)  # long enough for every login thread to be waiting here at once
            return verify(password, hashed, key)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(passwords, "verify_password", counted)
    creds = room_setup.credentials[:8]
    replies: list[dict] = []
    threads = [threading.Thread(target=lambda c=c: replies.append(
        room.login(c["login"], c["password"], c["seat"]))) for c in creds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == len(creds)  # every one logged in
    assert 1 <= most <= slow_lane.cores()
    if sys.platform.startswith("linux"):
        assert set(nice) == {slow_lane.NICE}
    else:
        pytest.skip("thread priorities are checked on Linux only")
