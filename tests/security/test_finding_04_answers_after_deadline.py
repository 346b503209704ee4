"""Finding 4 (issue 15): answers were accepted ~10 minutes after the deadline.

The late check trusted the kiosk's `client_ts`, sittings stayed open until sealing, and logging in
after the deadline worked. The attacker here is a kiosk (a raw client with a student's session)
that keeps answering after the time is over, claiming it journalled each answer before the end;
the room's clock alone decides, it closes the sitting by itself, and a later login gets the
result, never the test.
"""

from __future__ import annotations

import datetime as dt
import time

from common.storage.base import utcnow
from common.storage.room_models import Answer, Attempt
from tests.security.conftest import bearer, kiosk_login


def _move_deadline(room, attempt_id: str, to: dt.datetime) -> None:
    with room.tx() as s:  # as if the time had passed: the server's clock is now past it
        s.get(Attempt, attempt_id).deadline_at = to


def test_answers_after_the_deadline_are_refused_and_the_sitting_closes(open_room, attacker):
    room = open_room.room
    cred = open_room.credentials[0]
    me = kiosk_login(attacker, cred, room)
    item = room.content().items[0]
    deadline = utcnow() - dt.timedelta(minutes=2)
    _move_deadline(room, me["attempt_id"], deadline)

    # "Journalled 5 minutes before the end", sent 2 minutes after it (past the 30 s grace).
    claim = (deadline - dt.timedelta(minutes=5)).timestamp()
    reply = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": [
        {"seq": 1, "item_id": item.id, "client_ts": claim, "answer": item.options[0].id}]})
    assert reply.status_code == 409 and reply.json()["error"] == "attempt_closed", reply.text
    with room.read() as s:
        assert s.query(Answer).count() == 0

    # The room closes the sitting by itself (no submit, no sealing), within a few seconds.
    status = None
    for _ in range(50):
        status = attacker.get("/attempt/state", headers=bearer(me))
        if status.status_code != 200 or status.json()["status"] == "submitted":
            break
        time.sleep(0.2)
    with room.read() as s:
        assert s.get(Attempt, me["attempt_id"]).status.value == "submitted"

    # Logging in again shows the result, not the test.
    again = attacker.post("/session/login", headers=me["_headers"], json={
        "login": cred["login"], "password": cred["password"]})
    assert again.status_code == 409 and again.json()["error"] == "attempt_closed", again.text
    assert "content" not in again.json() and again.json()["details"]["result"]["status"] == "submitted"


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
