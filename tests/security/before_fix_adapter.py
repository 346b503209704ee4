"""Findings 7, 8 and 10 (the lower ones) tried on the code from before issue 15 (commit d50c2dc).

Not collected by the project's suite (its name does not start with ``test_``): it is copied as
``tests/security/test_before_fix.py`` into a checkout of that commit and run there, to show that
each finding's attack succeeded before its fix (docs/SECURITY.md, "Seen failing before the fix").
The attacks are the ones of test_finding_07_audit_rewritten.py, test_finding_08_upload_area.py
and test_finding_10_lower_findings.py; only what did not exist then is adapted, so that what
fails is the attack's assertion, never an import:

- that commit's kiosk logs in with the seat in the body and the ``X-Workstation`` header (no
  enrolment); its audit hash is ``audit._entry_hash``; its ingest report has no ``audit`` flag
  (read as "ok": the centre did not look at the log);
- no chunk was signed (no ``common.upload_auth``): the attacker sends none, as anyone could.
"""

from __future__ import annotations

import json
import os
import ssl
import stat

import httpx
import pytest
from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from central_scorer.web.server import create_app
from common.crypto.tls import make_self_signed
from common.protocol import API
from common.storage.central_models import CentralPackage
from common.storage.room_models import Attempt, AuditEntry, Package
from proctor_console.room import audit, sealing
from tls_server import serve_tls

MIB = 1 << 20


@pytest.fixture
def open_room(room_setup):
    for cred in room_setup.credentials:
        room_setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room_setup.room.start(room_setup.package["start_code"], "rep")
    return room_setup


@pytest.fixture
def attacker(room_server):
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}{API}", verify=False,
                      timeout=30) as client:
        yield client


def _kiosk_login(client: httpx.Client, cred: dict) -> None:
    reply = client.post("/session/login", headers={"X-Workstation": cred["seat"]}, json={
        "login": cred["login"], "password": cred["password"], "workstation_id": cred["seat"]})
    assert reply.status_code == 200, reply.text


def _seal_and_ingest(room, centre):
    with open(sealing.seal(room, "rep")["path"], "rb") as f:
        return ingest(centre, f.read())


def _delete_and_rechain(room, action: str) -> None:
    """As test_finding_07: the room's owner removes an entry and recomputes every hash after it."""
    with room.tx() as s:
        victim = s.scalars(select(AuditEntry).where(AuditEntry.action == action)).first()
        s.delete(victim)
        s.flush()
        prev = audit.GENESIS
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        for e in rows:
            e.prev_hash = prev
            e.hash = audit._entry_hash(prev, e.at.isoformat(), e.actor, e.action,
                                       json.loads(e.details_json))
            prev = e.hash
        last = rows[-1]
    with room.tx() as s:
        for new_id, e in enumerate(list(s.scalars(select(AuditEntry).order_by(AuditEntry.id))), start=1):
            if e.id != new_id:
                s.execute(AuditEntry.__table__.update().where(AuditEntry.id == e.id).values(id=new_id))
    with room.read() as s:
        count = s.query(AuditEntry).count()
    (room.paths.root / audit.HEAD_FILE).write_text(json.dumps({"id": count, "hash": last.hash}))


def test_finding_07_a_rechained_log_is_flagged_by_the_centre(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    _kiosk_login(attacker, open_room.credentials[0])
    _seal_and_ingest(room, centre)
    _delete_and_rechain(room, "login")
    with room.read() as s:
        assert audit.verify(s, room.paths.root).ok
    second = _seal_and_ingest(room, centre)
    flag = getattr(second, "audit", "ok")
    assert second.status == "stored" and flag.startswith("rewritten"), flag


def test_finding_07_a_broken_log_is_flagged(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    _kiosk_login(attacker, open_room.credentials[0])
    with room.tx() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).first()
        entry.details_json = json.dumps({"individual_code": "someone else"})
    report = _seal_and_ingest(room, centre)
    flag = getattr(report, "audit", "ok")
    assert report.status == "stored" and flag.startswith("broken"), flag


def test_finding_08_anyone_uploads_nothing(room_setup, tmp_path):
    centre = room_setup.centre
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    chunk = os.urandom(MIB)
    with serve_tls(create_app(centre), cert, key) as port:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}{API}/uploads",
                          verify=ssl.create_default_context(cafile=str(cert)), timeout=60) as http:
            replies = [http.put(f"/{n:064x}", params={"offset": 0, "total": 256 * MIB}, content=chunk)
                       for n in (1, 2, 3)]
    kept = sorted((centre.root / "uploads").rglob("*.part"))
    assert [r.status_code for r in replies] == [401] * 3 and kept == [], (
        [r.text for r in replies], [p.name for p in kept])


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_finding_10_the_room_and_centre_files_are_the_owners_alone(room_setup):
    room, centre = room_setup.room, room_setup.centre
    modes = (_mode(room.paths.root), _mode(room.paths.database), _mode(centre.root),
             _mode(centre.root / "central.sqlite3"))
    assert modes == (0o700, 0o600, 0o700, 0o600), [oct(m) for m in modes]


def test_finding_10_the_centre_database_does_not_hold_start_codes(room_setup):
    centre, code = room_setup.centre, room_setup.package["start_code"]
    with centre.read() as s:
        row = s.scalars(select(CentralPackage)).first()
    assert code not in row.start_code, row.start_code


def test_finding_10_the_room_database_alone_opens_no_journal_and_not_the_test(room_setup):
    import base64

    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    reply = room.login(cred["login"], cred["password"], cred["seat"])
    journal_key = base64.b64decode(reply["journal_key"])
    with room.read() as s:
        stored = s.get(Attempt, reply["attempt_id"]).journal_key
        content_key = s.scalar(select(Package.content_key))
    assert journal_key not in stored and len(content_key) > 32, (len(stored), len(content_key))
