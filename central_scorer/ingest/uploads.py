"""Resumable uploads of result bundles: a school on a bad network sends what is missing, not all.

    GET  /api/v1/uploads/{sha256}            -> {"received": n}   (0 when nothing yet)
    PUT  /api/v1/uploads/{sha256}?offset=k&total=t   body = bytes [k, k+len)
         -> {"received": n} while incomplete; the ingest result when the last byte arrives.

A chunk that does not start where the centre's copy ends gets 409 with the centre's offset, so the
sender re-synchronises. The bundle's SHA-256 names the upload: a finished file whose hash differs
is thrown away. Partial files live under `uploads/`; a refused bundle leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from common.bundle import MAX_BUNDLE_BYTES
from common.canonical import sha256_hex

_SHA = re.compile(r"^[0-9a-f]{64}$")


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

    def _part(self, sha: str) -> Path:
        self.check_name(sha)
        return self.root / f"{sha}.part"

    def received(self, sha: str) -> int:
        part = self._part(sha)
        return part.stat().st_size if part.exists() else 0

    def append(self, sha: str, offset: int, total: int, chunk: bytes) -> bytes | None:
        """Add a chunk; return the whole bundle once complete and intact, else None."""
        if total <= 0 or total > MAX_BUNDLE_BYTES:
            raise UploadError(413, "too_large", f"a bundle may be at most {MAX_BUNDLE_BYTES} bytes")
        if offset + len(chunk) > total:
            raise UploadError(400, "bad_range", "the chunk runs past the declared total")
        part = self._part(sha)
        with self._lock:
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
        if sha256_hex(data) != sha:
            raise UploadError(422, "upload_corrupted", "the bytes received do not hash to the upload's name; send again")
        return data
