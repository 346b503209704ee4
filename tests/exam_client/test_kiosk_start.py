"""The kiosk paints its first screen before it loads what that screen does not need (issue 20).

Not timed: the real `exam-client --config …` process (kiosk mode, offscreen) is asked which
modules it has loaded at the moment it says its first screen is painted (the line
`{"event": "painted", ...}` it prints, which bench/bench_kiosk.py times), and again once its
engine has started and asked the room server's status. No room server listens: the first screen
is painted without one. The figures are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs the kiosk's own command; on its first "painted" line notes sys.modules, lets the kiosk's
# own slots for that paint run (the engine starts), notes them again, and closes the window.
WATCH = """
import json, sys
from exam_client.cli import main
seen = {}
def quit_kiosk():
    from PySide6.QtWidgets import QApplication
    seen["after_start"] = sorted(sys.modules)
    for w in QApplication.topLevelWidgets():
        if w.objectName() == "kioskWindow":
            w.allow_close()
    QApplication.instance().quit()
class Watch:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        if text.startswith('{"event": "painted"') and "first_paint" not in seen:
            from PySide6.QtCore import QTimer
            seen["screen"] = json.loads(text)["screen"]
            seen["first_paint"] = sorted(sys.modules)
            QTimer.singleShot(0, quit_kiosk)
        return self.out.write(text)
    def flush(self):
        self.out.flush()
sys.stdout = Watch(sys.stdout)
code = main(["--config", sys.argv[1]])
sys.stdout = sys.__stdout__
print("SEEN " + json.dumps(seen))
"""

# Not before the first screen: the room link and its TLS, the engine, the sitting and its answer
# checks (pydantic), the test's screens and reference tables.
NOT_BEFORE_FIRST_PAINT = ("ssl", "http.client", "cryptography", "pydantic",
                          "exam_client.engine.kiosk", "exam_client.engine.link",
                          "exam_client.engine.sitting", "exam_client.engine.journal",
                          "exam_client.ui.controller", "exam_client.ui.views.test_view",
                          "exam_client.ui.references.references_view")
# Not in the kiosk before a login at all: an HTTP client package and its command line's
# dependencies, pydantic (the answer checks load at login), cryptography (the journal's AES-GCM
# and the proctor code's Argon2 load when used), the database, numbers, PDFs, web views.
NEVER_BEFORE_LOGIN = ("httpx", "click", "rich", "pygments", "pydantic", "cryptography",
                      "sqlalchemy", "numpy", "reportlab", "qrcode", "PySide6.QtWebEngineCore",
                      "PySide6.QtWebEngineWidgets", "PySide6.QtCharts",
                      "exam_client.engine.sitting", "common.domain.items")


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules)


def test_the_first_screen_is_painted_before_the_engine_and_the_room_link_load(tmp_path) -> None:
    with socket.socket() as s:  # a port where no room server listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "kiosk.json"
    config.write_text(json.dumps({"host": "127.0.0.1", "port": port, "fingerprint": "ab" * 32,
                                  "workstation_id": "07", "data_dir": str(tmp_path / "data")}),
                      "utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", WATCH, str(config)], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("SEEN ")), None)
    assert line is not None, out.stderr[-3000:]
    seen = json.loads(line[5:])
    assert seen["screen"] == "connectView"
    first, started = seen["first_paint"], seen["after_start"]
    assert "exam_client.ui.views.connect_view" in first
    assert loaded(first, NOT_BEFORE_FIRST_PAINT) == []
    # Once painted, the engine starts and asks the room's status: the link is loaded then.
    assert "exam_client.engine.link" in started and "exam_client.ui.controller" in started
    assert loaded(started, NEVER_BEFORE_LOGIN) == []


def test_a_screen_built_after_the_test_was_loaded_shows_the_test(qtbot) -> None:
    """`run_kiosk` builds the window's screens on first use (KioskWindow(all_screens=False)): the
    test screen, built only when its phase comes, still shows the test loaded before it."""
    from exam_client.ui.app import KioskWindow
    from exam_client.ui.models import KioskModel, Phase
    from exam_client.ui.sample_exam import sample_content, sample_student

    model = KioskModel("07", "en")
    window = KioskWindow(model, kiosk_mode=False, all_screens=False)
    qtbot.addWidget(window)
    assert "test_view" not in window.__dict__ and window.current_view() is window.connect_view
    wired: list[object] = []
    window.when_built("test_view", wired.append)  # a controller's wiring waits for the screen
    model.load_exam(sample_content("en"), sample_student("en"), {})
    model.set_phase(Phase.TEST)
    test = window.test_view
    assert wired == [test] and window.current_view() is test
    first = [ref.id for ref in model.refs if ref.page == 0]
    assert [box.ref.id for box in test.boxes] == first
    assert sorted(test.nav.buttons) == sorted(ref.id for ref in model.refs)
