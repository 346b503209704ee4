"""A power-cut filesystem for tests (the semantics of LazyFS, the tool Jepsen uses), over FUSE.

    python tests/powercut/lazyfs.py MOUNTPOINT CONTROL_SOCKET

Everything lives in this process's memory. Each file has a *durable* content (what an fsync of
the file made durable) and the writes and truncations made since (*volatile*, in order). Each
directory has durable entries (what an fsync of the directory made durable) and its current ones.
Reads see the current state, as the page cache does.

A line on the control socket cuts the power:

    cut discard SEED   every volatile change is lost (files back to their last fsync, directories
                       to theirs)
    cut torn SEED      as after a real cut: a random prefix of each file's volatile writes reached
                       the disk (the last of them torn at a random byte), each volatile directory
                       change reached it or not
    cut garbage SEED   as torn, and what reached the disk of the volatile writes after a random
                       point is random bytes (sectors written with junk)
    stats              counters: writes, fsyncs, fsyncdirs, cuts

and is answered with one JSON line. Whatever has been synced is never touched by a cut. The test
must kill every process using the mount first (a power cut stops them too) and call `os.sync()`
so the kernel's dirty pages (SQLite's shared-memory file) reach this process before the cut.
"""

from __future__ import annotations

import errno
import json
import os
import random
import socket
import stat
import sys
import threading
import time
from typing import Any

import mfusepy as fuse


class Node:
    __slots__ = ("mode", "data", "durable", "pending", "entries", "durable_entries", "times")

    def __init__(self, mode: int):
        self.mode = mode
        self.times = time.time_ns()
        if stat.S_ISDIR(mode):
            self.entries: dict[str, Node] = {}
            self.durable_entries: dict[str, Node] = {}
        else:
            self.data = bytearray()
            self.durable = b""
            self.pending: list[tuple[int, bytes | None, int]] = []  # (offset, data) or (-1, None, size)


class PowerCutFS(fuse.Operations):
    use_ns = True

    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self.root = Node(stat.S_IFDIR | 0o755)
        self.handles: dict[int, Node] = {}
        self.next_fh = 1
        self.counts = {"writes": 0, "fsyncs": 0, "fsyncdirs": 0, "cuts": 0}

    # ---- the tree

    def _lookup(self, path: str) -> Node:
        node = self.root
        for part in path.strip("/").split("/"):
            if not part:
                continue
            if not stat.S_ISDIR(node.mode) or part not in node.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            node = node.entries[part]
        return node

    def _parent(self, path: str) -> tuple[Node, str]:
        head, _, name = path.rstrip("/").rpartition("/")
        parent = self._lookup(head or "/")
        if not stat.S_ISDIR(parent.mode):
            raise fuse.FuseOSError(errno.ENOTDIR)
        return parent, name

    def _node(self, path: str | None, fh: int | None) -> Node:
        if fh:
            try:
                return self.handles[fh]
            except KeyError:
                raise fuse.FuseOSError(errno.EIO) from None  # a handle from before a cut
        if path is None:
            raise fuse.FuseOSError(errno.EBADF)
        return self._lookup(path)

    def _handle(self, node: Node) -> int:
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = node
        return fh

    # ---- metadata

    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        with self._mutex:
            node = self._node(path, fh)
            size = len(node.data) if not stat.S_ISDIR(node.mode) else 4096
            return {"st_mode": node.mode, "st_nlink": 2 if stat.S_ISDIR(node.mode) else 1,
                    "st_size": size, "st_uid": os.getuid(), "st_gid": os.getgid(),
                    "st_atime": node.times, "st_mtime": node.times, "st_ctime": node.times,
                    "st_blocks": (size + 511) // 512}

    def access(self, path: str, amode: int) -> int:
        with self._mutex:
            self._lookup(path)
        return 0

    def chmod(self, path: str, mode: int) -> int:
        with self._mutex:
            node = self._lookup(path)
            node.mode = stat.S_IFMT(node.mode) | stat.S_IMODE(mode)
        return 0

    def chown(self, path: str, uid: int, gid: int) -> int:
        return 0

    def utimens(self, path: str, times: Any = None) -> int:
        with self._mutex:
            self._lookup(path).times = time.time_ns()
        return 0

    def statfs(self, path: str) -> dict[str, int]:
        return {"f_bsize": 4096, "f_frsize": 4096, "f_blocks": 1 << 24, "f_bfree": 1 << 23,
                "f_bavail": 1 << 23, "f_files": 1 << 20, "f_ffree": 1 << 19, "f_namemax": 255}

    # ---- directories

    def mkdir(self, path: str, mode: int) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            if name in parent.entries:
                raise fuse.FuseOSError(errno.EEXIST)
            parent.entries[name] = Node(stat.S_IFDIR | (mode & 0o7777))
        return 0

    def rmdir(self, path: str) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            node = self._lookup(path)
            if not stat.S_ISDIR(node.mode):
                raise fuse.FuseOSError(errno.ENOTDIR)
            if node.entries:
                raise fuse.FuseOSError(errno.ENOTEMPTY)
            del parent.entries[name]
        return 0

    def opendir(self, path: str) -> int:
        with self._mutex:
            return self._handle(self._lookup(path))

    def releasedir(self, path: str | None, fh: int) -> int:
        with self._mutex:
            self.handles.pop(fh, None)
        return 0

    def readdir(self, path: str, fh: int) -> list[str]:
        with self._mutex:
            return [".", "..", *self._node(path, fh).entries]

    def fsyncdir(self, path: str | None, datasync: int, fh: int) -> int:
        with self._mutex:
            node = self._node(path, fh)
            node.durable_entries = dict(node.entries)
            self.counts["fsyncdirs"] += 1
        return 0

    def unlink(self, path: str) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            if name not in parent.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            if stat.S_ISDIR(parent.entries[name].mode):
                raise fuse.FuseOSError(errno.EISDIR)
            del parent.entries[name]
        return 0

    def rename(self, old: str, new: str) -> int:
        with self._mutex:
            src, src_name = self._parent(old)
            dst, dst_name = self._parent(new)
            if src_name not in src.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            node = src.entries.pop(src_name)
            dst.entries[dst_name] = node
        return 0

    # ---- files

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            node = parent.entries.get(name)
            if node is None:
                node = parent.entries[name] = Node(stat.S_IFREG | (mode & 0o7777))
            return self._handle(node)

    def open(self, path: str, flags: int) -> int:
        with self._mutex:
            return self._handle(self._lookup(path))

    def release(self, path: str | None, fh: int) -> int:
        with self._mutex:
            self.handles.pop(fh, None)
        return 0

    def flush(self, path: str | None, fh: int) -> int:
        return 0

    def read(self, path: str | None, size: int, offset: int, fh: int) -> bytes:
        with self._mutex:
            return bytes(self._node(path, fh).data[offset:offset + size])

    def write(self, path: str | None, data: bytes, offset: int, fh: int) -> int:
        with self._mutex:
            node = self._node(path, fh)
            _apply(node.data, offset, bytes(data))
            node.pending.append((offset, bytes(data), 0))
            node.times = time.time_ns()
            self.counts["writes"] += 1
        return len(data)

    def truncate(self, path: str | None, length: int, fh: int | None = None) -> int:
        with self._mutex:
            node = self._node(path, fh)
            _truncate(node.data, length)
            node.pending.append((-1, None, length))
        return 0

    def fsync(self, path: str | None, datasync: int, fh: int) -> int:
        with self._mutex:
            node = self._node(path, fh)
            node.durable = bytes(node.data)
            node.pending.clear()
            self.counts["fsyncs"] += 1
        return 0

    # ---- the power cut

    def cut(self, mode: str, seed: int) -> dict[str, Any]:
        rng = random.Random(seed)
        lost = kept = 0
        with self._mutex:
            seen: set[int] = set()
            todo = [self.root]
            while todo:
                node = todo.pop()
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if stat.S_ISDIR(node.mode):
                    node.entries = _cut_entries(node, mode, rng)
                    node.durable_entries = dict(node.entries)
                    todo.extend(node.entries.values())
                    continue
                data = bytearray(node.durable)
                ops = node.pending
                reach = len(ops) if mode == "discard" else rng.randint(0, len(ops))
                junk_from = rng.randint(0, reach) if mode == "garbage" else len(ops)
                if mode == "discard":
                    reach = 0
                for i, (offset, chunk, size) in enumerate(ops[:reach + 1]):
                    if chunk is None:
                        if i < reach:
                            _truncate(data, size)
                        continue
                    if i == reach:  # the write that was under way: torn at a random byte
                        chunk = chunk[:rng.randint(0, len(chunk))] if mode != "discard" else b""
                    if i >= junk_from:
                        chunk = rng.randbytes(len(chunk))
                    if chunk:  # nothing of it reached the disk: not even a longer file
                        _apply(data, offset, chunk)
                kept += min(reach, len(ops))
                lost += len(ops) - min(reach, len(ops))
                node.data = data
                node.durable = bytes(data)
                node.pending = []
            self.handles.clear()
            self.counts["cuts"] += 1
        return {"mode": mode, "writes_kept": kept, "writes_lost": lost}


def _apply(data: bytearray, offset: int, chunk: bytes) -> None:
    if offset > len(data):
        data.extend(b"\0" * (offset - len(data)))
    data[offset:offset + len(chunk)] = chunk


def _truncate(data: bytearray, size: int) -> None:
    if size < len(data):
        del data[size:]
    else:
        data.extend(b"\0" * (size - len(data)))


def _cut_entries(node: Node, mode: str, rng: random.Random) -> dict[str, Node]:
    """The directory after the cut: its durable entries, and (torn, garbage) each volatile
    change (an added, removed or replaced name) reached the disk or not, at random."""
    if mode == "discard":
        return dict(node.durable_entries)
    out = dict(node.durable_entries)
    for name in sorted(set(node.entries) | set(node.durable_entries)):
        now, then = node.entries.get(name), node.durable_entries.get(name)
        if now is then or rng.random() < 0.5:
            continue
        if now is None:
            out.pop(name, None)
        else:
            out[name] = now
    return out


def _serve_control(fs: PowerCutFS, path: str) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    while True:
        conn, _ = server.accept()
        with conn, conn.makefile("rw", encoding="ascii") as f:
            for line in f:
                words = line.split()
                if words[:1] == ["cut"] and len(words) == 3 and words[1] in ("discard", "torn", "garbage"):
                    reply = fs.cut(words[1], int(words[2]))
                elif words == ["stats"]:
                    with fs._mutex:
                        reply = dict(fs.counts)
                else:
                    reply = {"error": f"unknown command {line.strip()!r}"}
                f.write(json.dumps(reply) + "\n")
                f.flush()


def main(argv: list[str]) -> int:
    mountpoint, control = argv[1], argv[2]
    fs = PowerCutFS()
    threading.Thread(target=_serve_control, args=(fs, control), daemon=True).start()
    fuse.FUSE(fs, mountpoint, foreground=True, nothreads=False, fsname="powercut",
              attr_timeout=0, entry_timeout=0, negative_timeout=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
