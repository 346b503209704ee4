"""The centre's tests run on SQLite and, where the server is up, on PostgreSQL."""

from __future__ import annotations

import pytest
from tls_server import serve_tls

from proctor_console.room import acts


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def centre(request, tmp_path):
    from central_scorer.centre import Centre

    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    c = Centre(tmp_path / "central", url)
    c.test_staff_token = c.init("KZ-NTC-TEST")["staff_token"]  # shown once, as to the centre's staff
    yield c
    c.engine.dispose()


@pytest.fixture
def central_server(centre, tmp_path):
    """The centre's real service over HTTPS on loopback; yields (url, CA PEM)."""
    from central_scorer.web.server import create_app
    from common.crypto.tls import make_self_signed

    cert, key = tmp_path / "centre-cert.pem", tmp_path / "centre-key.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    with serve_tls(create_app(centre), cert, key) as port:
        yield f"https://127.0.0.1:{port}", cert.read_text()


def sit(room, cred, answers: dict) -> str:
    reply = room.login(cred["login"], cred["password"], cred["seat"])
    entries = [{"seq": i, "item_id": item, "answer": value, "client_ts": 0.0}
               for i, (item, value) in enumerate(answers.items(), start=1)]
    room.save_answers(reply["attempt_id"], entries)
    return reply["attempt_id"]


@pytest.fixture
def day(room_setup):
    """Six students: 1 absent, 1 confiscated mid-test, 4 submitted with known answers."""
    room = room_setup.room
    creds = room_setup.credentials
    room.mark_attendance(creds[0]["individual_code"], "absent", "competition", "rep")
    for cred in creds[1:]:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    perfect = {"r1": "b", "r2": "c", "r3": ["a", "b"], "m1": "480", "m3": "5,5", "s2": ["a", "c"]}
    for cred in creds[2:]:
        attempt = sit(room, cred, perfect)
        room.submit(attempt, len(perfect))
    sit(room, creds[1], {"r1": "a"})
    acts.draw_up_confiscation(room, creds[1]["individual_code"],
                              [{"name": "Шпаргалка", "brand": "—", "count": 2}], [], "rep")
    return room_setup
