"""The room's audit log: append-only, each entry chained to the one before by SHA-256.

Every entry says who, when, what, and — where something changed — what it was before and after
(``details["before"]``, ``details["after"]``). An entry's hash covers its time, actor, action and
details and the hash of the entry before it, so changing any stored field of any entry, or taking
an entry out of the middle, breaks the chain at that entry.

Taking entries off the *end* leaves a shorter chain that is still whole; to see that, the room
keeps the newest entry's number and hash in a file beside the database (``audit-head.json``,
written durably after each commit), and `verify` checks that the chain still holds it. The sealed
bundle carries the whole log to the centre, which is the copy no one in the room can change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from common.audit_chain import GENESIS, entry_hash
from common.audit_chain import problem as chain_problem
from common.canonical import canonical_bytes, sha256_hex
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.room_models import AuditEntry

HEAD_FILE = "audit-head.json"
_PENDING = "audit_pending"  # key in Session.info: the entries this transaction appended


def record(session: Session, actor: str, action: str, **details: Any) -> AuditEntry:
    """Append one entry inside the caller's transaction (so it commits with what it records).

    Pass ``before=`` and ``after=`` (plain JSON values) for anything that changes.
    """
    pending: list[AuditEntry] = session.info.setdefault(_PENDING, [])
    last = pending[-1] if pending else session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last.hash if last else GENESIS
    at = utcnow()
    body = {"at": at.isoformat(), "actor": actor, "action": action, "details": details}
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        details_json=json.dumps(details, ensure_ascii=False, sort_keys=True),
        prev_hash=prev,
        hash=sha256_hex(prev.encode() + canonical_bytes(body)),
    )
    session.add(entry)
    session.flush()  # the id now, so the head can be noted after the commit
    pending.append(entry)
    return entry


def committed(session: Session, data_dir: Path) -> None:
    """After a commit: note the newest entry (number and hash) beside the database, durably."""
    pending: list[AuditEntry] = session.info.pop(_PENDING, [])
    if pending:
        last = pending[-1]
        write_durably(Path(data_dir) / HEAD_FILE,
                      json.dumps({"id": last.id, "hash": last.hash}).encode())


def discarded(session: Session) -> None:
    session.info.pop(_PENDING, None)


def verify_chain(entries: list[dict[str, Any]]) -> bool:
    """An exported log (as in the bundle) is whole (common/audit_chain.py)."""
    return chain_problem(entries) is None


@dataclass(frozen=True)
class Verdict:
    """The result of checking the stored log. `broken_id` is None when the log is whole."""

    entries: int
    head_hash: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    def to_dict(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "entries": self.entries, "head_hash": self.head_hash}
        return {"ok": False, "entries": self.entries, "broken_entry": self.broken_id,
                "reason": self.reason}


def verify(session: Session, data_dir: Path | None = None) -> Verdict:
    """Check every stored entry, in order; name the first that is changed, missing or out of place.

    Reads the raw columns, so a changed time, actor, action, details or hash is seen as it is
    stored. With `data_dir`, also checks that the newest entry noted there is still in the chain.
    """
    prev, expected_id, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    # The time as stored (text), so a time changed into nonsense is a broken entry, not a crash.
    rows = session.execute(select(AuditEntry.id, type_coerce(AuditEntry.at, String),
                                  AuditEntry.actor, AuditEntry.action, AuditEntry.details_json,
                                  AuditEntry.prev_hash, AuditEntry.hash).order_by(AuditEntry.id))
    for entry_id, stored_at, actor, action, details_json, prev_hash, digest in rows:
        count += 1
        if entry_id != expected_id:
            return Verdict(count, prev, expected_id,
                           f"entry {expected_id} is missing (the next stored entry is {entry_id})")
        if prev_hash != prev:
            return Verdict(count, prev, entry_id, "its link to the entry before it does not match "
                                                  "(an entry before it was changed or removed)")
        try:
            details = json.loads(details_json)
            at = dt.datetime.fromisoformat(str(stored_at)).replace(tzinfo=dt.timezone.utc)
        except (TypeError, ValueError):
            return Verdict(count, prev, entry_id, "its time or details cannot be read")
        if digest != entry_hash(prev, at.isoformat(), actor, action, details):
            return Verdict(count, prev, entry_id, "its content does not match its hash")
        hashes[entry_id] = digest
        prev, expected_id = digest, expected_id + 1
    if data_dir is not None:
        head = read_head(data_dir)
        if head == _UNREADABLE:
            return Verdict(count, prev, 0, f"{HEAD_FILE} (the note of the newest entry) is unreadable")
        if head is not None:
            head_id, head_hash = head
            if head_id not in hashes:
                return Verdict(count, prev, head_id if head_id > count else count,
                               f"entries up to {head_id} were written, but the log ends at "
                               f"{count}: entries were removed from its end")
            if hashes[head_id] != head_hash:
                return Verdict(count, prev, head_id, "it is not the entry noted as the newest "
                                                     f"in {HEAD_FILE}")
    return Verdict(count, prev)


def read_head(data_dir: Path) -> tuple[int, str] | None:
    try:
        head = json.loads((Path(data_dir) / HEAD_FILE).read_text("utf-8"))
        return int(head["id"]), str(head["hash"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return _UNREADABLE


_UNREADABLE = (0, "unreadable")


def export(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "details": json.loads(e.details_json),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]
