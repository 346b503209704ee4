"""The demo's processes are reaped as soon as they end (no defunct ones while its window is open),
and its room window fits a 1366×768 laptop."""

from __future__ import annotations

import math
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


def test_the_demo_s_cells_tile_a_1366_by_768_screen_without_overlap() -> None:
    from cbt_demo.windowed import DESK_CELL, KIOSK_CELLS
    from common.window_cell import cell, client_rect, parse_place

    area = (0, 0, 1366, 768)
    rects = [cell(parse_place(p), area) for p in (DESK_CELL, *KIOSK_CELLS)]
    assert sum(w * h for _, _, w, h in rects) == 1366 * 768  # the whole screen, nothing twice
    for i, (x, y, w, h) in enumerate(rects):
        assert x >= 0 and y >= 0 and x + w <= 1366 and y + h <= 768
        for (x2, y2, w2, h2) in rects[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    # A framed window (title bar 24 px, borders 2 px) keeps its frame inside its cell.
    assert client_rect(parse_place("0.5,0,0.25,0.5"), area, (2, 24, 2, 2)) == (685, 24, 337, 358)
    # Drawn at half scale (logical 2732×1536), a window gives up a screen pixel so that Qt's
    # rounding of its position and size does not carry it past the screen's edge.
    def native(v: int) -> int:  # qRound: halves away from zero
        return math.floor(v * 0.5 + 0.5)

    x, y, w, h = client_rect(parse_place("0.75,0.5,0.25,0.5"), (0, 0, 2732, 1536), scale=0.5)
    assert native(x) + native(w) <= 1366 and native(y) + native(h) <= 768
    assert native(x) + native(w + 2) > 1366  # without the spare pixel it would not fit


def test_a_cell_outside_the_screen_is_refused() -> None:
    import pytest

    from common.window_cell import parse_place

    for bad in ("0.5,0,0.75,0.5", "1,0,0.1,0.1", "0,0,0,1", "0,0,1", "a,b,c,d"):
        with pytest.raises(ValueError):
            parse_place(bad)
