"""The keys the room's database holds, kept wrapped (issue 15, finding 10): every attempt's
journal key and the package's content key once the start code opened it.

They are stored AES-256-GCM-encrypted under the room's data key, a file of its own beside the
signing key (`keys/room-data.key`, 0600), never in the database: a copy of the database alone
(a backup, a stolen file) opens neither the kiosks' journals nor the test. Each wrapped key is
bound to what it is the key of (`label`: the attempt's id, the package's id). A key stored
before this (32 bytes as they are) is still read. The students' one-time passwords are kept as
hashes keyed by a key derived from the same file (`password_key`, issue 20): the database alone
cannot test a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from common.crypto.signing import write_secret
from proctor_console.room.store import RoomStore

RAW_KEY = 32
_cache: dict[Path, bytes] = {}


def _data_key(room: RoomStore) -> bytes:
    path = room.paths.root / "keys" / "room-data.key"
    key = _cache.get(path)
    if key is None:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_secret(path, os.urandom(32))
        key = _cache[path] = path.read_bytes()
    return key


def password_key(room: RoomStore) -> bytes:
    """The key of the students' one-time passwords' keyed hashes (common/crypto/passwords.py),
    derived from the room's data key for that use alone."""
    return hmac.new(_data_key(room), b"cbt-room-one-time-passwords/1", hashlib.sha256).digest()


def wrap(room: RoomStore, secret: bytes, label: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_data_key(room)).encrypt(nonce, secret, b"cbt-room-key/1|" + label.encode())


def unwrap(room: RoomStore, stored: bytes, label: str) -> bytes:
    if len(stored) == RAW_KEY:  # stored before keys were wrapped
        return stored
    return AESGCM(_data_key(room)).decrypt(stored[:12], stored[12:], b"cbt-room-key/1|" + label.encode())
