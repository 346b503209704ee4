"""One-time passwords and PINs, stored only as Argon2id hashes (RFC 9106)."""

from __future__ import annotations

import base64
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


def verify_password(password: str, encoded: str) -> bool:
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


def _derive(password: str, salt: bytes, params: Argon2Params) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(password.encode("utf-8"))
