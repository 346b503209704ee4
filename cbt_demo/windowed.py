"""The demo with a display: the same exam day, with the representative's desk and four students'
kiosks side by side on one screen (a 1366×768 laptop's included).

Left half: the desk (`proctor-console desk --server …`), over the demo's room server and signed in
with the session the script opened, at the screen of the day the room is at. Right half: four
kiosks in a 2×2 grid (`exam-client --windowed --autopilot`), each its own process at its own
enrolled seat, whose scripted student logs in with the slip's login and password, answers and
submits by pressing the window's buttons; a person may click in them too. The other students sit
headless, as without a display. Each window is given its cell as fractions of the screen's free
area (common/window_cell.py), and Qt draws it smaller (QT_SCALE_FACTOR) so that a screen laid out
for a whole monitor fits its cell.

Closing the desk ends the demo, during the day or after it: every process it started is stopped
and waited for.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from pathlib import Path
from typing import Any

from cbt_demo.processes import Child
from cbt_demo.scenario import Cancelled, Options, run

DESK_CELL = "0,0,0.5,1"
KIOSK_CELLS = ("0.5,0,0.25,0.5", "0.75,0,0.25,0.5", "0.5,0.5,0.25,0.5", "0.75,0.5,0.25,0.5")
# A desk laid out for a whole monitor in half a laptop's screen; a kiosk laid out for a lab PC's
# 1366×768 screen in a quarter of it.
DESK_SCALE, KIOSK_SCALE = "0.6", "0.5"


def run_windowed(opts: Options, kiosks: int = len(KIOSK_CELLS), beat_ms: int = 700) -> dict[str, Any] | None:
    """The day with its windows; None when the desk was closed before the day ended."""
    logs = opts.work_dir.resolve() / "logs"
    desk: list[Child] = []
    shown: list[int] = []
    closed = threading.Event()

    def open_desk(port: int, fingerprint: str, token: str) -> None:
        env = {**os.environ, "CBT_PROCTOR_TOKEN": token, "QT_SCALE_FACTOR": DESK_SCALE}
        events: queue.Queue = queue.Queue()
        desk.append(Child("desk", ["proctor_console.cli", "desk", "--server", f"127.0.0.1:{port}",
                                   "--fingerprint", fingerprint, "--lang", "kk", "--place", DESK_CELL,
                                   "--data-dir", str(opts.work_dir.resolve() / "room")],
                          events, logs, env=env))

        def watch() -> None:  # the desk's window closed: the demo ends
            while events.get()[1].get("event") != "exit":
                pass
            closed.set()

        threading.Thread(target=watch, daemon=True).start()

    def kiosk_window(number: int, config: Path, login: str, password: str):
        if len(shown) >= kiosks:
            return None
        cell = KIOSK_CELLS[len(shown)]
        shown.append(number)
        env = {**os.environ, "CBT_STUDENT_PASSWORD": password, "QT_SCALE_FACTOR": KIOSK_SCALE}
        return ["exam_client.cli", "--config", str(config), "--windowed", "--autopilot",
                "--login", login, "--seed", str(number), "--think-ms", str(beat_ms),
                "--place", cell], env

    def keep_open(summary: dict[str, Any]) -> None:
        print(json.dumps(summary, ensure_ascii=False, indent=2), flush=True)
        print("The windows stay open: close the desk to end the demo.", file=sys.stderr, flush=True)
        closed.wait()

    opts.on_room, opts.shown, opts.before_stop, opts.cancelled = open_desk, kiosk_window, keep_open, closed
    try:
        return run(opts)
    except Cancelled:
        return None
    finally:
        for child in desk:
            child.stop()
