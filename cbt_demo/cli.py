"""`cbt-demo`: one exam day end to end. Prints one JSON object; exits 1 if an answer was lost or a
score differs between the room and the centre."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cbt-demo", description=__doc__)
    parser.add_argument("--headless", action="store_true", help="no windows (the default without a display)")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    parser.add_argument("--kiosks", type=int, choices=range(5), default=4, metavar="0-4",
                        help="with a display: the students shown in kiosk windows (default 4)")
    parser.add_argument("--beat-ms", type=int, default=700,
                        help="with a display: the shown students' pause between two presses")
    parser.add_argument("--work-dir", type=Path,
                        default=Path("var") / f"demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    args = parser.parse_args(argv)

    # Stopped from outside (Ctrl+C, a `kill`): the processes it started are stopped and waited for
    # on the way out (scenario.run and windowed.run_windowed stop them in their `finally`).
    signal.signal(signal.SIGTERM, _stopped)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("The demo was stopped.", file=sys.stderr)
        return 130


def _stopped(signum: int, _frame) -> None:
    raise KeyboardInterrupt


def _run(args: argparse.Namespace) -> int:
    from cbt_demo.scenario import Options, run

    opts = Options(students=args.students, work_dir=args.work_dir)
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not args.headless and has_display:
        from cbt_demo.windowed import run_windowed

        summary = run_windowed(opts, args.kiosks, args.beat_ms)  # prints the summary itself
        if summary is None:
            print("The desk was closed before the end of the day: the demo stopped.", file=sys.stderr)
            return 0
    else:
        summary = run(opts)
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    if not args.json:
        print(_verdict(summary), file=sys.stderr)
    return 0 if summary["lost_answers"] == 0 and summary["score_mismatches"] == 0 else 1


def _verdict(s: dict) -> str:
    return (f"{s['students']} students: {s['absent']} absent, {s['voided']} voided, "
            f"{s['central']['scored']} scored at the centre; {s['resumed']} resumed after a crash; "
            f"{s['lost_answers']} answers lost; {s['score_mismatches']} score mismatches.\n"
            f"Acts: {', '.join(s['acts'])}\nReport: {s['report']}\nBundle: {s['bundle']['path']}")


if __name__ == "__main__":
    sys.exit(main())
