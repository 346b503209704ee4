"""The kiosk's local append-only answer journal.

Every answer change goes to this journal before the screen may show it as saved. `append`
returns only after the record is on disk (one ``os.write`` of the whole record on a descriptor
opened ``O_APPEND``, then ``os.fsync``). After a crash (SIGKILL, power cut) the kiosk reopens the
journal with the same key and gets back every entry that `append` ever returned.

The key (32 bytes, AES-256) comes from the room server at login and is held in memory only. It
is never written anywhere; the file holds only a 16-byte HMAC check value derived from it.

File format, version 1
======================

Header: one plaintext ASCII line::

    CBTJ1 <attempt_id> <key_check>\\n

``CBTJ`` is the magic and ``1`` the format version. ``attempt_id`` is 1-128 printable ASCII
characters without spaces. ``key_check`` is the first 16 bytes, as 32 lowercase hex digits,
of ``HMAC-SHA256(key, b"CBTJ1 key check\\x00" + attempt_id)``. It lets `open` tell a wrong key
from a damaged record, even in a journal that has no records yet.

After the header come records, back to back, with nothing between them::

    length      4 bytes, big-endian: len(nonce) + len(ciphertext)
    nonce      12 random bytes
    ciphertext AES-256-GCM output: the encrypted plaintext followed by the 16-byte tag

The plaintext is the canonical JSON (sorted keys, no spaces, ASCII only, no NaN) of::

    {"answer": ..., "client_ts": <float>, "item_id": "...", "prev": "<hex>", "seq": <int>}

``seq`` runs 1, 2, 3, ... without gaps. ``prev`` is the chain value before this record. The
associated data is ``header_bytes + seq.to_bytes(8, "big")``, so a record cannot be moved to
another journal (another attempt, another key check) or to another place in the same journal.
The hash chain is::

    chain_0 = sha256(header_bytes)
    chain_n = sha256(chain_{n-1} || nonce_n || ciphertext_n)    (raw 32-byte digests)

`JournalEntry.chain` is ``chain_n`` in hex. A plaintext answer is limited to 1 MiB.

Recovery when opening
=====================

`open` reads the whole file. Records are checked in order: the tag under the expected seq, the
JSON fields, the seq, and ``prev`` against the running chain. The bytes after the last good
record are a *torn tail* (an append that was cut off before its fsync returned) if one of
these is true:

* they are too short to hold a length prefix and a nonce;
* they are all zero bytes (some file systems grow a file before its data reaches the disk);
* the length prefix runs past the end of the file, and the bytes that are there can only be
  the beginning of a real append. Without the tag this is checked by decrypting the present
  ciphertext in counter mode: it must decode as the start of a canonical record (printable
  ASCII beginning ``{"answer":``) and must not already hold a complete JSON object. A flipped
  byte in the length prefix of an earlier record fails this test, so it is reported as
  corruption and the records after it are not silently thrown away;
* the last record has its full length, but a run of zero bytes at least as long as the tag ends
  the file and the rest passes the same test (its data blocks never reached the disk).

A torn tail is cut off with ``ftruncate`` followed by fsync, and its length is reported as
`AnswerJournal.recovered_tail_bytes`. Anything else that fails is corruption and raises
`JournalCorrupt`, whose message gives the record index (1-based, equal to its seq) and the
byte offset of the record's length prefix. A wrong key raises `JournalKeyMismatch`. A file
that is empty, or holds only the first part of the expected header (`create` was cut off
before it returned), gets its header written again.

Concurrency: the descriptor takes an exclusive ``flock``, so a second `AnswerJournal` on the
same file, in this process or another one, fails with `JournalError` until the first is closed
or its process dies. A single journal object may be used from several threads.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import math
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

try:  # POSIX only; on other platforms the journal works without the lock.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "AnswerJournal",
    "JournalCorrupt",
    "JournalEntry",
    "JournalError",
    "JournalKeyMismatch",
]

_MAGIC = b"CBTJ"
_FORMAT_VERSION = 1
_VERSION_TAG = _MAGIC + str(_FORMAT_VERSION).encode("ascii")  # b"CBTJ1"
_KEY_LEN = 32
_NONCE_LEN = 12
_TAG_LEN = 16
_LEN_SIZE = 4
_SEQ_SIZE = 8
_MAX_PLAINTEXT = 1 << 20
_MIN_RECORD = _NONCE_LEN + 2 + _TAG_LEN  # "{}" is the shortest plaintext imaginable
_MAX_RECORD = _NONCE_LEN + _MAX_PLAINTEXT + _TAG_LEN
_MAX_HEADER = 256
_KEY_CHECK_LABEL = b"CBTJ1 key check\x00"
_KEY_CHECK_HEX = 32
_ATTEMPT_RE = re.compile(r"[\x21-\x7e]{1,128}")
_RECORD_KEYS = frozenset({"seq", "item_id", "answer", "client_ts", "prev"})
_PLAINTEXT_START = b'{"answer":'
_PRINTABLE = bytes(range(0x20, 0x80))  # what ensure_ascii JSON can contain
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class JournalError(Exception):
    """Base class of the journal's errors; also raised when an append could not be made durable."""


class JournalCorrupt(JournalError):
    """The file is damaged or is not this attempt's journal; the message names record and offset."""


class JournalKeyMismatch(JournalCorrupt):
    """The key does not open this journal."""


@dataclass(frozen=True)
class JournalEntry:
    """One confirmed answer change. Treat ``answer`` as read-only; it is shared, not copied."""

    seq: int
    item_id: str
    answer: Any
    client_ts: float
    chain: str


# --------------------------------------------------------------------------- helpers


def _check_key(key: Any) -> bytes:
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise ValueError("the journal key must be 32 bytes")
    key = bytes(key)
    if len(key) != _KEY_LEN:
        raise ValueError(f"the journal key must be 32 bytes, not {len(key)}")
    return key


def _check_attempt(attempt_id: Any) -> str:
    if not isinstance(attempt_id, str) or not _ATTEMPT_RE.fullmatch(attempt_id):
        raise ValueError("attempt_id must be 1-128 printable ASCII characters without spaces")
    return attempt_id


def _header_for(key: bytes, attempt_id: str) -> bytes:
    check = hmac.new(key, _KEY_CHECK_LABEL + attempt_id.encode("ascii"), hashlib.sha256)
    return b"%s %s %s\n" % (_VERSION_TAG, attempt_id.encode("ascii"),
                            check.hexdigest()[:_KEY_CHECK_HEX].encode("ascii"))


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def _aad(header: bytes, seq: int) -> bytes:
    return header + seq.to_bytes(_SEQ_SIZE, "big")


def _next_chain(chain: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    return hashlib.sha256(chain + nonce + ciphertext).digest()


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


def _ctr_decrypt(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    """Decrypt a prefix of an AES-GCM ciphertext without its tag (GCM's counter starts at 2)."""
    decryptor = Cipher(algorithms.AES(key), modes.CTR(nonce + b"\x00\x00\x00\x02")).decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


def _is_torn_tail(rest: bytes, key: bytes, seq: int, prev_hex: str) -> bool:
    """Whether ``rest`` (everything after the last good record) is an interrupted append.

    Requires ``len(rest) >= 16`` and a length prefix in the valid range; see the module docs.
    """
    length = int.from_bytes(rest[:_LEN_SIZE], "big")
    complete = _LEN_SIZE + length == len(rest)
    present = rest.rstrip(b"\0")
    if complete and len(rest) - len(present) < _TAG_LEN:
        return False  # a complete record is torn only if at least its whole tag never arrived
    head = _LEN_SIZE + _NONCE_LEN
    if len(present) <= head:
        return True  # length and nonce at most; nothing to decrypt
    plaintext_len = length - _NONCE_LEN - _TAG_LEN
    body = present[head:]
    plain = _ctr_decrypt(key, rest[_LEN_SIZE:head], body[:plaintext_len])
    if plain.translate(None, _PRINTABLE):
        return False  # not the ASCII-only canonical JSON we write
    if plain[: len(_PLAINTEXT_START)] != _PLAINTEXT_START[: len(plain)]:
        return False
    try:
        obj, end = json.JSONDecoder().raw_decode(plain.decode("ascii"))
    except ValueError:
        return len(plain) < plaintext_len  # an unfinished prefix, unless all of it is here
    if len(plain) < plaintext_len or end != len(plain):
        return False  # a complete object before the declared end: the length prefix is wrong
    return isinstance(obj, dict) and obj.get("seq") == seq and obj.get("prev") == prev_hex


class _Scan:
    __slots__ = ("header", "entries", "chain", "good_end", "rewrite_header")

    def __init__(self, header: bytes, entries: list[JournalEntry], chain: bytes, good_end: int,
                 rewrite_header: bool) -> None:
        self.header = header
        self.entries = entries
        self.chain = chain
        self.good_end = good_end
        self.rewrite_header = rewrite_header


def _corrupt(path: Path, index: int, offset: int, what: str) -> JournalCorrupt:
    return JournalCorrupt(f"{path}: record {index} at byte offset {offset}: {what}")


def _check_header(path: Path, header: bytes, expected: bytes, attempt_id: str,
                  data: bytes, aead: AESGCM) -> None:
    """Raise the right error for a header line that differs from the expected one."""
    where = f"{path}: header at byte offset 0"
    if not header.startswith(_MAGIC):
        raise JournalCorrupt(f"{where}: not a CBT answer journal (bad magic)")
    parts = header[:-1].split(b" ")
    if parts[0] != _VERSION_TAG:
        raise JournalCorrupt(f"{where}: unsupported format {parts[0][:16]!r} "
                             f"(this code reads {_VERSION_TAG.decode()})")
    if len(parts) != 3 or len(parts[2]) != _KEY_CHECK_HEX:
        raise JournalCorrupt(f"{where}: malformed header line")
    if parts[1] != attempt_id.encode("ascii"):
        raise JournalCorrupt(f"{where}: the journal belongs to attempt "
                             f"{parts[1].decode('ascii', 'replace')!r}, not {attempt_id!r}")
    # Only the key check differs. If the first record opens under the expected header, the key
    # is right and the header is what got damaged.
    off = len(header)
    if len(data) - off >= _LEN_SIZE + _MIN_RECORD:
        length = int.from_bytes(data[off:off + _LEN_SIZE], "big")
        end = off + _LEN_SIZE + length
        if _MIN_RECORD <= length <= _MAX_RECORD and end <= len(data):
            nonce = data[off + _LEN_SIZE:off + _LEN_SIZE + _NONCE_LEN]
            try:
                aead.decrypt(nonce, data[off + _LEN_SIZE + _NONCE_LEN:end], _aad(expected, 1))
            except InvalidTag:
                pass
            else:
                raise JournalCorrupt(f"{where}: the key check value is damaged")
    raise JournalKeyMismatch(f"{path}: the key does not open this journal (wrong key)")


def _scan(path: Path, data: bytes, key: bytes, aead: AESGCM, attempt_id: str) -> _Scan:
    expected = _header_for(key, attempt_id)
    newline = data.find(b"\n", 0, _MAX_HEADER)
    if newline < 0:
        if len(data) < len(expected) and (expected.startswith(data) or not data.strip(b"\0")):
            # create() was cut off before it returned: no record can exist.
            chain = hashlib.sha256(expected).digest()
            return _Scan(expected, [], chain, 0, rewrite_header=True)
        raise JournalCorrupt(f"{path}: header at byte offset 0: no valid header line")
    header = data[:newline + 1]
    if header != expected:
        _check_header(path, header, expected, attempt_id, data, aead)

    entries: list[JournalEntry] = []
    chain = hashlib.sha256(header).digest()
    off = len(header)
    size = len(data)
    seq = 1
    while off < size:
        rest_len = size - off
        if rest_len < _LEN_SIZE + _NONCE_LEN:
            break  # a record always has more than this: an interrupted append
        length = int.from_bytes(data[off:off + _LEN_SIZE], "big")
        end = off + _LEN_SIZE + length
        if not _MIN_RECORD <= length <= _MAX_RECORD:
            if not data[off:].strip(b"\0"):
                break  # zero-filled tail
            raise _corrupt(path, seq, off, f"impossible record length {length}")
        if end > size:
            if _is_torn_tail(data[off:], key, seq, chain.hex()):
                break
            raise _corrupt(path, seq, off, f"length prefix ({length}) runs past the end of the "
                                           "file, and the bytes there are not an interrupted append")
        nonce = data[off + _LEN_SIZE:off + _LEN_SIZE + _NONCE_LEN]
        ciphertext = data[off + _LEN_SIZE + _NONCE_LEN:end]
        try:
            plaintext = aead.decrypt(nonce, ciphertext, _aad(header, seq))
        except InvalidTag:
            if end == size and _is_torn_tail(data[off:], key, seq, chain.hex()):
                break
            raise _corrupt(path, seq, off, "authentication failed (damaged, reordered, or "
                                           "taken from another journal)") from None
        try:
            rec = json.loads(plaintext)
        except ValueError:
            raise _corrupt(path, seq, off, "authenticated record is not JSON") from None
        if not isinstance(rec, dict) or set(rec) != _RECORD_KEYS:
            raise _corrupt(path, seq, off, "authenticated record has the wrong fields")
        if type(rec["seq"]) is not int or rec["seq"] != seq:
            raise _corrupt(path, seq, off, f"sequence gap: expected seq {seq}, found {rec['seq']!r}")
        if rec["prev"] != chain.hex():
            raise _corrupt(path, seq, off, "hash chain broken (prev does not match)")
        if not isinstance(rec["item_id"], str) or not isinstance(rec["client_ts"], (int, float)):
            raise _corrupt(path, seq, off, "authenticated record has fields of the wrong type")
        chain = _next_chain(chain, nonce, ciphertext)
        entries.append(JournalEntry(seq, rec["item_id"], rec["answer"], float(rec["client_ts"]),
                                    chain.hex()))
        off = end
        seq += 1
    return _Scan(header, entries, chain, off, rewrite_header=False)


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
        key = _check_key(key)
        attempt_id = _check_attempt(attempt_id)
        path = Path(path)
        header = _header_for(key, attempt_id)
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
        key = _check_key(key)
        attempt_id = _check_attempt(attempt_id)
        path = Path(path)
        aead = AESGCM(key)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | _O_CLOEXEC | _O_BINARY)
        try:
            _lock(fd, path)
            data = _read_all(fd)
            scan = _scan(path, data, key, aead, attempt_id)
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
            plaintext = _canonical({"seq": seq, "item_id": item_id, "answer": answer,
                                    "client_ts": ts, "prev": prev})
            if len(plaintext) > _MAX_PLAINTEXT:
                raise ValueError(f"answer too large for the journal ({len(plaintext)} bytes)")
            rec = json.loads(plaintext)  # the form a reopen will give back
            nonce = os.urandom(_NONCE_LEN)
            ciphertext = self._aead.encrypt(nonce, plaintext, _aad(self._header, seq))
            record = (_NONCE_LEN + len(ciphertext)).to_bytes(_LEN_SIZE, "big") + nonce + ciphertext
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
            self._chain = _next_chain(self._chain, nonce, ciphertext)
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
