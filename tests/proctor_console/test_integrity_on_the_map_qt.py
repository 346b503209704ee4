"""A kiosk's integrity report reaches the desk's room map: a raw HTTPS client logs a student in
and reports "focus lost" for its seat; the desk's own watcher (polling the real room server)
shows it on that seat's tile within 3 seconds. The room's policy can lock the seat on it."""

from __future__ import annotations

import time

import httpx
import pytest
from PySide6.QtWidgets import QLabel

from common.crypto.tls import pinned_context
from proctor_console.desk.room_map.map_view import RoomMapView
from proctor_console.desk.room_map.model import RoomModel
from proctor_console.desk.room_map.watch import RoomWatcher

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


def start(setup) -> None:
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")


def raw_kiosk(server) -> httpx.Client:
    ctx = pinned_context("127.0.0.1", server.port, server.fingerprint)
    return httpx.Client(base_url=f"https://127.0.0.1:{server.port}/api/v1", verify=ctx,
                        timeout=10)


def flags_of(view: RoomMapView, seat: str) -> str:
    tile = next(t for t in view.tiles() if t.seat_label.text() == seat)
    return tile.findChild(QLabel, "flags").text()


def test_focus_lost_at_a_kiosk_is_on_the_desk_map_within_3_seconds(qtbot, room_setup,
                                                                   room_server, desk):
    start(room_setup)
    cred = room_setup.credentials[2]
    seat = cred["seat"]
    model = RoomModel()
    view = RoomMapView(model, "kk")
    qtbot.addWidget(view)
    view.resize(1366, 768)
    watcher = RoomWatcher(model, room_server.port, room_server.fingerprint, room_setup.rep_token)
    watcher.start()
    try:
        qtbot.waitUntil(lambda: any(t.seat_label.text() == seat for t in view.tiles()),
                        timeout=5000)
        with raw_kiosk(room_server) as client:
            pc = {"X-Workstation-Key": cred["workstation_key"]}  # the PC enrolled at the seat
            login = client.post("/session/login", headers=pc, json={
                "login": cred["login"], "password": cred["password"]})
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['token']}", **pc}
            assert "тест терезесінен шықты" not in flags_of(view, seat)
            sent = time.monotonic()
            reply = client.post("/kiosk/integrity", headers=headers,
                                json={"workstation_id": seat, "event": "focus_lost",
                                      "detail": "Alt+Tab"})
            assert reply.status_code == 200, reply.text
            qtbot.waitUntil(lambda: "⚠ тест терезесінен шықты" in flags_of(view, seat),
                            timeout=3000)
            assert time.monotonic() - sent < 3.0
            # Another seat's tile says nothing of it.
            other = room_setup.credentials[0]["seat"]
            assert "тест терезесінен" not in flags_of(view, other)
            # An event that is not one of the known ones is refused with a 422, not stored.
            bad = client.post("/kiosk/integrity", headers=headers,
                              json={"workstation_id": seat, "event": "rm -rf"})
            assert bad.status_code == 422
    finally:
        watcher.stop()


def test_focus_lost_pause_policy_locks_the_seat_until_the_representative_lets_go(
        room_setup, room_server, desk):
    start(room_setup)
    cred = room_setup.credentials[0]
    seat = cred["seat"]
    assert desk.post("/proctor/policy", json={"policy": "focus_lost_pause",
                                              "on": True}).status_code == 200
    with raw_kiosk(room_server) as client:
        pc = {"X-Workstation-Key": cred["workstation_key"]}  # the PC enrolled at the seat
        token = client.post("/session/login", headers=pc, json={
            "login": cred["login"], "password": cred["password"]}).json()["token"]
        headers = {"Authorization": f"Bearer {token}", **pc}
        reply = client.post("/kiosk/integrity", headers=headers,
                            json={"workstation_id": seat, "event": "focus_lost"})
        assert reply.json()["seat_locked"] is True
        assert client.get("/attempt/state", headers=headers).json()["locked"] is True
        assert desk.post("/proctor/return", json={
            "individual_code": cred["individual_code"]}).status_code == 200
        assert client.get("/attempt/state", headers=headers).json()["locked"] is False
        # Another kiosk's token cannot report for this seat.
        other = room_setup.credentials[1]
        other_pc = {"X-Workstation-Key": other["workstation_key"]}
        token2 = client.post("/session/login", headers=other_pc, json={
            "login": other["login"], "password": other["password"]}).json()["token"]
        forged = client.post("/kiosk/integrity", headers={
            "Authorization": f"Bearer {token2}", **pc},
            json={"workstation_id": seat, "event": "focus_lost"})
        assert forged.status_code in (401, 403)
        # From the other seat's own PC, whatever the body says, the report is about that seat.
        reply = client.post("/kiosk/integrity", headers={
            "Authorization": f"Bearer {token2}", **other_pc},
            json={"workstation_id": seat, "event": "focus_lost"})
        assert reply.status_code == 200 and reply.json()["seat_locked"] is True
