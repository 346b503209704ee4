"""The room's store: its files, its database, what it keeps in memory, and how it writes.

Every write is one transaction (`RoomStore.tx`), serialised by one lock and committed with SQLite's
FULL synchronous mode before the caller hears "done". When it commits, the rows it changed drop
their entries from the room's memory (memory.py) while the lock is still held, and the audit log's
newest entry is noted on disk (audit.py). Writes that arrive while another holds the lock may be
committed together by the room's one writer thread (`RoomStore.write_later`, `group_commit`: one
transaction, one fsync, for all that wait). A
write or read the disk refuses becomes the room's DiskFull / DiskReadOnly error, and the room's
status carries it (`disk_problem`) until a write succeeds again.

The domain lives in the modules beside this one, each around the records it owns; each takes the
store (`room`) as its first argument.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import event
from sqlalchemy.orm import Session

from common.content.payload import ExamPayload
from common.crypto import passwords
from common.durable import make_private
from common.storage.base import session_factory, sqlite_url, utcnow
from common.storage.migrate import upgrade
from common.storage.room_models import Setting
from proctor_console.room import audit
from proctor_console.room.checkpoints import Checkpointer
from proctor_console.room.errors import disk_trouble
from proctor_console.room.memory import Change, RoomMemory, changes_in

_CHANGES = "memory_changes"  # key in Session.info: what this transaction makes stale in memory
WRITER_IDLE_S = 2.0  # the writer thread ends after this long without work (started again on demand)


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


def _no_checkpoint_in_commits(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def _note_flushed(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: note which in-memory entries the rows being written make stale."""
    note_changes(session, changes_in(session.new, session.dirty, session.deleted))


def note_changes(session: Session, changes: list[Change]) -> None:
    """Changes to the room's memory that apply once this session's transaction commits."""
    session.info.setdefault(_CHANGES, []).extend(changes)


# Writes one kind of waiting job, all of them in the caller's transaction: each job gets its
# `result`, or its own `error` when it alone is refused (RoomStore.group_commit).
BatchWriter = Callable[["RoomStore", Session, list["Waiting"]], None]


@dataclass
class Waiting:
    """One write waiting for a group commit."""

    write: BatchWriter
    work: Any
    result: Any = None
    error: BaseException | None = None
    future: Future[Any] | None = None


class RoomStore:
    """The room's data directory, database and memory. Thread-safe: writes are serialised by one
    lock.

    What each kiosk request reads (its session, sitting, away state and stored answer seqs) is also
    kept in memory (`memory`, memory.py); every write through `tx` keeps it current.
    """

    def __init__(self, data_dir: Path, password_params: passwords.Argon2Params = passwords.DEFAULT):
        self.paths = RoomPaths(Path(data_dir))
        self.paths.root.mkdir(parents=True, exist_ok=True)
        self.engine = upgrade(sqlite_url(self.paths.database), "room")
        # The log is checkpointed by a thread of its own, not inside a commit (checkpoints.py).
        event.listen(self.engine, "connect", _no_checkpoint_in_commits)
        self.engine.dispose()  # the migrations' connections were opened without it
        make_private(self.paths.root, self.paths.database)  # 0700 / 0600: students' data
        self._sessions = session_factory(self.engine)
        event.listen(self._sessions, "before_flush", _note_flushed)
        self.memory = RoomMemory()
        self._write = threading.Lock()
        self.checkpointer = Checkpointer(self.paths.database)
        self._waiting: list[Waiting] = []  # writes waiting for the writer thread's next commit
        self._waiting_cv = threading.Condition()
        self._writer: threading.Thread | None = None
        self.password_params = password_params  # the Argon2id cost of PINs
        # Every variant of the package with its keys, once the start code opened it (package.py).
        self.opened_payload: ExamPayload | None = None
        # Enrolled workstations: credential SHA-256 → workstation id; None until read (enrolment.py).
        self.enrolled: dict[str, str] | None = None
        # Set while the disk refuses writes: {code, message, since}; shown to the representative.
        self.disk_problem: dict[str, str] | None = None

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
        self.checkpointer.committed()
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

    def group_commit(self, write: BatchWriter, work: Any) -> Any:
        """`write_later`, waited for: returns once the write is on disk (or raises its refusal)."""
        return self.write_later(write, work).result()

    def write_later(self, write: BatchWriter, work: Any) -> Future[Any]:
        """Hand `write` for `work` to the room's one writer thread; the future completes once the
        transaction holding it is on disk, or with the job's own refusal.

        The writer takes every job waiting when it is free and writes them in one transaction (one
        fsync): writes that arrive during a commit go together into the next. A job refused refuses
        only itself. An event loop awaits the future (`asyncio.wrap_future`) without a thread of
        its own per request; a thread waits with `group_commit`.
        """
        job = Waiting(write, work, future=Future())
        with self._waiting_cv:
            self._waiting.append(job)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_waiting, name="room-writer",
                                                daemon=True)
                self._writer.start()
            else:
                self._waiting_cv.notify()
        return job.future

    def _write_waiting(self) -> None:
        """The writer thread: commit what waits, batch after batch; end when idle."""
        while True:
            with self._waiting_cv:
                if not self._waiting:
                    self._waiting_cv.wait(WRITER_IDLE_S)
                if not self._waiting:
                    self._writer = None
                    return
            batch: list[Waiting] = []
            try:
                with self._write:  # what arrives while another write holds it joins this batch
                    with self._waiting_cv:
                        batch, self._waiting = self._waiting, []
                    self._commit_batch(batch)
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                for job in batch:
                    job.error = job.error or exc
            for job in batch:
                if job.error is not None:
                    job.future.set_exception(job.error)
                else:
                    job.future.set_result(job.result)

    def _commit_batch(self, batch: list[Waiting]) -> None:
        """One transaction for the batch (the caller holds the write lock)."""
        by_writer: dict[BatchWriter, list[Waiting]] = {}
        for job in batch:
            by_writer.setdefault(job.write, []).append(job)
        try:
            with self._transaction() as s:
                for write, jobs in by_writer.items():
                    write(self, s, jobs)
        except Exception as exc:
            for job in batch:
                if job.error is None:
                    job.error = exc

    def fill_memory(self) -> None:
        """Fill the room's memory in bulk (at the server's start and the room's opening), under
        the write lock so that no commit lands between the reads."""
        with self._write:
            with self.read() as s:
                self.memory.load(s)

    def remembered(self, table: dict[Any, Any], key: Any, s: Session | None,
                   read: Callable[[Session], Any]) -> Any:
        """`table[key]` of the room's memory, read from the database (in `s`, or a read session)
        on a miss."""
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

    def setting(self, name: str, default: str | None = None) -> str | None:
        with self.read() as s:
            row = s.get(Setting, name)
            return row.value if row else default

    @staticmethod
    def set_setting(s: Session, name: str, value: str) -> None:
        """Write a setting in the caller's transaction."""
        row = s.get(Setting, name)
        if row is None:
            s.add(Setting(name=name, value=value))
        else:
            row.value = value
