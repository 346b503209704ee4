"""The demo with a display: the same exam day, with the representative's room window following it.

The window is the proctor console's own (`proctor-console watch`), run as its own process with the
representative's sign-in; it stays open after the day until it is closed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from cbt_demo.scenario import Options, run


def run_windowed(opts: Options) -> dict[str, Any]:
    windows: list[subprocess.Popen] = []

    def open_room_window(port: int, fingerprint: str, token: str) -> None:
        env = {**os.environ, "CBT_PROCTOR_TOKEN": token}
        windows.append(subprocess.Popen(
            [sys.executable, "-m", "proctor_console.cli", "watch", "--port", str(port),
             "--fingerprint", fingerprint, "--lang", "kk"], env=env))

    def keep_open(summary: dict[str, Any]) -> None:
        print(json.dumps(summary, ensure_ascii=False, indent=2), flush=True)
        print("The room window stays open: close it to end the demo.", file=sys.stderr, flush=True)
        for window in windows:
            window.wait()

    opts.on_room = open_room_window
    opts.before_stop = keep_open
    return run(opts)
