"""Render the records of a `make chaos` run (JSON lines) as docs/RELIABILITY.md.

    python tests/chaos/write_report.py var/chaos.jsonl docs/RELIABILITY.md
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from collections import defaultdict
from pathlib import Path

INTRO = """# Reliability and security

What the fault and attack suite (`tests/chaos/`) injected and what came of it. Each row is written
by a test after its assertions held; a test that fails writes no row and fails `make chaos`.
`make test` runs the same tests with small counts; `make chaos` runs the full counts and rewrites
this file.

**Survived** counts injections after which every check held: for faults, every answer the screen
confirmed was at the room server afterwards; for attacks, the input was refused with its expected
message and nothing of it was stored. **Lost** counts confirmed answers (or stored records) missing.
"""


def render(rows: list[dict], seconds: float | None = None) -> str:
    by_area: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_area[r["area"]].append(r)
    out = [INTRO, f"Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
           f"({platform.machine()}, Python {platform.python_version()})"
           + (f", {seconds:.0f} s." if seconds else ".") + "\n",
           "Repeat: `make chaos` (full) or `make test` (quick counts).\n"]
    total_i = total_s = total_l = 0
    # faults first (what an exam day brings), then attacks; each group in the order it ran
    for area, items in sorted(by_area.items(), key=lambda kv: not kv[0].startswith("Faults")):
        out.append(f"\n## {area}\n")
        out.append("| fault / attack | times injected | survived | data lost | notes |")
        out.append("|---|---:|---:|---:|---|")
        for r in items:
            out.append(f"| {r['fault']} | {r['injected']} | {r['survived']} | {r['lost']} | {r['note']} |")
            total_i += r["injected"]
            total_s += r["survived"]
            total_l += r["lost"]
    out.append(f"\n**Total:** {total_i} injected, {total_s} survived, {total_l} lost.\n")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    src, dst = Path(argv[1]), Path(argv[2])
    seconds = float(argv[3]) if len(argv) > 3 else None
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        print("no chaos records: did the suite run?", file=sys.stderr)
        return 1
    dst.write_text(render(rows, seconds), encoding="utf-8")
    bad = [r for r in rows if r["survived"] != r["injected"] or r["lost"]]
    print(f"{len(rows)} rows → {dst}; {len(bad)} with losses or failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
