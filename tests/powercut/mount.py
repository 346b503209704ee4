"""The power-cut filesystem (lazyfs.py) mounted for a test: start, cut, stop.

`unavailable()` says why it cannot run here (no /dev/fuse, no libfuse3, no mfusepy, no mount
permission); the tests skip with that reason.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("discard", "torn", "garbage")


def unavailable() -> str | None:
    """Why the power-cut filesystem cannot be mounted on this machine, or None."""
    if not sys.platform.startswith("linux"):
        return "the power-cut filesystem needs Linux FUSE"
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse on this machine (FUSE is unavailable, e.g. in an unprivileged container)"
    if not os.access("/dev/fuse", os.R_OK | os.W_OK):
        return "/dev/fuse is not usable by this user"
    if ctypes.util.find_library("fuse3") is None:
        return "libfuse3 is not installed (packaging/install-os-deps.sh test installs it)"
    try:
        import mfusepy  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"mfusepy cannot be loaded: {exc}"
    if os.geteuid() != 0 and shutil.which("fusermount3") is None:
        return "not root and no fusermount3 to mount as a user"
    return None


class PowerCutMount:
    """One mounted power-cut filesystem; its own process, its own control socket."""

    def __init__(self, where: Path):
        self.where = Path(where)
        self.path = self.where / "mnt"
        self.control = self.where / "ctl.sock"
        self.path.mkdir(parents=True, exist_ok=True)
        self.log = open(self.where / "lazyfs.log", "wb")
        self.proc = subprocess.Popen([sys.executable, str(HERE / "lazyfs.py"), str(self.path),
                                      str(self.control)], stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        end = time.monotonic() + 30
        while not (os.path.ismount(self.path) and self.control.exists()):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.stop()
                raise RuntimeError(f"the power-cut filesystem did not mount: "
                                   f"{(self.where / 'lazyfs.log').read_text(errors='replace')[-500:]}")
            time.sleep(0.02)
        self.cuts = 0

    def _ask(self, line: str) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.control))
            s.sendall(line.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        answer = json.loads(reply)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def cut(self, mode: str, seed: int) -> dict:
        """The power cut. Every process writing here must be dead already (a cut stops them)."""
        os.sync()  # dirty pages in the kernel (mmap'd files) reach the filesystem, still volatile
        self.cuts += 1
        return self._ask(f"cut {mode} {seed}")

    def stats(self) -> dict:
        return self._ask("stats")

    def stop(self) -> None:
        if os.path.ismount(self.path):
            subprocess.run(["umount", "-l", str(self.path)] if os.geteuid() == 0
                           else ["fusermount3", "-u", "-z", str(self.path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()

    def __enter__(self) -> "PowerCutMount":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
