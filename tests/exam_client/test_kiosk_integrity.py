"""What a kiosk PC is, measured (a made-up /sys and /proc, a made-up environment), and the room's
policy refusing a login on it — a raw HTTPS client against the real room server."""

from __future__ import annotations

import time

import httpx
import pytest

from common.crypto.tls import pinned_context
from exam_client.engine import integrity


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_virtual_machine_is_told_by_its_firmware_or_cpu(tmp_path):
    write(tmp_path / "pc/sys/class/dmi/id/sys_vendor", "Dell Inc.\n")
    write(tmp_path / "pc/proc/cpuinfo", "flags\t\t: fpu vme de pse sse2\n")
    assert integrity.virtual_machine(tmp_path / "pc") is None
    write(tmp_path / "vm/sys/class/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n")
    write(tmp_path / "vm/sys/class/dmi/id/sys_vendor", "QEMU\n")
    assert integrity.virtual_machine(tmp_path / "vm") == "sys_vendor: QEMU"
    write(tmp_path / "cloud/proc/cpuinfo", "flags\t\t: fpu vme hypervisor lahf_lm\n")
    assert integrity.virtual_machine(tmp_path / "cloud") == "cpu: hypervisor flag"


def test_a_remote_session_is_told_by_its_environment():
    assert integrity.remote_session({}) is None
    assert integrity.remote_session({"SSH_CONNECTION": "10.0.0.5 5000 10.0.0.9 22"}) == \
        "SSH_CONNECTION is set"
    assert integrity.remote_session({"SESSIONNAME": "RDP-Tcp#0"}) == "SESSIONNAME: RDP-Tcp#0"
    assert integrity.remote_session({"SESSIONNAME": "Console"}) is None


def test_the_kiosk_lock_is_measured_not_declared(tmp_path):
    proc = tmp_path / "proc"
    for pid, name, parent in ((300, "exam-client", 200), (200, "cage", 100), (100, "systemd", 1)):
        write(proc / str(pid) / "status", f"Name:\t{name}\nState:\tS\nPPid:\t{parent}\n")
    assert integrity.kiosk_lock(proc, 300, {}, "Linux") == (True, "measured: cage (pid 200)")
    write(proc / "400/status", "Name:\tpython3\nPPid:\t100\n")
    locked, how = integrity.kiosk_lock(proc, 400, {"CBT_KIOSK_LOCKED": "1"}, "Linux")
    assert locked is False and how.startswith("measured")  # the variable alone is not the lock
    assert integrity.kiosk_lock(proc, 400, {"CBT_KIOSK_LOCKED": "1"}, "Windows")[0] is True


def report(seat: str, build: str) -> dict:
    return {"workstation_id": seat, "build_hash": build, "screen": "1366x768",
            "client_time": time.time(), "free_disk_mb": 20_000, "kiosk_locked": True}


@pytest.fixture
def raw(room_server):
    ctx = pinned_context("127.0.0.1", room_server.port, room_server.fingerprint)
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}/api/v1", verify=ctx,
                      timeout=10) as client:
        yield client


def test_the_rooms_policy_refuses_a_wrong_build_and_a_virtual_machine(room_setup, raw, desk):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    a, b, c = room_setup.credentials[:3]

    def pc(cred) -> dict:  # the PC enrolled at the student's seat
        return {"X-Workstation-Key": cred["workstation_key"]}

    for cred, build in ((a, "b" * 40), (b, "c" * 40), (c, "b" * 40)):
        reply = raw.post("/kiosk/register", json=report(cred["seat"], build), headers=pc(cred))
        assert reply.status_code == 200, reply.text
    assert raw.post("/kiosk/integrity", headers=pc(c), json={
        "workstation_id": c["seat"], "event": "virtual_machine",
        "detail": "sys_vendor: QEMU"}).status_code == 200

    def login(cred) -> httpx.Response:
        return raw.post("/session/login", headers=pc(cred),
                        json={"login": cred["login"], "password": cred["password"]})

    for name in ("refuse_wrong_build", "refuse_virtual_machine"):
        assert desk.post("/proctor/policy", json={"policy": name, "on": True}).status_code == 200
    refused = login(b)
    assert refused.status_code == 403 and refused.json()["error"] == "wrong_build"
    refused = login(c)
    assert refused.status_code == 403 and refused.json()["error"] == "virtual_machine"
    assert login(a).status_code == 200  # the room's build (two of three kiosks run it)
    seat = next(s for s in desk.get("/proctor/room").json()["seats"] if s["seat"] == c["seat"])
    assert seat["integrity"]["last"] == "virtual_machine"
    # The representative may decide otherwise: the policy off, the logins go through.
    for name in ("refuse_wrong_build", "refuse_virtual_machine"):
        assert desk.post("/proctor/policy", json={"policy": name, "on": False}).status_code == 200
    assert login(b).status_code == 200 and login(c).status_code == 200
