"""One exam day, end to end, with every program as its own process and every step real.

centre makes keys and a sealed package → room server (HTTPS, pinned) takes the package and the
roster and issues credentials → the proctor marks attendance and opens the room → kiosks sit the
test → the proctor draws up act 1 and act 2 → one kiosk is SIGKILLed and resumes → the room seals
a bundle and uploads it → the centre verifies, decrypts, re-scores and voids → report.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from cbt_demo.processes import Child, run_json, stop_all, wait_ready
from common.crypto.tls import make_self_signed, pinned_context
from common.demo.roster import demo_roster_csv
from common.domain.scoring import latest_answers

ORGANISATION = {"code": "190745", "name": "Абай атындағы № 45 мектеп-гимназия"}
REPRESENTATIVE = {"login": "rep", "pin": "482915", "full_name": "Сейітқали Гүлмира Әділбекқызы"}
ABSENT, CONFISCATED, IMPOSTOR, KILLED = 3, 7, 11, 15  # student numbers, 1-based, as in the issue


@dataclass
class Options:
    students: int = 30
    work_dir: Path = Path("var/demo")
    think_ms: int = 40
    slow_think_ms: int = 250  # the students the scenario acts upon sit slower, so they are mid-test
    timeout: float = 300.0
    on_room: Any = None  # callback(port, fingerprint, proctor token) once the room is open
    before_stop: Any = None  # callback(summary) while the servers still run (a window may stay open)
    # callback(student number, kiosk.json, login, password) -> (args, environment) of a kiosk
    # shown in a window, or None for one sitting headless
    shown: Any = None
    cancelled: Any = None  # a threading.Event: the viewer closed the demo's windows, stop the day


class Cancelled(Exception):
    """The demo's windows were closed before the end of the day."""


class Proctor:
    """The representative's side, over the room server's HTTPS API (as the console uses it)."""

    def __init__(self, port: int, fingerprint: str):
        ctx = pinned_context("127.0.0.1", port, fingerprint)
        self.http = httpx.Client(base_url=f"https://127.0.0.1:{port}/api/v1", verify=ctx, timeout=60)
        self.token = ""

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def signin(self) -> None:
        self.token = self.call("POST", "/proctor/signin", json={
            "login": REPRESENTATIVE["login"], "pin": REPRESENTATIVE["pin"]})["token"]


def run(opts: Options) -> dict[str, Any]:
    if opts.students < KILLED:
        raise ValueError(f"the scenario needs at least {KILLED} students")
    work = opts.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    children: list[Child] = []
    try:
        return _run(opts, work, logs, children)
    finally:
        stop_all(children)


def _run(opts: Options, work: Path, logs: Path, children: list[Child]) -> dict[str, Any]:
    central_dir, room_dir = work / "central", work / "room"
    central_cli = ["central_scorer.cli.main", "--data-dir", str(central_dir)]

    # 1. The centre: keys and a signed, encrypted package for this organisation.
    centre = run_json([*central_cli, "init", "--centre-id", "KZ-NTC"])
    package = run_json([*central_cli, "make-package", "--organisation", ORGANISATION["code"],
                        "--demo", "--out", str(work / "package.cbtpkg"), "--kdf-memory-kib", "19456"])

    # 2. The room: configured, its key registered at the centre, its server started.
    # The centre's service speaks HTTPS; the room is configured to trust its certificate.
    centre_cert, centre_key = work / "central-tls" / "cert.pem", work / "central-tls" / "key.pem"
    centre_cert.parent.mkdir(parents=True, exist_ok=True)
    make_self_signed(centre_cert, centre_key, ["127.0.0.1"])
    room_config = {
        "room_id": f"R{ORGANISATION['code']}-12", "organisation_code": ORGANISATION["code"],
        "organisation_name": ORGANISATION["name"], "room_no": "12", "centre_id": centre["centre_id"],
        "centre_sign_keys": centre["centre_sign_keys"],
        "centre_recipient_key": centre["centre_recipient_key"], "representative": REPRESENTATIVE,
        "centre_tls_ca": centre_cert.read_text(),
    }
    (work / "room.json").write_text(json.dumps(room_config, ensure_ascii=False), "utf-8")
    room_key = run_json(["proctor_console.cli", "init", "--data-dir", str(room_dir), "--config",
                         str(work / "room.json"), "--password-cost", "fast"])
    run_json([*central_cli, "trust-room", "--room-id", room_key["room_id"], "--organisation",
              ORGANISATION["code"], "--verify-key", room_key["verify_key"]])

    server_events: queue.Queue = queue.Queue()
    room_server = Child("room-server", ["proctor_console.cli", "serve", "--data-dir", str(room_dir),
                                        "--port", "0", "--password-cost", "fast"], server_events, logs)
    children.append(room_server)
    ready = wait_ready(room_server, server_events)
    port, fingerprint = ready["port"], ready["fingerprint"]
    central_events: queue.Queue = queue.Queue()
    central_server = Child("central-server", [*central_cli, "serve", "--port", "0", "--tls-cert",
                                              str(centre_cert), "--tls-key", str(centre_key)],
                           central_events, logs)
    children.append(central_server)
    central_url = f"https://127.0.0.1:{wait_ready(central_server, central_events)['port']}"
    centre_tls = ssl.create_default_context(cafile=str(centre_cert))

    # 3. The proctor: package, roster and credentials, attendance, start.
    proctor = Proctor(port, fingerprint)
    proctor.signin()
    proctor.call("POST", "/proctor/package", content=(work / "package.cbtpkg").read_bytes())
    roster = demo_roster_csv(opts.students).encode("utf-8")
    credentials = proctor.call("POST", "/proctor/roster", content=roster)["credentials"]
    for number, cred in enumerate(credentials, start=1):
        if number == ABSENT:
            proctor.call("POST", "/proctor/attendance", json={
                "individual_code": cred["individual_code"], "status": "absent", "reason": "illness"})
        else:
            proctor.call("POST", "/proctor/attendance", json={
                "individual_code": cred["individual_code"], "status": "present"})
    proctor.call("POST", "/proctor/start", json={"start_code": package["start_code"]})
    if opts.on_room:
        opts.on_room(port, fingerprint, proctor.token)

    # 4. The kiosks sit the test; the scenario acts on 7, 11 and 15 mid-test.
    events: queue.Queue = queue.Queue()
    kiosks: dict[str, tuple[int, list[str]]] = {}
    for number, cred in enumerate(credentials, start=1):
        if number == ABSENT:
            continue
        kiosk_dir = work / "kiosks" / cred["seat"]
        kiosk_dir.mkdir(parents=True, exist_ok=True)
        # The representative enrols the PC at the seat; its credential goes into its own file.
        key = proctor.call("POST", "/proctor/enrolments", json={"workstation_id": cred["seat"]})
        config = {"host": "127.0.0.1", "port": port, "fingerprint": fingerprint,
                  "workstation_id": cred["seat"], "workstation_key": key["workstation_key"],
                  "data_dir": str(kiosk_dir)}
        (kiosk_dir / "kiosk.json").write_text(json.dumps(config), "utf-8")
        slow = number in (CONFISCATED, IMPOSTOR, KILLED)
        args = ["exam_client.cli", "--config", str(kiosk_dir / "kiosk.json"), "--headless",
                "--login", cred["login"], "--password", cred["password"], "--seed", str(number),
                "--think-ms", str(opts.slow_think_ms if slow else opts.think_ms)]
        env = None
        window = (opts.shown(number, kiosk_dir / "kiosk.json", cred["login"], cred["password"])
                  if opts.shown and not slow else None)
        if window is not None:
            args, env = window
        name = f"kiosk-{cred['seat']}"
        kiosks[name] = (number, args)
        children.append(Child(name, args, events, logs, env=env))

    by_number = {n: credentials[n - 1] for n in range(1, opts.students + 1)}
    confirmed: dict[str, list[dict]] = {name: [] for name in kiosks}
    acked: dict[str, int] = {name: 0 for name in kiosks}
    outcome: dict[str, dict] = {}
    acts: dict[str, dict] = {}
    resumed_logins = 0
    crash: dict[str, Any] = {}
    killed = False
    running = set(kiosks)
    end = time.monotonic() + opts.timeout
    while running:
        if time.monotonic() > end:
            raise TimeoutError(f"kiosks still running: {sorted(running)}")
        if opts.cancelled is not None and opts.cancelled.is_set():
            raise Cancelled()
        try:
            name, event = events.get(timeout=1)
        except queue.Empty:
            continue
        number = kiosks[name][0]
        kind = event.get("event")
        if kind == "confirmed":
            confirmed[name].append(event)
            count = len(confirmed[name])
            if number == CONFISCATED and count == 3:
                acts["confiscation"] = proctor.call("POST", "/proctor/acts/confiscation", json={
                    "individual_code": by_number[number]["individual_code"],
                    "items": [{"name": "Ұялы телефон / мобильный телефон", "brand": "Samsung A15",
                               "count": 1}],
                    "drawn_up_by": [REPRESENTATIVE["full_name"]]})
            elif number == IMPOSTOR and count == 3:
                acts["impostor"] = proctor.call("POST", "/proctor/acts/impostor", json={
                    "individual_code": by_number[number]["individual_code"],
                    "impostor_full_name": "Жақсылықов Ерболат Қанатұлы", "stage": "during_test"})
            elif number == KILLED and count == 4 and not killed:
                killed = True
                crash.update(kiosk=name, confirmed_before_kill=count, acked_before_kill=acked[name])
                child = next(c for c in children if c.name == name)
                os.kill(child.proc.pid, signal.SIGKILL)
        elif kind == "acked":
            acked[name] = max(acked[name], event["seq"])
        elif kind == "login" and event.get("resumed") and name == crash.get("kiosk"):
            # Only the killed kiosk's second life counts: a login the room already had (a retry
            # after a timeout on a slow network) is the same sitting, not a resume after a crash.
            resumed_logins += 1
            crash.update(recovered_from_journal=event["recovered"], server_had=event["server_had"],
                         resynced_to=event["acked_seq"])
        elif kind in ("result", "already_submitted", "removed", "refused", "offline", "stopped"):
            outcome[name] = event
        elif kind == "phase" and event["phase"] in ("done", "removed"):
            # A kiosk shown in a window: its sitting is over, its window stays until the end.
            outcome[name] = {"event": "result" if event["phase"] == "done" else "removed"}
            running.discard(name)
        elif kind == "exit":
            if number == KILLED and killed and name not in outcome and not _restarted(children, name):
                child = next(c for c in children if c.name == name)
                child.wait(10)
                children.append(Child(name, kiosks[name][1], events, logs))  # the PC is restarted
            else:
                running.discard(name)

    # 5. Seal, upload, and let the centre score.
    bundle = proctor.call("POST", "/proctor/bundle")
    queued = proctor.call("POST", "/proctor/bundle/upload", json={"central_url": central_url})
    ingest = _ingested(central_url, bundle["sha256"], centre_tls)  # a worker beside the server takes it in
    room_view = proctor.call("GET", "/proctor/room")
    staff = {"Authorization": f"Bearer {centre['staff_token']}"}  # the centre's own staff
    central = httpx.get(f"{central_url}/api/v1/results/{ORGANISATION['code']}", timeout=60,
                        verify=centre_tls, headers=staff).json()["results"]
    report_path = work / "report-kk.pdf"
    run_json([*central_cli, "report", "--organisation", ORGANISATION["code"], "--year",
              str(central[0]["year"]), "--grade", str(central[0]["grade"]), "--lang", "kk",
              "--name", ORGANISATION["name"], "--sign", "--out", str(report_path)])
    report = str(report_path)
    assert queued["status"] in ("queued", "stored"), queued

    summary = _summary(opts, kiosks, by_number, confirmed, acked, outcome, acts, resumed_logins,
                       bundle, ingest, room_view, central, report)
    summary["crash"] = crash
    if opts.before_stop:
        opts.before_stop(summary)
    return summary


def _ingested(central_url: str, sha256: str, tls: Any, timeout: float = 120) -> dict[str, Any]:
    """The centre's ingest outcome of an uploaded bundle, once a worker has taken it in."""
    deadline = time.monotonic() + timeout
    while True:
        state = httpx.get(f"{central_url}/api/v1/uploads/{sha256}", verify=tls, timeout=30).json()
        if state.get("ingest") not in (None, "queued", "running"):
            return state.get("outcome", state)
        if time.monotonic() > deadline:
            raise RuntimeError(f"the centre did not ingest the bundle in {timeout:.0f} s: {state}")
        time.sleep(0.2)


def _restarted(children: list[Child], name: str) -> bool:
    return sum(1 for c in children if c.name == name) > 1


def _summary(opts, kiosks, by_number, confirmed, acked, outcome, acts, resumed_logins, bundle,
             ingest, room_view, central, report) -> dict[str, Any]:
    central_by_code = {r["individual_code"]: r for r in central}
    lost = 0
    lost_detail = []
    for name, (number, _) in kiosks.items():
        code = by_number[number]["individual_code"]
        removed = outcome.get(name, {}).get("event") == "removed"
        # A removed student's last change may be refused by the server after the act: the test
        # ended with the act, so only what the server had acknowledged by then must arrive.
        events = [e for e in confirmed[name] if not removed or e["seq"] <= acked[name]]
        expected = latest_answers([{"seq": e["seq"], "item_id": e["item_id"], "answer": e["answer"]}
                                   for e in events])
        stored = latest_answers(central_by_code.get(code, {}).get("responses", []))
        for item, answer in expected.items():
            if stored.get(item) != answer:
                lost += 1
                lost_detail.append({"individual_code": code, "item_id": item})
    seats = room_view["seats"]
    room_scored = sum(1 for s in seats if s["attempt"] and s["attempt"]["status"] == "submitted")
    mismatches = [
        r["individual_code"] for r in central
        if r["status"] == "scored" and (r["room_score"] is None or abs(r["room_score"] - r["score"]) > 1e-6)
    ]
    return {
        "students": len(seats),
        "absent": sum(1 for s in seats if s["attendance"] == "absent"),
        "voided": sum(1 for s in seats if s["attempt"] and s["attempt"]["status"] == "voided"),
        "scored": room_scored,
        "resumed": resumed_logins,
        "lost_answers": lost,
        "lost_detail": lost_detail,
        "score_mismatches": len(set(mismatches) | {m["individual_code"] for m in ingest["score_mismatches"]}),
        "central": {
            "scored": sum(1 for r in central if r["status"] == "scored"),
            "voided": sum(1 for r in central if r["status"] == "voided"),
            "absent": sum(1 for r in central if r["status"] == "absent"),
            "ingest": {k: ingest[k] for k in ("status", "bundle_id", "sequence")},
        },
        "bundle": {"path": bundle["path"], "sha256": bundle["sha256"], "sequence": bundle["sequence"]},
        "acts": [acts[k]["pdf_path"] for k in ("confiscation", "impostor") if k in acts],
        "report": report,
        "work_dir": str(opts.work_dir.resolve()),
    }
