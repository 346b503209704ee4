"""What this PC is, measured rather than declared: a virtual machine, a remote-desktop session,
and whether the OS kiosk lock really holds the kiosk (no Qt; the window measures focus, full
screen and screens itself).

Each finding is evidence in words ("sys_vendor: QEMU"), sent to the room as an integrity report
(room/integrity.py), where the room's policy may refuse a login on it. The readings take their
roots as arguments so that tests give them a made-up /sys and /proc.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from pathlib import Path

# Words in the firmware's names that only virtual machines carry.
VM_MARKERS = ("qemu", "kvm", "virtualbox", "vmware", "xen", "bochs", "parallels",
              "virtual machine", "hyper-v", "bhyve", "innotek")
DMI_FIELDS = ("sys_vendor", "product_name", "board_vendor", "bios_vendor")
# Processes that hold a kiosk session on Linux (packaging/linux: cage under systemd).
LOCK_HOLDERS = ("cage",)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def virtual_machine(root: Path = Path("/")) -> str | None:
    """The evidence that this PC is a virtual machine, or None."""
    for field in DMI_FIELDS:
        value = _read(root / "sys/class/dmi/id" / field)
        if any(marker in value.lower() for marker in VM_MARKERS):
            return f"{field}: {value}"
    for line in _read(root / "proc/cpuinfo").splitlines():
        if line.startswith("flags") and " hypervisor" in f" {line.split(':', 1)[-1]} ":
            return "cpu: hypervisor flag"
    return None


def remote_session(env: Mapping[str, str] | None = None) -> str | None:
    """The evidence that the kiosk runs in a remote session (SSH, RDP, xrdp), or None."""
    env = os.environ if env is None else env
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "XRDP_SESSION"):
        if env.get(name):
            return f"{name} is set"
    session = env.get("SESSIONNAME", "")
    if session.upper().startswith("RDP-"):
        return f"SESSIONNAME: {session}"
    return None


def _parent(proc: Path, pid: int) -> tuple[str, int] | None:
    name, parent = "", -1
    for line in _read(proc / str(pid) / "status").splitlines():
        if line.startswith("Name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("PPid:"):
            parent = int(line.split(":", 1)[1].strip() or -1)
    return (name, parent) if name else None


def kiosk_lock(proc: Path = Path("/proc"), pid: int | None = None,
               env: Mapping[str, str] | None = None, system: str | None = None) -> tuple[bool, str]:
    """Whether the OS kiosk lock holds this process, and how that was known: on Linux, a
    `cage` among its ancestors (measured); on Windows the Shell Launcher's environment (declared,
    said so); elsewhere not."""
    env = os.environ if env is None else env
    system = system or platform.system()
    if system == "Linux":
        current = pid or os.getpid()
        for _ in range(32):
            found = _parent(proc, current)
            if found is None:
                break
            name, parent = found
            if name in LOCK_HOLDERS:
                return True, f"measured: {name} (pid {current})"
            if parent <= 1:
                break
            current = parent
        return False, "measured: no kiosk compositor above this process"
    if system == "Windows" and env.get("CBT_KIOSK_LOCKED") == "1":
        return True, "declared by the Shell Launcher session"
    return False, f"not measured on {system}"


def findings(root: Path = Path("/"), env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Integrity events to report at registration: event -> evidence."""
    found = {}
    vm = virtual_machine(root)
    if vm:
        found["virtual_machine"] = vm
    remote = remote_session(env)
    if remote:
        found["remote_session"] = remote
    return found
