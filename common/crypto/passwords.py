"""PINs stored only as Argon2id hashes (RFC 9106); students' one-time passwords as keyed hashes.

A PIN is chosen by a person and may be reused elsewhere, so its hash must be slow to guess from
(Argon2id). A student's one-time password is 40 random bits, valid for one sitting in one room
and locked after five wrong tries; it is kept as HMAC-SHA-256 under a key the room holds outside
its database (`keys/room-data.key`), so a copy of the database alone cannot test a single guess,
and a room's whole class logs in within seconds (docs/SECURITY.md, "One-time passwords").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

# Alphabet without look-alikes (0/O, 1/l/I) so a ten-year-old can type it from a slip.
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Argon2Params:
    """Cost of one hash. The default is RFC 9106's second recommended option scaled to a lab PC."""

    iterations: int = 3
    memory_kib: int = 65536
    lanes: int = 1


DEFAULT = Argon2Params()
# Tests and the 30-student demo hash many passwords on two cores; OWASP's minimum (19 MiB, t=2).
FAST = Argon2Params(iterations=2, memory_kib=19456, lanes=1)
KEYED = "hmac-sha256"


def new_password(length: int = 8) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_password(password: str, params: Argon2Params = DEFAULT) -> str:
    salt = os.urandom(16)
    digest = _derive(password, salt, params)
    return "$".join(
        [
            "argon2id",
            f"t={params.iterations},m={params.memory_kib},p={params.lanes}",
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def keyed_hash(password: str, key: bytes) -> str:
    """A one-time password's stored form: HMAC-SHA-256 under `key`, over a random salt and it."""
    salt = os.urandom(16)
    return "$".join([KEYED, base64.b64encode(salt).decode(),
                     base64.b64encode(_mac(key, salt, password)).decode()])


def is_memory_hard(encoded: str) -> bool:
    """Whether checking against `encoded` costs an Argon2id derivation (tens of milliseconds)."""
    return encoded.startswith("argon2id$")


def verify_password(password: str, encoded: str, key: bytes | None = None) -> bool:
    """`password` against its stored form: Argon2id, or a keyed hash (which needs its `key`)."""
    if encoded.startswith(KEYED + "$"):
        return key is not None and _verify_keyed(password, encoded, key)
    try:
        scheme, cost, salt_b64, digest_b64 = encoded.split("$")
        fields = dict(part.split("=") for part in cost.split(","))
        params = Argon2Params(int(fields["t"]), int(fields["m"]), int(fields["p"]))
    except (ValueError, KeyError):
        return False
    if scheme != "argon2id":
        return False
    try:
        expected = base64.b64decode(digest_b64, validate=True)
        actual = _derive(password, base64.b64decode(salt_b64, validate=True), params)
    except (ValueError, OverflowError):  # bad base64, too short a salt, impossible cost
        return False
    return hmac.compare_digest(expected, actual)


def _verify_keyed(password: str, encoded: str, key: bytes) -> bool:
    try:
        _, salt_b64, digest_b64 = encoded.split("$")
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
    except ValueError:
        return False
    return hmac.compare_digest(expected, _mac(key, salt, password))


def _mac(key: bytes, salt: bytes, password: str) -> bytes:
    return hmac.new(key, salt + password.encode("utf-8"), hashlib.sha256).digest()


def _derive(password: str, salt: bytes, params: Argon2Params) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(password.encode("utf-8"))
