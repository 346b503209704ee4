"""Who a browser is: staff (signed in with the staff token) or one organisation (signed in with its
portal access code). A session is a random cookie; the centre keeps only its SHA-256 and expiry.

Access codes are random (12 characters of a 32-letter alphabet, 60 bits), so a fast hash is
enough to keep them; five wrong codes lock an organisation's code for 15 minutes (an outsider
cannot guess a code, and cannot lock one out for long either).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Iterable

from sqlalchemy import delete, select

from central_scorer.centre import Centre
from common.storage.base import utcnow
from common.storage.central_models import PortalAccess, WebSession

COOKIE = "ntc_session"
STAFF_HOURS, ORGANISATION_HOURS = 8, 2
MAX_FAILURES, LOCK = 5, dt.timedelta(minutes=15)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_access_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_codes(centre: Centre, organisations: Iterable[str]) -> dict[str, str]:
    """New access codes (replacing any earlier ones); shown once, kept as hashes."""
    codes = {org: new_access_code() for org in organisations}
    with centre.tx() as s:
        for org, code in codes.items():
            row = s.get(PortalAccess, org)
            if row is None:
                s.add(PortalAccess(organisation_code=org, code_sha256=_sha(_normal(code)), failures=0))
            else:
                row.code_sha256, row.failures, row.locked_until = _sha(_normal(code)), 0, None
                row.issued_at = utcnow()
    return codes


class SignInRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # wrong | locked


def _session(centre: Centre, kind: str, organisation: str | None, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with centre.tx() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < now))
        s.add(WebSession(token_sha256=_sha(token), kind=kind, organisation_code=organisation,
                         created_at=now, expires_at=now + dt.timedelta(hours=hours)))
    return token


def sign_in_organisation(centre: Centre, organisation: str, code: str) -> str:
    now = utcnow()
    with centre.tx() as s:
        row = s.get(PortalAccess, organisation.strip())
        if row is not None and row.locked_until is not None and row.locked_until > now:
            raise SignInRefused("locked")
        if row is None or not hmac.compare_digest(row.code_sha256, _sha(_normal(code))):
            if row is not None:
                row.failures += 1
                if row.failures >= MAX_FAILURES:
                    row.failures, row.locked_until = 0, now + LOCK
            raise SignInRefused("wrong")
        row.failures = 0
    return _session(centre, "organisation", organisation.strip(), ORGANISATION_HOURS)


def sign_in_staff(centre: Centre, token: str) -> str:
    if not centre.staff_token_valid(token.strip()):
        raise SignInRefused("wrong")
    return _session(centre, "staff", None, STAFF_HOURS)


def who(centre: Centre, cookie: str | None) -> WebSession | None:
    if not cookie:
        return None
    with centre.read() as s:
        row = s.get(WebSession, _sha(cookie))
    if row is None or row.expires_at < utcnow():
        return None
    return row


def sign_out(centre: Centre, cookie: str | None) -> None:
    if cookie:
        with centre.tx() as s:
            s.execute(delete(WebSession).where(WebSession.token_sha256 == _sha(cookie)))


def known_organisations(centre: Centre) -> list[str]:
    from common.storage.central_models import Result

    with centre.read() as s:
        return list(s.scalars(select(Result.organisation_code).distinct().order_by(Result.organisation_code)))
