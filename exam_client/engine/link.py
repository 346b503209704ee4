"""The kiosk's link to the room server: HTTPS pinned to the server's certificate, and the errors
a call can end in (the server said no, the server is out of reach, the student was removed)."""

from __future__ import annotations

from typing import Any

import httpx

from common.crypto.tls import pinned_context
from common.protocol import API
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
    """HTTPS to the room server, pinned to its certificate."""

    def __init__(self, config: KioskConfig, timeout: float = 10.0):
        self.config = config
        self._timeout = timeout
        self._client: httpx.Client | None = None
        self.token: str | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            try:
                ctx = pinned_context(self.config.host, self.config.port, self.config.fingerprint)
            except OSError as exc:
                raise Offline(str(exc)) from exc
            self._client = httpx.Client(base_url=f"https://{self.config.host}:{self.config.port}",
                                        verify=ctx, timeout=self._timeout)
        return self._client

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers: dict[str, str] = {}
        if self.config.workstation_key:  # the PC's proof of its seat (room/enrolment.py)
            headers["X-Workstation-Key"] = self.config.workstation_key
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http().request(method, API + path, json=body, headers=headers)
        except httpx.TransportError as exc:
            raise Offline(str(exc)) from exc
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            cls = Removed if data.get("error") == "attempt_voided" else KioskError
            raise cls(data.get("error", "http_error"), data.get("message", response.text),
                      data.get("details"))
        return data

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
