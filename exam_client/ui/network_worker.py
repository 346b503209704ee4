"""The kiosk's one background thread for the room server: calls run in order, off the GUI thread,
and their results come back as a Qt signal."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal


class NetworkWorker(QObject):
    """One background thread for every call to the room server, one call at a time.

    `run(job, fn)` queues `fn`; `finished(job, result, error)` arrives on the GUI thread. A job
    already queued under the same name is not queued twice (`coalesce`), so a slow server never
    collects a pile of heartbeats.

    Signals:
        finished(str, object, object): the job's name, its result, the exception it raised.
    """

    finished = Signal(str, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-link")
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: str, fn: Callable[[], Any], coalesce: bool = True) -> bool:
        with self._lock:
            if self._closed or (coalesce and job in self._queued):
                return False
            self._queued.add(job)
        self._pool.submit(self._call, job, fn)
        return True

    def queued(self, job: str) -> bool:
        with self._lock:
            return job in self._queued

    def _call(self, job: str, fn: Callable[[], Any]) -> None:
        with self._lock:
            self._queued.discard(job)
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            result, error = None, exc
        if not self._closed:
            self.finished.emit(job, result, error)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
