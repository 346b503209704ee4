"""Canonical JSON bytes: the one serialisation that is signed, hashed and compared.

Sorted keys, no insignificant white space, UTF-8, no NaN. Two equal values give equal bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
