"""The representative's desk talks to the room server only through this client: HTTPS pinned to the
room's certificate, the proctor's bearer token, and the server's errors as `DeskError`.

Plain Python (no Qt), so it is tested and scripted without a screen; the console's controller runs
its calls in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from common.crypto.tls import CertificatePinMismatch, pinned_context
from common.protocol import API


class DeskError(Exception):
    """The room server refused (or could not be reached). `code` is stable; `message` is for people."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or {}


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    fingerprint: str


class DeskClient:
    def __init__(self, address: ServerAddress, timeout: float = 60.0):
        self.address = address
        self.token: str | None = None
        self._timeout = timeout
        self._http: httpx.Client | None = None

    # --- plumbing -----------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        if self._http is None:
            a = self.address
            try:
                ctx = pinned_context(a.host, a.port, a.fingerprint, timeout=min(self._timeout, 10))
            except CertificatePinMismatch as exc:
                raise DeskError("untrusted", str(exc)) from exc
            except OSError as exc:
                raise DeskError("offline", f"the room server does not answer: {exc}") from exc
            self._http = httpx.Client(base_url=f"https://{a.host}:{a.port}{API}", verify=ctx,
                                      timeout=self._timeout)
        return self._http

    def _call(self, method: str, path: str, *, json: Any = None, content: bytes | None = None,
              params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
              raw: bool = False) -> Any:
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            reply = self._client().request(method, path, json=json, content=content, params=params,
                                           headers=all_headers)
        except httpx.TransportError as exc:
            self.close()
            raise DeskError("offline", f"the room server does not answer: {exc}") from exc
        if reply.status_code >= 400:
            try:
                body = reply.json()
            except ValueError:
                body = {}
            if reply.status_code == 422 and isinstance(body.get("detail"), list):  # pydantic
                fields = ", ".join(".".join(str(p) for p in d.get("loc", [])[1:]) for d in body["detail"])
                raise DeskError("invalid", f"check the fields: {fields}", {"fields": body["detail"]})
            raise DeskError(body.get("error", f"http_{reply.status_code}"),
                            body.get("message", reply.text[:300]), body.get("details"))
        return reply.content if raw else reply.json()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # --- sign-in, package, roster -------------------------------------------------------------

    def sign_in(self, login: str, pin: str) -> dict[str, Any]:
        return self.take_session(self._call("POST", "/proctor/signin",
                                           json={"login": login, "pin": pin})["token"])

    def take_session(self, token: str) -> dict[str, Any]:
        """Go on with a session signed in elsewhere (the demo's script): who it belongs to."""
        self.token = token
        try:
            return self._call("GET", "/proctor/me")
        except DeskError:
            self.token = None
            raise

    def import_package(self, raw: bytes) -> dict[str, Any]:
        return self._call("POST", "/proctor/package", content=raw)

    def import_roster(self, raw: bytes, filename: str) -> list[dict[str, str]]:
        return self._call("POST", "/proctor/roster", content=raw,
                          headers={"X-Filename": filename})["credentials"]

    # --- the room -----------------------------------------------------------------------------

    def room(self) -> dict[str, Any]:
        return self._call("GET", "/proctor/room")

    def readiness(self) -> dict[str, Any]:
        return self._call("GET", "/proctor/readiness")

    def mark(self, individual_code: str, status: str, reason: str | None = None) -> None:
        self._call("POST", "/proctor/attendance",
                   json={"individual_code": individual_code, "status": status, "reason": reason})

    def start(self, start_code: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/start", json={"start_code": start_code})

    def leave(self, individual_code: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/leave", json={"individual_code": individual_code})

    def come_back(self, individual_code: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/return", json={"individual_code": individual_code})

    def extend(self, individual_code: str, minutes: int, reason: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/extend", json={
            "individual_code": individual_code, "minutes": minutes, "reason": reason})

    def move(self, individual_code: str, seat: str, reason: str = "") -> dict[str, Any]:
        return self._call("POST", "/proctor/move", json={
            "individual_code": individual_code, "seat": seat, "reason": reason})

    def note(self, text: str, individual_code: str | None = None) -> dict[str, Any]:
        return self._call("POST", "/proctor/note", json={"text": text,
                                                         "individual_code": individual_code})

    def pause(self, reason: str, note: str = "") -> dict[str, Any]:
        return self._call("POST", "/proctor/pause", json={"reason": reason, "note": note})

    def resume(self) -> dict[str, Any]:
        return self._call("POST", "/proctor/resume")

    def message(self, text: str, individual_code: str | None = None) -> dict[str, Any]:
        return self._call("POST", "/proctor/message", json={"text": text,
                                                            "individual_code": individual_code})

    def teacher_codes(self, count: int) -> dict[str, Any]:
        return self._call("POST", "/proctor/survey/teacher-codes", json={"count": count})

    def add_head(self, login: str, full_name: str, pin: str) -> None:
        self._call("POST", "/proctor/head", json={"login": login, "full_name": full_name, "pin": pin})

    def head_visit(self, login: str, pin: str, direction: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/head/visit",
                          json={"login": login, "pin": pin, "direction": direction})

    def reissue_password(self, individual_code: str) -> dict[str, str]:
        return self._call("POST", "/proctor/password", json={"individual_code": individual_code})

    def unlock(self, individual_code: str) -> None:
        self._call("POST", "/proctor/unlock", json={"individual_code": individual_code})

    def incidents(self) -> list[dict[str, Any]]:
        return self._call("GET", "/proctor/incidents")["incidents"]

    def late_answers(self) -> list[dict[str, Any]]:
        return self._call("GET", "/proctor/late-answers")["late_answers"]

    def decide_late_answers(self, ids: list[int], decision: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/late-answers/decide",
                          json={"ids": list(ids), "decision": decision})

    def enrolments(self) -> list[dict[str, Any]]:
        return self._call("GET", "/proctor/enrolments")["enrolments"]

    def revoke_enrolment(self, workstation_id: str) -> dict[str, str]:
        return self._call("POST", f"/proctor/enrolments/{workstation_id}/revoke")

    # --- acts ---------------------------------------------------------------------------------

    def act_confiscation(self, individual_code: str, items: list[dict[str, Any]],
                         drawn_up_by: list[str]) -> dict[str, Any]:
        return self._call("POST", "/proctor/acts/confiscation", json={
            "individual_code": individual_code, "items": items, "drawn_up_by": drawn_up_by})

    def act_impostor(self, individual_code: str, impostor_full_name: str, stage: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/acts/impostor", json={
            "individual_code": individual_code, "impostor_full_name": impostor_full_name,
            "stage": stage})

    def act_pdf(self, number: str, lang: str | None = None) -> bytes:
        return self._call("GET", f"/proctor/acts/{number}/pdf",
                          params={"lang": lang} if lang else None, raw=True)

    # --- documents, the end -------------------------------------------------------------------

    def seating_pdf(self, lang: str) -> bytes:
        return self._call("GET", "/proctor/documents/seating", params={"lang": lang}, raw=True)

    def export_results(self, fmt: str, lang: str) -> bytes:
        return self._call("GET", "/proctor/export/results", params={"format": fmt, "lang": lang},
                          raw=True)

    def seal(self) -> dict[str, Any]:
        return self._call("POST", "/proctor/bundle")

    def bundle_bytes(self) -> bytes:
        return self._call("GET", "/proctor/bundle/latest", raw=True)

    def upload(self, central_url: str) -> dict[str, Any]:
        return self._call("POST", "/proctor/bundle/upload", json={"central_url": central_url})

    def audit_verify(self) -> dict[str, Any]:
        return self._call("GET", "/proctor/audit/verify")
