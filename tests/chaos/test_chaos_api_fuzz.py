"""The room server's and the centre's HTTP APIs fuzzed from their own OpenAPI schemas
(schemathesis): requests that fit the schema and requests that do not, sent to the real servers over
HTTPS on loopback. No answer may be a 5xx, and none may hang.

The fuzzer signs in like the real clients do (the representative's token on /proctor, a kiosk's
token and workstation on /attempt), so it reaches the handlers and not only the sign-in checks.
"""

from __future__ import annotations

import warnings

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tls_server import serve_tls
from tests.conftest import enrolled

AREA = "Attacks: hostile input"
TIMEOUT = 20  # seconds: an answer slower than this is a hang

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # schemathesis's imports may warn; our filterwarnings=error
    import schemathesis
    from schemathesis.generation import GenerationMode


# Not fuzzed: it sends the sealed bundle to the URL in the request and retries for a minute on a
# network error, so a fuzzed URL means a minute's wait by design. Its refusals of a bad URL and of
# "nothing sealed" are tested below; its transport in tests/central_scorer/test_transport.py.
NOT_FUZZED = {("POST", "/api/v1/proctor/bundle/upload")}


def operations(app) -> list:
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if (op.method.upper(), op.path) not in NOT_FUZZED]


def fuzz(app, base_url: str, ca: str, chaos, headers_for) -> tuple[int, int, list[str]]:
    """Send fuzzed requests to every operation; return (requests, operations, failures)."""
    sent, failures = [0], []
    session = requests.Session()
    ops = operations(app)
    for op in ops:
        @settings(max_examples=chaos.times(4, 80), deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], derandomize=not chaos.full,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(), _=st.none())
        def one(case, _):
            headers = headers_for(op.path)
            try:
                reply = case.call(base_url=base_url, session=session, headers=headers,
                                  timeout=TIMEOUT, verify=ca)
            except requests.Timeout:
                failures.append(f"{op.method.upper()} {op.path}: no answer in {TIMEOUT} s")
                return
            sent[0] += 1
            if reply.status_code >= 500:
                failures.append(f"{op.method.upper()} {op.path} -> {reply.status_code}: "
                                f"{case.as_curl_command(headers)} :: {reply.text[:300]}")

        one()
    session.close()
    return sent[0], len(ops), failures


def test_room_server_api_fuzz(room_setup, room_server, chaos):
    from exam_client.engine.config import KioskConfig
    from exam_client.engine.kiosk import KioskEngine
    from proctor_console.room.api.app import create_app

    room = room_setup.room
    for cred in room_setup.credentials[:4]:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    cred = room_setup.credentials[0]
    kiosk = KioskEngine(KioskConfig("127.0.0.1", room_server.port, room_server.fingerprint,
                                    cred["seat"], room.paths.root.parent / "kiosk",
                                    workstation_key=enrolled(room, cred["seat"])))
    sitting = kiosk.login(cred["login"], cred["password"])

    def headers_for(path: str) -> dict[str, str]:
        if path.startswith("/api/v1/proctor/"):
            return {"authorization": f"Bearer {room_setup.rep_token}"}
        if path.startswith("/api/v1/attempt/") or path.startswith("/api/v1/kiosk/"):
            return {"authorization": f"Bearer {sitting.link.token}",
                    "x-workstation-key": enrolled(room, cred["seat"])}
        return {}

    sent, ops, failures = fuzz(create_app(room), f"https://127.0.0.1:{room_server.port}",
                               str(room.paths.tls_cert), chaos, headers_for)
    sitting.close()
    kiosk.close()
    assert not failures, "\n".join(failures[:20])
    chaos.record(AREA, "room server API fuzzed from its OpenAPI schema (schemathesis)", sent, sent, 0,
                 f"{ops} operations, valid and invalid requests, signed in as the representative "
                 "and a kiosk: no 5xx, no hang")


@pytest.fixture
def centre_https(tmp_path):
    """A fresh centre (keeping its staff token) served over HTTPS on loopback."""
    from central_scorer.centre import Centre
    from central_scorer.web.server import create_app
    from common.crypto.tls import make_self_signed

    centre = Centre(tmp_path / "fuzzed-centre")
    token = centre.init("KZ-NTC-FUZZ")["staff_token"]

    cert, key = tmp_path / "centre-cert.pem", tmp_path / "centre-key.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    app = create_app(centre)
    with serve_tls(app, cert, key) as port:
        yield app, f"https://127.0.0.1:{port}", str(cert), token


def test_central_scorer_api_fuzz(centre_https, chaos):
    app, url, ca, token = centre_https

    def headers_for(path: str) -> dict[str, str]:
        return {"authorization": f"Bearer {token}"}

    sent, ops, failures = fuzz(app, url, ca, chaos, headers_for)
    assert not failures, "\n".join(failures[:20])
    chaos.record(AREA, "central scorer API fuzzed from its OpenAPI schema (schemathesis)", sent, sent,
                 0, f"{ops} operations, valid and invalid requests: no 5xx, no hang")
