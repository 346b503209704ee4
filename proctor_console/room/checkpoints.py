"""The room database's write-ahead log copied into the database file by a thread of its own.

Left to itself, SQLite does this inside the commit that takes the log past 1,000 pages: that
commit then copies about 4 MB into the database file and fsyncs it, while the room's write lock
is held and every save of the batch waits. The room turns that off for its own connections
(`wal_autocheckpoint=0`, store.py) and checkpoints here instead: after every `EVERY` commits a
thread copies the log on a connection of its own, PASSIVE (it never blocks a writer or a reader);
then the next commit, still holding the write lock, copies the few pages committed meanwhile. The
log can start again from its beginning only after a checkpoint that reached its end: without that
second step, saves arriving all the time would keep it growing (a thread waiting for the write
lock to do it lost the lock to the writers again and again). A commit is durable in the log,
fsynced, before anyone hears "saved"; a checkpoint only moves it into the database file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

EVERY = 100  # commits between checkpoints (a commit writes a few pages of the log)


class Checkpointer:
    def __init__(self, database: Path):
        self.database = database
        self._lock = threading.Lock()
        self._commits = 0
        self._running = False
        self._finish = False  # the thread's copy is done: the next commit copies the rest
        self.done = 0  # checkpoints that reached the log's end (for tests)

    def committed(self) -> None:
        """After a commit, with the room's write lock still held: finish a checkpoint the thread
        has done most of; every `EVERY` commits, start one unless one is running."""
        with self._lock:
            finish, self._finish = self._finish, False
            self._commits += 1
            start = self._commits >= EVERY and not self._running
            if start:
                self._commits, self._running = 0, True
        if finish and self._passive():
            self.done += 1
        if start:
            threading.Thread(target=self._copy, name="room-checkpoint", daemon=True).start()

    def _copy(self) -> None:
        try:
            copied = self._passive()
        finally:
            with self._lock:
                self._running = False
                self._finish = copied

    def _passive(self) -> bool:
        try:
            db = sqlite3.connect(self.database, timeout=0)
            try:
                db.execute("PRAGMA synchronous=FULL")  # the database file fsynced before the log is reused
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                db.close()
            return True
        except sqlite3.Error:  # a busy or full disk: the next one tries again; the log holds all
            return False
