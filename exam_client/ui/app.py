"""The kiosk's window: every screen in one full-screen, frameless, top-most window, with guards.

What the app itself does to keep the student inside the test (the operating system's lock —
Windows Assigned Access or a Linux `cage` session — is the packaging's job):

* the window is full-screen, frameless and stays on top; closing it (the close button, Alt+F4 when
  the window manager passes it on) does nothing unless the representative enters the proctor's
  code (Ctrl+Alt+Shift+Q opens the panel; the code's Argon2id hash is in the kiosk configuration);
* Escape does nothing, context menus never open, copy, cut and paste do nothing, the clipboard is
  emptied at start and whenever the window gets the focus back;
* losing the focus (another window came up) and a second screen are incidents: written to the
  kiosk's `incidents.jsonl` and signalled, never silently ignored.

What it cannot do: stop Ctrl+Alt+Del, the window manager's own shortcuts, a power button, another
program started by the OS, or a screen grabber. Those need the OS-level kiosk set-up.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.views.style import WINDOW_SIZE, load_fonts, screen_factor, stylesheet, vbox

PROCTOR_KEYS = "Ctrl+Alt+Shift+Q"
START_ANYWAY_MS = 2000  # the engine starts after the first paint, or after this if none came

# Each screen: the window's attribute → its module in exam_client.ui.views and its class. A screen
# is built (and its module imported) the first time it is asked for, so the first screen is on
# the display before the test's screens, their item widgets and the reference tables are loaded.
SCREENS: dict[str, tuple[str, str]] = {
    "connect_view": ("connect_view", "ConnectView"),
    "login_view": ("login_view", "LoginView"),
    "instructions_view": ("instructions_view", "InstructionsView"),
    "waiting_view": ("waiting_view", "WaitingView"),
    "test_view": ("test_view", "TestView"),
    "review_view": ("review_view", "ReviewView"),
    "message_view": ("message_view", "MessageView"),
    "result_view": ("result_view", "ResultView"),
    "survey_view": ("survey_view", "SurveyView"),
    "proctor_view": ("proctor_view", "ProctorView"),
}
PHASE_SCREENS: dict[Phase, str] = {
    Phase.CONNECTING: "connect_view", Phase.LOGIN: "login_view", Phase.LOCKED: "login_view",
    Phase.INSTRUCTIONS: "instructions_view", Phase.WAITING: "waiting_view",
    Phase.TEST: "test_view", Phase.REVIEW: "review_view", Phase.SUBMITTING: "message_view",
    Phase.RESULT: "result_view", Phase.SURVEY: "survey_view", Phase.DONE: "message_view",
    Phase.REMOVED: "message_view", Phase.AWAY: "message_view", Phase.PAUSED: "message_view",
    Phase.PROCTOR: "proctor_view",
}


class KioskGuard(QObject):
    """An application-wide event filter: no Escape, no context menu, no clipboard keys."""

    _BLOCKED = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut,
                QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.Close,
                QKeySequence.StandardKey.Quit)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() == Qt.Key.Key_Escape:
                return kind == QEvent.Type.KeyPress
            if key_event.key() == Qt.Key.Key_F4 and key_event.modifiers() & Qt.KeyboardModifier.AltModifier:
                return True
            if any(key_event.matches(k) for k in self._BLOCKED):
                return True
        return False


class KioskWindow(QWidget):
    """All screens, one shown at a time by the model's phase.

    Signals:
        proctor_requested: the representative's key combination was pressed.
        incident(str): focus lost, a second screen, ... (the controller records and reports).
        painted(str): a screen (its object name) was painted for the first time.
    """

    proctor_requested = Signal()
    incident = Signal(str)
    painted = Signal(str)

    def __init__(self, model: KioskModel, kiosk_mode: bool = True, parent: QWidget | None = None,
                 *, all_screens: bool = True):
        """`all_screens=False`: only the current phase's screen now; each other one when first
        asked for, or all with `build_screens` (`run_kiosk`: after the first paint)."""
        super().__init__(parent)
        self.model = model
        self.kiosk_mode = kiosk_mode
        self._may_close = not kiosk_mode
        if kiosk_mode:  # before any child: on a window full of widgets this call costs 0.2 s
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
                                | Qt.WindowType.Window)
        self.setObjectName("kioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        load_fonts()
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self._unpainted: set[QWidget] = set()
        self._waiting: dict[str, list[Callable[[Any], None]]] = {}
        vbox(self).addWidget(self.stack)
        shortcut = QShortcut(QKeySequence(PROCTOR_KEYS), self)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(self.proctor_requested)
        model.phase_changed.connect(lambda _: self._show_phase())
        model.look_changed.connect(self._restyle)
        model.language_changed.connect(lambda _: self._retitle())
        self._restyle()
        self._retitle()
        self._show_phase()
        if all_screens:
            self.build_screens()

    # --- screens ----------------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        """`window.test_view` and the other screens of SCREENS: built the first time asked for."""
        if name in SCREENS:
            return self._build(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build(self, name: str) -> QWidget:
        import importlib

        module, cls = SCREENS[name]
        view = getattr(importlib.import_module(f"exam_client.ui.views.{module}"), cls)(self.model)
        setattr(self, name, view)
        self.stack.addWidget(view)
        self._unpainted.add(view)
        view.installEventFilter(self)
        if name == "test_view":
            view.set_look(self.model.high_contrast)
        for connect in self._waiting.pop(name, []):
            connect(view)
        return view

    def when_built(self, name: str, connect: Callable[[Any], None]) -> None:
        """`connect(view)` once the screen `name` exists: now if it is built, else when it is (a
        controller wires a screen's signals without building it before it is needed)."""
        if name in self.__dict__:
            connect(self.__dict__[name])
        else:
            self._waiting.setdefault(name, []).append(connect)

    def build_screens(self) -> None:
        """Build every screen not built yet, so that each opens at once when its phase comes."""
        for name in SCREENS:
            getattr(self, name)

    def view_for(self, phase: Phase) -> QWidget:
        return getattr(self, PHASE_SCREENS[phase])

    def current_view(self) -> QWidget:
        return self.stack.currentWidget()

    def _show_phase(self) -> None:
        view = self.view_for(self.model.phase)
        if self.stack.currentWidget() is not view:
            self.stack.setCurrentWidget(view)
        if hasattr(view, "focus_first") and self.isVisible():
            view.focus_first()
        if hasattr(view, "relabel"):
            view.relabel()

    def _restyle(self) -> None:
        self._screen = screen_factor(self.width(), self.height())
        self.setStyleSheet(stylesheet(self.model.text_scale, self.model.high_contrast,
                                      self._screen))
        if "test_view" in self.__dict__:  # a test screen built later takes the look when built
            self.test_view.set_look(self.model.high_contrast)

    def _retitle(self) -> None:
        from common.i18n import t

        self.setWindowTitle(t("kiosk.app.title", self.model.language))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and obj in self._unpainted:
            self._unpainted.discard(obj)
            obj.removeEventFilter(self)
            # Said on the next turn of the event loop: the whole window's paint is done by then.
            QTimer.singleShot(0, self, lambda name=obj.objectName(): self.painted.emit(name))
        return False

    # --- guards -----------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Text follows the screen (style.screen_factor): restyle only when the factor changes.
        if screen_factor(self.width(), self.height()) != getattr(self, "_screen", None):
            self._restyle()

    def allow_close(self) -> None:
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._may_close:
            event.accept()
        else:
            event.ignore()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.ActivationChange and self.kiosk_mode:
            if self.isActiveWindow():
                clear_clipboard()
            elif self.model.phase in (Phase.TEST, Phase.REVIEW):
                self.incident.emit("focus_lost")
        super().changeEvent(event)

    def check_screens(self) -> None:
        if len(QGuiApplication.screens()) > 1:
            self.incident.emit("second_screen")


def window_report(window: QWidget) -> dict[str, Any]:
    """The window's size and state next to its screen's: one JSON line on stdout (the journal on a
    lab PC), written by `run_kiosk` each time they settle. packaging/linux/check-cage.sh reads it to
    check that the kiosk fills the screen inside cage."""
    screen = window.screen().geometry()
    states = window.windowState()
    # What the window really covers, not what it asked for: without a window manager a window
    # asked to be full screen may stay 678x512, and is then said "normal".
    covers = window.width() >= screen.width() and window.height() >= screen.height()
    state = ("fullscreen" if states & Qt.WindowState.WindowFullScreen and covers else
             "maximized" if states & Qt.WindowState.WindowMaximized else "normal")
    return {"event": "window", "width": window.width(), "height": window.height(),
            "screen_width": screen.width(), "screen_height": screen.height(), "state": state,
            "platform": QGuiApplication.platformName()}


def report_window_geometry(window: QWidget) -> QTimer:
    """Write `window_report` once the window's size or state has stopped changing for 300 ms (the
    compositor sends a size after the window appears; a line per change would be noise)."""
    settle = QTimer(window)
    settle.setSingleShot(True)
    settle.setInterval(300)
    settle.timeout.connect(lambda: print(json.dumps(window_report(window)), flush=True))
    handle = window.windowHandle()
    for changed in (handle.widthChanged, handle.heightChanged, handle.windowStateChanged):
        changed.connect(settle.start)
    settle.start()
    return settle


def report_first_paints(window: KioskWindow) -> None:
    """Write one JSON line on stdout when a screen is first painted, with the wall-clock time: how
    long this PC takes from the program's start to its first screen and to the login
    (bench/bench_kiosk.py reads it)."""
    window.painted.connect(lambda name: print(json.dumps(
        {"event": "painted", "screen": name, "time": round(time.time(), 4)}), flush=True))


def clear_clipboard() -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.clear()


def application() -> QApplication:
    app = QApplication.instance()
    return app if app is not None else QApplication(sys.argv[:1])


def run_kiosk(config: Any, kiosk_mode: bool = True, place: tuple[float, float, float, float] | None = None,
              student: Any = None) -> int:
    """Open the kiosk on this PC's screen and run it until the representative closes it.

    The first screen is painted before anything else is loaded: the window shows the phase this
    PC's journals decide (an interrupted sitting locks it), and only once that screen is on the
    display are the engine and the room link loaded and the room server's status asked (in the
    background); the test's screens are built once the login screen is on the display. Start to
    the login screen: docs/BENCHMARKS.md (bench/bench_kiosk.py).

    Windowed, `place` puts the window in its cell of the screen (the demo's grid) and `student`
    (autopilot.Student) sits the test by pressing the window's buttons."""
    from common.i18n import LANGUAGES
    from exam_client.engine.journals_on_disk import interrupted_attempts

    app = application()
    guard = KioskGuard(app)
    app.installEventFilter(guard)
    clear_clipboard()
    lang = config.language if config.language in LANGUAGES else "kk"
    model = KioskModel(config.workstation_id, lang)
    model.interrupted = bool(interrupted_attempts(config.data_dir))
    model.set_phase(Phase.LOCKED if model.interrupted else Phase.CONNECTING)
    window = KioskWindow(model, kiosk_mode=kiosk_mode, all_screens=False)
    report_first_paints(window)
    running: list[Any] = []

    def start() -> None:
        if running:
            return
        from exam_client.engine.kiosk import KioskEngine
        from exam_client.ui.controller import KioskController

        controller = KioskController(KioskEngine(config), model, window)
        running.append(controller)
        if student is not None:
            from exam_client.ui.autopilot import Autopilot

            Autopilot(window, controller, student).start()
        controller.start()

    def painted(screen: str) -> None:
        start()
        if screen == "loginView":  # the test's screens, while the student types
            window.build_screens()

    window.painted.connect(painted)
    QTimer.singleShot(START_ANYWAY_MS, window, start)  # a window never painted still works
    if kiosk_mode:
        window.showFullScreen()
        window.check_screens()
    elif place is not None:
        from common.window_cell import place_window

        window.show()
        place_window(window, place)
        QTimer.singleShot(500, lambda: place_window(window, place))  # framed by then
    else:
        window.resize(*WINDOW_SIZE)
        window.show()
    report_window_geometry(window)
    app.setQuitOnLastWindowClosed(True)
    previous = signal.signal(signal.SIGINT, lambda *_: (window.allow_close(), window.close()))
    try:
        return app.exec()
    finally:
        for controller in running:
            controller.shutdown()
        signal.signal(signal.SIGINT, previous)
