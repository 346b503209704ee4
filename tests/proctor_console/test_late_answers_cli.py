"""`proctor-console late-answers` (issue 15): the representative lists, accepts and rejects the
answers that arrived after their sitting's time without the desk; bad input is one line and a
stable exit code, and nothing is decided half."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from common.storage.base import utcnow
from common.storage.room_models import Answer, Attempt, HeldAnswer
from proctor_console import cli
from proctor_console.room.commands import PIN_ENV
from tests.conftest import enrolled


def _held(room_setup) -> tuple[str, list[str]]:
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    cred = room_setup.credentials[0]
    enrolled(room, cred["seat"])
    attempt_id = room.login(cred["login"], cred["password"], cred["seat"])["attempt_id"]
    with room.tx() as s:
        s.get(Attempt, attempt_id).deadline_at = utcnow() - dt.timedelta(minutes=5)
    items = [i for i in room.content().items if i.type == "single_choice"][:2]
    reply = room.save_answers(attempt_id, [
        {"seq": n, "item_id": i.id, "answer": i.options[0].id, "client_ts": 0.0}
        for n, i in enumerate(items, 1)])
    assert reply["held"] == [1, 2]
    return attempt_id, [i.id for i in items]


def test_late_answers_listed_accepted_and_rejected_from_the_command_line(room_setup, capsys,
                                                                         monkeypatch):
    room = room_setup.room
    attempt_id, items = _held(room_setup)
    folder = str(room.paths.root)
    assert cli.main(["late-answers", "--data-dir", folder, "--list"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["seq"], r["decision"], r["attempt_id"]) for r in listed] == [
        (1, "held", attempt_id), (2, "held", attempt_id)]
    ids = {r["seq"]: r["id"] for r in listed}

    # Without the PIN: refused, nothing decided.
    monkeypatch.setenv(PIN_ENV, "0000")
    assert cli.main(["late-answers", "--data-dir", folder, "--login", "rep",
                     "--accept", str(ids[1])]) == 3
    # An unknown id, and one answer both accepted and rejected: refused, nothing decided.
    monkeypatch.setenv(PIN_ENV, "1234")
    assert cli.main(["late-answers", "--data-dir", folder, "--login", "rep",
                     "--accept", str(ids[1]), "--accept", "999"]) == 5
    assert cli.main(["late-answers", "--data-dir", folder, "--login", "rep",
                     "--accept", str(ids[1]), "--reject", str(ids[1])]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [  # one line each, no traceback
        "proctor-console: refused: wrong login or PIN",
        "proctor-console: not found: no such late answer",
        "proctor-console: invalid data: --login and --accept or --reject (not both for one answer)"
        " are needed"]
    with room.read() as s:
        assert {h.decision.value for h in s.scalars(select(HeldAnswer))} == {"held"}

    assert cli.main(["late-answers", "--data-dir", folder, "--login", "rep",
                     "--accept", str(ids[1]), "--reject", str(ids[2])]) == 0
    with room.read() as s:
        assert [(a.seq, a.item_id) for a in s.scalars(select(Answer))] == [(1, items[0])]
        assert {h.seq: h.decision.value for h in s.scalars(select(HeldAnswer))} == {
            1: "accepted", 2: "rejected"}
