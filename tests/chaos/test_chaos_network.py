"""Faults on the network: kiosks reach the room server only through a TCP proxy that delays every
chunk, drops a share of the connections mid-stream (a request may arrive while its reply is lost)
and is cut altogether for a while (seconds in `make test`, minutes in `make chaos`).

Each kiosk is the real client in its own process. Checks: during the cut the sittings go on (the
kiosks confirm answers from their journals); after reconnection everything arrives, the kiosks
resync by themselves, every sitting is submitted, and the room database holds each (attempt, seq)
exactly once — a resent answer is never stored twice.
"""

from __future__ import annotations

import time

import pytest

from sqlalchemy import select

from common.storage.base import utcnow
from common.storage.room_models import Answer
from kiosk_process import Kiosk, duplicate_rows, stored
from tcp_proxy import CuttableProxy
from tests.conftest import configure_room


@pytest.fixture
def room_setup(tmp_path, centre, chaos):
    return configure_room(tmp_path, centre, students=chaos.times(6, 12))


def test_network_cut_and_flaky_links_lose_and_duplicate_nothing(tmp_path, room_setup, room_server,
                                                                 chaos):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    proxy = CuttableProxy(room_server.port, delay=(0.0, 0.05), drop=0.05, seed=11)
    cut_for = chaos.times(4.0, 150.0)
    think = chaos.times(300, 8000)  # the sittings outlast the cut
    kiosks = [Kiosk(tmp_path, cred, proxy.port, room_server.fingerprint, seed=900 + i,
                    think_ms=think) for i, cred in enumerate(room_setup.credentials)]
    try:
        for k in kiosks:
            k.start()
        end = time.monotonic() + 60
        while not all(k.logins and k.acked >= 1 for k in kiosks):
            assert time.monotonic() < end, "kiosks did not start"
            time.sleep(0.1)
            for k in kiosks:
                k.drain()
        for k in kiosks:
            k.drain()
        before_cut = {id(k): len(k.confirmed) for k in kiosks}
        proxy.cut()
        cut_at = time.monotonic()
        while time.monotonic() - cut_at < cut_for:
            time.sleep(0.2)
            for k in kiosks:
                k.drain()
        for k in kiosks:
            k.drain()
        # what each screen confirmed while the cable was out (it may have been sent just before)
        during_cut = {id(k): k.confirmed[before_cut[id(k)]:] for k in kiosks}
        restored_at = utcnow()
        proxy.restore()
        end = time.monotonic() + chaos.times(90, 300)
        while any(k.proc.poll() is None for k in kiosks):
            assert time.monotonic() < end, "kiosks did not finish after the network came back"
            time.sleep(0.2)
            for k in kiosks:
                k.drain()
        for k in kiosks:
            k.drain()
    finally:
        proxy.cut()
        for k in kiosks:
            k.stop()

    during = sum(len(v) for v in during_cut.values())
    assert during >= len(kiosks), "the sittings did not go on during the cut"
    confirmed = lost = 0
    for k in kiosks:
        assert k.proc.returncode == 0 and k.result and k.result["status"] == "submitted", k.cred
        at_server = stored(room, k.logins[-1]["attempt_id"])
        missing = [e for e in k.confirmed if at_server.get(e["seq"]) != (e["item_id"], e["answer"])]
        lost += len(missing)
        confirmed += len(k.confirmed)
        assert not missing, f"seat {k.cred['seat']}: {missing[:3]}"
        # The room's state, not the kiosk's printout, shows that the kiosk noticed the cut and
        # resynced by itself: what it confirmed while the cable was out, and the room did not
        # hold then, was stored after the cable came back.
        late = [e for e in during_cut[id(k)] if received(room, k, e["seq"]) >= restored_at]
        early = [e for e in during_cut[id(k)] if received(room, k, e["seq"]) < restored_at]
        assert late or not during_cut[id(k)], f"seat {k.cred['seat']}: nothing resent after the cut"
        assert len(early) <= 3, f"seat {k.cred['seat']}: answers reached the room through a cut cable"
    duplicates = duplicate_rows(room)
    assert duplicates == 0
    chaos.record("Faults: network", f"network cut (cable pulled) for {cut_for:.0f} s under "
                 f"{len(kiosks)} kiosks", 1, 1, lost,
                 f"{during} answers confirmed during the cut; all {confirmed} confirmed answers "
                 "arrived after it, 0 duplicate (attempt, seq) rows")
    chaos.record("Faults: network", "connection dropped mid-stream (request may arrive, reply "
                 "lost), with 0-50 ms delay on every chunk", proxy.dropped, proxy.dropped, lost,
                 "answers resent and stored once")


def received(room, kiosk: Kiosk, seq: int):
    """When the room stored this kiosk's answer `seq` (its own clock)."""
    with room.read() as s:
        return s.scalar(select(Answer.received_at).where(
            Answer.attempt_id == kiosk.logins[-1]["attempt_id"], Answer.seq == seq))
