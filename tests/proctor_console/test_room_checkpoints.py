"""The room's write-ahead log is checkpointed by a thread of its own (room/checkpoints.py), never
inside a commit that a save waits for — and it is checkpointed: the log does not grow without end."""

from __future__ import annotations

from sqlalchemy import text

from common.storage.room_models import Setting
from proctor_console.room import checkpoints


def _commit_many(room, n: int) -> None:
    for i in range(n):
        with room.tx() as s:
            s.merge(Setting(name="bench_counter", value=f"{i:06d}" + "x" * 2000))


def test_no_commit_checkpoints_and_the_thread_keeps_the_log_short(room_setup):
    room = room_setup.room
    with room.read() as s:
        assert s.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    wal = room.paths.database.with_name(room.paths.database.name + "-wal")
    commits = 12 * checkpoints.EVERY
    _commit_many(room, commits)
    # How many checkpoints ran depends on the machine's load (a commit arriving while one runs
    # starts none); what must hold is that the log keeps starting again. Each commit here writes
    # at least one 4 KiB page of the log (kept, they were 5.1 MB): well under half of that.
    assert room.checkpointer.done >= 1
    assert wal.stat().st_size < commits * 4096 / 2, wal.stat().st_size
    with room.read() as s:  # and every commit is there
        assert s.get(Setting, "bench_counter").value.startswith(f"{commits - 1:06d}")
