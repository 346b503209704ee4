"""A headless kiosk as its own process (`exam-client --headless`, the same engine as the screen),
shared by the kiosk's SIGKILL test and the fault suite (tests/chaos/).

The scripted student prints one JSON line per event; `confirmed` comes only after the journal's
fsync returned — the moment the screen would say "saved" — and `acked` when the room server
acknowledged the answers up to a seq.
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
from pathlib import Path

from sqlalchemy import func, select

from common.storage.room_models import Answer
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine

REPO = Path(__file__).resolve().parents[1]


class Kiosk:
    """One workstation: its configuration, its process, its JSON-line events."""

    def __init__(self, tmp: Path, cred: dict, port: int, fingerprint: str, seed: int,
                 think_ms: int = 15, data_dir: Path | None = None):
        self.cred = cred
        self.seed = seed
        self.think_ms = think_ms
        self.dir = tmp / f"kiosk-{cred['seat']}"
        self.dir.mkdir(parents=True)
        self.config = self.dir / "kiosk.json"
        self.config.write_text(json.dumps({
            "host": "127.0.0.1", "port": port, "fingerprint": fingerprint,
            "workstation_id": cred["seat"], "workstation_key": cred["workstation_key"],
            "data_dir": str(data_dir or self.dir / "data")}), "utf-8")
        self.confirmed: list[dict] = []
        self.logins: list[dict] = []
        self.acked = 0  # the highest seq the room server acknowledged
        self.resynced: list[dict] = []
        self.offline = 0  # how often it noticed the room server gone
        self.result: dict | None = None
        self.interrupted_seen = 0
        self.proc: subprocess.Popen | None = None
        self.events: queue.Queue = queue.Queue()

    def start(self) -> None:
        self.events = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exam_client.cli", "--config", str(self.config), "--headless",
             "--login", self.cred["login"], "--password", self.cred["password"],
             "--seed", str(self.seed), "--think-ms", str(self.think_ms)],
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
        kind = event["event"]
        if kind == "confirmed":
            self.confirmed.append(event)
        elif kind == "login":
            self.logins.append(event)
        elif kind == "acked":
            self.acked = max(self.acked, event["seq"])
        elif kind == "resynced":
            self.resynced.append(event)
        elif kind == "link_lost":  # mid-sitting (an "offline" ends a login that never got through)
            self.offline += 1
        elif kind == "result":
            self.result = event
        elif kind == "already_submitted":  # killed after the server took the submission but
            self.result = {**event, "status": "submitted"}  # before the kiosk printed its result

    def next_event(self, timeout: float) -> dict | None:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        self.take(event)
        return event

    def drain(self) -> bool:
        """Take every event printed so far; True if the process has exited."""
        while (event := self.next_event(timeout=0)) is not None:
            if event["event"] == "exit":
                return True
        return False

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
        self.proc.wait(10)
        raise AssertionError(f"kiosk {self.cred['seat']} did not finish")

    def stop(self) -> None:
        """Clean-up after a failed test: no kiosk outlives it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)



def interrupted(kiosk: Kiosk) -> list[str]:
    return KioskEngine(KioskConfig.load(kiosk.config)).interrupted_attempts()


def one_life(kiosk: Kiosk, rng: random.Random, *, after_confirmations: tuple[int, int] = (0, 2),
             window_s: float = 0.6, stall_s: float = 20, check_lock: bool = True) -> bool:
    """Start the kiosk and kill it at a random point; False if it finished before the kill.

    Half the lives end right after a few more confirmations (`after_confirmations`), half anywhere
    within `window_s` of the start: starting, logging in, mid-append (the kiosk starts faster since
    issue 20: a longer window falls more and more often after the short test sitting has ended).
    A SIGKILL keeps the page cache; the power-cut tests pass `check_lock=False` and cut the disk
    themselves after the kill."""
    kiosk.start()
    if rng.random() < 0.5:
        target = len(kiosk.confirmed) + rng.randint(*after_confirmations)  # right after a confirmation
        deadline = time.monotonic() + stall_s
        while len(kiosk.confirmed) < target or not kiosk.logins:
            event = kiosk.next_event(timeout=0.2)
            if event is not None and event["event"] == "exit":
                kiosk.proc.wait(10)
                return False
            assert time.monotonic() < deadline, "the kiosk stalled"
    else:
        time.sleep(rng.uniform(0.05, window_s))
        if kiosk.drain():
            kiosk.proc.wait(10)
            return False
    kiosk.kill()
    if check_lock and kiosk.logins and kiosk.result is None:  # the journal exists: the next start must lock
        # (unless the kill fell between the submission's end and its printed result)
        assert interrupted(kiosk) in ([kiosk.logins[-1]["attempt_id"]], [])
        kiosk.interrupted_seen += bool(interrupted(kiosk))
    return True


def kill_and_finish(kiosk: Kiosk, lives: int) -> int:
    """Kill the kiosk `lives` times at random points, then let it finish; returns the kills."""
    rng = random.Random(f"sigkill:{kiosk.seed}")
    kills = 0
    for _ in range(lives):
        if not one_life(kiosk, rng):
            return kills  # it finished the sitting before the kill came
        kills += 1
    kiosk.start()
    assert kiosk.finish() == 0
    return kills

def stored(room, attempt_id: str) -> dict[int, tuple[str, object]]:
    """What the room server holds for an attempt: seq → (item, answer)."""
    with room.read() as s:
        rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        return {a.seq: (a.item_id, json.loads(a.answer_json)) for a in rows}


def duplicate_rows(room) -> int:
    """Rows beyond the first for any (attempt, seq): a resent answer stored twice."""
    with room.read() as s:
        counts = s.execute(select(func.count()).select_from(Answer)
                           .group_by(Answer.attempt_id, Answer.seq)).scalars()
        return sum(n - 1 for n in counts)
