"""Finding 4 (issue 15): answers were accepted ~10 minutes after the deadline.

The late check trusted the kiosk's `client_ts`, sittings stayed open until sealing, and logging in
after the deadline worked. The attacker here is a kiosk (a raw client with a student's session)
that keeps answering after the time is over, claiming it journalled each answer before the end.
The room's clock alone decides: it closes the sitting by itself, a later login gets the result,
never the test, and the late answers are held apart (HTTP 202), not scored, until the
representative accepts them (then they count, marked `late_accepted` in the bundle and counted at
the centre) or rejects them (then they never reach the bundle).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from common.bundle import open_bundle
from common.storage.base import utcnow
from common.storage.room_models import Answer, Attempt, AuditEntry, HeldAnswer, Workstation
from proctor_console.room import sealing
from proctor_console.room.package import attempt_content
from tests.security.conftest import bearer, kiosk_login


def _move_deadline(room, attempt_id: str, to: dt.datetime) -> None:
    with room.tx() as s:  # as if the time had passed: the server's clock is now past it
        s.get(Attempt, attempt_id).deadline_at = to


def _representative(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_answers_after_the_deadline_are_held_until_the_representative_decides(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    cred = open_room.credentials[0]
    me = kiosk_login(attacker, cred, room)
    with room.read() as s:
        content = attempt_content(room, s.get(Attempt, me["attempt_id"]))
    items = [i for i in content.items if i.type == "single_choice"]
    deadline = utcnow() - dt.timedelta(minutes=2)
    _move_deadline(room, me["attempt_id"], deadline)

    # "Journalled 5 minutes before the end", sent 2 minutes after it (past the 30 s grace).
    claim = (deadline - dt.timedelta(minutes=5)).timestamp()
    entries = [{"seq": n, "item_id": item.id, "client_ts": claim, "answer": item.correct[0]}
               for n, item in enumerate(items[:2], 1)]
    reply = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": entries})
    assert reply.status_code == 202 and reply.json()["held"] == [1, 2], reply.text
    assert reply.json()["acked_seq"] == 2  # received: the kiosk need not send them again
    again = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": entries})
    assert again.status_code == 202 and again.json()["held"] == [1, 2]  # held once
    with room.read() as s:
        assert s.query(Answer).count() == 0  # not scored
        assert [h.decision.value for h in s.scalars(select(HeldAnswer))] == ["held", "held"]

    # The room closes the sitting by itself (no submit, no sealing), within a few seconds.
    status = None
    for _ in range(50):
        status = attacker.get("/attempt/state", headers=bearer(me))
        if status.status_code != 200 or status.json()["status"] == "submitted":
            break
        time.sleep(0.2)
    with room.read() as s:
        attempt = s.get(Attempt, me["attempt_id"])
        assert attempt.status.value == "submitted" and attempt.score == 0

    # Logging in again shows the result, not the test.
    again = attacker.post("/session/login", headers=me["_headers"], json={
        "login": cred["login"], "password": cred["password"]})
    assert again.status_code == 409 and again.json()["error"] == "attempt_closed", again.text
    assert "content" not in again.json() and again.json()["details"]["result"]["status"] == "submitted"

    # Only the representative sees and decides them; the kiosk's session cannot.
    assert attacker.get("/proctor/late-answers", headers=bearer(me)).status_code == 401
    assert attacker.post("/proctor/late-answers/decide", headers=bearer(me),
                         json={"ids": [1], "decision": "accept"}).status_code == 401
    rep = _representative(open_room.rep_token)
    listed = attacker.get("/proctor/late-answers", headers=rep).json()["late_answers"]
    assert [(h["seat"], h["seq"], h["decision"]) for h in listed] == [
        (cred["seat"], 1, "held"), (cred["seat"], 2, "held")]
    assert listed[0]["client_ts"] == claim and listed[0]["deadline_at"] == deadline.isoformat()
    by_seq = {h["seq"]: h["id"] for h in listed}
    reply = attacker.post("/proctor/late-answers/decide", headers=rep,
                          json={"ids": [by_seq[2]], "decision": "reject"})
    assert reply.status_code == 200, reply.text
    reply = attacker.post("/proctor/late-answers/decide", headers=rep,
                          json={"ids": [by_seq[1]], "decision": "accept"})
    assert reply.status_code == 200, reply.text
    twice = attacker.post("/proctor/late-answers/decide", headers=rep,
                          json={"ids": [by_seq[1]], "decision": "reject"})
    assert twice.status_code == 400  # decided once
    with room.read() as s:
        stored = [(a.seq, a.item_id) for a in s.scalars(select(Answer))]
        attempt = s.get(Attempt, me["attempt_id"])
        actions = [(e.actor, e.action) for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("late_answers_%")).order_by(AuditEntry.id))]
    assert stored == [(1, items[0].id)]  # the accepted one only
    assert actions == [("room", "late_answers_held"), ("rep", "late_answers_rejected"),
                       ("rep", "late_answers_accepted")]
    assert attempt.score == items[0].points > 0  # re-scored with the accepted (right) answer

    # The bundle marks the accepted answer and carries no rejected one; the centre counts it.
    sealed = sealing.seal(room, "rep")
    raw = Path(sealed["path"]).read_bytes()
    opened = open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                         centre_id=centre.centre_id)
    mine = next(a for a in opened.parts["attempts"] if a["attempt_id"] == me["attempt_id"])
    assert [(r["seq"], r.get("late_accepted")) for r in mine["responses"]] == [(1, True)]
    report = ingest(centre, raw)
    assert report.status == "stored" and report.refused == []
    assert report.late_accepted == [{"individual_code": cred["individual_code"], "seqs": [1]}]


def test_a_login_after_the_deadline_gets_no_test_even_before_the_room_closes_it(open_room, attacker):
    room = open_room.room
    cred = open_room.credentials[1]
    me = kiosk_login(attacker, cred, room)
    with room.tx() as s:
        s.get(Attempt, me["attempt_id"]).deadline_at = utcnow() - dt.timedelta(minutes=1)
    again = attacker.post("/session/login", headers=me["_headers"], json={
        "login": cred["login"], "password": cred["password"]})
    assert again.status_code == 409 and again.json()["error"] == "attempt_closed", again.text
    assert "journal_key" not in again.text and "content" not in again.json()


def test_the_representative_sees_each_kiosks_offline_period(open_room, attacker):
    """Beside a late answer: the workstation's last report before its silence and its first
    contact after (a heartbeat, or the late save itself), from the room's own clock."""
    room = open_room.room
    report = {"build_hash": "b" * 64, "screen": "1920x1080", "client_time": utcnow().timestamp(),
              "free_disk_mb": 5000, "kiosk_locked": True}
    silent_since = utcnow() - dt.timedelta(minutes=6)
    held = {}
    for cred, heartbeat_first in ((open_room.credentials[0], True), (open_room.credentials[1], False)):
        me = kiosk_login(attacker, cred, room)
        assert attacker.post("/kiosk/register", json=report, headers=me["_headers"]).status_code == 200
        with room.tx() as s:  # the kiosk went silent six minutes ago; the time ended at -2 min
            s.get(Workstation, cred["seat"]).last_seen_at = silent_since
            s.get(Attempt, me["attempt_id"]).deadline_at = utcnow() - dt.timedelta(minutes=2)
        if heartbeat_first:  # the link is back: its heartbeat reaches the room before its answers
            assert attacker.post("/kiosk/heartbeat", json=report, headers=bearer(me)).status_code == 200
        item = room.content().items[0]
        reply = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": [
            {"seq": 1, "item_id": item.id, "client_ts": 0, "answer": item.options[0].id}]})
        assert reply.status_code == 202, reply.text
        held[cred["seat"]] = me
    rep = _representative(open_room.rep_token)
    listed = {h["seat"]: h for h in attacker.get("/proctor/late-answers", headers=rep).json()["late_answers"]}
    with room.read() as s:
        back = s.get(Workstation, open_room.credentials[0]["seat"]).silent_until
    first, second = (listed[c["seat"]] for c in open_room.credentials[:2])
    assert first["offline_from"] == silent_since.isoformat()
    assert first["offline_until"] == back.isoformat() and back.isoformat() <= first["received_at"]
    assert second["offline_from"] == silent_since.isoformat()
    assert second["offline_until"] == second["received_at"]  # the late save was its first contact
