"""The room server under a full lab: N kiosks on loopback against `proctor-console serve`, in
three phases — the log-in storm, the steady state, and the reconnect storm after a network cut.

Not a test. Run from the repository root::

    .venv/bin/python bench/bench_room.py [--quick] [--kiosks 2000] [--steady 30] [--cut 30]

Each simulated kiosk logs in for real (its one-time password checked, issue 20) over its own TLS
connection, then sends a heartbeat (``GET /api/v1/attempt/state``) every 2 s and an answer save
(the protocol's `AnswerBatch`: everything its journal holds that is not acknowledged) every 5 s,
at a random phase. The kiosks are one raw HTTP/1.1 generator (bench/room_load.py, not httpx),
pinned with taskset to core 1 while the server is pinned to core 0, so that the server's figures
are the server's. The server's CPU per request is shown beside a bare ASGI app on the same stack
(uvicorn, httptools, uvloop, the same TLS certificate; bench/bare_asgi.py), flooded by the same
generator in the same run.

After the run the server is SIGKILLed and the SQLite file is opened again: every acknowledged save
must be there (rows per attempt == the seq the server acked). The baseline of the disk is a raw
durable SQLite insert (WAL, synchronous=FULL, one row per transaction) beside the room's database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib  # noqa: E402
from benchlib import PY, REPO, ms, percentile  # noqa: E402

HEARTBEAT_S = 2.0
SAVE_S = 5.0
TARGET_P99 = 0.050  # the target in every phase


# --- baseline --------------------------------------------------------------------------------------


def raw_sqlite_inserts(directory: Path, rows: int) -> dict[str, float]:
    """One row per transaction, WAL, synchronous=FULL: the cost of durability alone."""
    path = directory / "baseline.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, attempt_id TEXT, seq INTEGER, "
               "item_id TEXT, answer_json TEXT, client_ts REAL, received_at TEXT, "
               "UNIQUE (attempt_id, seq))")
    db.execute("CREATE INDEX ix_answers_attempt_id ON answers (attempt_id)")
    lat = []
    t_all = time.perf_counter()
    for i in range(rows):
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO answers (attempt_id, seq, item_id, answer_json, client_ts, received_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (f"attempt-{i % 500:04d}", i // 500 + 1, f"q{i % 60:02d}", '"b"', time.time(),
                    "2026-05-20 05:00:00.000000"))
        db.execute("COMMIT")
        lat.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - t_all
    db.close()
    return {"rows": rows, "rate": rows / elapsed, "p50": percentile(lat, 50), "p99": percentile(lat, 99)}


# --- the three phases: N kiosks ---------------------------------------------------------------------

PHASES = ("storm", "steady", "reconnect")
PHASE_NAMES = {"storm": "log-in storm", "steady": "steady state", "reconnect": "reconnect storm"}


def run_phases(template: Path, creds: list[dict[str, str]], n: int, steady_s: float, cut_s: float,
               work: Path, seed: int, cpus: tuple[str, int] | None) -> dict[str, Any]:
    """Log-in storm, steady state and reconnect storm against one server (bench/room_load.py);
    then SIGKILL and the acknowledged saves looked for in the reopened file."""
    room_dir = benchlib.copy_room(template, work / f"room-{n}")
    server = benchlib.RoomServer(room_dir, work / f"server-{n}.log", cpus=cpus[0] if cpus else None)
    plan = {"storm_s": 10.0, "steady_s": steady_s, "cut_s": cut_s, "reconnect_s": 15.0,
            "port": server.port, "seed": seed, "cert": str(room_dir / "tls" / "room-cert.pem"),
            "credentials": creds, "start_at": time.time() + 1.0}
    plan_file, out = work / f"plan-{n}.json", work / f"stats-{n}.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    cpu: list[tuple[float, float]] = []  # (wall clock, the server's CPU seconds)
    loads: list[float] = []
    gen = subprocess.Popen([PY, str(HERE / "room_load.py"), "--plan", str(plan_file), "--out",
                            str(out), *(["--cpu", str(cpus[1])] if cpus else [])], cwd=REPO)
    try:
        while gen.poll() is None:
            cpu.append((time.time(), benchlib.cpu_seconds(server.proc.pid)))
            loads.append(os.getloadavg()[0])  # other work on the machine competes with the server
            time.sleep(0.25)
        server_rss = _rss_mb(server.proc.pid)
        if gen.returncode != 0:
            raise RuntimeError("the load generator failed")
    finally:
        if gen.poll() is None:
            gen.kill()
        server.kill()  # SIGKILL: only what was made durable survives
    stats = json.loads(out.read_text("utf-8"))
    logins_done = stats["cut_at"] - 10.0 - steady_s
    windows = {"storm": (0.0, logins_done + 10.0), "steady": (logins_done + 10.0, stats["cut_at"]),
               "reconnect": (stats["cut_at"] + cut_s, stats["cut_at"] + cut_s + plan["reconnect_s"])}
    result: dict[str, Any] = {"kiosks": n, "errors": stats["errors"],
                              "error_count": sum(stats["errors"].values()),
                              "generator_cpu_s": stats["cpu_s"], "server_rss_mb": server_rss,
                              "load_avg": max(loads), "logins_done_s": logins_done,
                              "cut_s": cut_s, "steady_s": steady_s}
    requests = stats["requests"]
    for phase, (a, b) in windows.items():
        save = [s for at, kind, s in requests if kind == "save" and a <= at < b]
        beat = [s for at, kind, s in requests if kind == "heartbeat" and a <= at < b]
        connect = [s for at, kind, s in requests if kind == "connect" and a <= at < b]
        used = _cpu_between(cpu, stats["start_at"] + a, stats["start_at"] + b)
        result[phase] = {
            "saves": len(save), "heartbeats": len(beat), "seconds": b - a,
            "save_p50": percentile(save, 50), "save_p99": percentile(save, 99),
            "save_max": max(save) if save else float("nan"),
            "heartbeat_p99": percentile(beat, 99), "server_cpu": used / (b - a), "cpu_s": used,
            "connects": len(connect), "connect_p99": percentile(connect, 99),
            "cpu_ms_per_request": used * 1000 / max(1, len(save) + len(beat))}
    logins = [s for _, kind, s in requests if kind == "login"]
    result["logins"], result["login_p99"] = len(logins), percentile(logins, 99)
    storm = result["storm"]  # its CPU includes the logins: counted as requests too
    storm["cpu_ms_per_request"] = storm["cpu_s"] * 1000 / max(1, storm["saves"] + storm["heartbeats"]
                                                              + len(logins))
    result["acked_rows"] = sum(stats["acked"].values())
    result.update(_check_durable(room_dir / "room.sqlite3", stats["acked"]))
    return result


def _cpu_between(samples: list[tuple[float, float]], a: float, b: float) -> float:
    """The server's CPU seconds between two wall-clock moments (nearest samples)."""
    def at(when: float) -> float:
        return min(samples, key=lambda s: abs(s[0] - when))[1]
    return at(b) - at(a)


def bare_asgi_ceiling(cert: Path, key: Path, cpus: tuple[str, int] | None,
                      work: Path) -> dict[str, float]:
    """A bare ASGI app on the same stack, flooded by the same generator: requests per CPU-second."""
    pin = ["taskset", "-c", cpus[0]] if cpus else []
    proc = subprocess.Popen([*pin, PY, str(HERE / "bare_asgi.py"), str(cert), str(key)],
                            stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        port = json.loads(proc.stdout.readline())["port"]
        time.sleep(0.5)
        plan, out = work / "plan-bare.json", work / "stats-bare.json"
        plan.write_text(json.dumps({"port": port, "cert": str(cert), "flood": "/",
                                    "connections": 32, "seconds": 5.0}), "utf-8")
        cpu0, t0 = benchlib.cpu_seconds(proc.pid), time.monotonic()
        subprocess.run([PY, str(HERE / "room_load.py"), "--plan", str(plan), "--out", str(out),
                        *(["--cpu", str(cpus[1])] if cpus else [])], check=True, cwd=REPO)
        cpu, wall = benchlib.cpu_seconds(proc.pid) - cpu0, time.monotonic() - t0
    finally:
        proc.kill()
        proc.wait()
    n = json.loads(out.read_text("utf-8"))["requests"]
    return {"requests": n, "per_cpu_s": n / cpu, "cpu_ms_per_request": cpu * 1000 / n,
            "per_s": n / wall}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _check_durable(database: Path, acked: dict[str, int]) -> dict[str, Any]:
    """After SIGKILL: every acknowledged (attempt, seq) must be in the reopened file."""
    db = sqlite3.connect(database)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        have = {a: (c, m) for a, c, m in db.execute(
            "SELECT attempt_id, count(*), max(seq) FROM answers GROUP BY attempt_id")}
        stored_acked = 0
        missing = 0
        for attempt_id, seq in acked.items():
            got = db.execute("SELECT count(*) FROM answers WHERE attempt_id = ? AND seq <= ?",
                             (attempt_id, seq)).fetchone()[0]
            stored_acked += got
            missing += seq - got
        rows = sum(c for c, _ in have.values())
    finally:
        db.close()
    return {"rows_after_kill": rows, "acked_rows_found": stored_acked, "acked_rows_missing": missing,
            "integrity": integrity, "durable": missing == 0 and integrity == "ok"}


# --- the benchmark ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 kiosks, short phases")
    parser.add_argument("--kiosks", type=int, default=None, help="simulated kiosks (2000)")
    parser.add_argument("--steady", type=float, default=None, help="steady-state seconds (30)")
    parser.add_argument("--cut", type=float, default=30.0, help="the network cut, seconds")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and generator")
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    n = args.kiosks or (200 if args.quick else 2000)
    try:  # a socket per kiosk on both sides; the server and the generator inherit this limit
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * n + 1024)), hard))
    except (ImportError, ValueError, OSError):
        pass
    steady = args.steady or (10.0 if args.quick else 30.0)
    cut = 10.0 if args.quick and args.cut == 30.0 else args.cut
    # The server on core 0, the generator on core 1 (the lab's kiosks are other machines).
    cpus = None if args.no_pin or (os.cpu_count() or 1) < 2 or not shutil.which("taskset") \
        else ("0", 1)
    base = args.dir or REPO / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="room-", dir=base) as tmp:
        work = Path(tmp)
        t = time.monotonic()
        prepared = benchlib.prepare_room(work / "setup", n)
        print(f"room prepared: {n} students, 60 items, in {time.monotonic() - t:.1f} s", flush=True)
        baseline = raw_sqlite_inserts(work, 300 if args.quick else 2000)
        tls = prepared["room_dir"] / "tls"
        if not (tls / "room-cert.pem").exists():  # made at the server's first start
            benchlib.RoomServer(prepared["room_dir"], work / "first.log").kill()
        bare = bare_asgi_ceiling(tls / "room-cert.pem", tls / "room-key.pem", cpus, work)
        print(f"baseline: raw durable SQLite insert {baseline['rate']:.0f}/s, p99 "
              f"{ms(baseline['p99'])}; bare ASGI {bare['per_cpu_s']:.0f} requests per CPU-second "
              f"({bare['cpu_ms_per_request']:.3f} ms)", flush=True)
        r = run_phases(prepared["room_dir"], prepared["credentials"][:n], n, steady, cut, work,
                       args.seed, cpus)
        r["pinned"] = cpus is not None
        for phase in PHASES:
            p = r[phase]
            print(f"{PHASE_NAMES[phase]}: {p['saves']} saves p50 {ms(p['save_p50'])} p99 "
                  f"{ms(p['save_p99'])} (max {ms(p['save_max'])}), heartbeat p99 "
                  f"{ms(p['heartbeat_p99'])}, {p['connects']} TLS connects p99 "
                  f"{ms(p['connect_p99'])}, server CPU {p['server_cpu'] * 100:.0f}% "
                  f"({p['cpu_ms_per_request']:.3f} ms/request)", flush=True)
        print(f"{r['logins']} logins (p99 {ms(r['login_p99'])}), {r['error_count']} errors "
              f"{r['errors'] or ''}, durable {r['acked_rows_found']}/{r['acked_rows']} after "
              f"SIGKILL, generator CPU {r['generator_cpu_s']:.1f} s", flush=True)
        fs = benchlib.filesystem_of(work)
    benchlib.write_rows(args.json, _rows(r, baseline, bare, fs))


def _rows(r: dict[str, Any], baseline: dict[str, float], bare: dict[str, float],
          fs: str) -> list[dict[str, Any]]:
    n = r["kiosks"]
    pin = ("server pinned to core 0, generator (raw HTTP/1.1 over TLS, bench/room_load.py) to "
           "core 1 with taskset" if r["pinned"] else "server and generator not pinned")
    rows = []
    for phase in PHASES:
        p = r[phase]
        met = p["save_p99"] <= TARGET_P99 and r["error_count"] == 0 and r["durable"]
        rows.append({
            "id": f"room-{phase}",
            "what": f"room server: {PHASE_NAMES[phase]}",
            "workload": (f"{n} kiosks: heartbeat every {HEARTBEAT_S:.0f} s, save every "
                         f"{SAVE_S:.0f} s, TLS; " + {
                             "storm": "all send their login within 10 s and start saving once "
                                      f"in; until 10 s after the last login ({p['seconds']:.0f} s)",
                             "steady": f"{p['seconds']:.0f} s after the storm",
                             "reconnect": f"the {p['seconds']:.0f} s after a {r['cut_s']:.0f} s "
                                          "network cut: all reconnect within one heartbeat "
                                          "period (2 s) and send what waits"}[phase]),
            "figure": (f"measured: save p50 {ms(p['save_p50'])}, p99 {ms(p['save_p99'])} "
                       f"({p['saves']} saves); {r['error_count']} errors (whole run); durable "
                       f"{r['acked_rows_found']}/{r['acked_rows']}; CPU "
                       f"{p['cpu_ms_per_request']:.3f} ms per request"
                       + (" (logins counted as requests)" if phase == "storm" else "")),
            "target": "p99 save ≤ 50 ms, 0 errors, every acknowledged save durable; "
                      "CPU ≤ 0.4 ms per request",
            "met": met and (phase != "steady" or p["cpu_ms_per_request"] <= 0.4),
            "baseline": (f"measured: bare ASGI on the same stack {bare['cpu_ms_per_request']:.3f} ms "
                         f"CPU per request ({bare['per_cpu_s']:,.0f}/CPU-s)"),
            "ratio": f"{p['cpu_ms_per_request'] / bare['cpu_ms_per_request']:.1f}× (CPU / request)",
            "notes": [f"measured: heartbeat p99 {ms(p['heartbeat_p99'])}; "
                      + (f"{p['connects']} new TLS connections, handshake p99 {ms(p['connect_p99'])} "
                         "(apart from the requests); " if p["connects"] else "") + "server CPU "
                      f"{p['server_cpu'] * 100:.0f}% of a core; peak RSS {r['server_rss_mb']:.0f} MB; "
                      f"{pin}; load average up to {r['load_avg']:.1f}"
                      + (f"; {r['logins']} real logins, p99 {ms(r['login_p99'])}"
                         if phase == "storm" else "")
                      + (f"; computed: at {p['cpu_ms_per_request']:.3f} ms per request one core "
                         f"serves ≈ {1000 / (p['cpu_ms_per_request'] * (1 / HEARTBEAT_S + 1 / SAVE_S)):,.0f}"
                         " kiosks" if phase == "steady" else "")
                      + f"; database on {fs}; raw durable SQLite insert p99 {ms(baseline['p99'])}"],
            "data": {**r, "bare": bare, "baseline": baseline},
        })
    return rows


if __name__ == "__main__":
    main()
