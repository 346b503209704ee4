"""Power cuts at the kiosk: each kiosk's data directory is on its own power-cut filesystem
(tests/powercut/lazyfs.py), which keeps every write not yet fsynced in a volatile layer.

A cut is: the kiosk process is SIGKILLed at a random point of the sitting (right after a
confirmation, or after a random delay that may fall in start-up, login or a journal append), then
the filesystem loses what was not synced: all of it, a torn prefix of it, or a torn prefix with
garbage (one mode drawn per cut). Right after each cut, before the kiosk runs again, the journal
is opened from that disk with the attempt's key: every answer the screen showed as saved (the
`confirmed` line, printed after the journal's fsync returned) must be in it. Then the kiosk starts
again on the same disk; in the end every sitting is submitted and every confirmed answer is at the
room server.

One injection is one power cut of one kiosk while its process was running.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from common.storage.room_models import Attempt
from exam_client.engine.journal import AnswerJournal
from common.journal_format import JournalError
import kiosk_process
from kiosk_process import Kiosk, stored
from tests.conftest import configure_room
from tests.powercut.mount import MODES, PowerCutMount, unavailable
from proctor_console.room import data_keys

PARALLEL = 3
pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))


@pytest.fixture
def room_setup(tmp_path, centre, chaos):
    return configure_room(tmp_path, centre, students=chaos.times(3, 16))


def journal_losses(kiosk: Kiosk, room, disk: PowerCutMount) -> tuple[list[dict], str]:
    """The confirmed answers missing from the kiosk's journal as it is on disk after a cut."""
    if not kiosk.logins:
        return [], ""
    attempt_id = kiosk.logins[-1]["attempt_id"]
    with room.read() as s:
        stored = s.get(Attempt, attempt_id).journal_key
    key = data_keys.unwrap(room, stored, attempt_id)  # kept wrapped in the room's database
    path = disk.path / "data" / f"journal-{attempt_id}.cbtj"
    if not path.exists():
        return list(kiosk.confirmed), "the journal file is gone"
    try:
        with AnswerJournal.open(path, key, attempt_id) as journal:
            have = {e.seq: (e.item_id, e.answer) for e in journal.entries}
    except JournalError as exc:
        return list(kiosk.confirmed), f"the journal did not open: {exc}"
    missing = [e for e in kiosk.confirmed if have.get(e["seq"]) != (e["item_id"], e["answer"])]
    return missing, "confirmed answers missing from the journal" if missing else ""


def one_life(kiosk: Kiosk, rng: random.Random) -> bool:
    """The SIGKILL harness's life (tests/kiosk_process.py), a little longer; the cut follows."""
    return kiosk_process.one_life(kiosk, rng, after_confirmations=(1, 3), window_s=1.5, stall_s=30,
                                  check_lock=False)


def test_power_cuts_at_kiosks_lose_no_confirmed_answer(tmp_path, room_setup, room_server, chaos,
                                                       request):
    target = chaos.times(6, 200)
    setup, room = room_setup, room_setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    disks = [PowerCutMount(tmp_path / f"disk-{i}") for i in range(len(setup.credentials))]
    request.addfinalizer(lambda: [d.stop() for d in disks])
    kiosks = [Kiosk(tmp_path, cred, room_server.port, room_server.fingerprint, seed=300 + i,
                    think_ms=chaos.times(150, 300), data_dir=disks[i].path / "data")
              for i, cred in enumerate(setup.credentials)]
    request.addfinalizer(lambda: [k.stop() for k in kiosks])
    lock = threading.Lock()
    cuts: list[str] = []
    losses: list[str] = []
    lost_total = 0

    def run(i: int) -> None:
        nonlocal lost_total
        kiosk, disk = kiosks[i], disks[i]
        rng = random.Random(f"powercut:{i}")
        while True:  # every kiosk takes cuts until there are enough (or its sitting ends)
            with lock:
                if len(cuts) >= target or losses:
                    break  # enough cuts, or a loss already fails the test
            if not one_life(kiosk, rng):
                break
            mode = rng.choice(MODES)
            disk.cut(mode, rng.randrange(1 << 30))
            missing, why = journal_losses(kiosk, room, disk)
            with lock:
                cuts.append(mode)
                if missing:
                    lost_total += len(missing)
                    losses.append(f"seat {kiosk.cred['seat']} after a '{mode}' cut: {why}: "
                                  f"{len(missing)} (e.g. seq {missing[0]['seq']})")
            if missing:
                return  # this kiosk's disk lost confirmed answers: the test fails below
        with lock:
            if losses:
                return
        kiosk.start()
        kiosk.finish(timeout=120)

    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(run, range(len(kiosks))))
    elapsed = time.monotonic() - started

    confirmed = at_server_missing = 0
    for kiosk in kiosks:
        confirmed += len(kiosk.confirmed)
        if losses or kiosk.result is None:
            continue
        at_server = stored(room, kiosk.logins[-1]["attempt_id"])
        missing = [e for e in kiosk.confirmed if at_server.get(e["seq"]) != (e["item_id"], e["answer"])]
        at_server_missing += len(missing)
    lost_total += at_server_missing
    by_mode = {m: cuts.count(m) for m in MODES}
    chaos.record("Faults: power", "power cut at a kiosk (process killed, unsynced writes lost, "
                 "torn or garbage) at a random point of the sitting", len(cuts),
                 len(cuts) - len(losses), lost_total,
                 f"{len(kiosks)} kiosks, each on its own power-cut filesystem; modes {by_mode}; "
                 f"{confirmed} confirmed answers checked in the journal after every cut and at the "
                 f"room server at the end; {elapsed:.0f} s", kind="power")
    assert not losses, "; ".join(losses[:5])
    assert at_server_missing == 0
    assert len(cuts) >= target, f"only {len(cuts)} cuts: the sittings ended too soon"
    for kiosk in kiosks:
        assert kiosk.result is not None and kiosk.result["status"] == "submitted", kiosk.cred
