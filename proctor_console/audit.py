"""The room's audit log: append-only, each entry chained to the one before by SHA-256."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.canonical import canonical_bytes, sha256_hex
from common.storage.base import utcnow
from common.storage.room_models import AuditEntry

GENESIS = "0" * 64


def record(session: Session, actor: str, action: str, **details: Any) -> AuditEntry:
    """Append one entry inside the caller's transaction (so it commits with what it records)."""
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
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
    return entry


def verify_chain(entries: list[dict[str, Any]]) -> bool:
    prev = GENESIS
    for e in entries:
        body = {"at": e["at"], "actor": e["actor"], "action": e["action"], "details": e["details"]}
        if e["prev_hash"] != prev or e["hash"] != sha256_hex(prev.encode() + canonical_bytes(body)):
            return False
        prev = e["hash"]
    return True


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
