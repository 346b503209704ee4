"""Resumable uploads of result bundles: a school on a bad network sends what is missing, not all.

    GET  /api/v1/uploads/{sha256}            -> {"received": n}   (0 when nothing yet)
    PUT  /api/v1/uploads/{sha256}?offset=k&total=t   body = bytes [k, k+len)
         -> {"received": n} while incomplete; the ingest result when the last byte arrives.

A chunk that does not start where the centre's copy ends gets 409 with the centre's offset, so the
sender re-synchronises. The bundle's SHA-256 names the upload: a finished file whose hash differs
is thrown away. Partial files live under `uploads/<room key id>/`; a refused bundle leaves nothing
behind.

Only a trusted room uploads (each chunk signed by its key, common/upload_auth.py, checked by the
web front before any byte is stored), each room at most `MAX_PARTIAL_PER_ROOM` unfinished uploads
at a time, and an unfinished upload untouched for `EXPIRE_AFTER_S` is deleted: the area cannot be
filled by anyone, and by a trusted room only up to its quota (issue 15, finding 8).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from common.bundle import MAX_BUNDLE_BYTES
from common.canonical import sha256_hex

_SHA = re.compile(r"^[0-9a-f]{64}$")
_ROOM_KEY = re.compile(r"^[0-9a-f]{16}$")
MAX_PARTIAL_PER_ROOM = 2  # unfinished uploads a room may hold at once
EXPIRE_AFTER_S = 24 * 3600  # an unfinished upload untouched this long is deleted


class UploadError(Exception):
    def __init__(self, status: int, code: str, message: str, received: int | None = None):
        super().__init__(message)
        self.status, self.code, self.received = status, code, received


class UploadArea:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def check_name(self, sha: str) -> None:
        if not _SHA.match(sha):
            raise UploadError(400, "bad_upload_id", "an upload is named by the bundle's SHA-256 (hex)")

    def _part(self, sha: str, room_key: str) -> Path:
        self.check_name(sha)
        if not _ROOM_KEY.match(room_key):
            raise UploadError(400, "bad_upload_id", "not a room key id")
        return self.root / room_key / f"{sha}.part"

    def received(self, sha: str) -> int:
        """How many bytes of this upload the centre holds (from whichever room sends it)."""
        self.check_name(sha)
        return max((p.stat().st_size for p in self.root.glob(f"*/{sha}.part")), default=0)

    def expire(self, now: float | None = None) -> int:
        """Delete unfinished uploads untouched for EXPIRE_AFTER_S; returns how many."""
        limit = (time.time() if now is None else now) - EXPIRE_AFTER_S
        gone = 0
        for part in self.root.glob("*/*.part"):
            try:
                if part.stat().st_mtime < limit:
                    part.unlink()
                    gone += 1
            except FileNotFoundError:
                continue
        return gone

    def append(self, sha: str, offset: int, total: int, chunk: bytes, room_key: str) -> bytes | None:
        """Add a chunk from the room whose key id is `room_key` (its signature checked by the
        caller); return the whole bundle once complete and intact, else None."""
        if total <= 0 or total > MAX_BUNDLE_BYTES:
            raise UploadError(413, "too_large", f"a bundle may be at most {MAX_BUNDLE_BYTES} bytes")
        if offset + len(chunk) > total:
            raise UploadError(400, "bad_range", "the chunk runs past the declared total")
        part = self._part(sha, room_key)
        with self._lock:
            self.expire()
            if not part.exists():
                others = [p for p in part.parent.glob("*.part")] if part.parent.exists() else []
                if len(others) >= MAX_PARTIAL_PER_ROOM:
                    raise UploadError(429, "upload_quota", f"this room has {len(others)} unfinished "
                                      "uploads: finish or wait for them to expire")
                part.parent.mkdir(parents=True, exist_ok=True)
            have = part.stat().st_size if part.exists() else 0
            if offset != have:
                raise UploadError(409, "offset_mismatch", f"the centre has {have} bytes", have)
            with open(part, "ab") as fh:
                fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if have + len(chunk) < total:
                return None
            data = part.read_bytes()
            part.unlink()
            try:
                part.parent.rmdir()  # the room's folder, when this was its only unfinished upload
            except OSError:
                pass
        if sha256_hex(data) != sha:
            raise UploadError(422, "upload_corrupted", "the bytes received do not hash to the upload's name; send again")
        return data
