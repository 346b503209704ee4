"""Revocation lists from the centre (§15): a cancelled territory's package stays shut in the room.

The centre signs a list (``cbt-revocation/1``, docs/campaign.md) naming the organisations and the
package ids of a region or district where the monitoring is not held. The representative imports
it (``POST /api/v1/proctor/revocations``, or ``import_revocation`` from the desk); the room keeps
each list in its ``settings`` table under ``revocation:<id>`` and the start (package.py) asks
``ensure_not_revoked`` before it opens a package. A package is refused when its id is listed, or
when this room's organisation is listed and the package is for the campaign's grade (so a package
made after the decision is refused too).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import select

from common.canonical import canonical_bytes
from common.crypto.signing import SignatureInvalid, VerifyKey
from common.package import ExamPackage
from common.storage.room_models import Setting
from proctor_console.room import audit
from proctor_console.room.configuration import centre_keys
from proctor_console.room.errors import RoomError
from proctor_console.room.store import RoomStore

FORMAT = "cbt-revocation/1"
SETTING_PREFIX = "revocation:"
MAX_SIZE = 4 * 1024 * 1024


class RevocationRefused(RoomError):
    """The file is not a revocation list the centre signed."""

    status = 400
    code = "revocation_refused"


class PackageRevoked(RoomError):
    """The centre cancelled the monitoring here: this package must not be opened."""

    status = 409
    code = "package_revoked"


def read_revocation(raw: bytes, centre_keys: dict[str, VerifyKey]) -> dict[str, Any]:
    """Verify before trusting: the signature is checked before the document is parsed."""
    if len(raw) > MAX_SIZE:
        raise RevocationRefused("the revocation list is too large")
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
            raise RevocationRefused(f"not a revocation list (format {FORMAT} expected)")
        body = base64.b64decode(envelope["document"], validate=True)
        signature = base64.b64decode(envelope["signature"], validate=True)
        key_id = str(envelope["key_id"])
    except RevocationRefused:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise RevocationRefused("the revocation list is malformed") from None
    key = centre_keys.get(key_id)
    if key is None:
        raise RevocationRefused(f"the revocation list is signed by an unknown key {key_id}")
    try:
        key.verify(signature, body)
    except SignatureInvalid:
        raise RevocationRefused("the revocation list's signature does not verify: refused") from None
    try:
        document = json.loads(body)
        if canonical_bytes(document) != body:
            raise ValueError("not canonical")
        if document["format"] != FORMAT:
            raise ValueError("another kind of document")
        lists = (document["organisations"], document["package_ids"])
        checks = (
            isinstance(document["revocation_id"], str),
            all(isinstance(x, list) and all(isinstance(v, str) for v in x) for x in lists),
            isinstance(document["campaign"]["grade"], str),
            isinstance(document["scope"]["region"], str),
            isinstance(document["basis"]["reference"], str),
        )
        if not all(checks):
            raise ValueError("fields of the wrong type")
    except (ValueError, KeyError, TypeError) as exc:
        raise RevocationRefused(f"the signed revocation document is malformed ({exc})") from None
    return document


def summary(document: dict[str, Any], organisation_code: str | None) -> dict[str, Any]:
    return {
        "revocation_id": document["revocation_id"],
        "campaign": document["campaign"],
        "scope": document["scope"],
        "basis": document["basis"],
        "organisations": len(document["organisations"]),
        "package_ids": document["package_ids"],
        "applies_to_this_room": organisation_code in document["organisations"],
    }


def import_revocation(room: RoomStore, raw: bytes, actor: str) -> dict[str, Any]:
    """Check the centre's signature, then keep the list; importing the same list twice is harmless."""
    document = read_revocation(raw, centre_keys(room))
    name = SETTING_PREFIX + document["revocation_id"]
    organisation = room.setting("organisation_code")
    with room.tx() as s:
        if s.get(Setting, name) is None:
            s.add(Setting(name=name, value=raw.decode("utf-8")))
            audit.record(s, actor, "revocation_imported", revocation_id=document["revocation_id"],
                         applies=organisation in document["organisations"],
                         package_ids=document["package_ids"])
    return summary(document, organisation)


def revocations(room: RoomStore) -> list[dict[str, Any]]:
    """Every stored list, checked again (a list edited in the database would fail here)."""
    with room.read() as s:
        raws = [row.value for row in s.scalars(
            select(Setting).where(Setting.name.like(SETTING_PREFIX + "%")).order_by(Setting.name))]
    keys = centre_keys(room)
    return [read_revocation(raw.encode("utf-8"), keys) for raw in raws]


def ensure_not_revoked(room: RoomStore, package: ExamPackage) -> None:
    """Raise PackageRevoked when a stored revocation list covers ``package`` in this room."""
    organisation = room.setting("organisation_code")
    grade = str(package.manifest.get("exam", {}).get("grade", ""))
    for document in revocations(room):
        listed = package.package_id in document["package_ids"]
        ours = organisation in document["organisations"] and grade == document["campaign"]["grade"]
        if listed or ours:
            scope = document["scope"]
            where = scope["region"] + (f" / {scope['district']}" if scope.get("district") else "")
            basis = document["basis"]
            raise PackageRevoked(
                f"package {package.package_id} is revoked: the monitoring in {where} is cancelled "
                f"(§15; {basis['reference']}, {basis['decided_on']}); it must not be opened",
                revocation_id=document["revocation_id"], package_id=package.package_id,
                scope=scope, basis=basis)
