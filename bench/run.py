"""Run every benchmark, print one table, and write it down with the machine it ran on.

    make bench          # the full run (~15-20 min on 2 cores); writes docs/BENCHMARKS.md
    make bench-quick    # about a minute; writes var/bench/BENCHMARKS-quick.md

or ``.venv/bin/python bench/run.py [--quick] [--only room,ingest] [--out FILE]``.

Each benchmark is its own script in bench/ and runs in its own process; each row shows its figure
next to a baseline measured in the same run, and the ratio. Benchmarks are not tests: a missed
target is printed and written down, and this command still exits 0 (only a benchmark that crashed
makes it exit 1, so a broken script does not go unnoticed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
from benchlib import PY, REPO  # noqa: E402

BENCH = Path(__file__).resolve().parent
# id, script, what it is, time limit (s) in the full run, extra arguments
BENCHMARKS = [
    ("journal", "bench_journal.py", "kiosk save path", 300, []),
    ("documents", "bench_documents.py", "documents", 600, []),
    ("kiosk", "bench_kiosk.py", "kiosk start", 600, []),
    ("room", "bench_room.py", "room server", 2400, []),
    ("ingest", "bench_ingest.py", "central ingest", 1800, []),
    # how the centre runs it in April: `central-scorer ingest --jobs 2` (bundles by organisation)
    ("ingest-jobs", "bench_ingest.py", "central ingest, 2 worker processes", 1800,
     ["--jobs", "2", "--backends", "postgresql"]),
    ("calibration", "bench_calibration.py", "calibration", 1800, []),
    ("population", "bench_population.py", "population estimates and recovery study", 1800, []),
    # the centre at national size: 1,000,000 attempts on PostgreSQL (docs/scaling.md)
    ("centre", "bench_centre.py", "centre at national size", 7200, []),
]
FINDINGS = BENCH / "findings.md"


def run_one(bench_id: str, script: str, quick: bool, limit: float, tmp: Path,
            extra: list[str] = ()) -> tuple[list[dict], str]:
    """Run one benchmark script; return its rows and a status ("ok" or why not)."""
    out = tmp / f"{bench_id}.json"
    cmd = [PY, str(BENCH / script), "--json", str(out), *extra] + (["--quick"] if quick else [])
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=REPO, timeout=limit, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return [], f"did not finish in {limit:.0f} s"
    took = time.monotonic() - started
    if done.returncode != 0 or not out.exists():
        return [], f"failed (exit {done.returncode}) after {took:.0f} s"
    rows = json.loads(out.read_text("utf-8"))
    for row in rows:
        row.setdefault("data", {})["seconds"] = round(took, 1)
    return rows, "ok"


def status_word(met: Any) -> str:
    return {True: "met", False: "MISSED", None: "—"}[met]


def print_table(rows: list[dict[str, Any]]) -> None:
    cols = [("what", 30), ("figure", 58), ("target", 34), ("", 7), ("ratio", 40)]
    print()
    print(" | ".join(name.ljust(width) for name, width in cols))
    print("-+-".join("-" * width for _, width in cols))
    for row in rows:
        values = [row.get("what", ""), row.get("figure", ""), row.get("target", ""),
                  status_word(row.get("met")), row.get("ratio", "—")]
        print(" | ".join(str(v)[:w].ljust(w) for v, (_, w) in zip(values, cols)))
    print()
    for row in rows:
        if row.get("baseline") and row["baseline"] != "—":
            print(f"  {row['what']}: baseline {row['baseline']}")


def markdown(rows: list[dict[str, Any]], machine: dict[str, str], quick: bool, started: dt.datetime,
             seconds: float, load: tuple[list[float], list[float]], failures: list[str]) -> str:
    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (`make bench`); do not edit by hand — the hand-written findings "
        "come from `bench/findings.md`. Benchmarks are not tests: they never fail CI.",
        "",
        f"Run: {'**quick** (`make bench-quick`)' if quick else 'full (`make bench`)'}, "
        f"{started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} min. Load average (1 min) "
        f"{load[0][0]:.2f} at the start, {load[1][0]:.2f} at the end — this machine is shared with "
        "other developers' test runs, so latencies and wall-clock rates can be worse than on an "
        "idle machine; CPU-time figures in the notes are not affected.",
        "",
        "Figures are measured unless a cell says *computed* (derived from measured ones) or "
        "*extrapolated*; the load column is the machine's 1-minute load average as the row's "
        "benchmark started (2 cores: above 2 means other work was waiting for a core).",
        "",
        "| what | workload | figure | target | | baseline (same run) | ratio | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        load_before = row.get("data", {}).get("load_before")
        lines.append("| " + " | ".join(cell(row.get(k, "—")) for k in (
            "what", "workload", "figure", "target")) + f" | {status_word(row.get('met'))} | "
            + " | ".join(cell(row.get(k, "—")) for k in ("baseline", "ratio"))
            + f" | {'—' if load_before is None else f'{load_before:.1f}'} |")
    if failures:
        lines += ["", "Benchmarks that did not run to the end: " + "; ".join(failures) + "."]
    notes = [(row["what"], note) for row in rows for note in row.get("notes", [])]
    if notes:
        lines += ["", "## Notes per row", ""]
        lines += [f"- **{cell(what)}**: {note}" for what, note in notes]
    room = next((row["data"] for row in rows if row.get("id", "").startswith("room-") and
                 "steady" in row.get("data", {})), None)
    if room:
        lines += ["", "## Room server, phase by phase", "",
                  f"{room['kiosks']} kiosks; "
                  + ("server on core 0 and generator on core 1 (taskset); " if room.get("pinned")
                     else "not pinned; ") +
                  f"bare ASGI on the same stack in the same run: "
                  f"{room['bare']['cpu_ms_per_request']:.3f} ms CPU per request. All measured.", "",
                  "| phase | seconds | saves | save p50 | save p99 | save max | heartbeat p99 | "
                  "new TLS connections (p99) | server CPU | CPU ms / request |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for phase, name in (("storm", "log-in storm (logins counted as requests)"),
                            ("steady", "steady state"), ("reconnect", "reconnect storm")):
            p = room[phase]
            connects = f"{p['connects']} ({p['connect_p99'] * 1000:.1f} ms)" if p["connects"] else "—"
            lines.append(
                f"| {name} | {p['seconds']:.0f} | {p['saves']} | {p['save_p50'] * 1000:.1f} ms | "
                f"{p['save_p99'] * 1000:.1f} ms | {p['save_max'] * 1000:.1f} ms | "
                f"{p['heartbeat_p99'] * 1000:.1f} ms | {connects} | {p['server_cpu'] * 100:.0f}% | "
                f"{p['cpu_ms_per_request']:.3f} |")
        lines += ["", f"{room['logins']} real logins (one-time passwords checked against their "
                      f"keyed hashes), p99 {room['login_p99']:.1f} s; "
                      f"{room['error_count']} errors; acknowledged rows {room['acked_rows']} → "
                      f"{room['acked_rows_found']} found after SIGKILL; server peak RSS "
                      f"{room['server_rss_mb']:.0f} MB; load average up to {room['load_avg']:.1f}."]
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "## How to repeat", "",
              "```sh",
              "make bench          # full run, rewrites docs/BENCHMARKS.md (10-20 min on 2 cores)",
              "make bench-quick    # about a minute; writes var/bench/BENCHMARKS-quick.md",
              ".venv/bin/python bench/run.py --only room,ingest   # some rows only",
              ".venv/bin/python bench/bench_room.py --kiosks 500 --steady 30 --cut 30",
              ".venv/bin/python bench/bench_ingest.py --attempts 20000 --backends sqlite "
              "--profile var/bench/ingest-profile.txt",
              ".venv/bin/python bench/run.py --render var/bench/last-run.json   # after editing "
              "bench/findings.md",
              "```",
              "",
              "Each script has `--help`. The databases go to `var/bench/` (on the project's disk, "
              "not a tmpfs) and are removed afterwards; the sealed bundles of the ingest row are kept "
              "in `var/bench/cache/` and reused while the code that makes them is unchanged (making "
              "100,000 attempts' bundles takes 0.5-3 min). PostgreSQL rows need a server "
              "on 127.0.0.1:5432 with trust authentication for the user `postgres`; a scratch "
              "database is created and dropped. To profile the room server under load, set "
              "`BENCH_SERVE_WRAPPER` to a script that starts it (e.g. under py-spy) with the same "
              "arguments as `proctor-console`."]
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text("utf-8").strip()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a minute in all")
    parser.add_argument("--only", default=None, help="comma-separated: " +
                        ",".join(b[0] for b in BENCHMARKS))
    parser.add_argument("--out", type=Path, default=None,
                        help="markdown file (default docs/BENCHMARKS.md, or "
                             "var/bench/BENCHMARKS-quick.md with --quick or --only)")
    parser.add_argument("--render", type=Path, default=None, metavar="JSON",
                        help="only write the markdown again from a saved run (var/bench/last-run.json),"
                             " e.g. after bench/findings.md changed")
    args = parser.parse_args()
    if args.render is not None:
        saved = json.loads(args.render.read_text("utf-8"))
        out = args.out or Path(saved["out"])
        out.write_text(markdown(saved["rows"], saved["machine"], saved["quick"],
                                dt.datetime.fromisoformat(saved["started"]), saved["seconds"],
                                tuple(saved["load"]), saved["failures"]), "utf-8")
        print(f"written: {out}")
        return 0
    wanted = set(args.only.split(",")) if args.only else {b[0] for b in BENCHMARKS}
    unknown = wanted - {b[0] for b in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    partial = args.quick or args.only is not None
    out = args.out or (REPO / "var" / "bench" / "BENCHMARKS-quick.md" if partial
                       else REPO / "docs" / "BENCHMARKS.md")
    (REPO / "var" / "bench").mkdir(parents=True, exist_ok=True)

    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.monotonic()
    load_start = list(os.getloadavg())
    machine = benchlib.machine_info(REPO / "var" / "bench")
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="run-", dir=REPO / "var" / "bench") as tmp:
        for bench_id, script, what, limit, extra in BENCHMARKS:
            if bench_id not in wanted:
                continue
            print(f"\n=== {what} ({script}{' --quick' if args.quick else ''}) ===", flush=True)
            load = os.getloadavg()[0]
            got, status = run_one(bench_id, script, args.quick, limit, Path(tmp), extra)
            for row in got:
                row.setdefault("data", {})["load_before"] = round(load, 2)
            if status != "ok":
                failures.append(f"{what}: {status}")
                got = [{"id": bench_id, "what": what, "workload": "—", "figure": f"not measured: {status}",
                        "target": "—", "met": None}]
            rows.extend(got)
    seconds = time.monotonic() - t0
    print_table(rows)
    text = markdown(rows, machine, args.quick, started, seconds, (load_start, list(os.getloadavg())),
                    failures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    (REPO / "var" / "bench" / ("last-quick-run.json" if partial else "last-run.json")).write_text(
        json.dumps({"machine": machine, "quick": args.quick, "rows": rows, "out": str(out),
                    "started": started.isoformat(), "seconds": seconds,
                    "load": [load_start, list(os.getloadavg())], "failures": failures},
                   indent=1, ensure_ascii=False, default=str), "utf-8")
    print(f"written: {out.relative_to(REPO) if out.is_relative_to(REPO) else out} "
          f"({seconds / 60:.1f} min)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
