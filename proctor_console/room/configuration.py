"""Setting a room up: its configuration from the centre's room file, the representative, and the
room's own signing key; and the keys of the centre the room trusts."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from common.crypto import passwords
from common.crypto.signing import SigningKey, VerifyKey
from common.storage.room_models import Proctor
from proctor_console.room import audit
from proctor_console.room.errors import RoomError
from proctor_console.room.proctors import check_pin
from proctor_console.room.store import RoomStore

REQUIRED = ("room_id", "organisation_code", "organisation_name", "room_no", "centre_id",
            "centre_sign_keys", "centre_recipient_key", "representative")
OPTIONAL = ("centre_url", "centre_tls_ca")  # where results go, and the CA that vouches for it


def configure(room: RoomStore, config: dict[str, Any]) -> dict[str, Any]:
    """First-time set-up from the room's configuration; returns what the centre must trust."""
    missing = [k for k in REQUIRED if k not in config]
    if missing:
        raise RoomError(f"room configuration is missing {', '.join(missing)}")
    if not room.paths.signing_key.exists():
        SigningKey.generate().save(room.paths.signing_key)
    rep = config["representative"]
    check_pin(str(rep.get("pin", "")))
    with room.tx() as s:
        for name in (*REQUIRED[:-1], *(k for k in OPTIONAL if config.get(k))):
            value = config[name]
            room.set_setting(s, name, value if isinstance(value, str) else json.dumps(value))
        if s.scalar(select(Proctor).where(Proctor.login == rep["login"])) is None:
            s.add(Proctor(login=rep["login"], full_name=rep["full_name"], role="representative",
                          pin_hash=passwords.hash_password(rep["pin"], room.password_params)))
        audit.record(s, "system", "room_configured", room_id=config["room_id"])
    key = signing_key(room)
    return {"room_id": config["room_id"], "organisation_code": config["organisation_code"],
            "key_id": key.key_id, "verify_key": key.verify_key.to_b64()}


def signing_key(room: RoomStore) -> SigningKey:
    """The room's own key: it signs the result bundles."""
    return SigningKey.load(room.paths.signing_key)


def centre_keys(room: RoomStore) -> dict[str, VerifyKey]:
    """The centre's verify keys by key id: packages and revocation lists must carry one of them."""
    keys = json.loads(room.setting("centre_sign_keys") or "{}")
    return {kid: VerifyKey.from_b64(b64) for kid, b64 in keys.items()}
