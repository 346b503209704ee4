"""Attacks on the room server's sign-ins, over real HTTPS with the kiosk's own engine: password
guessing is locked per login and per workstation, a password at another seat and a stolen token at
another workstation are refused, and every proctor endpoint refuses anyone but a signed-in proctor.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from common.crypto.tls import pinned_context
from common.storage.room_models import Answer, AuditEntry
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError
from proctor_console.room.api.app import create_app
from proctor_console.room.logins import MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_PER_WORKSTATION
from tests.conftest import enrolled

AREA = "Attacks: authentication"


def http(server, token: str | None = None, **headers: str) -> httpx.Client:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=f"https://127.0.0.1:{server.port}",
                        verify=pinned_context("127.0.0.1", server.port, server.fingerprint),
                        headers=headers, timeout=30)


@pytest.fixture
def started(room_setup):
    for cred in room_setup.credentials:
        room_setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room_setup.room.start(room_setup.package["start_code"], "rep")
    return room_setup


def code_of(engine: KioskEngine, login: str, password: str) -> str:
    with pytest.raises(KioskError) as caught:
        engine.login(login, password)
    return caught.value.code


def audit_actions(room) -> list[str]:
    with room.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def seat_of(room, individual_code: str) -> dict:
    return next(s for s in room.room_view()["seats"] if s["individual_code"] == individual_code)


def test_guessing_one_login_locks_it_until_the_proctor_unlocks(started, kiosk, room_server, chaos):
    room = started.room
    rounds = chaos.times(1, len(started.credentials))
    for victim in started.credentials[:rounds]:
        guesser = kiosk(victim["seat"])
        for n in range(MAX_FAILED_LOGINS):
            assert code_of(guesser, victim["login"], f"guess-{n}") == "unauthorized"
        # Locked now: the right password too, and from any seat.
        assert code_of(guesser, victim["login"], victim["password"]) == "locked_out"
        assert seat_of(room, victim["individual_code"])["locked_out"] is True
        assert "login_locked_out" in audit_actions(room)
        with http(room_server, started.rep_token) as desk:
            reply = desk.post("/api/v1/proctor/unlock", json={"individual_code": victim["individual_code"]})
            assert reply.status_code == 200, reply.text
        sitting = kiosk(victim["seat"]).login(victim["login"], victim["password"])
        assert seat_of(room, victim["individual_code"])["locked_out"] is False
        sitting.close()
    chaos.record(AREA, f"password guessing on one login ({MAX_FAILED_LOGINS} wrong)", rounds, rounds, 0,
                 "locked_out (HTTP 423), even for the right password, until the representative "
                 "unlocks; flagged in the room view and audited")


def test_guessing_from_one_workstation_locks_the_workstation(started, kiosk, room_server, chaos):
    room = started.room
    creds = started.credentials
    rounds = chaos.times(1, 3)
    for r in range(rounds):
        owner, others = creds[r], [c for c in creds if c is not creds[r]]
        seat = owner["seat"]
        attacker = kiosk(seat)
        tries = [(o["login"], f"guess-{r}") for o in others]  # spread over logins, one each
        tries += [(f"nobody-{n}", "x") for n in range(MAX_FAILED_LOGINS_PER_WORKSTATION)]
        codes = []
        for login, password in tries[:MAX_FAILED_LOGINS_PER_WORKSTATION]:
            codes.append(code_of(attacker, login, password))
        assert set(codes) == {"unauthorized"}
        # Now the workstation is locked for everyone, its own student with the right password too.
        assert code_of(attacker, owner["login"], owner["password"]) == "workstation_locked_out"
        assert code_of(kiosk(seat), others[0]["login"], others[0]["password"]) == "workstation_locked_out"
        view = room.room_view()
        assert seat in view["locked_workstations"]
        assert seat_of(room, owner["individual_code"])["workstation_locked_out"] is True
        # No other login was locked by this seat's guessing (one guess each a round < 5).
        assert not any(s["locked_out"] for s in view["seats"])
        assert "workstation_locked_out" in audit_actions(room)
        with http(room_server, started.rep_token) as desk:
            reply = desk.post("/api/v1/proctor/unlock", json={"individual_code": owner["individual_code"]})
            assert reply.status_code == 200, reply.text
        sitting = kiosk(seat).login(owner["login"], owner["password"])
        assert seat not in room.room_view()["locked_workstations"]
        sitting.close()
    chaos.record(AREA, f"password guessing from one workstation ({MAX_FAILED_LOGINS_PER_WORKSTATION} "
                 "failures over many logins)", rounds, rounds, 0,
                 "workstation_locked_out (HTTP 423) for every login at that computer until the "
                 "representative unlocks; no other student's login locked")


def test_a_password_at_another_seat_is_refused(started, kiosk, chaos):
    creds = started.credentials
    pairs = [(a, b) for a in creds for b in creds if a is not b][:chaos.times(3, 30)]
    for owner, seat_of_other in pairs:
        assert code_of(kiosk(seat_of_other["seat"]), owner["login"], owner["password"]) == "wrong_seat"
    with started.room.read() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
    assert "login" not in audit_actions(started.room)  # no sitting began anywhere
    chaos.record(AREA, "the right password at another seat", len(pairs), len(pairs), 0,
                 "wrong_seat (HTTP 403); counted against that workstation")


def test_a_stolen_token_does_not_work_at_another_workstation(started, kiosk, room_server, chaos):
    room = started.room
    cred = started.credentials[0]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    item = room.content().items[0].id
    calls = [("POST", "/api/v1/attempt/answers",
              {"entries": [{"seq": 1, "item_id": item, "answer": "a", "client_ts": 0}]}),
             ("POST", "/api/v1/attempt/submit", {"last_seq": 0}),
             ("GET", "/api/v1/attempt/state", None)]
    # The enrolled PCs of another seat and of a seat no one has; no credential; a wrong one.
    thieves = [{"X-Workstation-Key": enrolled(room, "99")},
               {"X-Workstation-Key": enrolled(room, started.credentials[1]["seat"])},
               {}, {"X-Workstation-Key": "x" * 20, "X-Workstation": cred["seat"]}][:chaos.times(2, 4)]
    tried = 0
    for headers in thieves:
        with http(room_server, sitting.link.token) as thief:
            for method, path, body in calls:
                reply = thief.request(method, path, json=body, headers=headers)
                assert reply.status_code == 401, reply.text
                assert reply.json()["error"] in ("unauthorized", "not_enrolled"), reply.text
                tried += 1
    with room.read() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
    assert room.attempt_state(sitting.attempt_id)["status"] == "in_progress"
    sitting.close()
    chaos.record(AREA, "a stolen session token at another workstation", tried, tried, 0,
                 "unauthorized (HTTP 401) on answers, submit and state; nothing stored")


def proctor_routes(room) -> list[tuple[str, str]]:
    """Every (method, path) of the room server under /api/v1/proctor, read from the app's own
    OpenAPI schema (so routers included from other modules are there too)."""
    paths = create_app(room).openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items()
                  if path.startswith("/api/v1/proctor/") for method in ops)


def test_every_proctor_endpoint_requires_the_proctors_sign_in(started, kiosk, room_server, chaos):
    room = started.room
    routes = [r for r in proctor_routes(room) if r[1] != "/api/v1/proctor/signin"]
    assert len(routes) >= 20  # the whole desk API, not a chosen few
    cred = started.credentials[0]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    kiosk_token = sitting.link.token
    before = audit_actions(room)
    callers = {"no token": (None, {}), "invalid token": ("not-a-token", {}),
               "the kiosk's token": (kiosk_token, {"X-Workstation-Key": enrolled(room, cred["seat"])})}
    tried = 0
    for what, (token, headers) in callers.items():
        with http(room_server, token, **headers) as client:
            for method, path in routes:
                url = path.replace("{", "").replace("}", "")  # any value for path parameters
                reply = client.request(method, url, json={})
                assert reply.status_code == 401, (what, method, path, reply.status_code, reply.text)
                assert reply.json()["error"] == "unauthorized"
                tried += 1
    assert audit_actions(room) == before  # nothing done, nothing written
    sitting.close()
    chaos.record(AREA, "proctor endpoints without the proctor's sign-in", tried, tried, 0,
                 f"all {len(routes)} routes under /api/v1/proctor (read from the app) × no token, "
                 "an invalid token, a kiosk's token: 401, nothing written")
