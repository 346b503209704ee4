"""The demo's processes are reaped as soon as they end (no defunct ones while its window is open),
and its room window fits a 1366×768 laptop."""

from __future__ import annotations

import queue
import time
from pathlib import Path


def test_a_finished_child_is_reaped_at_once(tmp_path: Path) -> None:
    from cbt_demo.processes import Child

    events: queue.Queue = queue.Queue()
    child = Child("quick", ["json.tool", "--help"], events, tmp_path)
    while events.get(timeout=60)[1].get("event") != "exit":
        pass
    time.sleep(0.2)
    stat = Path(f"/proc/{child.proc.pid}/stat")
    assert not stat.exists() or stat.read_text().split()[2] != "Z", "a defunct process is left"
    assert child.proc.returncode == 0
    child.stop()


def test_the_room_window_fits_a_1366_by_768_laptop() -> None:
    from proctor_console.desk.room_map.watch import WINDOW_SIZE, fitted

    x, y, width, height = fitted(WINDOW_SIZE, (0, 27, 1366, 741))  # the panel takes 27 px
    assert (x, y) == (0, 27) and width <= 1366 and y + height <= 768
    assert fitted((800, 600), (0, 0, 1920, 1080)) == (0, 0, 800, 600)
