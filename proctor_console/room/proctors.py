"""The representative's (and the head's) sign-in with a login and PIN (Argon2id).

Guessing is held back (issue 15, finding 5): a PIN is 4 to 32 digits; after `FREE_FAILURES`
wrong PINs for a login, each next try waits twice as long as the one before (from
`FIRST_WAIT` up to `LONGEST_WAIT`), and a try during the wait is refused without checking the PIN
(counted per login and caller's address: a guesser on the LAN cannot lock the representative's
own desk out);
every wrong PIN and every lock is in the audit log; an unknown login costs the same Argon2id work
as a known one, so the answer's time does not tell which logins exist. A session lasts
`SESSION_HOURS` and ends earlier at sign-out.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.crypto import passwords
from common.storage.base import utcnow
from common.storage.room_models import Proctor, SessionToken, Setting
from proctor_console.room import audit
from proctor_console.room.errors import RoomError, Unauthorized
from proctor_console.room.sessions import hash_token, open_session
from proctor_console.room.store import RoomStore

MIN_PIN, MAX_PIN = 4, 32
FREE_FAILURES = 3  # wrong PINs for one login before it must wait
FIRST_WAIT = dt.timedelta(seconds=15)
LONGEST_WAIT = dt.timedelta(minutes=15)
SESSION_HOURS = 12  # a proctor's session, then sign in again
# setting: {"<login>@<caller's address>": {"failures": n, "until": iso or null}}
_FAILURES = "proctor_signin_failures"


class SigninLocked(RoomError):
    """Too many wrong PINs for this login: wait (`retry_after` seconds) before the next try."""

    status = 429
    code = "locked_out"


def check_pin(pin: str) -> None:
    """A PIN is 4 to 32 digits (at configure, and for the head)."""
    if not (MIN_PIN <= len(pin) <= MAX_PIN) or not pin.isdigit():
        raise RoomError(f"the PIN is {MIN_PIN} to {MAX_PIN} digits")


@lru_cache(maxsize=4)
def _decoy(params: passwords.Argon2Params) -> str:
    """A hash to check an unknown login's PIN against: the same work as a known login's."""
    return passwords.hash_password(passwords.new_password(16), params)


def _failures(s: Session) -> dict[str, dict[str, Any]]:
    row = s.get(Setting, _FAILURES)
    return json.loads(row.value) if row else {}


def _wait_after(failures: int) -> dt.timedelta:
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def sign_in(room: RoomStore, login: str, pin: str, source: str = "local") -> str:
    """Check the PIN; returns a new session token for the desk.

    Wrong PINs are counted per login *and* `source` (the caller's address): someone guessing from
    a laptop on the LAN makes only that laptop wait, never the representative's own desk."""
    login = login.strip()[:64]
    counter = f"{login}@{source}"
    now = utcnow()
    with room.read() as s:
        state = _failures(s).get(counter)
        proctor = s.scalar(select(Proctor).where(Proctor.login == login))
    until = dt.datetime.fromisoformat(state["until"]) if state and state.get("until") else None
    if until is not None and now < until:
        wait = int((until - now).total_seconds()) + 1
        raise SigninLocked(f"too many wrong PINs: try again in {wait} s", retry_after=wait)
    # An unknown login checks the PIN against a decoy hash: the same time as a known one.
    ok = passwords.verify_password(pin, proctor.pin_hash if proctor else _decoy(room.password_params))
    with room.tx() as s:
        failures = _failures(s)
        if proctor is None or not ok:
            count = failures.get(counter, {}).get("failures", 0) + 1
            wait = _wait_after(count)
            failures[counter] = {"failures": count, "until": (now + wait).isoformat() if wait else None}
            room.set_setting(s, _FAILURES, json.dumps(failures, sort_keys=True))
            audit.record(s, "signin:" + login, "proctor_signin_failed", login=login, source=source,
                         reason="unknown_login" if proctor is None else "wrong_pin", failures=count,
                         wait_s=int(wait.total_seconds()))
        else:
            if failures.pop(counter, None) is not None:
                room.set_setting(s, _FAILURES, json.dumps(failures, sort_keys=True))
            token = open_session(s, "proctor", login)
            audit.record(s, login, "proctor_signed_in")
    if proctor is None or not ok:
        raise Unauthorized("wrong login or PIN")
    return token


def sign_out(room: RoomStore, token: str | None) -> None:
    """End the proctor's session now."""
    with room.tx() as s:
        row = s.get(SessionToken, hash_token(token or ""))
        if row is None or row.kind != "proctor" or row.revoked:
            raise Unauthorized("the proctor's sign-in is required")
        row.revoked = True
        audit.record(s, row.subject, "proctor_signed_out")


def proctor_for_login(room: RoomStore, login: str) -> Proctor:
    with room.read() as s:
        proctor = s.scalar(select(Proctor).where(Proctor.login == login))
    if proctor is None:
        raise Unauthorized("unknown proctor")
    return proctor


def proctor_for(room: RoomStore, token: str | None) -> Proctor:
    """The proctor signed in with this session token, while the session lasts."""
    if not token:
        raise Unauthorized("the proctor's sign-in is required")
    with room.read() as s:
        row = s.get(SessionToken, hash_token(token))
        if row is None or row.revoked or row.kind != "proctor":
            raise Unauthorized("the proctor's sign-in is required")
        if utcnow() - row.created_at > dt.timedelta(hours=SESSION_HOURS):
            raise Unauthorized("the session has expired: sign in again")
        proctor = s.scalar(select(Proctor).where(Proctor.login == row.subject))
    if proctor is None:
        raise Unauthorized("unknown proctor")
    return proctor
