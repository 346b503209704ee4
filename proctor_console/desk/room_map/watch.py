"""Watching the room: poll the room server once a second and keep the `RoomModel` current.

The HTTP calls run in a worker thread, one at a time; the GUI thread only starts a poll and takes
its result. The next poll starts a second after the last one ended, so a slow server is never
asked twice at once. A server that does not answer turns the link `offline` (the view shows a
banner, never a dialog) and the watcher keeps trying.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

import httpx
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

from common.crypto.tls import CertificatePinMismatch, pinned_context
from common.i18n import LANGUAGES
from common.protocol import API
from proctor_console.desk.room_map.model import LinkState, RoomModel

ROOM_PATH = f"{API}/proctor/room"
POLL_INTERVAL_MS = 1000
WINDOW_SIZE = (1280, 800)


class _Poller(QObject):
    """Lives in the worker thread; one GET per `poll()`, answered by exactly one signal.

    Signals:
        fetched(object): the room view dict.
        failed(str, str): a `LinkState` value and a technical detail.
    """

    fetched = Signal(object)
    failed = Signal(str, str)

    def __init__(self, host: str, port: int, fingerprint: str, token: str, timeout: float):
        super().__init__()
        self._host, self._port, self._fingerprint = host, port, fingerprint
        self._token = token
        self._timeout = timeout
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            ctx = pinned_context(self._host, self._port, self._fingerprint, timeout=self._timeout)
            self._client = httpx.Client(
                base_url=f"https://{self._host}:{self._port}", verify=ctx, timeout=self._timeout,
                headers={"Authorization": f"Bearer {self._token}"})
        return self._client

    @Slot()
    def poll(self) -> None:
        try:
            response = self._http().get(ROOM_PATH)
        except CertificatePinMismatch as exc:
            self.failed.emit(LinkState.UNTRUSTED.value, str(exc))
            return
        except (OSError, httpx.HTTPError) as exc:
            # The server may come back on a new connection (or as a new process): start afresh.
            self.close()
            self.failed.emit(LinkState.OFFLINE.value, f"{type(exc).__name__}: {exc}")
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            message = body.get("message", "") if isinstance(body, dict) else response.text[:200]
            self.failed.emit(LinkState.REFUSED.value, f"HTTP {response.status_code}: {message}")
            return
        self.fetched.emit(body)

    @Slot()
    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class RoomWatcher(QObject):
    """Polls GET /api/v1/proctor/room and feeds the model; reports the link through the model.

    Signals:
        poll_requested: asks the worker for one poll (queued into the worker thread).
        polled: one poll ended, answered or not (for tests and a status line).
    """

    poll_requested = Signal()
    polled = Signal()

    def __init__(self, model: RoomModel, port: int, fingerprint: str, token: str,
                 host: str = "127.0.0.1", interval_ms: int = POLL_INTERVAL_MS,
                 timeout: float = 3.0, parent: QObject | None = None):
        super().__init__(parent)
        self._model = model
        self._thread = QThread()
        self._thread.setObjectName("room-watch")
        self._poller = _Poller(host, port, fingerprint, token, timeout)
        self._poller.moveToThread(self._thread)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._running = False
        self._connect()

    def _connect(self) -> None:
        self.poll_requested.connect(self._poller.poll)
        self._poller.fetched.connect(self._on_fetched)
        self._poller.failed.connect(self._on_failed)
        self._timer.timeout.connect(self.poll_requested)

    def start(self) -> None:
        """Poll now, then a second after each answer, until `stop()`."""
        if self._running:
            return
        self._running = True
        self._thread.start()
        self.poll_requested.emit()

    def stop(self) -> None:
        """Stop polling and wait for the worker to finish its current request (bounded by the timeout)."""
        self._running = False
        self._timer.stop()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
            self._poller.close()

    @property
    def running(self) -> bool:
        return self._running

    def _on_fetched(self, view: dict[str, Any]) -> None:
        if not self._running:
            return
        try:
            self._model.update(view)
        except (KeyError, TypeError, ValueError) as exc:
            self._model.set_link(LinkState.REFUSED, f"malformed room view: {exc}")
        else:
            self._model.set_link(LinkState.ONLINE)
        self._next()

    def _on_failed(self, state: str, detail: str) -> None:
        if not self._running:
            return
        self._model.set_link(LinkState(state), detail)
        self._next()

    def _next(self) -> None:
        self.polled.emit()
        if self._running:
            self._timer.start()


def qt_application() -> QApplication:
    """This process's QApplication, made on first use."""
    app = QApplication.instance()
    return app if app is not None else QApplication(sys.argv[:1])


def fitted(preferred: tuple[int, int], available: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """x, y, width, height: the preferred size, shrunk to the screen's free area (a 1366×768
    laptop with its panel), at that area's top-left corner."""
    x, y, width, height = available
    return x, y, min(preferred[0], width), min(preferred[1], height)


def fit_to_screen(window, preferred: tuple[int, int]) -> None:
    screen = window.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    box = (area.x(), area.y(), area.width(), area.height()) if area is not None else (0, 0, *preferred)
    x, y, width, height = fitted(preferred, box)
    frame = 40  # the title bar the window manager adds above the client area
    window.resize(width, max(300, height - frame))
    window.move(x, y)


def run_watch(port: int, fingerprint: str, token: str, lang: str, host: str = "127.0.0.1") -> int:
    """Open the room's window and watch the room server until the window is closed."""
    from proctor_console.desk.room_map.map_view import RoomMapView

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    app = qt_application()
    model = RoomModel()
    view = RoomMapView(model, lang)
    watcher = RoomWatcher(model, port, fingerprint, token, host=host)
    fit_to_screen(view, WINDOW_SIZE)
    view.show()
    # Ctrl+C in the terminal closes the window the ordinary way (the poll timer lets Python run).
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    watcher.start()
    try:
        return app.exec()
    finally:
        watcher.stop()
        signal.signal(signal.SIGINT, previous)
