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
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.views.connect_view import ConnectView
from exam_client.ui.views.instructions_view import InstructionsView
from exam_client.ui.views.login_view import LoginView
from exam_client.ui.views.message_view import MessageView
from exam_client.ui.views.proctor_view import ProctorView
from exam_client.ui.views.result_view import ResultView
from exam_client.ui.views.review_view import ReviewView
from exam_client.ui.views.style import WINDOW_SIZE, load_fonts, screen_factor, stylesheet, vbox
from exam_client.ui.views.survey_view import SurveyView
from exam_client.ui.views.test_view import TestView
from exam_client.ui.views.waiting_view import WaitingView

PROCTOR_KEYS = "Ctrl+Alt+Shift+Q"


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
    """

    proctor_requested = Signal()
    incident = Signal(str)

    def __init__(self, model: KioskModel, kiosk_mode: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.kiosk_mode = kiosk_mode
        self._may_close = not kiosk_mode
        self.setObjectName("kioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        load_fonts()
        self.connect_view = ConnectView(model)
        self.login_view = LoginView(model)
        self.instructions_view = InstructionsView(model)
        self.waiting_view = WaitingView(model)
        self.test_view = TestView(model)
        self.review_view = ReviewView(model)
        self.message_view = MessageView(model)
        self.result_view = ResultView(model)
        self.survey_view = SurveyView(model)
        self.proctor_view = ProctorView(model)
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self._views = {
            Phase.CONNECTING: self.connect_view, Phase.LOGIN: self.login_view,
            Phase.LOCKED: self.login_view, Phase.INSTRUCTIONS: self.instructions_view,
            Phase.WAITING: self.waiting_view, Phase.TEST: self.test_view,
            Phase.REVIEW: self.review_view, Phase.SUBMITTING: self.message_view,
            Phase.RESULT: self.result_view, Phase.SURVEY: self.survey_view,
            Phase.DONE: self.message_view, Phase.REMOVED: self.message_view,
            Phase.AWAY: self.message_view, Phase.PAUSED: self.message_view,
            Phase.PROCTOR: self.proctor_view,
        }
        for view in dict.fromkeys(self._views.values()):
            self.stack.addWidget(view)
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
        if kiosk_mode:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
                                | Qt.WindowType.Window)

    # --- screens ----------------------------------------------------------------------------------

    def view_for(self, phase: Phase) -> QWidget:
        return self._views[phase]

    def current_view(self) -> QWidget:
        return self.stack.currentWidget()

    def _show_phase(self) -> None:
        view = self._views[self.model.phase]
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
        self.test_view.set_look(self.model.high_contrast)

    def _retitle(self) -> None:
        from common.i18n import t

        self.setWindowTitle(t("kiosk.app.title", self.model.language))

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


def clear_clipboard() -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.clear()


def application() -> QApplication:
    app = QApplication.instance()
    return app if app is not None else QApplication(sys.argv[:1])


def place_window(window: QWidget, place: tuple[float, float, float, float]) -> None:
    """Put a window in its cell of the screen's free area (common/window_cell.py), its frame
    included; called again once the window manager has framed it."""
    from common.window_cell import client_rect

    area = window.screen().availableGeometry()
    handle = window.windowHandle()
    m = handle.frameMargins() if handle is not None else None
    frame = (m.left(), m.top(), m.right(), m.bottom()) if m is not None else (0, 0, 0, 0)
    x, y, width, height = client_rect(place, (area.x(), area.y(), area.width(), area.height()), frame,
                                      window.devicePixelRatioF())
    window.setGeometry(x, y, width, height)


def run_kiosk(config: Any, kiosk_mode: bool = True, place: tuple[float, float, float, float] | None = None,
              student: Any = None) -> int:
    """Open the kiosk on this PC's screen and run it until the representative closes it.

    Windowed, `place` puts the window in its cell of the screen (the demo's grid) and `student`
    (autopilot.Student) sits the test by pressing the window's buttons."""
    from exam_client.ui.controller import KioskController
    from exam_client.engine.kiosk import KioskEngine

    app = application()
    guard = KioskGuard(app)
    app.installEventFilter(guard)
    clear_clipboard()
    engine = KioskEngine(config)
    from common.i18n import LANGUAGES

    lang = config.language if config.language in LANGUAGES else "kk"
    model = KioskModel(config.workstation_id, lang)
    window = KioskWindow(model, kiosk_mode=kiosk_mode)
    controller = KioskController(engine, model, window)
    if kiosk_mode:
        window.showFullScreen()
        window.check_screens()
    elif place is not None:
        window.show()
        place_window(window, place)
        QTimer.singleShot(500, lambda: place_window(window, place))  # framed by then
    else:
        window.resize(*WINDOW_SIZE)
        window.show()
    report_window_geometry(window)
    if student is not None:
        from exam_client.ui.autopilot import Autopilot

        Autopilot(window, controller, student).start()
    app.setQuitOnLastWindowClosed(True)
    previous = signal.signal(signal.SIGINT, lambda *_: (window.allow_close(), window.close()))
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
        signal.signal(signal.SIGINT, previous)
