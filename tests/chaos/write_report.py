"""Render the records of a `make chaos` run (JSON lines) as docs/RELIABILITY.md; exit 1 when the
run shows a failure, a loss, a surviving mutant or a missing record.

    python tests/chaos/write_report.py var/chaos.jsonl docs/RELIABILITY.md [SECONDS]

The records (tests/chaos/conftest.py, tests/chaos/mutants.py): `session` (every collected test),
`row` (one fault or attack: injected, survived, lost), `test` (how a test ended and how many rows
it wrote), `mutants` (every mutant) and `mutant` (one mutant's outcome). Every test must have its
outcome and exactly its rows, every mutant its outcome: a record deleted from the file is found.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report_text import INTRO, KIND_NAMES  # noqa: E402


def problems_in(records: list[dict]) -> list[str]:
    """Everything that makes the run fail, one line each."""
    out: list[str] = []
    sessions = [r for r in records if r.get("record") == "session"]
    tests = {r["test"]: r for r in records if r.get("record") == "test"}
    rows = [r for r in records if r.get("record", "row") == "row"]
    if not sessions:
        out.append("no session record: the suite did not run, or its records are incomplete")
    expected = [t for s in sessions for t in s["tests"]]
    for test in expected:
        if test not in tests:
            out.append(f"`{test}`: no outcome recorded (its records were deleted, or the run "
                       "stopped before it ended)")
    rows_of = Counter(r.get("test", "") for r in rows)
    for test, rec in tests.items():
        if rec["outcome"] == "failed":
            out.append(f"`{test}` FAILED: {rec['message']}")
        if rows_of.get(test, 0) != rec["rows"]:
            out.append(f"`{test}` wrote {rec['rows']} row(s); {rows_of.get(test, 0)} found in the "
                       "records (a record was deleted or added)")
    for test in rows_of:
        if test not in tests:
            out.append(f"`{test or '?'}`: rows without the test's outcome record")
    for r in rows:
        if r["lost"] or r["survived"] != r["injected"]:
            out.append(f"{r['area']} — {r['fault']}: {r['injected']} injected, {r['survived']} "
                       f"survived, {r['lost']} lost")
    listed = [n for r in records if r.get("record") == "mutants" for n in r["names"]]
    outcomes = {r["name"]: r for r in records if r.get("record") == "mutant"}
    if not listed:
        out.append("the mutation check (tests/chaos/mutants.py) did not run")
    for name in listed:
        if name not in outcomes:
            out.append(f"mutant `{name}`: no outcome recorded")
        elif not outcomes[name]["killed"]:
            out.append(f"mutant `{name}` SURVIVED: {outcomes[name]['message']}")
    return out


def render(records: list[dict], seconds: float | None = None) -> str:
    rows = [r for r in records if r.get("record", "row") == "row"]
    tests = [r for r in records if r.get("record") == "test"]
    problems = problems_in(records)
    title, _, body = INTRO.partition("\n")
    out = [title + "\n"]
    out.append(f"Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
               f"({platform.machine()}, Python {platform.python_version()})"
               + (f", {seconds:.0f} s" if seconds else "") + "; "
               + ("full counts (`make chaos`)." if any(r.get("full") for r in records)
                  else "quick counts."))
    if problems:
        out.append("\n## ❌ FAILURES\n")
        out.append("| what failed |\n|---|")
        out += [f"| **{p}** |" for p in problems]
    else:
        out.append("\n**No failure**: every test passed, no answer was lost, every mutant was "
                   "killed, and every test's records are complete.\n")
    out.append(body)
    outcome = Counter(t["outcome"] for t in tests)
    out.append(f"\nTests: {outcome['passed']} passed, {outcome['failed']} failed, "
               f"{outcome['skipped']} skipped.")
    for t in tests:
        if t["outcome"] == "skipped":
            out.append(f"- skipped `{t['test']}`: {t['message']}")
    power = [t for t in tests if "powercut" in t["test"]]
    out.append(f"\nPower-cut tests: {sum(t['outcome'] == 'passed' for t in power)} of "
               f"{len(power)} ran and passed (they need FUSE; skipped with a reason without it).\n")

    out.append("\n## Summary: distinct injections by kind\n")
    out.append("| kind | distinct injections | survived | data lost |\n|---|---:|---:|---:|")
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        acc = by_kind[r.get("kind", "refused")]
        acc[0] += r["injected"]
        acc[1] += r["survived"]
        acc[2] += r["lost"]
    for kind, name in KIND_NAMES.items():
        if kind in by_kind:
            i, s, lost = by_kind[kind]
            out.append(f"| {name} | {i} | {s} | {lost} |")

    mutants = [r for r in records if r.get("record") == "mutant"]
    if mutants:
        out.append("\n## Mutants of the durability code\n")
        out.append("Each is the working tree with one piece of durability code broken, run "
                   "against the power-cut tests (`tests/chaos/mutants.py`).\n")
        out.append("| mutant | what is broken | outcome | killed by | message | the kill-only test "
                   "on the same mutant |\n|---|---|---|---|---|---|")
        for m in mutants:
            verdict = "killed" if m["killed"] else "**SURVIVED**"
            contrast = "; ".join(f"`{Path(t).name}` {said}" for t, said in m.get("kill_only", {}).items())
            out.append(f"| `{m['name']}` | {m['what']} | {verdict} | `{m['by']}` | "
                       f"{_cell(m['message'])} | {contrast or '—'} |")

    by_area: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_area[r["area"]].append(r)
    for area, items in sorted(by_area.items(), key=lambda kv: not kv[0].startswith("Faults")):
        out.append(f"\n## {area}\n")
        out.append("| fault / attack | distinct injections | survived | data lost | notes |")
        out.append("|---|---:|---:|---:|---|")
        for r in items:
            flag = "❌ " if r["lost"] or r["survived"] != r["injected"] else ""
            out.append(f"| {flag}{r['fault']} | {r['injected']} | {r['survived']} | {r['lost']} | "
                       f"{_cell(r['note'])} |")
    real = sum(v[0] for k, v in by_kind.items() if k != "refused")
    out.append(f"\n**Total:** {real} real faults (crash, power, network, disk) and "
               f"{by_kind['refused'][0] if 'refused' in by_kind else 0} refused inputs and attacks; "
               f"{sum(v[2] for v in by_kind.values())} answers lost; "
               f"{len(problems)} failure(s).\n")
    return "\n".join(out)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    src, dst = Path(argv[1]), Path(argv[2])
    seconds = float(argv[3]) if len(argv) > 3 else None
    try:
        lines = src.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"no chaos records: {exc}", file=sys.stderr)
        return 1
    records = [json.loads(line) for line in lines if line.strip()]
    dst.write_text(render(records, seconds), encoding="utf-8")
    problems = problems_in(records)
    print(f"{len(records)} records → {dst}; {len(problems)} failure(s)")
    for p in problems:
        print(f"  FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
