"""Sign-in sessions: a random bearer token handed out once and kept only as its SHA-256.

The representative's desk holds a proctor session (subject: the proctor's login); each kiosk holds
the session of one sitting (subject: the attempt), bound to the workstation it logged in at. A
kiosk's session ends when the student logs in again, moves to another seat, or is removed by an
act; the next request with it is refused.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.storage.room_models import Attempt, AttemptStatus, SessionToken
from proctor_console.room.errors import AttemptVoided, Unauthorized
from proctor_console.room.store import RoomStore


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: Session, kind: str, subject: str, workstation_id: str | None = None) -> str:
    """A new session in the caller's transaction; returns its token (the only time it is seen)."""
    token = secrets.token_urlsafe(32)
    s.add(SessionToken(token_sha256=hash_token(token), kind=kind, subject=subject,
                       workstation_id=workstation_id))
    return token


def end_sessions(s: Session, attempt_id: str) -> int:
    """End every live session of a sitting; returns how many."""
    ended = 0
    for token in s.scalars(select(SessionToken).where(
            SessionToken.subject == attempt_id, SessionToken.revoked.is_(False))):
        token.revoked = True
        ended += 1
    return ended


def attempt_for(room: RoomStore, token: str | None, workstation_id: str | None) -> str:
    """The sitting a kiosk's session belongs to; refused at another workstation or once ended."""
    if not token:
        raise Unauthorized("log in first")
    key = hash_token(token)
    session = room.memory.sessions.get(key)
    if session is None:
        epoch = room.memory.epoch()
        with room.read() as s:
            row = s.get(SessionToken, key)
        if row is None or row.kind != "kiosk":
            raise Unauthorized("the session has ended: log in again")
        if row.revoked:
            with room.read() as s:
                attempt = s.get(Attempt, row.subject)
            if attempt is not None and attempt.status is AttemptStatus.VOIDED:
                raise AttemptVoided("the representative removed this test-taker; the result is voided")
            raise Unauthorized("the session has ended: log in again")
        session = (row.subject, row.workstation_id)
        room.memory.fill(room.memory.sessions, key, session, epoch)
    attempt_id, at = session
    if at != workstation_id:
        raise Unauthorized("this session belongs to another workstation")
    return attempt_id


def session_in_memory(room: RoomStore, token: str) -> bool:
    """Whether `attempt_for(token)` would be answered from memory alone."""
    return bool(token) and hash_token(token) in room.memory.sessions
