"""The kiosk and its room before a login: the room server's status (reachable? the pinned
certificate?) asked until it answers, then this workstation registered and reported at intervals,
so the representative's readiness screen sees it. A sitting's own heartbeat takes over at login."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer

from common.crypto.tls import CertificatePinMismatch
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import Offline
from exam_client.ui.models import KioskModel, Link
from exam_client.ui.network_worker import NetworkWorker


def screen_size(window: Any) -> str:
    """The window's screen as the room's readiness screen shows it, e.g. ``1366x768``."""
    screen = window.screen()
    size = screen.size() if screen is not None else None
    width, height = (size.width(), size.height()) if size is not None else (0, 0)
    return f"{max(width, 100)}x{max(height, 100)}"


class RoomPresence(QObject):
    """The room server's status and this workstation's presence until a sitting begins."""

    def __init__(self, engine: KioskEngine, model: KioskModel, window: Any, worker: NetworkWorker,
                 later: Callable[[Callable[[], None]], None], in_sitting: Callable[[], bool],
                 interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.model = model
        self.window = window
        self.worker = worker
        self._later = later
        self._in_sitting = in_sitting
        self._registered = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._report)

    def start(self) -> None:
        self.ask_status()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def ask_status(self) -> None:
        self.worker.run("status", self.engine.room_status)

    def status_finished(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        """The worker's answer to "status"."""
        if error is None:
            self.model.set_room(result or {}, Link.ONLINE)
            self._report()
            return
        link = Link.UNTRUSTED if isinstance(error, CertificatePinMismatch) else Link.OFFLINE
        self.model.set_room(self.model.room, link)
        self._later(self.ask_status)

    def presence_finished(self, error: BaseException | None) -> None:
        """The worker's answer to "presence": registered once it was taken. A report that did
        not reach the room says the link is down — the connect screen never says "connected"
        about a server that stopped answering — and the status is asked again until it is back."""
        if error is None:
            self._registered = True
            return
        if isinstance(error, (Offline, CertificatePinMismatch)) and not self._in_sitting():
            link = Link.UNTRUSTED if isinstance(error, CertificatePinMismatch) else Link.OFFLINE
            self.model.set_room(self.model.room, link)
            self._later(self.ask_status)

    def _report(self) -> None:
        """Register this workstation, then keep saying it is here, until a sitting begins."""
        if self._in_sitting() or self.model.link is not Link.ONLINE:
            return
        register, screen = not self._registered, screen_size(self.window)
        self.worker.run("presence", lambda: self.engine.report(screen, register=register))
