"""The kiosk as `exam-client --config X` runs it (kiosk mode), watched from inside its process.

Not a test; bench/bench_kiosk.py starts it (``python bench/kiosk_probe.py MODE CONFIG [LOGIN
PASSWORD TIMEOUT]``). It imports nothing of its own before the kiosk (only the standard library's
json, os, sys and time) and adds no timer to the kiosk's start: it reads the lines the kiosk
prints (``{"event": "painted", ...}`` when a screen is first painted, exam_client/ui/app.py), notes
the resident set (VmRSS, /proc) at that moment, and presses "continue" on the first screen the
moment the room server has answered, as a student would.

``start``: stops once the login screen is painted. ``sitting``: logs in, answers all 60 items
page by page through the slot the test screen calls (journal + fsync + replication), submits,
and samples the resident set every 100 ms. Prints one line ``PROBE {json}`` at the end.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def vm(field: str) -> float:
    """A line of /proc/self/status in MiB (VmRSS: now; VmHWM: the peak so far)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Watch:
    """Stands in for stdout: passes every line on and hands the kiosk's "painted" lines over."""

    def __init__(self, out: Any, on_painted: Any):
        self._out = out
        self._on_painted = on_painted
        self._line = ""

    def write(self, text: str) -> int:
        self._out.write(text)
        self._line += text
        while "\n" in self._line:
            line, self._line = self._line.split("\n", 1)
            if line.startswith('{"event": "painted"'):
                self._on_painted(json.loads(line))
        return len(text)

    def flush(self) -> None:
        self._out.flush()


def main(argv: list[str]) -> int:
    mode, config = argv[0], argv[1]
    login, password, timeout = (argv[2], argv[3], float(argv[4])) if len(argv) > 4 else ("", "", 60)
    state: dict[str, Any] = {"painted": {}, "rss": [], "events": {}}
    held: dict[str, Any] = {}

    def window() -> Any:
        from PySide6.QtWidgets import QApplication

        if "window" not in held:
            held["window"] = next(w for w in QApplication.topLevelWidgets()
                                  if w.objectName() == "kioskWindow")
        return held["window"]

    def stop() -> None:
        from PySide6.QtWidgets import QApplication

        window().allow_close()  # the kiosk window refuses to close without the proctor
        QApplication.instance().quit()

    def go_on() -> None:
        """The student presses "continue" once the room server has answered."""
        from exam_client.ui.models import Link, Phase

        model = window().model
        if model.phase is Phase.CONNECTING and model.link is Link.ONLINE:
            window().connect_view.continue_requested.emit()

    def painted(event: dict[str, Any]) -> None:
        screen = event["screen"]
        state["painted"][screen] = {"time": event["time"], "rss_mb": vm("VmRSS"),
                                    "hwm_mb": vm("VmHWM")}
        if screen == "connectView":
            window().model.room_changed.connect(go_on)
            go_on()
        elif screen == "loginView" and mode == "start":
            stop()
        elif screen == "loginView":
            sit(window())

    if mode == "sitting":  # the sitting needs the controller; its start is not what is timed
        import exam_client.ui.controller as controller_module

        built = controller_module.KioskController.__init__

        def noted(self: Any, *args: Any, **kwargs: Any) -> None:
            built(self, *args, **kwargs)
            held["controller"] = self

        controller_module.KioskController.__init__ = noted

    def sit(w: Any) -> None:
        from PySide6.QtCore import QTimer

        controller = held["controller"]
        held["sampler"] = sampler = QTimer()
        sampler.setInterval(100)
        sampler.timeout.connect(lambda: state["rss"].append(vm("VmRSS")))
        sampler.start()
        held["poll"] = poll = QTimer()
        poll.setInterval(100)
        poll.timeout.connect(lambda: step(controller))
        poll.start()
        deadline = QTimer(w)
        deadline.setSingleShot(True)
        deadline.timeout.connect(lambda: (state["events"].setdefault("timeout", time.time()), stop()))
        deadline.start(int(timeout * 1000))
        w.login_view.login_requested.emit(login, password)

    def answer_for(item: dict[str, Any], n: int) -> Any:
        options = [o["id"] for o in item.get("options", [])]
        if item["type"] == "single_choice":
            return options[n % len(options)]
        if item["type"] == "multiple_choice":
            return sorted(options[:1 + n % 2])
        return str(12 * n)

    def step(c: Any) -> None:
        from exam_client.ui.models import Phase

        model, w, events = c.model, c.window, state["events"]
        phase = model.phase
        if phase is Phase.INSTRUCTIONS:
            w.instructions_view.ready.emit()
        elif phase is Phase.TEST and "answered" not in events:
            events.setdefault("test_screen", time.time())
            refs = model.refs
            for page in range(len(model.pages)):
                c._go_to_page(page)
                w.repaint()
                for ref in refs:
                    if ref.page == page and not model.is_answered(ref.id):
                        if not c.give_answer(ref.id, answer_for(ref.item, ref.number)):
                            events["save_failed"] = ref.id
                state["rss"].append(vm("VmRSS"))
            state["answered"] = sum(1 for ref in refs if model.is_answered(ref.id))
            events.setdefault("answered", time.time())
            c.submit("student")
        elif phase in (Phase.RESULT, Phase.SURVEY, Phase.DONE) and "answered" in events:
            events.setdefault("result", time.time())
            w.repaint()
            state["rss"].append(vm("VmRSS"))
            stop()

    sys.stdout = Watch(sys.stdout, painted)
    from exam_client.cli import main as exam_client

    state["exit"] = exam_client(["--config", config])
    state["peak_rss_mb"] = vm("VmHWM")
    sys.stdout = sys.__stdout__
    print("PROBE " + json.dumps(state), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
