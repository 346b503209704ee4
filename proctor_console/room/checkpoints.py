"""The room database's write-ahead log copied into the database file by a thread of its own.

Left to itself, SQLite does this inside the commit that takes the log past 1,000 pages: that
commit then copies about 4 MB into the database file and fsyncs it, while the room's write lock
is held and every save of the batch waits. The room turns that off for its own connections
(`wal_autocheckpoint=0`, store.py) and checkpoints here instead: after every `EVERY` commits, on
a connection of its own, PASSIVE (it never blocks a writer or a reader) — then once more under the
room's write lock, which copies only the few pages committed meanwhile. The log can start again
from its beginning only after a checkpoint that reached its end; without that second step, saves
arriving all the time would keep it growing. A commit is durable in the log, fsynced, before
anyone hears "saved"; a checkpoint only moves it into the database file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

EVERY = 100  # commits between checkpoints (a commit writes a few pages of the log)


class Checkpointer:
    def __init__(self, database: Path, write_lock: threading.Lock):
        self.database = database
        self.write_lock = write_lock
        self._lock = threading.Lock()
        self._commits = 0
        self._running = False
        self.done = 0  # checkpoints run (for tests)

    def committed(self) -> None:
        """Count a commit; every `EVERY` of them, start a checkpoint unless one is running."""
        with self._lock:
            self._commits += 1
            if self._commits < EVERY or self._running:
                return
            self._commits, self._running = 0, True
        threading.Thread(target=self._checkpoint, name="room-checkpoint", daemon=True).start()

    def _checkpoint(self) -> None:
        try:
            db = sqlite3.connect(self.database, timeout=0)
            try:
                db.execute("PRAGMA synchronous=FULL")  # the database file fsynced before the log is reused
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # most of it, unlocked
                with self.write_lock:  # the rest: the log then starts again at the next write
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                db.close()
            self.done += 1
        except sqlite3.Error:  # a busy or full disk: the next one tries again; the log holds all
            pass
        finally:
            with self._lock:
                self._running = False
