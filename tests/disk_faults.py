"""Real disk faults for the fault suite: a small tmpfs that fills up (ENOSPC) and a remount that
makes it read-only (EROFS). They need root (mount); elsewhere the tests skip and say why."""

from __future__ import annotations

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of `size` mounted at `path`, unmounted afterwards even when the test fails."""
    if os.geteuid() != 0:
        pytest.skip("a real full or read-only disk needs root (mount -t tmpfs); not root here")
    path.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        _run("mount", "-o", "remount,rw", str(path))
        if _run("umount", str(path)).returncode != 0:
            _run("umount", "-l", str(path))  # still in use by a dying thread: detach it


def fill(directory: Path) -> Path:
    """Write a filler file until the file system says ENOSPC; returns it (delete it to recover)."""
    filler = directory / "filler.bin"
    with open(filler, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 12, 1 << 9):
            block = b"\0" * chunk
            while True:
                try:
                    f.write(block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    return filler


def set_read_only(path: Path, read_only: bool, before=None) -> None:
    """Remount `path` read-only (or back). A remount fails while a file is open for writing, so
    `before()` first closes what the program holds (as a power cut or a restart would)."""
    for _ in range(20):
        if before is not None:
            before()
        done = _run("mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(path))
        if done.returncode == 0:
            return
    raise AssertionError(f"remount failed: {done.stderr.strip()}")


def integrity(database: Path) -> str:
    """SQLite's own check of the whole file, read-only."""
    import sqlite3

    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
