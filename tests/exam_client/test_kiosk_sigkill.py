"""SIGKILL the kiosk at random points of scripted sittings, again and again; nothing it confirmed
may be lost.

Each kiosk is the real client in its own process (`exam-client --headless`, the same engine the
screen uses) against a real room server on loopback. It prints a `confirmed` line only after the
journal's fsync returned — the moment the screen would say "saved". The test kills it at random
(right after a confirmation, or after a random delay that may fall inside a write), starts it again
on the same data directory, and in the end lets every sitting finish. Then every confirmed answer
must be at the room server under its journal number, and every attempt must be submitted.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from common.storage.room_models import Attempt
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from kiosk_process import Kiosk, kill_and_finish, stored  # tests/kiosk_process.py (shared)

LIVES = 4  # killed lives per kiosk; six kiosks make 24 kills
PARALLEL = 3  # kiosks running side by side, like a room


def run_kiosk(kiosk: Kiosk) -> int:
    return kill_and_finish(kiosk, LIVES)


def test_every_confirmed_answer_survives_repeated_sigkills(tmp_path, room_setup, room_server):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    kiosks = [Kiosk(tmp_path, cred, room_server.port, room_server.fingerprint, seed)
              for seed, cred in enumerate(room_setup.credentials)]
    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        kills = sum(pool.map(run_kiosk, kiosks))
    elapsed = time.monotonic() - started
    assert kills >= 20, kills
    assert sum(k.interrupted_seen for k in kiosks) >= kills // 2  # the lock screen would show

    confirmed_total = 0
    for kiosk in kiosks:
        assert kiosk.result is not None and kiosk.result["status"] == "submitted", kiosk.cred["seat"]
        attempt_ids = {login["attempt_id"] for login in kiosk.logins}
        assert len(attempt_ids) == 1  # every life resumed the same attempt
        attempt_id = attempt_ids.pop()
        at_server = stored(room, attempt_id)
        for event in kiosk.confirmed:
            assert at_server.get(event["seq"]) == (event["item_id"], event["answer"]), (
                f"seat {kiosk.cred['seat']}: confirmed seq {event['seq']} lost or changed")
        confirmed_total += len(kiosk.confirmed)
        # The server holds a gap-free log, and the sitting answered every item.
        assert sorted(at_server) == list(range(1, len(at_server) + 1))
        assert {item for item, _ in at_server.values()} >= {"r1", "m1", "s5"}
        assert any(login["resumed"] for login in kiosk.logins[1:]) or len(kiosk.logins) == 1
        with room.read() as s:
            assert s.get(Attempt, attempt_id).status.value == "submitted"
        # Killed, the kiosk found its sitting unfinished; finished, it locks nothing any more.
        assert KioskEngine(KioskConfig.load(kiosk.config)).interrupted_attempts() == []
    print(f"\n{kills} SIGKILLs, {confirmed_total} confirmed answers, all at the room server, "
          f"{elapsed:.1f} s")

