"""Durable file writes: the bytes are on disk before anyone is told they are saved."""

from __future__ import annotations

import os
from pathlib import Path


def write_durably(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write via a temporary file, fsync it, rename it into place, and fsync the directory.

    A crash leaves either the old file or the new one, never a torn one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.chmod(tmp, mode)  # O_CREAT's mode applies only to a new file
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def fsync_directory(directory: Path) -> None:
    """Make the entries of a directory durable (a new file's name, a rename, a new folder)."""
    if os.name == "nt":  # pragma: no cover - Windows has no directory descriptors
        return
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def make_dirs_durably(path: Path, mode: int = 0o777) -> None:
    """`mkdir -p`, each new folder's name fsynced in its parent: after a power cut the folder is
    still there (a file's own fsync does not make the folders above it durable). A folder that
    exists already has its name fsynced too: whoever made it (a log set up first) may not have."""
    path = Path(path)
    if not path.is_dir():
        make_dirs_durably(path.parent, mode)
        try:
            path.mkdir(mode)
        except FileExistsError:
            if not path.is_dir():
                raise
    fsync_directory(path.parent)


def make_private(directory: Path, *files: Path) -> None:
    """Only the owner may enter `directory` (0700) and read or write `files` (0600) — with SQLite,
    give the database: its -wal and -shm files beside it are done too (issue 15, finding 10)."""
    os.chmod(directory, 0o700)
    for path in files:
        for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if each.exists():
                os.chmod(each, 0o600)
