"""Which kiosk PC is asking (issue 15): each workstation is enrolled once, at set-up, and proves
itself on every request with the credential it was given then.

The representative enrols a seat (`enrol`: the desk, or `proctor-console enrol`); the room makes a
random credential, shows it once (it goes into that PC's configuration with
`cbt-kiosk-setup install --workstation-key`) and keeps only its SHA-256. A kiosk sends it in the
`X-Workstation-Key` header over the pinned TLS link; `workstation_for` turns it into the
workstation id, and that alone is the seat of a login, the workstation a session is bound to, and
the workstation a readiness report is about. A request without a valid credential can do nothing a
kiosk does: no registration, no heartbeat, no login try, so no lockout either. Enrolments are
listed for the representative and can be revoked (a stolen or replaced PC).
"""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

from sqlalchemy import select

from common.domain.roster import SEAT_PATTERN
from common.storage.base import utcnow
from common.storage.room_models import Enrolment, Workstation
from proctor_console.room import audit
from proctor_console.room.errors import NotFound, RoomError, Unauthorized
from proctor_console.room.store import RoomStore

HEADER = "X-Workstation-Key"
_ALPHABET = string.ascii_letters + string.digits


class NotEnrolled(Unauthorized):
    """The request carries no credential of an enrolled workstation."""

    code = "not_enrolled"


def _sha(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def enrol(room: RoomStore, workstation_id: str, actor: str) -> dict[str, str]:
    """Enrol (or enrol again) a workstation; returns its credential, shown this once."""
    workstation_id = workstation_id.strip()
    if not SEAT_PATTERN.match(workstation_id):
        raise RoomError("a workstation is named by its seat: 1-16 letters, digits or '-'")
    # 20 letters and digits (119 bits): typed in by hand if need be, and never read as an option
    credential = "".join(secrets.choice(_ALPHABET) for _ in range(20))
    with room.tx() as s:
        row = s.get(Enrolment, workstation_id)
        again = row is not None
        if row is None:
            row = Enrolment(workstation_id=workstation_id, enrolled_by=actor)
            s.add(row)
        row.credential_sha256, row.enrolled_at, row.enrolled_by = _sha(credential), utcnow(), actor
        row.revoked_at = None
        audit.record(s, actor, "workstation_enrolled", workstation_id=workstation_id, again=again)
    room.enrolled = None
    return {"workstation_id": workstation_id, "workstation_key": credential}


def revoke(room: RoomStore, workstation_id: str, actor: str) -> dict[str, str]:
    with room.tx() as s:
        row = s.get(Enrolment, workstation_id)
        if row is None or row.revoked_at is not None:
            raise NotFound(f"no enrolled workstation {workstation_id}")
        row.revoked_at = utcnow()
        audit.record(s, actor, "workstation_enrolment_revoked", workstation_id=workstation_id)
    room.enrolled = None
    return {"workstation_id": workstation_id, "status": "revoked"}


def enrolments(room: RoomStore) -> list[dict[str, Any]]:
    """Every workstation ever enrolled, with when its kiosk last reported, for the representative."""
    with room.read() as s:
        rows = list(s.execute(select(Enrolment, Workstation.last_seen_at).outerjoin(
            Workstation, Workstation.workstation_id == Enrolment.workstation_id)
            .order_by(Enrolment.workstation_id)))
    return [{"workstation_id": r.workstation_id, "enrolled_at": r.enrolled_at.isoformat(),
             "enrolled_by": r.enrolled_by,
             "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
             "last_seen_at": seen.isoformat() if seen else None} for r, seen in rows]


def known(room: RoomStore, credential: str | None) -> bool:
    """Whether `workstation_for(credential)` answers from memory (no database read)."""
    table = room.enrolled
    return bool(credential) and table is not None and _sha(credential) in table


def workstation_for(room: RoomStore, credential: str | None) -> str:
    """The enrolled workstation this credential proves, or NotEnrolled."""
    if not credential:
        raise NotEnrolled("this computer is not enrolled in the room: ask the representative")
    digest = _sha(credential)
    table = room.enrolled
    if table is None or digest not in table:  # read again: it may have been enrolled just now
        with room.read() as s:
            table = {r.credential_sha256: r.workstation_id for r in s.scalars(
                select(Enrolment).where(Enrolment.revoked_at.is_(None)))}
        room.enrolled = table
    workstation = table.get(digest)
    if workstation is None:
        raise NotEnrolled("this computer is not enrolled in the room: ask the representative")
    return workstation
