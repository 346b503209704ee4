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

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from common.storage.room_models import Answer, Attempt
from exam_client.engine import KioskConfig, KioskEngine

LIVES = 4  # killed lives per kiosk; six kiosks make 24 kills
PARALLEL = 3  # kiosks running side by side, like a room
REPO = Path(__file__).resolve().parents[2]


class Kiosk:
    """One workstation: its configuration, its process, its JSON-line events."""

    def __init__(self, tmp: Path, cred: dict, port: int, fingerprint: str, seed: int):
        self.cred = cred
        self.seed = seed
        self.dir = tmp / f"kiosk-{cred['seat']}"
        self.dir.mkdir(parents=True)
        self.config = self.dir / "kiosk.json"
        self.config.write_text(json.dumps({
            "host": "127.0.0.1", "port": port, "fingerprint": fingerprint,
            "workstation_id": cred["seat"], "data_dir": str(self.dir / "data")}), "utf-8")
        self.confirmed: list[dict] = []
        self.logins: list[dict] = []
        self.result: dict | None = None
        self.interrupted_seen = 0
        self.proc: subprocess.Popen | None = None
        self.events: queue.Queue = queue.Queue()

    def start(self) -> None:
        self.events = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exam_client.cli", "--config", str(self.config), "--headless",
             "--login", self.cred["login"], "--password", self.cred["password"],
             "--seed", str(self.seed), "--think-ms", "15"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=REPO)
        reader = threading.Thread(target=self._read, args=(self.proc, self.events), daemon=True)
        reader.start()

    @staticmethod
    def _read(proc: subprocess.Popen, events: queue.Queue) -> None:
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:
                try:
                    events.put(json.loads(line))
                except ValueError:
                    continue  # a line cut by the kill
        events.put({"event": "exit"})

    def take(self, event: dict) -> None:
        if event["event"] == "confirmed":
            self.confirmed.append(event)
        elif event["event"] == "login":
            self.logins.append(event)
        elif event["event"] == "result":
            self.result = event

    def next_event(self, timeout: float) -> dict | None:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        self.take(event)
        return event

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        while True:  # what it printed before it died still counts
            event = self.next_event(timeout=2)
            if event is None or event["event"] == "exit":
                break

    def finish(self, timeout: float = 60) -> int:
        assert self.proc is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            event = self.next_event(timeout=0.5)
            if event is not None and event["event"] == "exit":
                return self.proc.wait(10)
        self.proc.kill()
        raise AssertionError(f"kiosk {self.cred['seat']} did not finish")


def interrupted(kiosk: Kiosk) -> list[str]:
    return KioskEngine(KioskConfig.load(kiosk.config)).interrupted_attempts()


def one_life(kiosk: Kiosk, rng: random.Random) -> bool:
    """Start the kiosk and kill it at a random point; False if it finished before the kill."""
    kiosk.start()
    if rng.random() < 0.5:
        target = len(kiosk.confirmed) + rng.randint(0, 2)  # right after a confirmation
        deadline = time.monotonic() + 20
        while len(kiosk.confirmed) < target or not kiosk.logins:
            event = kiosk.next_event(timeout=0.2)
            if event is not None and event["event"] == "exit":
                kiosk.proc.wait(10)
                return False
            assert time.monotonic() < deadline, "the kiosk stalled"
    else:
        time.sleep(rng.uniform(0.05, 1.2))  # anywhere: starting, logging in, mid-append
        while (event := kiosk.next_event(timeout=0)) is not None:
            if event["event"] == "exit":
                kiosk.proc.wait(10)
                return False
    kiosk.kill()
    if kiosk.logins and kiosk.result is None:  # the journal exists: the next start must lock
        # (unless the kill fell between the submission's end and its printed result)
        assert interrupted(kiosk) in ([kiosk.logins[-1]["attempt_id"]], [])
        kiosk.interrupted_seen += bool(interrupted(kiosk))
    return True


def run_kiosk(kiosk: Kiosk) -> int:
    """Kill the kiosk LIVES times at random points, then let it finish; returns the kills."""
    rng = random.Random(f"sigkill:{kiosk.seed}")
    kills = 0
    for _ in range(LIVES):
        if not one_life(kiosk, rng):
            return kills  # it finished the sitting before the kill came
        kills += 1
    kiosk.start()
    assert kiosk.finish() == 0
    return kills


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


def stored(room, attempt_id: str) -> dict[int, tuple[str, object]]:
    with room.read() as s:
        rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        return {a.seq: (a.item_id, json.loads(a.answer_json)) for a in rows}
