"""Students' one-time passwords kept as keyed hashes (issue 20; docs/SECURITY.md, "One-time
passwords"): a whole room logs in without an Argon2id derivation per login, and a copy of the
room's database without the room's data key cannot test a single guess."""

from __future__ import annotations

import base64
import hashlib
import hmac
import sqlite3

import pytest
from sqlalchemy import select

from common.crypto import passwords
from common.storage.room_models import Student
from proctor_console.room import data_keys, incidents


def test_a_login_derives_no_argon2id(open_room, monkeypatch):
    room_setup, room = open_room, open_room.room

    def no_argon2(*args):
        raise AssertionError("a student's login derived an Argon2id hash")

    monkeypatch.setattr(passwords, "_derive", no_argon2)
    for cred in room_setup.credentials[:5]:
        assert room.login(cred["login"], cred["password"], cred["seat"])["token"]


def test_the_database_alone_cannot_confirm_the_right_password(room_setup):
    """The attacker holds room.sqlite3 and a student's slip (so the right password): every
    construction without the room's key fails to reproduce the stored digest; with the key it
    does (the test's control)."""
    room = room_setup.room
    cred = room_setup.credentials[0]
    db = sqlite3.connect(room.paths.database)
    try:
        stored = db.execute("SELECT password_hash FROM students WHERE login = ?",
                            (cred["login"],)).fetchone()[0]
        every_cell = [v for row in db.execute("SELECT * FROM settings") for v in row]
    finally:
        db.close()
    scheme, salt_b64, digest_b64 = stored.split("$")
    assert scheme == passwords.KEYED
    salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    pw = cred["password"].encode()
    unkeyed = [hashlib.sha256(salt + pw).digest(), hashlib.sha256(pw + salt).digest(),
               hashlib.sha256(pw).digest(), hmac.new(salt, pw, hashlib.sha256).digest(),
               hmac.new(b"", salt + pw, hashlib.sha256).digest()]
    # anything the database itself holds, tried as the key
    unkeyed += [hmac.new(str(v).encode(), salt + pw, hashlib.sha256).digest() for v in every_cell]
    assert digest not in unkeyed
    assert not passwords.verify_password(cred["password"], stored)  # no key: no answer
    assert not passwords.verify_password(cred["password"], stored, b"\0" * 32)
    assert passwords.verify_password(cred["password"], stored, data_keys.password_key(room))


def test_a_reissued_password_is_keyed_and_the_old_one_stops(open_room):
    room_setup, room = open_room, open_room.room
    cred = room_setup.credentials[1]
    new = incidents.reissue_password(room, cred["individual_code"], "rep")
    with room.read() as s:
        stored = s.scalar(select(Student.password_hash).where(Student.login == cred["login"]))
    assert stored.startswith(passwords.KEYED + "$")
    from proctor_console.room.errors import Unauthorized
    with pytest.raises(Unauthorized):
        room.login(cred["login"], cred["password"], cred["seat"])
    assert room.login(cred["login"], new["password"], cred["seat"])["token"]
