"""Faults at the kiosk: SIGKILL of the client process at random points of scripted sittings.

Each kiosk is the real client in its own process (`exam-client --headless`) against a real room
server on loopback. "Confirmed" is the `confirmed` line the kiosk prints after its journal's fsync
returned: the moment the screen says "saved". The test kills kiosks at random points (right after
a confirmation, or after a random delay that may fall in start-up, login, a journal append or a
request), starts each again on the same data directory, and in the end lets every sitting finish.
Then every confirmed answer must be at the room server under its journal number.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from common.storage.room_models import Attempt
from kiosk_process import Kiosk, kill_and_finish, stored
from tests.conftest import configure_room

PARALLEL = 3


@pytest.fixture
def room_setup(tmp_path, centre, chaos):  # the conftest's room, with a seat per kiosk
    return configure_room(tmp_path, centre, students=chaos.times(3, 40))


def test_sigkilled_kiosks_lose_no_confirmed_answer(tmp_path, room_setup, room_server, chaos,
                                                   request):
    target = chaos.times(6, 200)
    lives = chaos.times(2, 8)
    setup, server = room_setup, room_server
    room = setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    kiosks = [Kiosk(tmp_path, cred, server.port, server.fingerprint, seed=100 + i,
                    think_ms=chaos.times(15, 40)) for i, cred in enumerate(setup.credentials)]
    request.addfinalizer(lambda: [k.stop() for k in kiosks])
    kills = 0
    lock = threading.Lock()
    used: list[Kiosk] = []

    def run(kiosk: Kiosk) -> None:
        nonlocal kills
        with lock:
            if kills >= target:
                return  # enough injections: this seat stays empty
            used.append(kiosk)
        n = kill_and_finish(kiosk, lives)
        with lock:
            kills += n

    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(run, kiosks))
    elapsed = time.monotonic() - started
    assert kills >= target, f"only {kills} kills: the sittings ended too soon"

    confirmed = lost = survived_kiosks = 0
    for kiosk in used:
        assert kiosk.result is not None and kiosk.result["status"] == "submitted", kiosk.cred
        attempt_ids = {login["attempt_id"] for login in kiosk.logins}
        assert len(attempt_ids) == 1  # every life resumed the same attempt
        attempt_id = attempt_ids.pop()
        at_server = stored(room, attempt_id)
        missing = [e for e in kiosk.confirmed
                   if at_server.get(e["seq"]) != (e["item_id"], e["answer"])]
        confirmed += len(kiosk.confirmed)
        lost += len(missing)
        assert not missing, f"seat {kiosk.cred['seat']}: confirmed answers lost: {missing[:3]}"
        assert sorted(at_server) == list(range(1, len(at_server) + 1))  # a gap-free log
        with room.read() as s:
            assert s.get(Attempt, attempt_id).status.value == "submitted"
        survived_kiosks += 1
    assert survived_kiosks == len(used)
    chaos.record("Faults: kiosk", "SIGKILL of the kiosk process at a random point of the sitting",
                 kills, kills, lost,
                 f"{len(used)} kiosks, {confirmed} confirmed answers all at the room server, "
                 f"every sitting resumed and submitted; {elapsed:.0f} s")
