"""The journal grant: what lets the centre open a kiosk's journal when the room PC is lost.

At login the room server gives the kiosk, with the journal key, a *grant*: the attempt's facts
(student, organisation, room, package, variant and order, start) and the journal key, sealed
(HPKE, RFC 9180) to the centre's public key and signed by the room's signing key (Ed25519). The
kiosk keeps it durably next to the journal. It tells a reader nothing without the centre's
private key, and the centre trusts it only if a room it trusts signed it.

`exam-client export-journal` writes one *journal export* per candidate (the grant and the journal
file, both encrypted), and `central-scorer ingest-journal` opens it with the centre's key.

Grant (canonical JSON)::

    {"format": "cbt-journal-grant-1", "room_key_id": "...", "attempt_id": "...",
     "sealed": "<base64 HPKE>", "signature": "<base64 Ed25519 over the signed bytes>"}

The signed bytes are ``b"cbt-journal-grant-1\\0" + attempt_id + b"\\0" + sealed``; the HPKE info
is ``b"cbt-journal-grant-1\\0" + attempt_id``. The sealed plaintext is the canonical JSON of the
facts with ``journal_key`` in base64.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from common.canonical import canonical_bytes
from common.crypto.sealing import RecipientKey, RecipientPublicKey, SealOpenError
from common.crypto.signing import SigningKey

GRANT_FORMAT = "cbt-journal-grant-1"
EXPORT_FORMAT = "cbt-journal-export-1"
FACTS = ("attempt_id", "individual_code", "full_name", "grade", "language", "organisation_code",
         "room_id", "package_id", "exam_id", "permutation", "started_at", "deadline_at")


class GrantError(Exception):
    """A grant or journal export the centre cannot trust or read; `code` says why in one word."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class OpenedGrant:
    facts: dict[str, Any]
    journal_key: bytes
    room_key_id: str


def _signed(attempt_id: str, sealed: bytes) -> bytes:
    return GRANT_FORMAT.encode() + b"\0" + attempt_id.encode() + b"\0" + sealed


def _info(attempt_id: str) -> bytes:
    return GRANT_FORMAT.encode() + b"\0" + attempt_id.encode()


def make_grant(facts: dict[str, Any], journal_key: bytes, centre: RecipientPublicKey,
               room_key: SigningKey) -> dict[str, Any]:
    """The grant for one attempt (the room server, at login)."""
    missing = [k for k in FACTS if k not in facts]
    if missing:
        raise ValueError(f"journal grant without {missing}")
    attempt_id = str(facts["attempt_id"])
    plaintext = canonical_bytes({**{k: facts[k] for k in FACTS},
                                 "journal_key": base64.b64encode(journal_key).decode()})
    sealed = centre.seal(plaintext, _info(attempt_id))
    return {"format": GRANT_FORMAT, "room_key_id": room_key.key_id, "attempt_id": attempt_id,
            "sealed": base64.b64encode(sealed).decode(),
            "signature": base64.b64encode(room_key.sign(_signed(attempt_id, sealed))).decode()}


def open_grant(grant: Any, rooms: dict[str, Any], centre: RecipientKey) -> OpenedGrant:
    """Verify the room's signature (a room the centre trusts), then open the sealed facts.

    `rooms` maps key id → an identity with `verify_key`, `room_id` and `organisation_code`
    (`Centre.trusted_rooms()`). Raises `GrantError`.
    """
    if not isinstance(grant, dict) or grant.get("format") != GRANT_FORMAT:
        raise GrantError("malformed", "not a journal grant of a known format")
    try:
        attempt_id = str(grant["attempt_id"])
        sealed = base64.b64decode(grant["sealed"], validate=True)
        signature = base64.b64decode(grant["signature"], validate=True)
        room = rooms.get(grant["room_key_id"])
    except (KeyError, TypeError, binascii.Error) as exc:
        raise GrantError("malformed", f"journal grant field unreadable: {exc}") from None
    if room is None:
        raise GrantError("unknown_signer", "the grant is signed by a room the centre does not trust")
    try:
        room.verify_key.verify(signature, _signed(attempt_id, sealed))
    except Exception:  # noqa: BLE001 - cryptography's InvalidSignature and friends
        raise GrantError("bad_signature", "the grant's signature does not verify") from None
    try:
        facts = json.loads(centre.open(sealed, _info(attempt_id)))
        key = base64.b64decode(facts.pop("journal_key"), validate=True)
    except (SealOpenError, ValueError, KeyError, TypeError, binascii.Error):
        raise GrantError("wrong_recipient", "the grant is not sealed to this centre") from None
    if facts.get("attempt_id") != attempt_id or any(k not in facts for k in FACTS):
        raise GrantError("malformed", "the sealed facts do not match the grant")
    if (facts["room_id"], facts["organisation_code"]) != (room.room_id, room.organisation_code):
        raise GrantError("unknown_signer", "the grant names another room or organisation than "
                                           "the key that signed it")
    return OpenedGrant(facts, key, str(grant["room_key_id"]))


def export_bytes(grant: dict[str, Any], journal: bytes) -> bytes:
    """One candidate's journal export file (what the USB stick carries)."""
    return canonical_bytes({"format": EXPORT_FORMAT, "grant": grant,
                            "journal": base64.b64encode(journal).decode()})


def read_export(raw: bytes) -> tuple[dict[str, Any], bytes]:
    """The grant and the journal bytes of an export file; `GrantError` when it is not one."""
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            raise ValueError("format")
        return doc["grant"], base64.b64decode(doc["journal"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise GrantError("malformed", "not a journal export file (cbt-journal-export-1)") from None
