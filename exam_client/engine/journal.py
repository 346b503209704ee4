"""The kiosk's local append-only answer journal.

Every answer change goes to this journal before the screen may show it as saved. `append`
returns only after the record is on disk (one ``os.write`` of the whole record on a descriptor
opened ``O_APPEND``, then ``os.fsync``). After a crash (SIGKILL, power cut) the kiosk reopens the
journal with the same key and gets back every entry that `append` ever returned.

The key (32 bytes, AES-256) comes from the room server at login and is held in memory only. It
is never written anywhere; the file holds only a 16-byte HMAC check value derived from it.

The file's format and its recovery after a crash are in `common.journal_format`.

Concurrency: the descriptor takes an exclusive ``flock``, so a second `AnswerJournal` on the
same file, in this process or another one, fails with `JournalError` until the first is closed
or its process dies. A single journal object may be used from several threads.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from common.journal_format import (
    LEN_SIZE,
    MAX_PLAINTEXT,
    NONCE_LEN,
    JournalEntry,
    JournalError,
    aad,
    canonical,
    check_attempt,
    check_key,
    header_for,
    next_chain,
    scan_journal,
)

try:  # POSIX only; on other platforms the journal works without the lock.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


# --------------------------------------------------------------------------- the file system


def _fsync(fd: int) -> None:
    full = getattr(fcntl, "F_FULLFSYNC", None) if fcntl is not None else None
    if full is not None:  # pragma: no cover - macOS: plain fsync leaves data in the drive cache
        try:
            fcntl.fcntl(fd, full)
            return
        except OSError:
            pass
    os.fsync(fd)


def _fsync_dir(directory: Path) -> None:
    """Make a new directory entry durable (POSIX; Windows has no directory descriptors)."""
    if sys.platform == "win32":  # pragma: no cover
        return
    dfd = os.open(directory, os.O_RDONLY | _O_CLOEXEC)
    try:
        os.fsync(dfd)
    except OSError as exc:  # some file systems cannot fsync a directory at all
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(dfd)


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:  # pragma: no cover
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalError(f"{path}: the journal is already open (locked by another user)") from None


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)



# --------------------------------------------------------------------------- the journal


class AnswerJournal:
    """An open journal file. Make one with `create`, `open` or `open_or_create`."""

    def __init__(self, *, _fd: int, _path: Path, _aead: AESGCM, _header: bytes,
                 _attempt_id: str, _entries: list[JournalEntry], _chain: bytes, _size: int,
                 _recovered: int) -> None:
        self._fd: int | None = _fd
        self._path = _path
        self._aead = _aead
        self._header = _header
        self._attempt_id = _attempt_id
        self._entries = _entries
        self._latest = {e.item_id: e for e in _entries}
        self._chain = _chain
        self._size = _size
        self._recovered = _recovered
        self._broken: str | None = None
        self._mutex = threading.Lock()

    # ---- opening

    @classmethod
    def create(cls, path: Path, key: bytes, attempt_id: str) -> "AnswerJournal":
        """Create a new journal; `FileExistsError` if the file exists."""
        key = check_key(key)
        attempt_id = check_attempt(attempt_id)
        path = Path(path)
        header = header_for(key, attempt_id)
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND | _O_CLOEXEC | _O_BINARY
        fd = os.open(path, flags, 0o600)
        try:
            _lock(fd, path)
            if os.write(fd, header) != len(header):
                raise JournalError(f"{path}: short write of the header")
            _fsync(fd)
            _fsync_dir(path.parent)
        except BaseException:
            os.close(fd)
            try:
                path.unlink()
            except OSError:
                pass
            raise
        return cls(_fd=fd, _path=path, _aead=AESGCM(key), _header=header,
                   _attempt_id=attempt_id, _entries=[], _chain=hashlib.sha256(header).digest(),
                   _size=len(header), _recovered=0)

    @classmethod
    def open(cls, path: Path, key: bytes, attempt_id: str) -> "AnswerJournal":
        """Open an existing journal: replay it, cut off a torn tail, raise on corruption."""
        key = check_key(key)
        attempt_id = check_attempt(attempt_id)
        path = Path(path)
        aead = AESGCM(key)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | _O_CLOEXEC | _O_BINARY)
        try:
            _lock(fd, path)
            data = _read_all(fd)
            scan = scan_journal(path, data, key, aead, attempt_id)
            recovered = len(data) - scan.good_end
            if scan.rewrite_header:
                os.ftruncate(fd, 0)
                if os.write(fd, scan.header) != len(scan.header):
                    raise JournalError(f"{path}: short write of the header")
                _fsync(fd)
                _fsync_dir(path.parent)
                size = len(scan.header)
            else:
                if recovered:
                    os.ftruncate(fd, scan.good_end)
                    _fsync(fd)
                size = scan.good_end
        except BaseException:
            os.close(fd)
            raise
        return cls(_fd=fd, _path=path, _aead=aead, _header=scan.header, _attempt_id=attempt_id,
                   _entries=scan.entries, _chain=scan.chain, _size=size, _recovered=recovered)

    @classmethod
    def open_or_create(cls, path: Path, key: bytes, attempt_id: str) -> "AnswerJournal":
        """Open the journal if the file exists, otherwise create it."""
        try:
            return cls.open(path, key, attempt_id)
        except FileNotFoundError:
            pass
        try:
            return cls.create(path, key, attempt_id)
        except FileExistsError:  # created by someone else in between
            return cls.open(path, key, attempt_id)

    # ---- writing

    def append(self, item_id: str, answer: Any, client_ts: float | None = None) -> JournalEntry:
        """Record an answer change; it is on disk (fsync'd) when this returns.

        Raises `JournalError` if the record could not be made durable: the change is then NOT
        saved. `TypeError`/`ValueError` for arguments that cannot be recorded (nothing written).
        """
        if not isinstance(item_id, str) or not item_id:
            raise ValueError("item_id must be a non-empty string")
        ts = time.time() if client_ts is None else client_ts
        if isinstance(ts, bool) or not isinstance(ts, (int, float)):
            raise TypeError("client_ts must be a number")
        ts = float(ts)
        if not math.isfinite(ts):
            raise ValueError("client_ts must be finite")
        with self._mutex:
            if self._fd is None:
                raise JournalError(f"{self._path}: the journal is closed")
            if self._broken is not None:
                raise JournalError(f"{self._path}: the journal is unusable after an earlier "
                                   f"failure ({self._broken}); close it and open it again")
            seq = len(self._entries) + 1
            prev = self._chain.hex()
            plaintext = canonical({"seq": seq, "item_id": item_id, "answer": answer,
                                    "client_ts": ts, "prev": prev})
            if len(plaintext) > MAX_PLAINTEXT:
                raise ValueError(f"answer too large for the journal ({len(plaintext)} bytes)")
            rec = json.loads(plaintext)  # the form a reopen will give back
            nonce = os.urandom(NONCE_LEN)
            ciphertext = self._aead.encrypt(nonce, plaintext, aad(self._header, seq))
            record = (NONCE_LEN + len(ciphertext)).to_bytes(LEN_SIZE, "big") + nonce + ciphertext
            try:
                written = os.write(self._fd, record)
            except OSError as exc:
                self._roll_back(f"write failed: {exc}", retryable=True)
                raise JournalError(f"{self._path}: answer not saved, write failed: {exc}") from exc
            if written != len(record):
                self._roll_back("short write", retryable=True)
                raise JournalError(f"{self._path}: answer not saved, short write "
                                   f"({written} of {len(record)} bytes)")
            try:
                _fsync(self._fd)
            except OSError as exc:
                # After a failed fsync the page cache can no longer be trusted: refuse to go on.
                self._roll_back(f"fsync failed: {exc}", retryable=False)
                raise JournalError(f"{self._path}: answer not saved, fsync failed: {exc}") from exc
            self._size += len(record)
            self._chain = next_chain(self._chain, nonce, ciphertext)
            entry = JournalEntry(seq, rec["item_id"], rec["answer"], rec["client_ts"],
                                 self._chain.hex())
            self._entries.append(entry)
            self._latest[entry.item_id] = entry
            return entry

    def _roll_back(self, reason: str, *, retryable: bool) -> None:
        """Cut the file back to the last confirmed record after a failed append."""
        try:
            os.ftruncate(self._fd, self._size)  # type: ignore[arg-type]
            _fsync(self._fd)  # type: ignore[arg-type]
        except OSError as exc:
            self._broken = f"{reason}; rolling back failed too: {exc}"
            return
        if not retryable:
            self._broken = reason

    # ---- reading

    @property
    def entries(self) -> tuple[JournalEntry, ...]:
        """Everything recovered and appended, in seq order."""
        with self._mutex:
            return tuple(self._entries)

    def latest_answers(self) -> dict[str, JournalEntry]:
        """The last entry for each item_id (``answer`` is None where the answer was cleared)."""
        with self._mutex:
            return dict(self._latest)

    @property
    def last_seq(self) -> int:
        """The seq of the last entry; 0 for an empty journal."""
        return len(self._entries)

    @property
    def recovered_tail_bytes(self) -> int:
        """How many bytes of an interrupted append `open` cut off (0 normally)."""
        return self._recovered

    # ---- closing

    def close(self) -> None:
        with self._mutex:
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # releases the flock too

    def __enter__(self) -> "AnswerJournal":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def __repr__(self) -> str:
        state = "closed" if self._fd is None else "open"
        return (f"<AnswerJournal {str(self._path)!r} attempt={self._attempt_id!r} "
                f"last_seq={self.last_seq} {state}>")

    def __reduce__(self) -> Any:
        raise TypeError("an AnswerJournal holds a key and an open file; it cannot be pickled")
