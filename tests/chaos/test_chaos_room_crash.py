"""Faults at the room server: SIGKILL of `proctor-console serve` under a room of headless kiosks.

The room server runs as its own process on a fixed port over the room's data directory; every
kiosk is the real client in its own process. Mid-sitting the server is killed (SIGKILL: no
shutdown, no flush), left dead a moment, and started again on the same port and data directory.
Checks: every answer the server had acknowledged is in its database right after the kill; the
kiosks notice, go on answering from their journals, reconnect and resync by themselves; every
student's deadline is the same before and after the restart (in the database and as the kiosk
took it over); in the end every confirmed answer is stored exactly once and every sitting is
submitted.
"""

from __future__ import annotations

import os
import queue
import signal
import time

import pytest
from sqlalchemy import select

from cbt_demo.processes import Child, wait_ready
from common.storage.room_models import Attempt
from kiosk_process import Kiosk, duplicate_rows, stored
from tests.conftest import configure_room


@pytest.fixture
def room_setup(tmp_path, centre, chaos):
    return configure_room(tmp_path, centre, students=chaos.times(16, 100))


class RoomProcess:
    """`proctor-console serve` as a child process; `kill()` is a SIGKILL, `start()` the restart."""

    def __init__(self, data_dir, log_dir):
        self.data_dir, self.log_dir = data_dir, log_dir
        self.port = 0
        self.fingerprint = ""
        self.child: Child | None = None
        self.lives = 0

    def start(self) -> None:
        events: queue.Queue = queue.Queue()
        self.lives += 1
        self.child = Child(f"room-{self.lives}", [
            "proctor_console.cli", "serve", "--data-dir", str(self.data_dir),
            "--port", str(self.port), "--password-cost", "fast"], events, self.log_dir)
        ready = wait_ready(self.child, events, timeout=60)
        assert self.port in (0, ready["port"])
        # the same port, and the same certificate after a restart
        assert self.fingerprint in ("", ready["fingerprint"])
        self.port, self.fingerprint = ready["port"], ready["fingerprint"]

    def kill(self) -> None:
        assert self.child is not None
        os.kill(self.child.proc.pid, signal.SIGKILL)
        self.child.wait(10)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


def deadlines(room) -> dict[str, float]:
    with room.read() as s:
        return {a.id: a.deadline_at.timestamp() for a in s.scalars(select(Attempt))}


def pump(kiosks: list[Kiosk]) -> None:
    for k in kiosks:
        k.drain()


def wait_for(kiosks: list[Kiosk], condition, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)
        pump(kiosks)


def test_room_server_sigkill_under_load_loses_no_acknowledged_answer(tmp_path, room_setup, chaos):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    server = RoomProcess(room.paths.root, tmp_path / "logs")
    kiosks: list[Kiosk] = []
    try:
        server.start()
        kills = chaos.times(1, 3)
        down = chaos.times(1.0, 4.0)
        started = time.monotonic()
        for i, cred in enumerate(room_setup.credentials):
            kiosk = Kiosk(tmp_path, cred, server.port, server.fingerprint, seed=500 + i,
                          think_ms=chaos.times(250, 3000))
            kiosk.start()
            kiosks.append(kiosk)
            time.sleep(0.05)  # the room's PCs do not all start in the same millisecond
        wait_for(kiosks, lambda: all(k.logins and k.acked >= 2 for k in kiosks),
                 chaos.times(60, 600), "every kiosk to log in and be acknowledged")
        before = deadlines(room)
        assert len(before) == len(kiosks)

        acked_checked = 0
        for n in range(kills):
            if n:  # the next kill comes once the sittings moved on again
                marks = {id(k): k.acked for k in kiosks}
                wait_for(kiosks, lambda: sum(k.acked > marks[id(k)] for k in kiosks
                                             if k.result is None) >= len(kiosks) // 2
                         or all(k.result for k in kiosks), 120, "progress after the restart")
            pump(kiosks)
            server.kill()
            pump(kiosks)  # what the server acknowledged before it died
            for k in kiosks:  # right after the kill, before any kiosk could send it again
                at_server = stored(room, k.logins[-1]["attempt_id"])
                for seq in range(1, k.acked + 1):
                    assert seq in at_server, f"seat {k.cred['seat']}: acknowledged seq {seq} lost"
                acked_checked += k.acked
            time.sleep(down)
            assert deadlines(room) == before
            server.start()

        end = time.monotonic() + chaos.times(90, 300)
        while any(k.proc.poll() is None for k in kiosks):
            assert time.monotonic() < end, "kiosks did not finish after the restarts"
            pump(kiosks)
            time.sleep(0.2)
        pump(kiosks)
        elapsed = time.monotonic() - started
    finally:
        for k in kiosks:
            k.stop()
        server.stop()

    assert deadlines(room) == before  # the timers: unchanged by the restarts
    confirmed = lost = 0
    for k in kiosks:
        assert k.proc.returncode == 0 and k.result and k.result["status"] == "submitted", k.cred
        attempt_id = k.logins[-1]["attempt_id"]
        assert abs(k.logins[-1]["deadline"] - before[attempt_id]) < 1e-3
        for event in k.resynced:  # the kiosk took the server's deadline again after reconnecting
            assert abs(event["deadline"] - before[attempt_id]) < 1e-3
        at_server = stored(room, attempt_id)
        missing = [e for e in k.confirmed if at_server.get(e["seq"]) != (e["item_id"], e["answer"])]
        lost += len(missing)
        confirmed += len(k.confirmed)
        assert not missing, f"seat {k.cred['seat']}: {missing[:3]}"
    assert duplicate_rows(room) == 0
    noticed = sum(1 for k in kiosks if k.offline)
    resynced = sum(1 for k in kiosks if k.resynced)
    assert noticed >= len(kiosks) // 2, "the kill fell while the kiosks were idle"
    assert resynced == noticed  # every kiosk that lost the server found it again by itself
    chaos.record("Faults: room server", f"SIGKILL of the room server under {len(kiosks)} kiosks, "
                 "restart on the same port and data", kills, kills, lost,
                 f"{acked_checked} acknowledged answers checked right after each kill; "
                 f"{noticed} kiosks noticed, all resynced by themselves; {confirmed} confirmed "
                 f"answers stored once each; deadlines unchanged; {elapsed:.0f} s")
