"""The room: roster, credentials, admission, sittings, acts and sealing — plain Python over SQLite.

The HTTP server and the console both call this; neither holds any state of its own. Every write is
one transaction, committed with SQLite's FULL synchronous mode before the caller hears "done".
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from common.crypto import passwords
from common.crypto.signing import SigningKey, VerifyKey
from common.content.payload import ExamPayload
from common.domain.exam import ExamContent, content_to_dict
from common.domain.scoring import latest_answers, score_attempt
from common.domain.roster import parse_bytes, parse_csv
from common.package import ExamPackage, read_package
from common.storage.base import session_factory, sqlite_url, utcnow
from common.storage.migrate import upgrade
from common.storage.room_models import (
    Act,
    Answer,
    Attempt,
    AttemptStatus,
    Attendance,
    Incident,
    Package,
    Proctor,
    SessionToken,
    Setting,
    Student,
)
from proctor_console import assignment, audit
from proctor_console.revocation import ensure_not_revoked
from proctor_console.room_memory import RoomMemory, Seqs, Sitting, changes_in
from proctor_console.errors import (
    AttemptClosed,
    AttemptVoided,
    Conflict,
    LockedOut,
    NotAdmitted,
    NotFound,
    RoomError,
    RoomNotOpen,
    SeatLocked,
    Unauthorized,
    WorkstationLockedOut,
    WrongSeat,
    disk_trouble,
)

MAX_FAILED_LOGINS = 5  # wrong passwords for one login, then it is locked until the representative unlocks
# Failed logins at one workstation (any login, unknown logins, someone else's password at the wrong
# seat), then the workstation is locked until the representative unlocks it: one seat cannot
# guess its way through the room's logins, nor lock more than two other students out.
MAX_FAILED_LOGINS_PER_WORKSTATION = 10
# Answers journalled before the deadline may arrive a little later over a slow network.
LATE_ANSWER_GRACE = dt.timedelta(seconds=30)
ABSENCE_REASONS = ("illness", "bereavement", "competition", "home_schooling", "sanatorium")
_CHANGES = "room_memory_changes"  # key in Session.info: what this transaction makes stale in memory


@dataclass(frozen=True)
class RoomPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "room.sqlite3"

    @property
    def signing_key(self) -> Path:
        return self.root / "keys" / "room-signing.key"

    @property
    def tls_cert(self) -> Path:
        return self.root / "tls" / "room-cert.pem"

    @property
    def tls_key(self) -> Path:
        return self.root / "tls" / "room-key.pem"

    @property
    def acts(self) -> Path:
        return self.root / "acts"

    @property
    def bundles(self) -> Path:
        return self.root / "bundles"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def full_name(student: Student) -> str:
    return " ".join(p for p in (student.surname, student.name, student.patronymic) if p)


def away_since(s: Session, student_id: int) -> dt.datetime | None:
    """When the student left the room with permission (§23), if they have not come back yet."""
    last = s.scalars(select(Incident).where(
        Incident.student_id == student_id, Incident.kind.in_(("left", "returned")))
        .order_by(Incident.id.desc()).limit(1)).first()
    return last.at if last is not None and last.kind == "left" else None


def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: note which in-memory entries the rows being written make stale."""
    session.info.setdefault(_CHANGES, []).extend(
        changes_in(session.new, session.dirty, session.deleted))


@dataclass
class _Save:
    """One kiosk's answer save, waiting for a group commit (Room.save_answers)."""

    attempt_id: str
    entries: list[dict[str, Any]]
    done: bool = False
    result: dict[str, Any] | None = None
    error: BaseException | None = None


class Room:
    """One computer room on the day. Thread-safe: writes are serialised by one lock.

    What each kiosk request reads (its session, sitting, away state and stored answer seqs) is also
    kept in memory (`memory`, room_memory.py); every write through `tx` keeps it current.
    """

    def __init__(self, data_dir: Path, password_params: passwords.Argon2Params = passwords.DEFAULT):
        self.paths = RoomPaths(Path(data_dir))
        self.paths.root.mkdir(parents=True, exist_ok=True)
        self.engine = upgrade(sqlite_url(self.paths.database), "room")
        self._sessions = session_factory(self.engine)
        event.listen(self._sessions, "before_flush", _note_changes)
        self.memory = RoomMemory()
        self._write = threading.Lock()
        self._saves: list[_Save] = []  # saves waiting for the next group commit
        self._saves_lock = threading.Lock()
        self._password_params = password_params
        self._payload: ExamPayload | None = None
        # Set while the disk refuses writes: {code, message, since}; shown to the representative.
        self.disk_problem: dict[str, str] | None = None

    # --- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One write transaction; when it commits, the audit log's newest entry is noted on disk."""
        with self._write:
            with self._transaction() as session:
                yield session

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """`tx` without taking the write lock: the caller holds it."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except BaseException as exc:
            audit.discarded(session)
            if session.info.pop(_CHANGES, None):
                self.memory.clear()  # whatever the database holds now, memory reads it again
            self._disk_said_no(exc)
            raise
        finally:
            session.close()
        # Still under the write lock: no other write, and no save, sees the memory behind the disk.
        self.memory.changed(session.info.pop(_CHANGES, []))
        try:
            audit.committed(session, self.paths.root)
        except OSError as exc:  # stored, but the audit head note is behind: say so anyway
            self._disk_said_no(exc)
            raise
        self.disk_problem = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except Exception as exc:
            self._disk_said_no(exc)
            raise

    def _disk_said_no(self, exc: BaseException) -> None:
        """A write (or read) the disk refused becomes the room's DiskFull/DiskReadOnly error, and
        the room's status carries it (`disk_problem`) until a write succeeds again."""
        trouble = disk_trouble(exc)
        if trouble is not None:
            self.disk_problem = {"code": trouble.code, "message": str(trouble),
                                 "since": (self.disk_problem or {}).get("since")
                                 or utcnow().isoformat()}
            if trouble.code == "disk_read_only":  # connections opened meanwhile stay read-only:
                self.engine.dispose()  # the next request opens fresh ones
            raise trouble from exc

    def setting(self, name: str, default: str | None = None) -> str | None:
        with self.read() as s:
            row = s.get(Setting, name)
            return row.value if row else default

    def _set(self, s: Session, name: str, value: str) -> None:
        row = s.get(Setting, name)
        if row is None:
            s.add(Setting(name=name, value=value))
        else:
            row.value = value

    # --- set-up -------------------------------------------------------------------------------

    def configure(self, config: dict[str, Any]) -> dict[str, Any]:
        """First-time set-up from the room's configuration; returns what the centre must trust."""
        required = ("room_id", "organisation_code", "organisation_name", "room_no", "centre_id",
                    "centre_sign_keys", "centre_recipient_key", "representative")
        missing = [k for k in required if k not in config]
        if missing:
            raise RoomError(f"room configuration is missing {', '.join(missing)}")
        if not self.paths.signing_key.exists():
            SigningKey.generate().save(self.paths.signing_key)
        rep = config["representative"]
        optional = ("centre_url", "centre_tls_ca")  # where results go, and the CA that vouches for it
        with self.tx() as s:
            for name in (*required[:-1], *(k for k in optional if config.get(k))):
                value = config[name]
                self._set(s, name, value if isinstance(value, str) else json.dumps(value))
            if s.scalar(select(Proctor).where(Proctor.login == rep["login"])) is None:
                s.add(Proctor(login=rep["login"], full_name=rep["full_name"], role="representative",
                              pin_hash=passwords.hash_password(rep["pin"], self._password_params)))
            audit.record(s, "system", "room_configured", room_id=config["room_id"])
        key = self.signing_key
        return {"room_id": config["room_id"], "organisation_code": config["organisation_code"],
                "key_id": key.key_id, "verify_key": key.verify_key.to_b64()}

    @property
    def signing_key(self) -> SigningKey:
        return SigningKey.load(self.paths.signing_key)

    def _centre_keys(self) -> dict[str, VerifyKey]:
        keys = json.loads(self.setting("centre_sign_keys") or "{}")
        return {kid: VerifyKey.from_b64(b64) for kid, b64 in keys.items()}

    # --- proctor sign-in ----------------------------------------------------------------------

    def proctor_signin(self, login: str, pin: str) -> str:
        with self.read() as s:
            proctor = s.scalar(select(Proctor).where(Proctor.login == login))
        if proctor is None or not passwords.verify_password(pin, proctor.pin_hash):
            raise Unauthorized("wrong login or PIN")
        token = secrets.token_urlsafe(32)
        with self.tx() as s:
            s.add(SessionToken(token_sha256=_hash_token(token), kind="proctor", subject=login))
            audit.record(s, login, "proctor_signed_in")
        return token

    def proctor_for_login(self, login: str) -> Proctor:
        with self.read() as s:
            proctor = s.scalar(select(Proctor).where(Proctor.login == login))
        if proctor is None:
            raise Unauthorized("unknown proctor")
        return proctor

    def proctor_for(self, token: str | None) -> Proctor:
        if not token:
            raise Unauthorized("the proctor's sign-in is required")
        with self.read() as s:
            row = s.get(SessionToken, _hash_token(token))
            if row is None or row.revoked or row.kind != "proctor":
                raise Unauthorized("the proctor's sign-in is required")
            proctor = s.scalar(select(Proctor).where(Proctor.login == row.subject))
        if proctor is None:
            raise Unauthorized("unknown proctor")
        return proctor

    # --- package and roster -------------------------------------------------------------------

    def import_package(self, raw: bytes, actor: str) -> dict[str, Any]:
        package = read_package(raw, self._centre_keys())
        if package.manifest["organisation_code"] != self.setting("organisation_code"):
            raise RoomError("this package is for another organisation")
        with self.tx() as s:
            if s.get(Package, package.package_id) is None:
                s.add(Package(package_id=package.package_id, sha256=package.sha256, raw=raw))
            self._set(s, "package_id", package.package_id)
            audit.record(s, actor, "package_imported", package_id=package.package_id,
                         sha256=package.sha256)
        return {"package_id": package.package_id, "exam": package.manifest["exam"]}

    def import_roster(self, data: bytes | str, actor: str, filename: str = "") -> list[dict[str, str]]:
        """Validate the whole list, then issue each student a code, login, password and seat.

        `data` is a CSV or XLSX file (`filename` helps tell which). Seats come from the list's
        seat column when it has one, else in the list's order. Returns the credentials once, for
        the slips; only Argon2id hashes of passwords are kept. A list with any problem is refused
        whole (RosterInvalid names every row and field); nothing is half-imported.
        """
        rows = parse_csv(data) if isinstance(data, str) else parse_bytes(data, filename)
        issued: list[dict[str, str]] = []
        hashed = []
        for index, row in enumerate(rows, start=1):
            password = passwords.new_password()
            hashed.append((row, index, password, passwords.hash_password(password, self._password_params)))
        with self.tx() as s:
            if s.scalar(select(func.count()).select_from(Student)):
                raise Conflict("a roster is already imported in this room")
            codes: set[str] = set()
            for row, index, password, password_hash in hashed:
                code = self._new_code(codes)
                login = f"{self.setting('room_no') or 'r'}-{index:03d}".lower()
                seat = row.seat or f"{index:02d}"
                s.add(Student(iin=row.iin, surname=row.surname, name=row.name,
                              patronymic=row.patronymic, grade=row.grade, class_name=row.class_name,
                              language=row.language, individual_code=code, login=login,
                              password_hash=password_hash, seat=seat))
                issued.append({"individual_code": code, "login": login, "password": password,
                               "seat": seat, "full_name": " ".join(
                                   p for p in (row.surname, row.name, row.patronymic) if p)})
            audit.record(s, actor, "roster_imported", students=len(rows), filename=filename or None,
                         before={"students": 0}, after={"students": len(rows)})
        return issued

    @staticmethod
    def _new_code(taken: set[str]) -> str:
        while True:
            code = f"{secrets.randbelow(10**8):08d}"
            if code not in taken:
                taken.add(code)
                return code

    def _student(self, s: Session, individual_code: str) -> Student:
        student = s.scalar(select(Student).where(Student.individual_code == individual_code))
        if student is None:
            raise NotFound(f"no student with individual code {individual_code}")
        return student

    # --- admission and start ------------------------------------------------------------------

    def mark_attendance(self, individual_code: str, status: str, reason: str | None,
                        actor: str) -> None:
        if status not in (Attendance.PRESENT, Attendance.ABSENT):
            raise RoomError("attendance is present or absent")
        attendance = Attendance(status)
        if attendance is Attendance.ABSENT and reason not in ABSENCE_REASONS:
            raise RoomError(f"an absence needs a reason: one of {', '.join(ABSENCE_REASONS)}")
        with self.tx() as s:
            student = self._student(s, individual_code)
            if s.scalar(select(Attempt).where(Attempt.student_id == student.id)):
                raise Conflict("the student has already started: attendance cannot change")
            before = {"attendance": student.attendance.value, "absence_reason": student.absence_reason}
            student.attendance = attendance
            student.absence_reason = reason if attendance is Attendance.ABSENT else None
            audit.record(s, actor, "attendance", individual_code=individual_code,
                         status=attendance.value, reason=reason, before=before,
                         after={"attendance": attendance.value,
                                "absence_reason": student.absence_reason})

    def start(self, start_code: str, actor: str) -> dict[str, Any]:
        """Open the package with the morning's start code; from now on admitted students may log in."""
        package = self._package()
        ensure_not_revoked(self, package)  # §15: a cancelled territory's package stays shut
        payload, content_key = package.open_all(start_code)
        with self.tx() as s:
            s.get(Package, package.package_id).content_key = content_key
            self._set(s, "started_at", utcnow().isoformat())
            audit.record(s, actor, "room_opened", package_id=package.package_id)
        self._payload = payload
        content = payload.first
        return {"package_id": package.package_id, "items": len(content.items),
                "duration_minutes": content.duration_minutes, "variants": len(payload.variants)}

    def _package(self) -> ExamPackage:
        package_id = self.setting("package_id")
        if package_id is None:
            raise RoomNotOpen("no exam package is imported")
        with self.read() as s:
            row = s.get(Package, package_id)
        return read_package(row.raw, self._centre_keys())

    def payload(self) -> ExamPayload:
        """Every variant of the opened package, with its keys and seeds."""
        if self._payload is None:
            package = self._package()
            with self.read() as s:
                key = s.get(Package, package.package_id).content_key
            if key is None:
                raise RoomNotOpen("the room is not open yet: the proctor has not entered the start code")
            self._payload = package.open_payload(key)
        return self._payload

    def content(self) -> ExamContent:
        """The package's first variant: what all variants share (duration, sections)."""
        return self.payload().first

    def attempt_content(self, attempt: Attempt) -> ExamContent:
        """The variant this attempt sits, with its keys (assignment.py)."""
        return assignment.variant_of(self.payload(), attempt)

    # --- the kiosk's side ---------------------------------------------------------------------

    def login(self, login: str, password: str, workstation_id: str) -> dict[str, Any]:
        payload = self.payload()  # refuses before the start
        if self.workstation_failures().get(workstation_id, 0) >= MAX_FAILED_LOGINS_PER_WORKSTATION:
            raise WorkstationLockedOut("too many failed logins at this computer: ask the representative")
        with self.read() as s:
            student = s.scalar(select(Student).where(Student.login == login.strip().lower()))
        if student is None:
            self._login_failed(workstation_id, None, login, "unknown_login")
            raise Unauthorized("wrong login or password")
        if student.failed_logins >= MAX_FAILED_LOGINS:
            raise LockedOut("too many wrong passwords: ask the representative")
        if not passwords.verify_password(password, student.password_hash):
            self._login_failed(workstation_id, student.id, login, "wrong_password")
            raise Unauthorized("wrong login or password")
        if student.attendance is not Attendance.PRESENT:
            raise NotAdmitted("the representative has not admitted this student")
        if student.seat != workstation_id:
            # The right password at another seat: someone else's slip. Counted against this seat.
            self._login_failed(workstation_id, None, login, "wrong_seat")
            raise WrongSeat(f"this student's seat is {student.seat}, not {workstation_id}")
        with self.read() as s:
            if away_since(s, student.id) is not None:
                raise SeatLocked("the student is out of the room: the representative unlocks the seat")

        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self.tx() as s:
            row = s.get(Student, student.id)
            row.failed_logins = 0
            attempt = s.scalar(select(Attempt).where(Attempt.student_id == student.id))
            resumed = attempt is not None
            if attempt is None:
                # The student's own variant and order, recorded with the attempt (assignment.py).
                variant, permutation = assignment.assign(payload, s, row)
                attempt = Attempt(
                    id=str(uuid.uuid4()), student_id=student.id,
                    package_id=self.setting("package_id"), workstation_id=workstation_id,
                    journal_key=os.urandom(32), status=AttemptStatus.IN_PROGRESS, started_at=now,
                    deadline_at=now + dt.timedelta(minutes=variant.duration_minutes),
                    finished_at=None, score=None, max_score=None, void_reason=None,
                    exam_id=variant.exam_id, permutation_json=json.dumps(permutation, sort_keys=True))
                s.add(attempt)
            else:
                self._ensure_open(attempt)
                attempt.logins += 1
                attempt.workstation_id = workstation_id
                for old in s.scalars(select(SessionToken).where(
                        SessionToken.subject == attempt.id, SessionToken.revoked.is_(False))):
                    old.revoked = True
            s.add(SessionToken(token_sha256=_hash_token(token), kind="kiosk", subject=attempt.id,
                               workstation_id=workstation_id))
            audit.record(s, "kiosk:" + workstation_id, "resumed" if resumed else "login",
                         individual_code=student.individual_code, attempt_id=attempt.id)
            answers = self._answers(s, attempt.id)
            view = assignment.view_of(payload, attempt)
        return {
            "token": token,
            "attempt_id": attempt.id,
            "journal_key": base64.b64encode(attempt.journal_key).decode(),
            "resumed": resumed,
            "student": {"full_name": full_name(student), "individual_code": student.individual_code,
                        "seat": student.seat, "language": student.language},
            "server_time": now.isoformat(),
            "deadline": attempt.deadline_at.isoformat(),
            "content": content_to_dict(view, with_keys=False),
            "answers": answers,
            "acked_seq": max((a["seq"] for a in answers), default=0),
        }

    # Failed logins per workstation: {workstation id: count}, one setting, so that guessing from
    # one seat is stopped whichever logins it tries (each login also locks on its own).
    _WORKSTATION_FAILURES = "failed_logins_by_workstation"

    def workstation_failures(self, s: Session | None = None) -> dict[str, int]:
        if s is None:
            with self.read() as s:
                return self.workstation_failures(s)
        row = s.get(Setting, self._WORKSTATION_FAILURES)
        return json.loads(row.value) if row else {}

    def _login_failed(self, workstation_id: str, student_id: int | None, login: str,
                      reason: str) -> None:
        """Count a failed login against the login (a wrong password) and the workstation (any
        failure); audit it, and audit the moment either becomes locked."""
        actor = "kiosk:" + workstation_id
        with self.tx() as s:
            failures = self.workstation_failures(s)
            failures[workstation_id] = failures.get(workstation_id, 0) + 1
            self._set(s, self._WORKSTATION_FAILURES, json.dumps(failures, sort_keys=True))
            audit.record(s, actor, "login_failed", login=login, reason=reason,
                         workstation_failures=failures[workstation_id])
            if failures[workstation_id] == MAX_FAILED_LOGINS_PER_WORKSTATION:
                audit.record(s, actor, "workstation_locked_out", workstation_id=workstation_id,
                             failed_logins=failures[workstation_id])
            if student_id is not None:
                row = s.get(Student, student_id)
                row.failed_logins += 1
                if row.failed_logins == MAX_FAILED_LOGINS:
                    audit.record(s, actor, "login_locked_out", individual_code=row.individual_code,
                                 failed_logins=row.failed_logins)

    def clear_workstation_failures(self, s: Session, workstation_id: str) -> int:
        """Forget a workstation's failed logins (the representative unlocks it); returns how many."""
        failures = self.workstation_failures(s)
        count = failures.pop(workstation_id, 0)
        if count:
            self._set(s, self._WORKSTATION_FAILURES, json.dumps(failures, sort_keys=True))
        return count

    @staticmethod
    def _answers(s: Session, attempt_id: str) -> list[dict[str, Any]]:
        rows = s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.seq))
        return [{"seq": a.seq, "item_id": a.item_id, "answer": json.loads(a.answer_json),
                 "client_ts": a.client_ts} for a in rows]

    @staticmethod
    def _ensure_open(attempt: Attempt | Sitting) -> None:
        if attempt.status is AttemptStatus.VOIDED:
            raise AttemptVoided("the representative removed this test-taker; the result is voided")
        if attempt.status is AttemptStatus.SUBMITTED:
            raise AttemptClosed("this test is already submitted")

    def attempt_for(self, token: str | None, workstation_id: str | None) -> str:
        if not token:
            raise Unauthorized("log in first")
        key = _hash_token(token)
        session = self.memory.sessions.get(key)
        if session is None:
            epoch = self.memory.epoch()
            with self.read() as s:
                row = s.get(SessionToken, key)
            if row is None or row.kind != "kiosk":
                raise Unauthorized("the session has ended: log in again")
            if row.revoked:
                with self.read() as s:
                    attempt = s.get(Attempt, row.subject)
                if attempt is not None and attempt.status is AttemptStatus.VOIDED:
                    raise AttemptVoided("the representative removed this test-taker; the result is voided")
                raise Unauthorized("the session has ended: log in again")
            session = (row.subject, row.workstation_id)
            self.memory.fill(self.memory.sessions, key, session, epoch)
        attempt_id, at = session
        if at != workstation_id:
            raise Unauthorized("this session belongs to another workstation")
        return attempt_id

    def in_memory(self, token: str | None = None, attempt_id: str | None = None) -> bool:
        """Whether `attempt_for(token)` / `attempt_state(attempt_id)` would be answered from memory
        alone, without reading the database (the server then answers on its event loop)."""
        m = self.memory
        if token is not None:
            return bool(token) and _hash_token(token) in m.sessions
        sitting = m.sittings.get(attempt_id) if attempt_id is not None else None
        return sitting is not None and attempt_id in m.seqs and sitting.student_id in m.away

    def _remembered(self, table: dict[Any, Any], key: Any, s: Session | None,
                    read: Callable[[Session], Any]) -> Any:
        """`table[key]`, read from the database (in `s`, or a read session) on a miss."""
        try:
            return table[key]
        except KeyError:
            pass
        epoch = self.memory.epoch()
        if s is None:
            with self.read() as s:
                value = read(s)
        else:
            value = read(s)
        self.memory.fill(table, key, value, epoch)
        return value

    def _sitting(self, attempt_id: str, s: Session | None = None) -> Sitting:
        return self._remembered(self.memory.sittings, attempt_id, s,
                                lambda s: Sitting.of(s.get(Attempt, attempt_id)))

    def _away(self, student_id: int, s: Session | None = None) -> dt.datetime | None:
        return self._remembered(self.memory.away, student_id, s, lambda s: away_since(s, student_id))

    def _seqs(self, attempt_id: str, s: Session | None = None) -> Seqs:
        return self._remembered(self.memory.seqs, attempt_id, s, lambda s: Seqs.of(
            s.scalars(select(Answer.seq).where(Answer.attempt_id == attempt_id))))

    def save_answers(self, attempt_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Store journal entries; idempotent by (attempt, seq). Returns the highest stored seq.

        Group commit: saves that arrive while another write holds the lock wait for it, and the
        first of them to get the lock stores all that are waiting in one transaction (one fsync).
        Each returns only once the transaction holding its answers is on disk; a save refused
        (a locked seat, time over, an unknown item) refuses only itself.
        """
        payload = self.payload()  # refuses before the start; opened outside the write transaction
        job = _Save(attempt_id, entries)
        with self._saves_lock:
            self._saves.append(job)
        with self._write:
            if not job.done:
                with self._saves_lock:
                    batch, self._saves = self._saves, []
                self._commit_saves(payload, batch)
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _commit_saves(self, payload: ExamPayload, batch: list[_Save]) -> None:
        """One transaction for the batch (the caller holds the write lock)."""
        now = utcnow()
        stored: dict[str, Seqs] = {}  # attempt id → its seqs with this batch's
        try:
            with self._transaction() as s:
                rows: list[dict[str, Any]] = []
                for job in batch:
                    try:
                        seqs = stored.get(job.attempt_id) or self._seqs(job.attempt_id, s)
                        new = self._answer_rows(s, payload, job, seqs, now)
                    except Exception as exc:  # this save only
                        job.error = exc
                        continue
                    rows.extend(new)
                    stored[job.attempt_id] = seqs.plus(row["seq"] for row in new)
                if rows:  # Core, not the ORM's bulk insert: a third of the CPU of a save
                    s.connection().execute(insert(Answer.__table__), rows)
                    s.info.setdefault(_CHANGES, []).extend(
                        ("seqs", attempt_id, seqs.have) for attempt_id, seqs in stored.items())
            for job in batch:
                if job.error is None:
                    job.result = {"acked_seq": stored[job.attempt_id].acked}
        except BaseException as exc:
            for job in batch:
                if job.error is None:
                    job.error = exc
            if not isinstance(exc, Exception):
                raise
        finally:
            for job in batch:
                job.done = True

    def _answer_rows(self, s: Session, payload: ExamPayload, job: _Save, seqs: Seqs,
                     now: dt.datetime) -> list[dict[str, Any]]:
        """The rows one save adds (none for seqs already stored), or the reason it is refused."""
        sitting = self._sitting(job.attempt_id, s)
        self._ensure_open(sitting)
        if job.entries and self._away(sitting.student_id, s) is not None:
            raise SeatLocked("the seat is locked while the student is out of the room")
        known = {item.id for item in assignment.variant_of(payload, sitting).items}
        late_limit = (sitting.deadline_at + LATE_ANSWER_GRACE).timestamp()
        rows: list[dict[str, Any]] = []
        have = set(seqs.have)
        for e in job.entries:
            seq = int(e["seq"])
            if seq in have:
                continue
            if e["item_id"] not in known:
                raise RoomError(f"no item {e['item_id']!r} in this test")
            if float(e["client_ts"]) > late_limit or now.timestamp() > late_limit + 600:
                raise AttemptClosed("time is over: answers after the end are not accepted")
            rows.append({"attempt_id": job.attempt_id, "seq": seq, "item_id": str(e["item_id"]),
                         "answer_json": json.dumps(e["answer"], ensure_ascii=False),
                         "client_ts": float(e["client_ts"]), "received_at": now})
            have.add(seq)
        return rows

    @staticmethod
    def _contiguous(seqs: set[int]) -> int:
        n = 0
        while n + 1 in seqs:
            n += 1
        return n

    def submit(self, attempt_id: str, last_seq: int, reason: str = "student") -> dict[str, Any]:
        self.payload()  # opened outside the write transaction
        with self.tx() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt.status is AttemptStatus.SUBMITTED:
                return self._result(attempt)
            content = self.attempt_content(attempt)  # the student's own variant and keys
            self._ensure_open(attempt)
            answers = self._answers(s, attempt_id)
            have = self._contiguous({a["seq"] for a in answers})
            if have < last_seq:
                raise Conflict("some answers have not arrived yet", acked_seq=have)
            attempt.status = AttemptStatus.SUBMITTED
            attempt.finished_at = utcnow()
            attempt.score = score_attempt(content, latest_answers(answers))
            attempt.max_score = content.max_score
            audit.record(s, "kiosk:" + attempt.workstation_id, "submitted", attempt_id=attempt_id,
                         reason=reason, score=attempt.score)
            return self._result(attempt)

    @staticmethod
    def _result(attempt: Attempt) -> dict[str, Any]:
        percent = round(100 * attempt.score / attempt.max_score, 1) if attempt.max_score else 0.0
        return {"status": attempt.status.value, "score": attempt.score,
                "max_score": attempt.max_score, "percent": percent}

    def attempt_state(self, attempt_id: str) -> dict[str, Any]:
        sitting = self._sitting(attempt_id)
        away = self._away(sitting.student_id)
        return {"status": sitting.status.value, "deadline": sitting.deadline_at.isoformat(),
                "server_time": utcnow().isoformat(), "acked_seq": self._seqs(attempt_id).acked,
                "locked": away is not None, "lock_reason": "away" if away else None}

    def seat_lock(self, workstation_id: str) -> dict[str, Any]:
        """Whether the kiosk at this seat must show its lock screen (the student is out, §23)."""
        with self.read() as s:
            student = s.scalar(select(Student).where(Student.seat == workstation_id))
        away = self._away(student.id) if student is not None else None
        return {"locked": away is not None, "lock_reason": "away" if away else None}

    def close_expired(self) -> int:
        """Submit every sitting whose time (plus the network grace) is over; returns how many."""
        limit = utcnow() - LATE_ANSWER_GRACE
        with self.read() as s:
            expired = list(s.scalars(select(Attempt.id).where(
                Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.deadline_at < limit)))
        for attempt_id in expired:
            try:
                self.submit(attempt_id, 0, reason="time_over")
            except RoomError:
                continue
        return len(expired)

    # --- views --------------------------------------------------------------------------------

    def room_view(self) -> dict[str, Any]:
        """The room for the representative's screen: each seat with its student, attendance,
        kiosk (readiness) and sitting (progress). A voided sitting never carries a score."""
        from proctor_console.readiness import workstation_views

        workstations = workstation_views(self)
        now = utcnow()
        with self.read() as s:
            students = list(s.scalars(select(Student).order_by(Student.seat)))
            attempts = {a.student_id: a for a in s.scalars(select(Attempt))}
            answer_rows: dict[str, list[dict[str, Any]]] = {}
            for a in s.scalars(select(Answer).order_by(Answer.attempt_id, Answer.seq)):
                answer_rows.setdefault(a.attempt_id, []).append(
                    {"seq": a.seq, "item_id": a.item_id, "answer": json.loads(a.answer_json)})
            incidents = dict(s.execute(select(Incident.student_id, func.count())
                                       .where(Incident.student_id.is_not(None))
                                       .group_by(Incident.student_id)).all())
            extended = dict(s.execute(select(Incident.student_id, func.count())
                                      .where(Incident.kind == "time_extended")
                                      .group_by(Incident.student_id)).all())
            away = {st.id: away_since(s, st.id) for st in students}
            failures = self.workstation_failures(s)
            codes = {st.id: st.individual_code for st in students}
            acts = [{"number": act.number, "kind": act.kind, "individual_code": codes.get(act.student_id),
                     "created_at": act.created_at.isoformat(), "pdf_sha256": act.pdf_sha256}
                    for act in s.scalars(select(Act).order_by(Act.id))]
        seats = []
        for st in students:
            a = attempts.get(st.id)
            ws = workstations.get(st.seat)
            seat = {
                "seat": st.seat, "individual_code": st.individual_code, "full_name": full_name(st),
                "grade": st.grade, "class_name": st.class_name, "language": st.language,
                "login": st.login, "locked_out": st.failed_logins >= MAX_FAILED_LOGINS,
                "workstation_locked_out": failures.get(st.seat, 0) >= MAX_FAILED_LOGINS_PER_WORKSTATION,
                "attendance": st.attendance.value, "absence_reason": st.absence_reason,
                "away": away[st.id] is not None,
                "away_since": away[st.id].isoformat() if away[st.id] else None,
                "incidents": incidents.get(st.id, 0), "workstation": ws, "attempt": None,
            }
            if a is not None:
                rows = answer_rows.get(a.id, [])
                acked = self._contiguous({r["seq"] for r in rows})
                answered = sum(1 for v in latest_answers(rows).values() if v not in (None, "", [], {}))
                voided = a.status is AttemptStatus.VOIDED
                journal = ws.get("journal_seq") if ws and ws.get("attempt_id") == a.id else None
                seat["attempt"] = {
                    "status": a.status.value, "answers": len(rows), "answered": answered,
                    "score": None if voided else a.score,
                    "max_score": None if voided else a.max_score,
                    "void_reason": a.void_reason, "logins": a.logins,
                    "started_at": a.started_at.isoformat(), "deadline": a.deadline_at.isoformat(),
                    "time_left_s": max(0, int((a.deadline_at - now).total_seconds()))
                    if a.status is AttemptStatus.IN_PROGRESS else 0,
                    "acked_seq": acked, "journal_lag": None if journal is None else max(0, journal - acked),
                    "section": ws.get("section") if journal is not None else None,
                    "hand_raised": bool(ws and ws.get("hand_raised") and journal is not None),
                    "extensions": extended.get(st.id, 0),
                }
            seats.append(seat)
        taken = {st.seat for st in students}
        return {"room_id": self.setting("room_id"), "room_no": self.setting("room_no"),
                "organisation_code": self.setting("organisation_code"),
                "organisation_name": self.setting("organisation_name"),
                "open": self.setting("started_at") is not None,
                "started_at": self.setting("started_at"), "centre_url": self.setting("centre_url"),
                "server_time": now.isoformat(), "seats": seats, "acts": acts,
                "disk": self.disk_problem,
                "locked_workstations": sorted(w for w, n in failures.items()
                                              if n >= MAX_FAILED_LOGINS_PER_WORKSTATION),
                "spares": [ws for wid, ws in sorted(workstations.items()) if wid not in taken]}
