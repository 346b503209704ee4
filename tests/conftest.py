"""Shared fixtures: a centre, a configured room, and a real room server on loopback (HTTPS)."""

from __future__ import annotations

import gc
import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from common.crypto import passwords
from common.demo.roster import demo_content_json, demo_roster_csv
from common.domain.exam import content_from_dict
from tls_server import serve_tls

FAST_KDF_KIB = 1024
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(autouse=True)
def _qt_objects_freed_between_tests(request):
    """After a Qt test and all its fixtures (servers, controllers) are torn down, free what it left:
    first the Python garbage that holds Qt objects, then the objects waiting for deleteLater.

    Without this, both happen at a random later moment: the cyclic collector runs inside some
    later Python slot that Qt called in the middle of its own event processing, deletes a widget
    or thread Qt is still using further up that C++ stack, and the process dies with SIGSEGV in
    `processEvents` (seen once in CI, in an unrelated desk test's set-up). `processEvents` called
    outside an event loop, as pytest-qt does, also leaves DeferredDelete events queued."""
    yield
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        return
    core = sys.modules.get("PySide6.QtCore")
    if core is None or core.QCoreApplication.instance() is None:
        return
    gc.collect()
    core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database on 127.0.0.1:5432, dropped afterwards; skipped (and
    reported as skipped) when no server is running there."""
    from sqlalchemy import create_engine, text

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed")
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server here"
        admin.dispose()
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 ({type(exc).__name__})")
    name = f"cbt_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def centre(tmp_path: Path):
    from central_scorer.centre import Centre

    c = Centre(tmp_path / "central")
    c.init("KZ-NTC-TEST")
    return c


@dataclass
class RoomSetup:
    room: object
    centre: object
    package: dict
    credentials: list[dict]
    rep_token: str


def configure_room(tmp_path: Path, centre, students: int = 6, room_id: str = "R-TEST-1",
                   organisation_code: str = "100200", roster: str | None = None) -> RoomSetup:
    """A room (of organisation 100200 unless told) with the demo package imported and a demo
    roster issued (or `roster`, a CSV text)."""
    from proctor_console.room.room import Room

    room = Room(tmp_path / "room", password_params=passwords.FAST)
    info = centre.public_info()
    key = room.configure({
        "room_id": room_id, "organisation_code": organisation_code, "organisation_name": "Тест мектебі",
        "room_no": "7", **info,
        "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл Тестов"},
    })
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = content_from_dict(json.loads(demo_content_json()))
    package = centre.make_package(content, organisation_code, tmp_path / "pkg.cbtpkg",
                                  kdf_memory_kib=FAST_KDF_KIB)
    room.import_package((tmp_path / "pkg.cbtpkg").read_bytes(), "rep")
    credentials = room.import_roster(roster or demo_roster_csv(students), "rep")
    for cred in credentials:  # each seat's kiosk PC enrolled, as the representative does at set-up
        cred["workstation_key"] = enrolled(room, cred["seat"])
    return RoomSetup(room, centre, package, credentials, room.proctor_signin("rep", "1234"))


@pytest.fixture
def room_setup(tmp_path: Path, centre) -> RoomSetup:
    return configure_room(tmp_path, centre)


@pytest.fixture
def open_room(room_setup: RoomSetup) -> RoomSetup:
    """`room_setup` with every student admitted and the test started."""
    for cred in room_setup.credentials:
        room_setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room_setup.room.start(room_setup.package["start_code"], "rep")
    return room_setup


@dataclass
class RunningServer:
    port: int
    fingerprint: str


@pytest.fixture
def room_server(room_setup: RoomSetup):
    """The real room server app over TLS on 127.0.0.1, in a thread of this process."""
    from proctor_console.room.api.app import asgi_app
    from proctor_console.room.server import ensure_certificate

    room = room_setup.room
    fingerprint = ensure_certificate(room, ["127.0.0.1", "localhost"])
    with serve_tls(asgi_app(room), room.paths.tls_cert, room.paths.tls_key) as port:
        yield RunningServer(port, fingerprint)


def enrolled(room, seat: str) -> str:
    """The credential of the kiosk PC at `seat` (enrolled once per room and seat)."""
    from proctor_console.room import enrolment

    keys = room.__dict__.setdefault("_test_keys", {})
    if seat not in keys:
        keys[seat] = enrolment.enrol(room, seat, "rep")["workstation_key"]
    return keys[seat]


@pytest.fixture
def kiosk(tmp_path, room_setup, room_server):
    """Make kiosk engines (the client's own) at seats against `room_server`; all closed afterwards."""
    from exam_client.engine.config import KioskConfig
    from exam_client.engine.kiosk import KioskEngine

    made: list = []

    def make(seat: str, fingerprint: str | None = None):
        engine = KioskEngine(KioskConfig("127.0.0.1", room_server.port,
                                         fingerprint or room_server.fingerprint, seat,
                                         tmp_path / f"kiosk-{seat}-{len(made)}",
                                         workstation_key=enrolled(room_setup.room, seat)))
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def desk(room_setup: RoomSetup, room_server):
    """The representative's HTTPS client of `room_server` (signed in, base URL /api/v1)."""
    import httpx

    from common.crypto.tls import pinned_context

    ctx = pinned_context("127.0.0.1", room_server.port, room_server.fingerprint)
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}/api/v1", verify=ctx,
                      headers={"Authorization": f"Bearer {room_setup.rep_token}"}, timeout=30) as c:
        yield c
