"""The journal's file format (version 1) and how a file is read back after a crash.

`exam_client.engine.journal.AnswerJournal` writes and opens journal files; this module says
what the bytes mean: the header, the records, the hash chain, the entries and errors a reader
gives, and how an interrupted append is told from damage.

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

`AnswerJournal.open` reads the whole file. Records are checked in order: the tag under the expected seq, the
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

* none of the above, but no authentic record (the next three seqs) starts anywhere after the
  failing bytes: a power cut left garbage or a torn write where an unsynced append was. Those
  bytes were never synced, so the append never returned and nothing of them was confirmed.

Bytes that fail *before* an authentic record are damage to confirmed data: refused and named.

A torn tail is cut off with ``ftruncate`` followed by fsync, and its length is reported as
`AnswerJournal.recovered_tail_bytes`. Anything else that fails is corruption and raises
`JournalCorrupt`, whose message gives the record index (1-based, equal to its seq) and the
byte offset of the record's length prefix. A wrong key raises `JournalKeyMismatch`. A file
that is empty, or holds only the first part of the expected header (`create` was cut off
before it returned), gets its header written again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_MAGIC = b"CBTJ"
_FORMAT_VERSION = 1
_VERSION_TAG = _MAGIC + str(_FORMAT_VERSION).encode("ascii")  # b"CBTJ1"
_KEY_LEN = 32
NONCE_LEN = 12
_TAG_LEN = 16
LEN_SIZE = 4
_SEQ_SIZE = 8
MAX_PLAINTEXT = 1 << 20
_MIN_RECORD = NONCE_LEN + 2 + _TAG_LEN  # "{}" is the shortest plaintext imaginable
_MAX_RECORD = NONCE_LEN + MAX_PLAINTEXT + _TAG_LEN
_MAX_HEADER = 256
_KEY_CHECK_LABEL = b"CBTJ1 key check\x00"
_KEY_CHECK_HEX = 32
_ATTEMPT_RE = re.compile(r"[\x21-\x7e]{1,128}")
_RECORD_KEYS = frozenset({"seq", "item_id", "answer", "client_ts", "prev"})
_PLAINTEXT_START = b'{"answer":'
_PRINTABLE = bytes(range(0x20, 0x80))  # what ensure_ascii JSON can contain


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



# --------------------------------------------------------------------------- writing records


def check_key(key: Any) -> bytes:
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise ValueError("the journal key must be 32 bytes")
    key = bytes(key)
    if len(key) != _KEY_LEN:
        raise ValueError(f"the journal key must be 32 bytes, not {len(key)}")
    return key


def check_attempt(attempt_id: Any) -> str:
    if not isinstance(attempt_id, str) or not _ATTEMPT_RE.fullmatch(attempt_id):
        raise ValueError("attempt_id must be 1-128 printable ASCII characters without spaces")
    return attempt_id


def header_for(key: bytes, attempt_id: str) -> bytes:
    check = hmac.new(key, _KEY_CHECK_LABEL + attempt_id.encode("ascii"), hashlib.sha256)
    return b"%s %s %s\n" % (_VERSION_TAG, attempt_id.encode("ascii"),
                            check.hexdigest()[:_KEY_CHECK_HEX].encode("ascii"))


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def aad(header: bytes, seq: int) -> bytes:
    return header + seq.to_bytes(_SEQ_SIZE, "big")


def next_chain(chain: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    return hashlib.sha256(chain + nonce + ciphertext).digest()



# --------------------------------------------------------------------------- reading a file back


def _ctr_decrypt(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    """Decrypt a prefix of an AES-GCM ciphertext without its tag (GCM's counter starts at 2)."""
    decryptor = Cipher(algorithms.AES(key), modes.CTR(nonce + b"\x00\x00\x00\x02")).decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


def _is_torn_tail(rest: bytes, key: bytes, seq: int, prev_hex: str) -> bool:
    """Whether ``rest`` (everything after the last good record) is an interrupted append.

    Requires ``len(rest) >= 16`` and a length prefix in the valid range; see the module docs.
    """
    length = int.from_bytes(rest[:LEN_SIZE], "big")
    complete = LEN_SIZE + length == len(rest)
    present = rest.rstrip(b"\0")
    if complete and len(rest) - len(present) < _TAG_LEN:
        return False  # a complete record is torn only if at least its whole tag never arrived
    head = LEN_SIZE + NONCE_LEN
    if len(present) <= head:
        return True  # length and nonce at most; nothing to decrypt
    plaintext_len = length - NONCE_LEN - _TAG_LEN
    body = present[head:]
    plain = _ctr_decrypt(key, rest[LEN_SIZE:head], body[:plaintext_len])
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


class JournalScan:
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
    if len(data) - off >= LEN_SIZE + _MIN_RECORD:
        length = int.from_bytes(data[off:off + LEN_SIZE], "big")
        end = off + LEN_SIZE + length
        if _MIN_RECORD <= length <= _MAX_RECORD and end <= len(data):
            nonce = data[off + LEN_SIZE:off + LEN_SIZE + NONCE_LEN]
            try:
                aead.decrypt(nonce, data[off + LEN_SIZE + NONCE_LEN:end], aad(expected, 1))
            except InvalidTag:
                pass
            else:
                raise JournalCorrupt(f"{where}: the key check value is damaged")
    raise JournalKeyMismatch(f"{path}: the key does not open this journal (wrong key)")


_FOLLOWED = "; valid records follow, so this is damage, not an interrupted append"
_LOOK_AHEAD = 3  # records after a damaged one that may prove it is damage, not a tail


def _record_follows(data: bytes, start: int, header: bytes, aead: AESGCM, seq: int) -> bool:
    """Whether an authentic record (seq .. seq+3) starts anywhere after byte `start`.

    After a power cut the bytes past the last synced record may be anything (a torn append,
    garbage from sectors that were being written); they were never confirmed, so they are cut.
    Bytes that fail *before* an authentic record are damage to confirmed data, and refused.
    """
    size = len(data)
    for pos in range(start + 1, size - LEN_SIZE - _MIN_RECORD + 1):
        length = int.from_bytes(data[pos:pos + LEN_SIZE], "big")
        end = pos + LEN_SIZE + length
        if not _MIN_RECORD <= length <= _MAX_RECORD or end > size:
            continue
        nonce = data[pos + LEN_SIZE:pos + LEN_SIZE + NONCE_LEN]
        for later in range(seq, seq + 1 + _LOOK_AHEAD):
            try:
                aead.decrypt(nonce, data[pos + LEN_SIZE + NONCE_LEN:end], aad(header, later))
            except InvalidTag:
                continue
            return True
    return False


def scan_journal(path: Path, data: bytes, key: bytes, aead: AESGCM, attempt_id: str) -> JournalScan:
    expected = header_for(key, attempt_id)
    newline = data.find(b"\n", 0, _MAX_HEADER)
    if newline < 0:
        if len(data) < len(expected) and (expected.startswith(data) or not data.strip(b"\0")):
            # create() was cut off before it returned: no record can exist.
            chain = hashlib.sha256(expected).digest()
            return JournalScan(expected, [], chain, 0, rewrite_header=True)
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
        if rest_len < LEN_SIZE + NONCE_LEN:
            break  # a record always has more than this: an interrupted append
        length = int.from_bytes(data[off:off + LEN_SIZE], "big")
        end = off + LEN_SIZE + length
        if not _MIN_RECORD <= length <= _MAX_RECORD:
            if not data[off:].strip(b"\0") or not _record_follows(data, off, header, aead, seq):
                break  # zero-filled, torn or garbage tail: never synced, never confirmed
            raise _corrupt(path, seq, off, f"impossible record length {length}{_FOLLOWED}")
        if end > size:
            if (_is_torn_tail(data[off:], key, seq, chain.hex())
                    or not _record_follows(data, off, header, aead, seq)):
                break
            raise _corrupt(path, seq, off, f"length prefix ({length}) runs past the end of the "
                                           f"file{_FOLLOWED}")
        nonce = data[off + LEN_SIZE:off + LEN_SIZE + NONCE_LEN]
        ciphertext = data[off + LEN_SIZE + NONCE_LEN:end]
        try:
            plaintext = aead.decrypt(nonce, ciphertext, aad(header, seq))
        except InvalidTag:
            if ((end == size and _is_torn_tail(data[off:], key, seq, chain.hex()))
                    or not _record_follows(data, off, header, aead, seq)):
                break  # the unsynced tail of a power cut: torn, or garbage
            raise _corrupt(path, seq, off, "authentication failed (damaged, reordered, or "
                                           f"taken from another journal){_FOLLOWED}") from None
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
        chain = next_chain(chain, nonce, ciphertext)
        entries.append(JournalEntry(seq, rec["item_id"], rec["answer"], float(rec["client_ts"]),
                                    chain.hex()))
        off = end
        seq += 1
    return JournalScan(header, entries, chain, off, rewrite_header=False)

