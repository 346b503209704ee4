"""The kiosk's heartbeat and save on their lean path (proctor_console/room/api/hot.py), from the
other side: a raw HTTPS client, not the kiosk's classes. The same answers and refusals as through
the framework, no acknowledgement before the commit, and, after a bulk fill of the room's memory,
no database read per kiosk at the moment everyone logs in."""

from __future__ import annotations

import concurrent.futures
import sqlite3
import ssl
import threading
import time

import httpx
import pytest
from sqlalchemy import event

from proctor_console.room.api.app import create_app
from tls_server import serve_tls

API = "/api/v1"


def _client(room_setup, server) -> httpx.Client:
    ctx = ssl.create_default_context(cafile=str(room_setup.room.paths.tls_cert))
    ctx.check_hostname = False
    return httpx.Client(base_url=f"https://127.0.0.1:{server.port}", verify=ctx, timeout=30)


def _open(room_setup, n: int) -> list[dict]:
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    return room_setup.credentials[:n]


def _login(http: httpx.Client, cred: dict) -> dict:
    pc = {"X-Workstation-Key": cred["workstation_key"]}  # the PC enrolled at the student's seat
    r = http.post(f"{API}/session/login", headers=pc,
                  json={"login": cred["login"], "password": cred["password"]})
    assert r.status_code == 200, r.text
    reply = r.json()
    items = [i["id"] for section in reply["content"]["sections"] for i in section["items"]]
    return {"attempt_id": reply["attempt_id"], "items": items, "seat": cred["seat"],
            "pc": pc, "headers": {"Authorization": f"Bearer {reply['token']}", **pc}}


def _entry(seq: int, item: str) -> dict:
    return {"seq": seq, "item_id": item, "answer": None, "client_ts": time.time()}  # fits every type


def _stored(room, attempt_id: str) -> list[int]:
    with sqlite3.connect(room.paths.database) as db:
        return [r[0] for r in db.execute(
            "SELECT seq FROM answers WHERE attempt_id = ? ORDER BY seq", (attempt_id,))]


def test_many_kiosks_saving_at_once_are_all_on_disk_when_acknowledged(room_setup, room_server):
    room = room_setup.room
    with _client(room_setup, room_server) as http:
        sittings = [_login(http, cred) for cred in _open(room_setup, 8)]
    commits = []
    event.listen(room.engine, "commit", lambda conn: commits.append(1))

    def kiosk(s: dict) -> list[int]:
        acked = []
        with _client(room_setup, room_server) as http:
            for seq in range(1, 6):
                r = http.post(f"{API}/attempt/answers", headers=s["headers"],
                              json={"entries": [_entry(seq, s["items"][seq])]})
                assert r.status_code == 200, r.text
                acked.append(r.json()["acked_seq"])
                assert http.get(f"{API}/attempt/state", headers=s["headers"]).json()["acked_seq"] == seq
        return acked

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(kiosk, sittings))
    assert all(acked == [1, 2, 3, 4, 5] for acked in results)
    for s in sittings:  # read back with a connection of its own
        assert _stored(room, s["attempt_id"]) == [1, 2, 3, 4, 5]
    assert len(commits) <= 40  # group commit kept: never more commits than saves


def test_a_save_is_not_acknowledged_before_its_commit(room_setup, room_server):
    room = room_setup.room
    with _client(room_setup, room_server) as http:
        s = _login(http, _open(room_setup, 1)[0])
        reply: dict = {}

        def save() -> None:
            reply["r"] = http.post(f"{API}/attempt/answers", headers=s["headers"],
                                   json={"entries": [_entry(1, s["items"][0])]})

        with room._write:  # another write holds the disk: the save must wait for it
            t = threading.Thread(target=save)
            t.start()
            time.sleep(0.5)
            assert "r" not in reply and _stored(room, s["attempt_id"]) == []
        t.join(10)
        assert reply["r"].status_code == 200 and reply["r"].json() == {"acked_seq": 1}
        assert _stored(room, s["attempt_id"]) == [1]


@pytest.mark.parametrize("body", [
    b'{"entries": [{"seq": 0, "item_id": "x", "client_ts": 1}]}',
    b'{"entries": [{"seq": 1, "item_id": "x", "client_ts": 1e999}]}',
    b'{"entries": "no"}', b"{}", b"not json", b"",
])
def test_a_body_that_does_not_fit_is_refused_as_the_framework_refuses_it(room_setup, room_server,
                                                                         body):
    room = room_setup.room
    with _client(room_setup, room_server) as http:
        s = _login(http, _open(room_setup, 1)[0])
        lean = http.post(f"{API}/attempt/answers", headers=s["headers"], content=body)
    with serve_tls(create_app(room), room.paths.tls_cert, room.paths.tls_key) as port:
        with _client(room_setup, type(room_server)(port, "")) as http:
            framework = http.post(f"{API}/attempt/answers", headers=s["headers"], content=body)
    assert lean.status_code == framework.status_code == 422
    lean_detail, framework_detail = lean.json()["detail"], framework.json()["detail"]
    assert [d["loc"][:4] for d in lean_detail] == [d["loc"][:4] for d in framework_detail] or (
        lean_detail[0]["loc"][0] == framework_detail[0]["loc"][0] == "body")
    assert _stored(room_setup.room, s["attempt_id"]) == []


def test_refusals_are_the_rooms_errors(room_setup, room_server):
    with _client(room_setup, room_server) as http:
        a, b = (_login(http, cred) for cred in _open(room_setup, 2))
        for path, method in (("state", "GET"), ("answers", "POST")):
            body = {"json": {"entries": []}} if method == "POST" else {}
            none = http.request(method, f"{API}/attempt/{path}", **body)
            wrong_seat = http.request(method, f"{API}/attempt/{path}", **body,
                                      headers={**a["headers"], **b["pc"]})
            forged = http.request(method, f"{API}/attempt/{path}", **body,
                                  headers={**a["headers"], "Authorization": "Bearer forged"})
            assert none.status_code == 401 and none.json()["error"] == "not_enrolled", none.text
            for r in (wrong_seat, forged):
                assert r.status_code == 401 and r.json()["error"] == "unauthorized", r.text
        r = http.post(f"{API}/attempt/answers", headers=a["headers"],
                      json={"entries": [_entry(1, "no-such-item")]})
        assert r.status_code == 400 and "no-such-item" in r.json()["message"]
        state = http.get(f"{API}/attempt/state", headers=a["headers"]).json()
        assert state["acked_seq"] == 0 and state["status"] == "in_progress" and not state["locked"]


def test_after_the_opening_a_login_storm_reads_nothing_per_kiosk(room_setup, room_server):
    room = room_setup.room
    creds = _open(room_setup, 6)
    room.memory.clear()
    room.fill_memory()  # as at the server's start
    reads = []

    def on_execute(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(
                table in statement for table in ("session_tokens", "incidents", "answers")):
            reads.append(statement)

    with _client(room_setup, room_server) as http:
        sittings = [_login(http, cred) for cred in creds]
        event.listen(room.engine, "before_cursor_execute", on_execute)
        for seq in (1, 2):
            for s in sittings:
                assert http.get(f"{API}/attempt/state", headers=s["headers"]).status_code == 200
                r = http.post(f"{API}/attempt/answers", headers=s["headers"],
                              json={"entries": [_entry(seq, s["items"][seq])]})
                assert r.json() == {"acked_seq": seq}
    # Per kiosk, nothing; for the room, its pause and messages once (room_pause, messages).
    assert len(reads) <= 2 and not any("session_tokens" in r or "answers" in r for r in reads), reads
