"""Finding 2 (issue 15): a trusted room could overwrite another organisation's results.

`open_bundle` checked the room id but never that the manifest's organisation was the room's own,
nor whose package the attempts were sat on. The attacker here holds a room the centre trusts for
school B (its key, its database) and school A's package; it seals bundles that claim school A,
or carry school A's package under school B's name. The centre binds room → organisation and
package → organisation from its own records and refuses both; school A's results stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from central_scorer.ingest.bundles import IngestRefused, ingest
from common.storage.central_models import Result
from proctor_console.room import sealing
from tests.conftest import configure_room
from tests.security.conftest import kiosk_login

SCHOOL_A, SCHOOL_B = "100200", "300400"


def _sit(setup, client) -> None:
    room = setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    for cred in setup.credentials[:2]:
        kiosk_login(client, cred, room)


def _set_organisation(room, code: str) -> None:
    with room.tx() as s:  # the room's owner edits its own database
        room.set_setting(s, "organisation_code", code)


@pytest.fixture
def school_a(tmp_path, centre):
    setup = configure_room(tmp_path / "a", centre, students=3, room_id="R-A", organisation_code=SCHOOL_A)
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")
    for cred in setup.credentials:
        setup.room.login(cred["login"], cred["password"], cred["seat"])
    with open(sealing.seal(setup.room, "rep")["path"], "rb") as f:
        assert ingest(centre, f.read()).status == "stored"
    return setup


def _results_of_a(centre) -> list[tuple]:
    with centre.read() as s:
        return sorted((r.individual_code, r.room_id, r.status) for r in s.query(Result).filter_by(
            organisation_code=SCHOOL_A))


def test_a_room_of_school_b_cannot_claim_school_a(school_a, tmp_path, centre, room_setup_b_server):
    setup_b, client = room_setup_b_server
    before = _results_of_a(centre)
    _sit(setup_b, client)
    _set_organisation(setup_b.room, SCHOOL_A)  # the manifest now names school A
    with open(sealing.seal(setup_b.room, "rep")["path"], "rb") as f:
        with pytest.raises(IngestRefused) as refused:
            ingest(centre, f.read())
    assert refused.value.code == "wrong_organisation"
    assert _results_of_a(centre) == before


def test_a_room_of_school_b_cannot_send_school_a_package(school_a, tmp_path, centre, room_setup_b_server):
    setup_b, client = room_setup_b_server
    before = _results_of_a(centre)
    room = setup_b.room
    for cred in setup_b.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    # School A's package, imported by a room that passes itself off as school A for a moment.
    _set_organisation(room, SCHOOL_A)
    room.import_package(Path(school_a.package["path"]).read_bytes(), "rep")
    room.start(school_a.package["start_code"], "rep")
    _set_organisation(room, SCHOOL_B)
    for cred in setup_b.credentials[:2]:
        kiosk_login(client, cred, room)
    with open(sealing.seal(room, "rep")["path"], "rb") as f:
        with pytest.raises(IngestRefused) as refused:
            ingest(centre, f.read())
    assert refused.value.code == "wrong_organisation"
    assert _results_of_a(centre) == before


@pytest.fixture
def room_setup_b_server(tmp_path, centre):
    """School B's room, trusted by the centre, served over HTTPS; a raw client of it."""
    import httpx

    from proctor_console.room.api.app import create_app
    from proctor_console.room.server import ensure_certificate
    from tls_server import serve_tls

    setup = configure_room(tmp_path / "b", centre, students=3, room_id="R-B", organisation_code=SCHOOL_B)
    ensure_certificate(setup.room, ["127.0.0.1"])
    with serve_tls(create_app(setup.room), setup.room.paths.tls_cert, setup.room.paths.tls_key) as port:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}/api/v1", verify=False, timeout=30) as c:
            yield setup, c
