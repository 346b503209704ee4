"""Child processes of the demo: start them, read their JSON-line events, stop them."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


class Child:
    """One program run as its own process, its stdout read as JSON lines on a thread."""

    def __init__(self, name: str, args: list[str], events: "queue.Queue[tuple[str, dict]]",
                 log_dir: Path, env: dict[str, str] | None = None):
        self.name = name
        self.args = args
        log_dir.mkdir(parents=True, exist_ok=True)
        self._stderr = open(log_dir / f"{name}.stderr.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.PIPE,
                                     stderr=self._stderr, stdin=subprocess.DEVNULL, env=env)
        self._events = events
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            for line in self.proc.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    event = {"event": "text", "text": line.decode(errors="replace").strip()}
                self._events.put((self.name, event))
        self.proc.wait()  # reaped as soon as it ends: no defunct process while the demo's window is open
        self._events.put((self.name, {"event": "exit"}))

    def wait(self, timeout: float) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(timeout=5)
        self._stderr.close()
        return code

    def stop(self) -> None:
        stop_all([self])


def stop_all(children: list[Child], grace: float = 10) -> None:
    """Ask every child still running to stop at once, wait for each (a kill after `grace`
    seconds), so that none is left running or defunct."""
    for child in children:
        if child.proc.poll() is None:
            child.proc.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()
        child._stderr.close()


def run_json(args: list[str]) -> Any:
    """Run a command to completion and parse its JSON output; a failure raises with its stderr."""
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def wait_ready(child: Child, events: "queue.Queue[tuple[str, dict]]", timeout: float = 60) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            name, event = events.get(timeout=0.5)
        except queue.Empty:
            continue
        if name == child.name and event.get("event") == "ready":
            return event
        if name == child.name and event.get("event") == "exit":
            break
    raise RuntimeError(f"{child.name} did not start; see its stderr log")
