"""The kiosk's engine: everything the exam client does, without a screen.

The GUI and the headless runner both drive this object; neither talks to the room server itself.
The order of every answer change is fixed: journal on disk (fsync) → the screen may say "saved" →
replicate to the room server, which acknowledges. A dead network never blocks a confirmation.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from common.crypto.tls import pinned_context
from common.durable import write_durably
from common.protocol import API
from exam_client.engine.journal import AnswerJournal, JournalEntry

REPLICATE_BATCH = 200
JOURNAL_GLOB = "journal-*.cbtj"
FINISHED_SUFFIX = ".done"  # next to a journal whose sitting ended (submitted or removed)
PLACE_SUFFIX = ".place.json"  # where the student was and what they flagged (no answers in it)
# The room server's answers when its disk refuses writes: not an error of the sitting, the answers
# stay on this PC and are sent again later.
ROOM_DISK_TROUBLE = ("disk_full", "disk_read_only")
DISK_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
               getattr(errno, "EDQUOT", errno.ENOSPC)}


@lru_cache(maxsize=1)
def build_hash() -> str:
    """What this kiosk runs: a SHA-256 over the client's and the shared core's source files, so the
    representative sees a kiosk that runs something else (the room's readiness screen)."""
    from common.build_info import frozen_info  # a frozen kiosk: its bundle's hash (packaging/)

    if frozen_info() is not None:
        return str(frozen_info()["build_hash"])
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]  # the repository: exam_client/engine/kiosk.py
    for package in ("exam_client", "common"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


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
    # Optional: the Argon2id hash of the proctor's code that lets the kiosk window close.
    exit_code_hash: str | None = None
    # Optional: the language the kiosk opens in (the student may switch before the test).
    language: str = "kk"

    @classmethod
    def load(cls, path: Path) -> "KioskConfig":
        raw = json.loads(Path(path).read_text("utf-8"))
        try:
            return cls(str(raw["host"]), int(raw["port"]), str(raw["fingerprint"]),
                       str(raw["workstation_id"]), Path(raw["data_dir"]),
                       raw.get("exit_code_hash"), str(raw.get("language", "kk")))
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
                 clock_offset: float, journal_path: Path | None = None):
        self.link = link
        self.attempt_id: str = login_reply["attempt_id"]
        self.content: dict[str, Any] = login_reply["content"]
        self.student: dict[str, Any] = login_reply["student"]
        self.resumed: bool = login_reply["resumed"]
        self.deadline = dt.datetime.fromisoformat(login_reply["deadline"]).timestamp()
        self.journal = journal
        self._journal_path = journal_path
        self.clock_offset = clock_offset
        # The server's time as last measured, against this PC's monotonic clock: a wall clock
        # that jumps (a wrong BIOS time, NTP) does not move the test's end.
        self._anchor = (time.time() + clock_offset, time.monotonic())
        self.acked_seq: int = int(login_reply["acked_seq"])
        self.server_had_at_login: int = self.acked_seq  # less than the journal's after a crash
        self.result: dict[str, Any] | None = None
        # The network side (replicate, reconcile, submit, survey) runs one call at a time, whoever
        # calls it; `answer` never waits for it.
        self._net = threading.RLock()
        self.online: bool = True  # did the last call to the room server get an answer?
        self.last_contact: float = time.monotonic()
        self.room_disk: str | None = None  # the room server's disk refused our answers (a code)

    # --- what the screen asks -----------------------------------------------------------------

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for section in self.content["sections"] for item in section["items"]]

    def answers(self) -> dict[str, Any]:
        return {item: entry.answer for item, entry in self.journal.latest_answers().items()}

    def server_now(self) -> float:
        server_then, mono_then = self._anchor
        return server_then + (time.monotonic() - mono_then)

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
        with self._net:
            try:
                while self.acked_seq < self.journal.last_seq:
                    batch = [
                        {"seq": e.seq, "item_id": e.item_id, "answer": e.answer,
                         "client_ts": e.client_ts}
                        for e in self.journal.entries[self.acked_seq:self.acked_seq + REPLICATE_BATCH]
                    ]
                    reply = self._call("POST", "/attempt/answers", {"entries": batch})
                    acked = int(reply["acked_seq"])
                    if acked <= self.acked_seq:
                        raise KioskError("no_progress", "the room server did not take the answers")
                    self.acked_seq = acked
            except Offline:
                return None
            except KioskError as exc:
                if exc.code not in ROOM_DISK_TROUBLE:
                    raise
                self.room_disk = exc.code  # the room's disk refused: the answers stay pending here
                return None
            self.room_disk = None
            return self.acked_seq

    def reconcile(self) -> dict[str, Any]:
        """Ask the room server for the attempt's state and take its clock and deadline.

        The server's clock is the authority: the offset is measured again at every call (the
        midpoint of the round trip), and a deadline the proctor moved is taken over. If the
        server holds fewer answers than were acknowledged (a restored server), the rest is sent
        again by the next `replicate`. Raises `Offline` (the sitting goes on from the journal) and
        `Removed` when the representative voided the attempt.
        """
        with self._net:
            sent = time.time()
            state = self._call("GET", "/attempt/state")
            received = time.time()
            server_time = dt.datetime.fromisoformat(state["server_time"]).timestamp()
            self.clock_offset = server_time - (sent + received) / 2
            self._anchor = (server_time + (received - sent) / 2, time.monotonic())
            self.deadline = dt.datetime.fromisoformat(state["deadline"]).timestamp()
            server_acked = int(state["acked_seq"])
            if server_acked < self.acked_seq:
                self.acked_seq = server_acked
            return state

    def submit(self) -> dict[str, Any]:
        """Everything reaches the server first; then the server scores and the result is shown."""
        with self._net:
            for _ in range(3):
                try:
                    acked = self.replicate()
                except KioskError as exc:
                    if exc.code != "attempt_closed":
                        raise
                    # The room closed the sitting (its time is over) and takes no more answers:
                    # what it holds is final, and submitting again only fetches the result.
                    self.result = self._call("POST", "/attempt/submit", {"last_seq": self.acked_seq})
                    self.mark_finished()
                    return self.result
                if acked is None:
                    raise Offline("the room server is not reachable; answers are kept on this PC")
                try:
                    self.result = self._call("POST", "/attempt/submit",
                                             {"last_seq": self.journal.last_seq})
                    self.mark_finished()
                    return self.result
                except KioskError as exc:
                    if exc.code != "conflict":
                        raise
                    self.acked_seq = int(exc.details.get("acked_seq", 0))
            raise KioskError("submit_failed", "the room server did not accept the submission")

    def survey_questions(self) -> list[dict[str, Any]]:
        """The anonymous survey's questions (§25), each with its text in kk, ru and en."""
        with self._net:
            return list(self._call("GET", "/survey")["questions"])

    def send_survey(self, answers: dict[str, int | None]) -> dict[str, Any]:
        """Send the survey; the room stores it without any link to this attempt (§25)."""
        with self._net:
            return self._call("POST", "/attempt/survey", {"answers": answers})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            reply = self.link.call(method, path, body)
        except Offline:
            self.online = False
            raise
        except KioskError:
            self._contact()
            raise
        self._contact()
        return reply

    def _contact(self) -> None:
        self.online = True
        self.last_contact = time.monotonic()

    # --- the kiosk's own files ------------------------------------------------------------------

    @property
    def journal_path(self) -> Path:
        if self._journal_path is None:  # made without a path: the journal knows its file
            return Path(self.journal._path)  # noqa: SLF001
        return self._journal_path

    def mark_finished(self) -> None:
        """Note on disk that this sitting ended, so the next start shows no lock screen."""
        write_durably(self.journal_path.with_name(self.journal_path.name + FINISHED_SUFFIX), b"")

    def save_place(self, place: dict[str, Any]) -> None:
        """Keep where the student is and what they flagged, so a restart resumes there.

        It holds item ids and a page number only, never answers (those are in the journal).
        """
        write_durably(self.journal_path.with_name(self.journal_path.name + PLACE_SUFFIX),
                      json.dumps(place, sort_keys=True).encode())

    def load_place(self) -> dict[str, Any]:
        path = self.journal_path.with_name(self.journal_path.name + PLACE_SUFFIX)
        try:
            place = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return place if isinstance(place, dict) else {}

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

    def report(self, screen: str, *, register: bool = False, section: str | None = None,
               journal_seq: int | None = None, hand_raised: bool = False) -> dict[str, Any]:
        """Register this workstation, or send a heartbeat (with the sitting's token once logged in).

        Says what the representative's readiness and progress screens show: the build, the
        screen, the clock, the free disk, the OS kiosk lock (set by the installer in the
        environment as ``CBT_KIOSK_LOCKED=1``), and during a sitting the section, the journal's
        last seq (the lag is the room's acknowledged seq against it) and a raised hand. The reply
        carries the server's time and whether the seat is locked (the student left the room).
        """
        try:
            free_mb = shutil.disk_usage(self.config.data_dir).free // (1024 * 1024)
        except OSError:
            free_mb = 0
        body = {"workstation_id": self.config.workstation_id, "build_hash": build_hash(),
                "screen": screen, "client_time": time.time(), "free_disk_mb": int(free_mb),
                "kiosk_locked": os.environ.get("CBT_KIOSK_LOCKED") == "1",
                "section": section, "journal_seq": journal_seq, "hand_raised": hand_raised}
        return self.link.call("POST", "/kiosk/register" if register else "/kiosk/heartbeat", body)

    def interrupted_attempts(self) -> list[str]:
        """Attempts whose journal is on this PC but whose sitting never ended (a crash, a power
        cut): the screen locks until the student logs in again."""
        found = []
        for path in sorted(self.config.data_dir.glob(JOURNAL_GLOB)):
            if not path.with_name(path.name + FINISHED_SUFFIX).exists():
                found.append(path.name[len("journal-"):-len(".cbtj")])
        return found

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
        try:
            journal = AnswerJournal.open_or_create(path, key, reply["attempt_id"])
        except OSError as exc:
            if exc.errno not in DISK_ERRNOS:
                raise
            raise KioskError("kiosk_disk", f"this PC's disk cannot keep the answers: {exc}") from exc
        _catch_up(journal, reply["answers"])
        sitting = Sitting(self.link, reply, journal, offset, journal_path=path)
        sitting.replicate()
        return sitting


def _catch_up(journal: AnswerJournal, server_answers: list[dict[str, Any]]) -> None:
    """A fresh journal on another PC (the student moved seat) first copies the server's answers,
    so that the journal's numbering continues the server's and nothing is overwritten."""
    for entry in server_answers:
        if entry["seq"] == journal.last_seq + 1:
            journal.append(entry["item_id"], entry["answer"], client_ts=entry["client_ts"])
