"""The kiosk's link to the room server: HTTPS pinned to the server's certificate, and the errors
a call can end in (the server said no, the server is out of reach, the student was removed).

One kept-alive connection of the standard library's `http.client`: a kiosk makes one call at a
time, and an HTTP client package (httpx) brought its command line's dependencies (click, rich,
pygments) and pydantic into the kiosk's start, before its first screen (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any

from common.api_path import API
from common.crypto.tls import pinned_context
from exam_client.engine.config import KioskConfig


class KioskError(Exception):
    """The room server said no; `code` is its stable reason (e.g. wrong_seat, room_not_open)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or {}


class Removed(KioskError):
    """The representative removed this test-taker (an act was drawn up); the sitting is over."""


class Offline(Exception):
    """The room server cannot be reached now; the sitting goes on from the journal."""


class RoomLink:
    """HTTPS to the room server, pinned to its certificate; one call at a time."""

    def __init__(self, config: KioskConfig, timeout: float = 10.0):
        self.config = config
        self._timeout = timeout
        self._conn: http.client.HTTPSConnection | None = None
        self._lock = threading.Lock()
        self.token: str | None = None

    def _connection(self) -> http.client.HTTPSConnection:
        if self._conn is None:
            try:
                ctx = pinned_context(self.config.host, self.config.port, self.config.fingerprint)
            except OSError as exc:
                raise Offline(str(exc)) from exc
            self._conn = http.client.HTTPSConnection(self.config.host, self.config.port,
                                                     timeout=self._timeout, context=ctx)
        return self._conn

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if self.config.workstation_key:  # the PC's proof of its seat (room/enrolment.py)
            headers["X-Workstation-Key"] = self.config.workstation_key
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        with self._lock:
            status, raw = self._exchange(method, API + path, payload, headers)
        data = json.loads(raw) if raw else {}
        if status >= 400:
            cls = Removed if data.get("error") == "attempt_voided" else KioskError
            raise cls(data.get("error", "http_error"),
                      data.get("message", raw.decode("utf-8", "replace")), data.get("details"))
        return data

    def _exchange(self, method: str, url: str, payload: bytes | None,
                  headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):
            reused = self._conn is not None and self._conn.sock is not None
            conn = self._connection()
            try:
                conn.request(method, url, body=payload, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                # The server closed a kept-alive connection while it was idle: the request never
                # reached it, so it goes once more on a new connection. Anything else: offline.
                idle_closed = isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError,
                                               ConnectionResetError))
                if attempt == 2 or not (reused and idle_closed):
                    raise Offline(str(exc) or type(exc).__name__) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
