"""The kiosk's engine: everything the exam client does, without a screen.

The GUI and the headless runner both drive this object; neither talks to the room server itself.
The order of every answer change is fixed: journal on disk (fsync) → the screen may say "saved" →
replicate to the room server, which acknowledges. A dead network never blocks a confirmation.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from common.crypto.tls import pinned_context
from common.protocol import API
from exam_client.journal import AnswerJournal, JournalEntry

REPLICATE_BATCH = 200


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


@dataclass(frozen=True)
class KioskConfig:
    host: str
    port: int
    fingerprint: str
    workstation_id: str
    data_dir: Path

    @classmethod
    def load(cls, path: Path) -> "KioskConfig":
        raw = json.loads(Path(path).read_text("utf-8"))
        try:
            return cls(str(raw["host"]), int(raw["port"]), str(raw["fingerprint"]),
                       str(raw["workstation_id"]), Path(raw["data_dir"]))
        except KeyError as exc:
            raise ValueError(f"kiosk configuration {path}: missing {exc.args[0]!r}") from exc


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
        headers = {"X-Workstation": self.config.workstation_id}
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


class Sitting:
    """One student's test on this kiosk, from login to result."""

    def __init__(self, link: RoomLink, login_reply: dict[str, Any], journal: AnswerJournal,
                 clock_offset: float):
        self.link = link
        self.attempt_id: str = login_reply["attempt_id"]
        self.content: dict[str, Any] = login_reply["content"]
        self.student: dict[str, Any] = login_reply["student"]
        self.resumed: bool = login_reply["resumed"]
        self.deadline = dt.datetime.fromisoformat(login_reply["deadline"]).timestamp()
        self.journal = journal
        self.clock_offset = clock_offset
        self.acked_seq: int = int(login_reply["acked_seq"])
        self.server_had_at_login: int = self.acked_seq  # less than the journal's after a crash
        self.result: dict[str, Any] | None = None

    # --- what the screen asks -----------------------------------------------------------------

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for section in self.content["sections"] for item in section["items"]]

    def answers(self) -> dict[str, Any]:
        return {item: entry.answer for item, entry in self.journal.latest_answers().items()}

    def server_now(self) -> float:
        return time.time() + self.clock_offset

    def remaining_seconds(self) -> float:
        return max(0.0, self.deadline - self.server_now())

    @property
    def pending(self) -> int:
        return self.journal.last_seq - self.acked_seq

    # --- what the student does ----------------------------------------------------------------

    def answer(self, item_id: str, value: Any) -> JournalEntry:
        """Durable on return: the screen may show it as saved. Replication is attempted after."""
        if self.result is not None:
            raise KioskError("attempt_closed", "the test is already submitted")
        if item_id not in {item["id"] for item in self.items}:
            raise KeyError(item_id)
        if self.remaining_seconds() <= 0:
            raise KioskError("time_over", "time is over")
        return self.journal.append(item_id, value, client_ts=self.server_now())

    def replicate(self) -> int | None:
        """Send what the server lacks; return the acknowledged seq, or None when offline."""
        try:
            while self.acked_seq < self.journal.last_seq:
                batch = [
                    {"seq": e.seq, "item_id": e.item_id, "answer": e.answer, "client_ts": e.client_ts}
                    for e in self.journal.entries[self.acked_seq:self.acked_seq + REPLICATE_BATCH]
                ]
                reply = self.link.call("POST", "/attempt/answers", {"entries": batch})
                acked = int(reply["acked_seq"])
                if acked <= self.acked_seq:
                    raise KioskError("no_progress", "the room server did not take the answers")
                self.acked_seq = acked
        except Offline:
            return None
        return self.acked_seq

    def submit(self) -> dict[str, Any]:
        """Everything reaches the server first; then the server scores and the result is shown."""
        for _ in range(3):
            if self.replicate() is None:
                raise Offline("the room server is not reachable; answers are kept on this PC")
            try:
                self.result = self.link.call("POST", "/attempt/submit",
                                             {"last_seq": self.journal.last_seq})
                return self.result
            except KioskError as exc:
                if exc.code != "conflict":
                    raise
                self.acked_seq = int(exc.details.get("acked_seq", 0))
        raise KioskError("submit_failed", "the room server did not accept the submission")

    def close(self) -> None:
        self.journal.close()
        self.link.close()


class KioskEngine:
    def __init__(self, config: KioskConfig):
        self.config = config
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.link = RoomLink(config)

    def close(self) -> None:
        self.link.close()

    def __enter__(self) -> "KioskEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def room_status(self) -> dict[str, Any]:
        return self.link.call("GET", "/status")

    def login(self, login: str, password: str) -> Sitting:
        sent = time.time()
        reply = self.link.call("POST", "/session/login", {
            "login": login, "password": password, "workstation_id": self.config.workstation_id})
        received = time.time()
        server_time = dt.datetime.fromisoformat(reply["server_time"]).timestamp()
        offset = server_time - (sent + received) / 2
        self.link.token = reply["token"]
        key = base64.b64decode(reply["journal_key"])
        path = self.config.data_dir / f"journal-{reply['attempt_id']}.cbtj"
        journal = AnswerJournal.open_or_create(path, key, reply["attempt_id"])
        _catch_up(journal, reply["answers"])
        sitting = Sitting(self.link, reply, journal, offset)
        sitting.replicate()
        return sitting


def _catch_up(journal: AnswerJournal, server_answers: list[dict[str, Any]]) -> None:
    """A fresh journal on another PC (the student moved seat) first copies the server's answers,
    so that the journal's numbering continues the server's and nothing is overwritten."""
    for entry in server_answers:
        if entry["seq"] == journal.last_seq + 1:
            journal.append(entry["item_id"], entry["answer"], client_ts=entry["client_ts"])
