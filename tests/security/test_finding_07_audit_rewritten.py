"""Finding 7 (issue 15): the audit chain could be rewritten undetected.

It was a plain SHA-256 chain: whoever holds the room's database deletes an entry, recomputes the
hashes after it and the head note, and `audit verify` says ok; the centre never checked the log it
received. Now each bundle's signed manifest carries a checkpoint of the log (entries, newest
hash), and the centre checks every bundle's chain and that it still holds the checkpoint of the
room's bundle before: the re-chained log is flagged at the next bundle, and stored as flagged.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from common.audit_chain import GENESIS, entry_hash
from common.storage.central_models import ReceivedBundle
from common.storage.room_models import AuditEntry
from proctor_console.room import audit, sealing
from tests.security.conftest import kiosk_login


def _seal_and_ingest(room, centre):
    with open(sealing.seal(room, "rep")["path"], "rb") as f:
        return ingest(centre, f.read())


def _delete_and_rechain(room, action: str) -> None:
    """The room's owner removes an entry and recomputes every hash after it, and the head note."""
    with room.tx() as s:
        victim = s.scalars(select(AuditEntry).where(AuditEntry.action == action)).first()
        s.delete(victim)
        s.flush()
        prev = GENESIS
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        for new_id, e in enumerate(rows, start=1):
            details = json.loads(e.details_json)
            e.prev_hash = prev
            e.hash = entry_hash(prev, e.at.isoformat(), e.actor, e.action, details)
            prev = e.hash
        last = rows[-1]
    # ids renumbered by hand as well, so that nothing in the room's own check is missing
    with room.tx() as s:
        for new_id, e in enumerate(list(s.scalars(select(AuditEntry).order_by(AuditEntry.id))), start=1):
            if e.id != new_id:
                s.execute(AuditEntry.__table__.update().where(AuditEntry.id == e.id).values(id=new_id))
    with room.read() as s:
        count = s.query(AuditEntry).count()
    (room.paths.root / audit.HEAD_FILE).write_text(json.dumps({"id": count, "hash": last.hash}))


def test_a_rechained_log_is_flagged_by_the_centre(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    cred = open_room.credentials[0]
    kiosk_login(attacker, cred, room)
    first = _seal_and_ingest(room, centre)
    assert first.audit == "ok"

    _delete_and_rechain(room, "login")  # the student's login, gone from the room's record
    with room.read() as s:
        assert audit.verify(s, room.paths.root).ok  # the room's own check is fooled, as before
    second = _seal_and_ingest(room, centre)
    assert second.status == "stored" and second.audit.startswith("rewritten"), second.audit
    with centre.read() as s:
        flags = dict(s.execute(select(ReceivedBundle.sequence, ReceivedBundle.audit_status)).all())
    assert flags[1] == "ok" and flags[2].startswith("rewritten")


def test_a_broken_log_is_flagged(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    kiosk_login(attacker, open_room.credentials[0], room)
    with room.tx() as s:  # an entry changed in place, nothing recomputed
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).first()
        entry.details_json = json.dumps({"individual_code": "someone else"})
    report = _seal_and_ingest(room, centre)
    assert report.status == "stored" and report.audit.startswith("broken"), report.audit
