"""Faults at the room's disk: the database directory full, then read-only (a real tmpfs, ENOSPC
and EROFS from the kernel).

Expected: the room server answers a save with a clear error (HTTP 507 `disk_full`, 503
`disk_read_only`, never a 500), the room's status and the desk's room view carry the disk problem
with a translated message for the representative; the kiosk keeps its answers (its journal is on
its own disk) and they stay pending; SQLite's integrity check passes; once the disk takes writes
again every pending answer arrives by itself and the problem clears.
"""

from __future__ import annotations


import httpx
import pytest

from common.crypto.tls import pinned_context
from common.i18n import t
from common.protocol import API
from disk_faults import fill, integrity, set_read_only, tmpfs
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from kiosk_process import stored
from tests.conftest import configure_room, enrolled


@pytest.fixture
def room_setup(tmp_path, centre):
    """The conftest's room, its data directory on a small tmpfs of its own."""
    with tmpfs(tmp_path / "room", "24m"):
        setup = configure_room(tmp_path, centre, students=2)
        yield setup
        setup.room.engine.dispose()


@pytest.fixture
def sitting(tmp_path, room_setup, room_server):
    room = room_setup.room
    cred = room_setup.credentials[0]
    room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    engine = KioskEngine(KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint,
                                     cred["seat"], tmp_path / "kiosk",
                                     workstation_key=enrolled(room, cred["seat"])))
    sitting = engine.login(cred["login"], cred["password"])
    yield engine, sitting
    sitting.close()


def _raw(sitting) -> httpx.Client:
    """A plain HTTPS client of the sitting's room server (pinned as the kiosk pins it)."""
    config = sitting.link.config
    return httpx.Client(base_url=f"https://{config.host}:{config.port}", timeout=30,
                        verify=pinned_context(config.host, config.port, config.fingerprint))


def raw_save(sitting, seq: int, item_id: str, answer) -> tuple[int, dict]:
    """What the room server answers a kiosk's save, status and body."""
    with _raw(sitting) as http:
        response = http.post(
            API + "/attempt/answers", json={"entries": [
                {"seq": seq, "item_id": item_id, "answer": answer, "client_ts": sitting.server_now()}]},
            headers={"X-Workstation-Key": sitting.link.config.workstation_key,
                     "Authorization": f"Bearer {sitting.link.token}"})
    return response.status_code, response.json()


def desk_view(room_setup, sitting) -> dict:
    with _raw(sitting) as http:
        response = http.get(API + "/proctor/room",
                            headers={"Authorization": f"Bearer {room_setup.rep_token}"})
    assert response.status_code == 200, response.text
    return response.json()


def shown_on_the_room_map(qtbot, view: dict) -> str:
    """The line the representative reads at the top of the room's map (desk and watch)."""
    from proctor_console.desk.room_map.model import RoomModel
    from proctor_console.desk.room_map.map_view import RoomMapView

    model = RoomModel()
    widget = RoomMapView(model, "ru")
    qtbot.addWidget(widget)
    model.update(view)
    return widget.open_label.text()


def all_arrived(room, sitting) -> bool:
    at_server = stored(room, sitting.attempt_id)
    return all(at_server.get(e.seq) == (e.item_id, e.answer) for e in sitting.journal.entries)


def test_room_disk_full(tmp_path, room_setup, sitting, chaos, qtbot):
    engine, sitting = sitting
    room = room_setup.room
    items = [item["id"] for item in sitting.items]
    for item in items[:2]:
        sitting.answer(item, "a")
    assert sitting.replicate() == 2
    filler = fill(room.paths.root)

    # Answers change back and forth (a valid answer is small: common/domain/answer_checks.py);
    # the database's log grows with every commit until the disk refuses.
    choice = [i for i in sitting.items if i["type"] == "single_choice"]
    for n in range(400):
        item = choice[n % len(choice)]
        sitting.answer(item["id"], item["options"][n % len(item["options"])]["id"])
        if sitting.replicate() is None:
            break
    big = choice[0]["options"][1]["id"]
    assert sitting.room_disk == "disk_full", "the full disk never refused a save"
    pending = sitting.pending
    assert pending >= 1 and sitting.online  # kept on the kiosk; the server is there
    status, body = raw_save(sitting, sitting.journal.last_seq, items[0], big)
    assert (status, body["error"]) == (507, "disk_full"), body
    assert engine.room_status()["disk"]["code"] == "disk_full"
    view = desk_view(room_setup, sitting)
    assert view["disk"]["code"] == "disk_full"
    texts = {lang: t(f"console.error.{view['disk']['code']}", lang) for lang in ("kk", "ru", "en")}
    assert len(set(texts.values())) == 3 and "disk" in texts["en"]
    assert shown_on_the_room_map(qtbot, view) == f"⚠ {texts['ru']}"
    assert integrity(room.paths.database) == "ok"

    filler.unlink()  # space returns
    assert sitting.replicate() == sitting.journal.last_seq
    assert sitting.room_disk is None and all_arrived(room, sitting)
    assert engine.room_status()["disk"] is None
    assert integrity(room.paths.database) == "ok"
    assert sitting.submit()["status"] == "submitted"
    chaos.record("Faults: disk", "room database directory full (ENOSPC on a tmpfs)", 1, 1, 0,
                 "saves refused with 507 disk_full; status, desk view and room map show the "
                 f"translated warning; {pending} answer(s) "
                 "kept on the kiosk and delivered when space returned; integrity_check ok")


def test_room_disk_read_only(tmp_path, room_setup, sitting, chaos):
    engine, sitting = sitting
    room = room_setup.room
    items = [item["id"] for item in sitting.items]
    for item in items[:2]:
        sitting.answer(item, "a")
    assert sitting.replicate() == 2
    set_read_only(room.paths.root, True, before=room.engine.dispose)
    try:
        for item in items[2:5]:
            sitting.answer(item, "b" if item != "r3" else ["b"])
        assert sitting.replicate() is None and sitting.room_disk == "disk_read_only"
        assert sitting.pending == 3
        status, body = raw_save(sitting, 3, items[2], ["b"])
        assert (status, body["error"]) == (503, "disk_read_only"), body
        # The status says so: either read-only but readable (the flag) or not even readable.
        with _raw(sitting) as http:
            response = http.get(API + "/status")
        shown = response.json().get("disk") or response.json()
        assert shown.get("code", shown.get("error")) == "disk_read_only", response.text
        assert response.status_code in (200, 503)
        assert len({t("console.error.disk_read_only", lang) for lang in ("kk", "ru", "en")}) == 3
    finally:
        set_read_only(room.paths.root, False)
    assert integrity(room.paths.database) == "ok"
    assert sitting.replicate() == sitting.journal.last_seq == 5
    assert sitting.room_disk is None and all_arrived(room, sitting)
    assert engine.room_status()["disk"] is None
    assert sitting.submit()["status"] == "submitted"
    chaos.record("Faults: disk", "room database directory read-only (remount ro)", 1, 1, 0,
                 "saves refused with 503 disk_read_only, status flagged; 3 answers kept on the "
                 "kiosk and delivered after the remount rw; integrity_check ok")
