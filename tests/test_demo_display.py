"""`make demo` with a display, on a 1366×768 screen of its own (Xvfb): the desk and four kiosk
windows side by side, all on the screen and none over another, each drawn; the shown kiosks'
scripted students sit the test through their windows; closing the desk (as a window manager's
close button does) ends the demo with 0, and no process it started is left, running or defunct.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from common.i18n import t
from tests.x11_windows import Xvfb, missing_tools

WIDTH, HEIGHT = 1366, 768
pytestmark = pytest.mark.slow


@pytest.fixture
def screen():
    missing = missing_tools()
    if missing:
        pytest.skip(f"no X server for real windows: {', '.join(missing)} missing "
                    f"(packaging/install-os-deps.sh test installs xvfb and x11-utils)")
    xvfb = Xvfb(WIDTH, HEIGHT)
    probe = subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication; "
                            "QApplication(['probe', '-platform', 'xcb'])"], env=xvfb.env(),
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        xvfb.stop()
        pytest.skip("Qt cannot open windows on X (packaging/install-os-deps.sh display): "
                    + probe.stderr.strip().splitlines()[-1][:200])
    yield xvfb
    xvfb.stop()


def descendants(pid: int) -> dict[int, str]:
    """Every process under `pid` (children, their children, …): pid → state letter."""
    parents: dict[int, list[int]] = {}
    states: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            states[int(entry.name)] = fields[0]
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = {}, list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        found[child] = states[child]
        todo.extend(parents.get(child, []))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_demo_shows_the_desk_and_four_kiosks_on_a_laptop_screen(screen, tmp_path):
    started = time.monotonic()
    demo = subprocess.Popen([sys.executable, "-m", "cbt_demo.cli", "--students", "15", "--kiosks", "4",
                             "--beat-ms", "120", "--work-dir", str(tmp_path / "demo")],
                            env=screen.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(demo.stdout), daemon=True)
    reader.start()
    running: dict[int, str] = {}
    try:
        summary = None
        while summary is None and time.monotonic() - started < 150:
            assert demo.poll() is None, demo.stderr.read()
            try:
                summary = json.loads("".join(out))
            except ValueError:
                time.sleep(0.5)
        assert summary is not None, f"no summary in 150 s: {''.join(out)[-500:]}"
        # The day is over and every answer arrived, the shown students' among them.
        assert summary["lost_answers"] == 0 and summary["score_mismatches"] == 0
        assert summary["central"]["scored"] == 12

        desk_title, kiosk_title = t("console.title", "kk"), t("kiosk.app.title", "kk")
        windows = screen.windows()
        assert sorted(w.title for w in windows) == sorted([desk_title] + [kiosk_title] * 4), windows
        for w in windows:
            assert 0 <= w.x and 0 <= w.y and w.x + w.width <= WIDTH and w.y + w.height <= HEIGHT, w
        for i, a in enumerate(windows):
            for b in windows[i + 1:]:
                assert not a.overlaps(b), (a, b)
        desk = next(w for w in windows if w.title == desk_title)
        assert desk.width * desk.height >= WIDTH * HEIGHT // 3  # the desk is the largest

        time.sleep(1.5)  # the kiosks' last screen ("thank you") is drawn
        shot = tmp_path / "demo.png"
        screen.screenshot(shot)
        from PySide6.QtGui import QImage

        image = QImage(str(shot))
        assert (image.width(), image.height()) == (WIDTH, HEIGHT)
        for w in windows:  # every window is drawn: more than one colour inside it
            colours = {image.pixel(w.x + dx * w.width // 8, w.y + dy * w.height // 8)
                       for dx in range(1, 8) for dy in range(1, 8)}
            assert len(colours) > 1, f"{w.title} is blank"

        running = descendants(demo.pid)
        assert len(running) >= 7 and "Z" not in running.values(), running  # servers, desk, kiosks

        screen.close(desk)
        assert demo.wait(30) == 0, demo.stderr.read()
        left = [pid for pid in running if alive(pid)]
        assert not left, f"processes left after the demo: {left}"
        print(f"the displayed demo, start to exit: {time.monotonic() - started:.1f} s")
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        for pid in running:  # a failed run leaves nothing behind either
            try:
                if alive(pid) and str(tmp_path) in Path(f"/proc/{pid}/cmdline").read_text():
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reader.join(10)
        demo.stdout.close()
        demo.stderr.close()
