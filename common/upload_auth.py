"""Who is sending a bundle to the centre (issue 15, finding 8): every chunk of an upload is signed
by the room's Ed25519 key, and the centre stores no byte before the signature checks against a
room it trusts.

    X-Room-Key:       the room key's id (the one `central-scorer trust-room` registered)
    X-Room-Time:      the room's clock, seconds since 1970 (the centre takes ±`MAX_SKEW_S`)
    X-Room-Signature: base64 Ed25519 over  cbt-upload/1|<sha256 of the bundle>|<offset>|<total>|
                      <sha256 of the chunk>|<time>

The signature binds the chunk to its place in its bundle and to a moment, so a chunk overheard
(it travels inside TLS anyway) is good for nothing else and for a few minutes only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time

from common.bundle import RoomIdentity
from common.crypto.signing import SignatureInvalid, SigningKey

MAX_SKEW_S = 600


class UploadUnauthenticated(Exception):
    """The chunk is not signed by a room the centre trusts."""


def _message(sha256: str, offset: int, total: int, chunk: bytes, at: int) -> bytes:
    return f"cbt-upload/1|{sha256}|{offset}|{total}|{hashlib.sha256(chunk).hexdigest()}|{at}".encode()


def sign(key: SigningKey, sha256: str, offset: int, total: int, chunk: bytes,
         at: int | None = None) -> dict[str, str]:
    """The headers that prove this chunk comes from the room holding `key`."""
    at = int(time.time()) if at is None else at
    return {"X-Room-Key": key.key_id, "X-Room-Time": str(at),
            "X-Room-Signature": base64.b64encode(key.sign(_message(sha256, offset, total, chunk, at))).decode()}


def verify(rooms: dict[str, RoomIdentity], headers: dict[str, str], sha256: str, offset: int,
           total: int, chunk: bytes, now: float | None = None) -> RoomIdentity:
    """The trusted room that signed this chunk, or UploadUnauthenticated."""
    room = rooms.get(headers.get("x-room-key", ""))
    if room is None:
        raise UploadUnauthenticated("the upload is not signed by a room the centre trusts")
    try:
        at = int(headers.get("x-room-time", ""))
        signature = base64.b64decode(headers.get("x-room-signature", ""), validate=True)
    except (ValueError, binascii.Error):
        raise UploadUnauthenticated("the upload's signature headers are malformed") from None
    if abs((time.time() if now is None else now) - at) > MAX_SKEW_S:
        raise UploadUnauthenticated("the upload's signature is too old (or the room's clock is wrong)")
    try:
        room.verify_key.verify(signature, _message(sha256, offset, total, chunk, at))
    except SignatureInvalid:
        raise UploadUnauthenticated("the upload's signature does not verify") from None
    return room
