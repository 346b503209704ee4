"""The centre's own state: its keys, its database, its trusted rooms and the packages it built."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.bundle import RoomIdentity
from common.canonical import canonical_bytes
from common.crypto.sealing import RecipientKey
from common.crypto.signing import SigningKey, VerifyKey, write_secret
from common.content.payload import ExamPayload, payload_from_dict
from common.domain.exam import ExamContent, content_to_dict
from common.durable import make_private, write_durably
from common.package import build_package, new_start_code
from common.storage.base import session_factory, sqlite_url
from common.storage.central_models import CentralPackage, TrustedRoom
from common.storage.migrate import upgrade


class Centre:
    def __init__(self, data_dir: Path, database_url: str | None = None):
        self.root = Path(data_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.engine = upgrade(database_url or sqlite_url(self.root / "central.sqlite3"), "central")
        make_private(self.root, self.root / "central.sqlite3")  # 0700 / 0600
        self._sessions = session_factory(self.engine)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    # --- keys ---------------------------------------------------------------------------------

    @property
    def _config_path(self) -> Path:
        return self.root / "centre.json"

    def init(self, centre_id: str) -> dict[str, Any]:
        """Make the centre's keys once. The staff token is shown only on the first run."""
        keys = self.root / "keys"
        info: dict[str, Any] = {}
        if not (keys / "centre-signing.key").exists():
            SigningKey.generate().save(keys / "centre-signing.key")
            RecipientKey.generate().save(keys / "centre-recipient.key")
            token = secrets.token_urlsafe(32)
            write_secret(keys / "staff-token.sha256", hashlib.sha256(token.encode()).hexdigest().encode())
            write_durably(self._config_path, canonical_bytes({"centre_id": centre_id}))
            info["staff_token"] = token
        return {**self.public_info(), **info}

    def staff_token_valid(self, token: str | None) -> bool:
        """The centre's staff API (personal results, reports) needs the staff token."""
        if not token:
            return False
        expected = (self.root / "keys" / "staff-token.sha256").read_bytes().decode()
        return hmac.compare_digest(expected, hashlib.sha256(token.encode()).hexdigest())

    @property
    def centre_id(self) -> str:
        return json.loads(self._config_path.read_text())["centre_id"]

    @property
    def signing_key(self) -> SigningKey:
        return SigningKey.load(self.root / "keys" / "centre-signing.key")

    @property
    def recipient_key(self) -> RecipientKey:
        return RecipientKey.load(self.root / "keys" / "centre-recipient.key")

    def public_info(self) -> dict[str, Any]:
        """What a room is configured with: whose packages to trust, to whom to seal results."""
        sign = self.signing_key
        return {
            "centre_id": self.centre_id,
            "centre_sign_keys": {sign.key_id: sign.verify_key.to_b64()},
            "centre_recipient_key": self.recipient_key.public.to_b64(),
        }

    # --- rooms and packages -------------------------------------------------------------------

    def trust_room(self, room_id: str, organisation_code: str, verify_key_b64: str) -> str:
        key = VerifyKey.from_b64(verify_key_b64)
        with self.tx() as s:
            if s.get(TrustedRoom, key.key_id) is None:
                s.add(TrustedRoom(key_id=key.key_id, room_id=room_id,
                                  organisation_code=organisation_code, verify_key_b64=verify_key_b64))
        return key.key_id

    def trusted_rooms(self) -> dict[str, RoomIdentity]:
        with self.read() as s:
            return {
                r.key_id: RoomIdentity(r.room_id, r.organisation_code, VerifyKey.from_b64(r.verify_key_b64))
                for r in s.scalars(select(TrustedRoom))
            }

    def make_package(self, content: ExamContent | ExamPayload, organisation_code: str, out: Path,
                     kdf_memory_kib: int = 65536) -> dict[str, Any]:
        """The one way a package is built (make-package, package build, room-kit): sealed,
        signed, recorded with its keys and start code."""
        package_id = f"PKG-{organisation_code}-{uuid.uuid4().hex[:8]}"
        start_code = new_start_code()
        raw = build_package(content, self.signing_key, start_code, package_id, organisation_code,
                            kdf_memory_kib=kdf_memory_kib)
        write_durably(out, raw)
        with self.tx() as s:
            stored = (canonical_bytes(content.to_dict()).decode("utf-8") if isinstance(content, ExamPayload)
                      else json.dumps(content_to_dict(content, with_keys=True), ensure_ascii=False))
            s.add(CentralPackage(package_id=package_id, organisation_code=organisation_code,
                                 content_json=stored,
                                 start_code=self.seal_start_code(start_code, package_id)))
        return {"package_id": package_id, "path": str(out), "start_code": start_code}

    def package_payload(self, package_id: str) -> ExamPayload | None:
        """Every variant of a package the centre built, with the keys: each student is scored
        with the variant they sat."""
        with self.read() as s:
            row = s.get(CentralPackage, package_id)
        return None if row is None else payload_from_dict(json.loads(row.content_json))

    # --- start codes: never in the database as they are ------------------------------------------

    def _data_key(self) -> bytes:
        path = self.root / "keys" / "centre-data.key"
        if not path.exists():
            write_secret(path, os.urandom(32))
        return path.read_bytes()

    def seal_start_code(self, start_code: str, package_id: str) -> str:
        """The start code as the database keeps it: AES-256-GCM under the centre's data key (a file
        of the key folder, 0600), bound to its package; a copy of the database alone does not
        hold it (issue 15). `central-scorer start-code` opens it to print the sealed notice."""
        nonce = os.urandom(12)
        sealed = AESGCM(self._data_key()).encrypt(nonce, start_code.encode(), package_id.encode())
        return "sealed:" + base64.b64encode(nonce + sealed).decode()

    def start_code_of(self, stored: str, package_id: str) -> str:
        if not stored.startswith("sealed:"):
            raise ValueError(f"package {package_id}'s start code was not kept: make a new package")
        raw = base64.b64decode(stored[len("sealed:"):])
        return AESGCM(self._data_key()).decrypt(raw[:12], raw[12:], package_id.encode()).decode()

    def package_organisation(self, package_id: str) -> str | None:
        """The organisation the centre made a package for (its records, not the bundle's word)."""
        with self.read() as s:
            row = s.get(CentralPackage, package_id)
        return None if row is None else row.organisation_code

    def package_content(self, package_id: str) -> ExamContent | None:
        """A package's first variant (what all its variants share: sections, duration)."""
        payload = self.package_payload(package_id)
        return None if payload is None else payload.first

    def package_payloads(self) -> dict[str, ExamPayload]:
        with self.read() as s:
            return {p.package_id: payload_from_dict(json.loads(p.content_json))
                    for p in s.scalars(select(CentralPackage))}


def variant_of(payloads: dict[str, ExamPayload], package_id: str | None,
               exam_id: str | None) -> ExamContent | None:
    """The variant a result was sat on (a result from before variants: the package's first)."""
    payload = payloads.get(package_id or "")
    if payload is None:
        return None
    if exam_id is None:
        return payload.first
    try:
        return payload.by_exam_id(exam_id)
    except KeyError:
        return None
