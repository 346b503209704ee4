"""Power cuts at the room server: its data directory (SQLite database with its WAL, keys, TLS
certificate) on the power-cut filesystem (tests/powercut/lazyfs.py).

The real `proctor-console serve` runs as its own process; students' kiosks are raw HTTPS clients
(httpx, not our client classes) that send answers the way a kiosk does and note every seq the
server acknowledged. At a random moment under that load the server is SIGKILLed and the disk loses
what was not synced (all of it, a torn prefix, or garbage; one mode drawn per cut). Before the
server starts again the database is opened from that disk: `PRAGMA integrity_check` must say ok
and every acknowledged answer must be there, as it was sent. Then the server starts again on the
same disk and port, the clients ask it what it holds and go on.

One injection is one power cut of the room server while it was taking answers.
"""

from __future__ import annotations

import json
import queue
import random
import sqlite3
import threading
import time

import httpx
import pytest

from cbt_demo.processes import Child, wait_ready
from common.protocol import API
from exam_client.engine.headless import choose
from tests.conftest import configure_room
from tests.powercut.mount import MODES, PowerCutMount, unavailable

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))


class Student:
    """One kiosk as a raw HTTPS client: its token, what it sent, what the server acknowledged."""

    def __init__(self, cred: dict, rng: random.Random):
        self.cred, self.rng = cred, rng
        self.token = self.attempt_id = ""
        self.items: list[dict] = []
        self.sent: dict[int, tuple[str, str]] = {}
        self.acked = 0
        self.next_seq = 1

    def login(self, client: httpx.Client) -> None:
        r = client.post(f"{API}/session/login", headers={"X-Workstation-Key": self.cred["workstation_key"]},
                        json={"login": self.cred["login"], "password": self.cred["password"]})
        r.raise_for_status()
        reply = r.json()
        self.token, self.attempt_id = reply["token"], reply["attempt_id"]
        self.items = [i for s in reply["content"]["sections"] for i in s["items"]]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Workstation-Key": self.cred["workstation_key"]}

    def resync(self, client: httpx.Client) -> None:
        """After a restart: continue after what the server holds (the kiosk's reconcile)."""
        r = client.get(f"{API}/attempt/state", headers=self.headers())
        r.raise_for_status()
        self.next_seq = int(r.json()["acked_seq"]) + 1

    def send(self, client: httpx.Client, stop: threading.Event) -> None:
        while not stop.is_set():
            batch = []
            for seq in range(self.next_seq, self.next_seq + self.rng.randint(1, 3)):
                item = self.rng.choice(self.items)
                answer = choose(item, self.rng)  # an answer that fits the item, as a student gives
                self.sent[seq] = (item["id"], answer)
                batch.append({"seq": seq, "item_id": item["id"], "answer": answer,
                              "client_ts": time.time()})
            try:
                r = client.post(f"{API}/attempt/answers", json={"entries": batch},
                                headers=self.headers())
            except httpx.HTTPError:
                return  # the server is gone
            r.raise_for_status()
            acked = int(r.json()["acked_seq"])
            self.acked = max(self.acked, acked)
            self.next_seq = acked + 1


def check_database(db, students: list[Student]) -> tuple[str, list[str]]:
    """integrity_check, and the acknowledged answers missing or different on disk."""
    con = sqlite3.connect(db, timeout=30)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        missing = []
        for st in students:
            rows = dict((seq, (item, json.loads(answer))) for seq, item, answer in con.execute(
                "SELECT seq, item_id, answer_json FROM answers WHERE attempt_id = ?",
                (st.attempt_id,)))
            missing += [f"seat {st.cred['seat']} seq {seq}" for seq in range(1, st.acked + 1)
                        if rows.get(seq) != st.sent[seq]]
    finally:
        con.close()
    return integrity, missing


def test_power_cuts_at_the_room_server_lose_no_acknowledged_answer(tmp_path, centre, chaos,
                                                                   request):
    target = chaos.times(3, 50)
    disk = PowerCutMount(tmp_path / "disk")
    request.addfinalizer(disk.stop)
    setup = configure_room(disk.path, centre, students=chaos.times(4, 8))
    room = setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    data_dir = room.paths.root
    db = room.paths.database
    room.engine.dispose()
    rng = random.Random("powercut:room")
    students = [Student(c, random.Random(f"student:{i}")) for i, c in enumerate(setup.credentials)]
    events: queue.Queue = queue.Queue()
    port = 0
    child: Child | None = None
    request.addfinalizer(lambda: child is not None and child.stop())
    cuts: list[str] = []
    failures: list[str] = []
    acked_checked = 0
    started = time.monotonic()
    for life in range(target):
        child = Child(f"room-{life}", ["proctor_console.cli", "serve", "--data-dir", str(data_dir),
                                       "--port", str(port), "--password-cost", "fast"],
                      events, tmp_path / "logs")
        port = wait_ready(child, events, timeout=60)["port"]
        client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=False, timeout=30)
        try:
            for st in students:
                if not st.token:
                    st.login(client)
                st.resync(client)
        except httpx.HTTPError as exc:
            failures.append(f"life {life}: the room did not come back after the cut: {exc}")
            break
        stop = threading.Event()
        senders = [threading.Thread(target=st.send, args=(httpx.Client(
            base_url=f"https://127.0.0.1:{port}", verify=False, timeout=30), stop), daemon=True)
            for st in students]
        for t in senders:
            t.start()
        time.sleep(rng.uniform(0.3, 2.0))
        child.proc.kill()  # the power goes: the process first, then the disk
        child.wait(10)
        stop.set()
        for t in senders:
            t.join(30)
        client.close()
        mode = rng.choice(MODES)
        disk.cut(mode, rng.randrange(1 << 30))
        cuts.append(mode)
        integrity, missing = check_database(db, students)
        acked_checked += sum(st.acked for st in students)
        if integrity != "ok" or missing:
            failures.append(f"after cut {life + 1} ('{mode}'): integrity_check {integrity!r}; "
                            f"{len(missing)} acknowledged answers lost ({missing[:3]})")
            break
    elapsed = time.monotonic() - started
    lost = sum(int(f.split(" acknowledged")[0].rsplit("; ", 1)[1]) for f in failures
               if "acknowledged answers lost" in f)
    acked = sum(st.acked for st in students)
    chaos.record("Faults: power", "power cut at the room server (process killed, unsynced writes "
                 "of its SQLite database, WAL and files lost, torn or garbage) under load",
                 len(cuts), len(cuts) - len(failures), lost,
                 f"{len(students)} raw HTTPS kiosks sending answers; modes "
                 f"{ {m: cuts.count(m) for m in MODES} }; integrity_check and every acknowledged "
                 f"answer ({acked} at the end, {acked_checked} checks) read from the disk after "
                 f"each cut; {elapsed:.0f} s", kind="power")
    assert not failures, failures[0]
    assert len(cuts) == target
    assert acked >= len(students)  # the load reached the server
