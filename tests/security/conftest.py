"""The attacker's tools (issue 15): a raw HTTPS client of the room server, not our client classes.

An attacker on the school LAN does not pin the room's certificate and does not use the kiosk's
code: it speaks HTTP to the port with httpx and whatever body it likes. `attacker` is that client;
`open_room` (tests/conftest.py) is a room with every student admitted and the test started.
"""

from __future__ import annotations

import httpx
import pytest

from common.protocol import API
from tests.conftest import enrolled


@pytest.fixture
def attacker(room_server):
    """A plain HTTPS client of the room server (certificate not checked: an attacker's)."""
    with httpx.Client(base_url=f"https://127.0.0.1:{room_server.port}{API}", verify=False,
                      timeout=30) as client:
        yield client


def seat_key(room, seat: str) -> dict:
    """The header of the enrolled kiosk PC at `seat` (the room's representative enrolled it)."""
    return {"X-Workstation-Key": enrolled(room, seat)}


def kiosk_login(client: httpx.Client, cred: dict, room) -> dict:
    """A student's login from the enrolled kiosk at the student's own seat; returns the reply,
    with the seat's header kept for `bearer`."""
    headers = seat_key(room, cred["seat"])
    reply = client.post("/session/login", headers=headers,
                        json={"login": cred["login"], "password": cred["password"]})
    assert reply.status_code == 200, reply.text
    return {**reply.json(), "_headers": headers}


def bearer(login_reply: dict) -> dict:
    return {"Authorization": f"Bearer {login_reply['token']}", **login_reply["_headers"]}
