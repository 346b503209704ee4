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
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.durable import make_dirs_durably
from exam_client.engine import integrity
from exam_client.engine.config import KioskConfig
from exam_client.engine.link import KioskError, Offline, Removed, RoomLink
from exam_client.engine.journals_on_disk import interrupted_attempts

if TYPE_CHECKING:
    from exam_client.engine.journal import AnswerJournal
    from exam_client.engine.sitting import Sitting

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


class KioskEngine:
    """This PC's kiosk without a screen: the room's status, registration and heartbeats, the
    interrupted sittings on this disk, and the login that opens a `Sitting`."""

    def __init__(self, config: KioskConfig):
        self.config = config
        make_dirs_durably(self.config.data_dir)  # its name survives a power cut
        self.link = RoomLink(config)
        self._reported: set[str] = set()  # integrity findings already told to the room

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
        screen, the clock, the free disk, the OS kiosk lock (measured: engine/integrity.py), and
        during a sitting the section, the journal's
        last seq (the lag is the room's acknowledged seq against it) and a raised hand. The reply
        carries the server's time and whether the seat is locked (the student left the room).
        """
        try:
            free_mb = shutil.disk_usage(self.config.data_dir).free // (1024 * 1024)
        except OSError:
            free_mb = 0
        locked, _how = integrity.kiosk_lock()
        body = {"build_hash": build_hash(),
                "screen": screen, "client_time": time.time(), "free_disk_mb": int(free_mb),
                "kiosk_locked": locked,
                "section": section, "journal_seq": journal_seq, "hand_raised": hand_raised}
        reply = self.link.call("POST", "/kiosk/register" if register else "/kiosk/heartbeat", body)
        if register:
            self.report_findings()
        return reply

    def report_findings(self) -> None:
        """Tell the room once what this PC was measured to be (a virtual machine, a remote
        session): an incident at its seat, and a refused login where the room's policy says so."""
        for event, evidence in integrity.findings().items():
            if event not in self._reported:
                self.report_integrity(event, evidence)
                self._reported.add(event)

    def heartbeat(self, sitting: Sitting, screen: str, *, section: str | None, journal_seq: int,
                  hand_raised: bool) -> dict[str, Any]:
        """One beat of a sitting: report the kiosk, take the server's clock, the deadline and the
        seat's lock, then send what the server lacks (unless the seat is locked).

        Returns the attempt's state. Raises `Removed` when the representative ended the sitting
        and `Offline` when the answers could not be sent (they wait in the journal).
        """
        try:
            self.report(screen, section=section, journal_seq=journal_seq, hand_raised=hand_raised)
        except Removed:
            raise
        except KioskError:
            pass  # a refused report does not stop the answers
        state = sitting.reconcile()
        if not state.get("locked") and sitting.replicate() is None:
            if sitting.room_disk:  # reachable, but its disk refuses: the answers wait on this PC
                raise Offline(f"the room server cannot store answers now ({sitting.room_disk})")
            raise Offline("the room server did not answer")
        return state

    def report_integrity(self, event: str, detail: str = "") -> dict[str, Any]:
        """Tell the room at once what this PC measured about itself (focus lost, a second
        screen, ...): an incident at this seat on the representative's map."""
        return self.link.call("POST", "/kiosk/integrity", {"event": event, "detail": detail[:200]})

    # --- the teachers' survey (§25), after the students, with a one-time code -------------------

    def teacher_survey_questions(self) -> dict[str, Any]:
        """The teachers' questionnaire of this room's level ({"questionnaire", "questions"})."""
        return self.link.call("GET", "/survey/teacher")

    def send_teacher_survey(self, code: str, answers: dict[str, int | None]) -> dict[str, Any]:
        """A teacher's answers with the code the representative gave; no session, no seat: the
        room keeps them like a student's, unlinked to the code."""
        return self.link.call("POST", "/survey/teacher", {"code": code, "answers": answers})

    def interrupted_attempts(self) -> list[str]:
        """Attempts whose journal is on this PC but whose sitting never ended (a crash, a power
        cut): the screen locks until the student logs in again."""
        return interrupted_attempts(self.config.data_dir)

    def login(self, login: str, password: str) -> Sitting:
        # The journal's crypto, the centre's seal and the answer checks load here, with the first
        # login (on the network thread), not before the kiosk's first screen.
        from exam_client.engine.export import save_grant
        from exam_client.engine.journal import AnswerJournal
        from exam_client.engine.sitting import Sitting

        sent = time.time()
        reply = self.link.call("POST", "/session/login", {
            "login": login, "password": password})
        received = time.time()
        server_time = dt.datetime.fromisoformat(reply["server_time"]).timestamp()
        offset = server_time - (sent + received) / 2
        self.link.token = reply["token"]
        key = base64.b64decode(reply["journal_key"])
        path = self.config.data_dir / f"journal-{reply['attempt_id']}.cbtj"
        try:
            if reply.get("journal_grant"):  # the centre can open the journal without the room
                save_grant(path, reply["journal_grant"])
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
