"""The representative's (and the head's) sign-in with a login and PIN (Argon2id)."""

from __future__ import annotations

from sqlalchemy import select

from common.crypto import passwords
from common.storage.room_models import Proctor, SessionToken
from proctor_console.room import audit
from proctor_console.room.errors import Unauthorized
from proctor_console.room.sessions import hash_token, open_session
from proctor_console.room.store import RoomStore


def sign_in(room: RoomStore, login: str, pin: str) -> str:
    """Check the PIN; returns a new session token for the desk."""
    with room.read() as s:
        proctor = s.scalar(select(Proctor).where(Proctor.login == login))
    if proctor is None or not passwords.verify_password(pin, proctor.pin_hash):
        raise Unauthorized("wrong login or PIN")
    with room.tx() as s:
        token = open_session(s, "proctor", login)
        audit.record(s, login, "proctor_signed_in")
    return token


def proctor_for_login(room: RoomStore, login: str) -> Proctor:
    with room.read() as s:
        proctor = s.scalar(select(Proctor).where(Proctor.login == login))
    if proctor is None:
        raise Unauthorized("unknown proctor")
    return proctor


def proctor_for(room: RoomStore, token: str | None) -> Proctor:
    """The proctor signed in with this session token."""
    if not token:
        raise Unauthorized("the proctor's sign-in is required")
    with room.read() as s:
        row = s.get(SessionToken, hash_token(token))
        if row is None or row.revoked or row.kind != "proctor":
            raise Unauthorized("the proctor's sign-in is required")
        proctor = s.scalar(select(Proctor).where(Proctor.login == row.subject))
    if proctor is None:
        raise Unauthorized("unknown proctor")
    return proctor
