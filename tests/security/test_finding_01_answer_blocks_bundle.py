"""Finding 1 (issue 15): one student could stop the room's results from ever reaching the centre.

`answer` was any JSON: a list nested ~960 deep in a 2 KB request was stored and sealed, and the
centre refused the whole bundle (`payload_unreadable`, one `json.loads` out of recursion); 20 MiB
answers made the bundle too large. Now the room refuses an answer its item could not have been
given (shape, ids, length: common/domain/answer_checks.py) and any body over its limit, and the
centre, given such an answer by a room that did not refuse it, refuses that attempt alone.
"""

from __future__ import annotations

import json
import sys

from sqlalchemy import insert

from central_scorer.ingest.bundles import ingest
from common.storage.base import utcnow
from common.storage.room_models import Answer
from proctor_console.room import sealing
from tests.security.conftest import bearer, kiosk_login


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _items(room):
    return {item.id: item for item in room.content().items}


def test_a_deep_or_huge_answer_is_refused_at_the_room_and_the_bundle_gets_through(open_room, attacker):
    room, centre = open_room.room, open_room.centre
    victim, other = open_room.credentials[:2]
    me = kiosk_login(attacker, victim, room)
    item_id = me["content"]["sections"][0]["items"][0]["id"]

    # The 2 KB request with an answer nested 960 deep: refused (past the request parser's stack it
    # is not read at all; within it, the answer check names the item), nothing stored.
    for depth in (960, 100):
        body = ('{"entries":[{"seq":1,"item_id":"%s","client_ts":0,"answer":%s}]}'
                % (item_id, _nested(depth))).encode()
        assert len(body) < 2100
        reply = attacker.post("/attempt/answers", content=body, headers={
            **bearer(me), "Content-Type": "application/json"})
        assert reply.status_code in (400, 422), reply.text
    assert reply.status_code == 422
    assert reply.json()["error"] == "answer_invalid" and item_id in reply.json()["message"]

    # An answer of 20 MiB: refused before it is read (413), nothing stored.
    huge = json.dumps({"entries": [{"seq": 1, "item_id": item_id, "client_ts": 0,
                                    "answer": "x" * (20 * 1024 * 1024)}]})
    reply = attacker.post("/attempt/answers", content=huge, headers={
        **bearer(me), "Content-Type": "application/json"})
    assert reply.status_code == 413, reply.text
    # A typed answer longer than its item allows, and an option the item does not have.
    for answer in ("a" * 5000, ["no-such-option"], {"g": 1}):
        reply = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": [
            {"seq": 1, "item_id": item_id, "client_ts": 0, "answer": answer}]})
        assert reply.status_code == 422, reply.text
    with room.read() as s:
        assert s.query(Answer).count() == 0

    # A valid answer is still taken, and the room's bundle is read by the centre.
    item = _items(room)[item_id]
    good = item.options[0].id
    reply = attacker.post("/attempt/answers", headers=bearer(me), json={"entries": [
        {"seq": 1, "item_id": item_id, "client_ts": 0, "answer": good}]})
    assert reply.status_code == 200 and reply.json()["acked_seq"] == 1
    kiosk_login(attacker, other, room)
    sealed = sealing.seal(room, "rep")
    with open(sealed["path"], "rb") as f:
        report = ingest(centre, f.read())
    assert report.status == "stored" and report.refused == []


def test_a_room_that_stored_a_deep_answer_loses_that_attempt_only(open_room, attacker):
    """A compromised (or old) room seals an answer nested past the centre's parser: the centre
    stores the bundle, refuses that one attempt by name, and scores the others."""
    room, centre = open_room.room, open_room.centre
    bad, good = (kiosk_login(attacker, c, room) for c in open_room.credentials[:2])
    first = bad["content"]["sections"][0]["items"][0]["id"]
    with room.tx() as s:  # the room's own database, written as its owner could
        s.execute(insert(Answer.__table__), [{"attempt_id": bad["attempt_id"], "seq": 1, "item_id": first,
                                             "answer_json": _nested(990), "client_ts": 0.0,
                                             "received_at": utcnow()}])
    good_answer = _items(room)[first].options[0].id
    assert attacker.post("/attempt/answers", headers=bearer(good), json={"entries": [
        {"seq": 1, "item_id": first, "client_ts": 0, "answer": good_answer}]}).status_code == 200
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)  # the room's owner seals with whatever stack it likes
    try:
        sealed = sealing.seal(room, "rep")
    finally:
        sys.setrecursionlimit(limit)
    with open(sealed["path"], "rb") as f:
        report = ingest(centre, f.read())
    assert report.status == "stored"
    assert [r["attempt_id"] for r in report.refused] == [bad["attempt_id"]]
    assert report.scored == 1
