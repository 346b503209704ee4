"""The engine's additions for the screen: the server's clock, a sitting the room closed first,
the readiness report, and the files that tell an interrupted sitting from a finished one."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from common.storage.room_models import Attempt, Workstation
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine, build_hash
from tests.conftest import enrolled


@pytest.fixture
def engine(tmp_path, room_setup, room_server):
    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    e = KioskEngine(KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint,
                                cred["seat"], tmp_path / "kiosk",
                                workstation_key=enrolled(room, cred["seat"])))
    yield e, cred
    e.close()


def test_the_servers_deadline_and_clock_rule_the_sitting(engine, room_setup):
    e, cred = engine
    sitting = e.login(cred["login"], cred["password"])
    assert 80 * 60 - 5 < sitting.remaining_seconds() <= 80 * 60
    with room_setup.room.tx() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        attempt.deadline_at = attempt.deadline_at + dt.timedelta(minutes=15)
    state = sitting.reconcile()
    assert state["status"] == "in_progress" and not state["locked"]
    assert 95 * 60 - 5 < sitting.remaining_seconds() <= 95 * 60
    assert abs(sitting.server_now() - time.time()) < 1.0  # same machine, same clock
    sitting.close()


def test_a_sitting_the_room_closed_first_still_ends_with_its_result(engine, room_setup):
    e, cred = engine
    room = room_setup.room
    sitting = e.login(cred["login"], cred["password"])
    sitting.answer("r1", "b")
    assert sitting.replicate() == 1
    sitting.answer("r2", "c")  # journalled, never sent: the room closes first
    with room.tx() as s:
        attempt = s.get(Attempt, sitting.attempt_id)
        attempt.deadline_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    assert room.close_expired() == 1
    assert e.interrupted_attempts() == [sitting.attempt_id]
    result = sitting.submit()  # not stuck retrying answers the room no longer takes
    assert result["status"] == "submitted" and result["max_score"] == 18.0
    assert e.interrupted_attempts() == []
    sitting.close()


def test_the_readiness_report_and_heartbeat(engine, room_setup):
    e, cred = engine
    reply = e.report("1366x768", register=True)
    assert reply["locked"] is False and "server_time" in reply
    with room_setup.room.read() as s:
        ws = s.get(Workstation, cred["seat"])
        assert ws.build_hash == build_hash() and ws.screen == "1366x768" and ws.attempt_id is None
    sitting = e.login(cred["login"], cred["password"])
    sitting.answer("r1", "a")
    e.report("1366x768", section="reading", journal_seq=sitting.journal.last_seq, hand_raised=True)
    with room_setup.room.read() as s:
        ws = s.get(Workstation, cred["seat"])
        assert (ws.attempt_id, ws.section, ws.journal_seq, ws.hand_raised) == (
            sitting.attempt_id, "reading", 1, True)
    sitting.close()
