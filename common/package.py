"""The exam package: what the centre sends to a school before the day.

The payload — the variants with their keys, the specification they were assembled from, the seed
of per-student permutations (`common.content.payload`) — is encrypted with a random content key
(AES-256-GCM). That key is
wrapped with a key derived by Argon2id from the *start code*, a short code released on the morning
of the test: a package that leaks before the start is useless. The manifest — public metadata, the
ciphertexts and the KDF parameters — is signed by the centre (Ed25519), so the room refuses any
package the centre did not make.

File form (JSON): {"format": "cbt-exam-package/1", "manifest": b64(canonical manifest bytes),
"signature": b64, "key_id": centre signing key id}. Before the start code the package reveals only
its public header (`manifest["exam"]`, `manifest["header"]`): ids, titles, languages, counts.

Refusals are distinct, so the person at the desk knows what happened: `WrongStartCode` (the code
typed is not this package's), `WrongSigner` (signed by a key this room does not trust),
`PackageTampered` (a byte changed: the signature does not verify, or a ciphertext does not
decrypt), `PackageMalformed` (not a package at all).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from common.canonical import canonical_bytes, sha256_hex
from common.crypto.signing import SignatureInvalid, SigningKey, VerifyKey
from common.content.payload import ExamPayload, payload_from_dict
from common.domain.content_model import ContentError
from common.domain.exam import ExamContent

FORMAT = "cbt-exam-package/1"
_START_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class PackageError(Exception):
    """The package is refused; the message says why."""


class WrongStartCode(PackageError):
    """The start code does not open this package."""


class WrongSigner(PackageError):
    """The package is signed by a key this room does not trust."""


class PackageTampered(PackageError):
    """A byte of the package was changed after the centre signed or sealed it."""


class PackageMalformed(PackageError):
    """The file is not an exam package."""


@dataclass(frozen=True)
class ExamPackage:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    raw: bytes  # the file as received

    @property
    def package_id(self) -> str:
        return self.manifest["package_id"]

    @property
    def sha256(self) -> str:
        return sha256_hex(self.raw)

    def open(self, start_code: str) -> tuple[ExamContent, bytes]:
        """Decrypt with the start code; return the (first variant's) content and the content key."""
        content_key = self.content_key(start_code)
        return self.open_with_key(content_key), content_key

    def content_key(self, start_code: str) -> bytes:
        """The content key, released by the start code."""
        kdf = self.manifest["key_wrap"]
        kek = _kek(start_code, base64.b64decode(kdf["salt"]), kdf)
        try:
            content_key = AESGCM(kek).decrypt(
                base64.b64decode(kdf["nonce"]),
                base64.b64decode(kdf["wrapped_key"]),
                self.package_id.encode(),
            )
        except InvalidTag as exc:
            raise WrongStartCode("the start code does not open this package") from exc
        return content_key

    def open_with_key(self, content_key: bytes) -> ExamContent:
        """The first variant (what a room that serves one test to everyone uses)."""
        return self.open_payload(content_key).first

    def open_all(self, start_code: str) -> tuple[ExamPayload, bytes]:
        """Every variant, the specification and the seeds; and the content key."""
        content_key = self.content_key(start_code)
        return self.open_payload(content_key), content_key

    def open_payload(self, content_key: bytes) -> ExamPayload:
        body = self.manifest["content"]
        try:
            plain = AESGCM(content_key).decrypt(
                base64.b64decode(body["nonce"]),
                base64.b64decode(body["ciphertext"]),
                self.package_id.encode(),
            )
        except InvalidTag as exc:
            raise PackageTampered("the content key does not open this package: the key is wrong "
                                  "or the ciphertext was changed") from exc
        if sha256_hex(plain) != body.get("sha256"):
            raise PackageTampered("the content does not match the hash the centre signed")
        try:
            return payload_from_dict(json.loads(plain))
        except (ValueError, ContentError) as exc:
            raise PackageMalformed(f"the package's content is malformed: {exc}") from exc


def new_start_code() -> str:
    raw = "".join(secrets.choice(_START_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def build_package(
    content: ExamContent | ExamPayload,
    signer: SigningKey,
    start_code: str,
    package_id: str,
    organisation_code: str,
    kdf_memory_kib: int = 65536,
) -> bytes:
    payload = content if isinstance(content, ExamPayload) else ExamPayload.single(content)
    first = payload.first
    content_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    plain = canonical_bytes(payload.to_dict())
    ciphertext = AESGCM(content_key).encrypt(nonce, plain, package_id.encode())
    salt = os.urandom(16)
    kdf = {"algorithm": "argon2id", "iterations": 3, "memory_kib": kdf_memory_kib, "lanes": 1}
    wrap_nonce = os.urandom(12)
    wrapped = AESGCM(_kek(start_code, salt, kdf)).encrypt(
        wrap_nonce, content_key, package_id.encode()
    )
    manifest = {
        "format": FORMAT,
        "package_id": package_id,
        "organisation_code": organisation_code,
        "exam": {
            "exam_id": first.exam_id,
            "title": first.title,
            "grade": first.grade,
            "language": first.language,
            "variant": first.variant,
            "duration_minutes": first.duration_minutes,
            "items": len(first.items),
        },
        "header": {
            "spec_id": first.spec_id,
            "spec_version": (payload.specification or {}).get("version"),
            "languages": payload.languages,
            "variants": len(payload.variants),
        },
        "content": {
            "cipher": "AES-256-GCM",
            "nonce": _b64(nonce),
            "ciphertext": _b64(ciphertext),
            "sha256": sha256_hex(plain),
        },
        "key_wrap": {
            **kdf,
            "salt": _b64(salt),
            "nonce": _b64(wrap_nonce),
            "wrapped_key": _b64(wrapped),
        },
    }
    manifest_bytes = canonical_bytes(manifest)
    envelope = {
        "format": FORMAT,
        "manifest": _b64(manifest_bytes),
        "signature": _b64(signer.sign(manifest_bytes)),
        "key_id": signer.key_id,
    }
    return canonical_bytes(envelope)


def read_package(raw: bytes, centre_keys: dict[str, VerifyKey]) -> ExamPackage:
    """Verify before trusting: the signature is checked before the manifest is parsed."""
    try:
        envelope = json.loads(raw)
        if envelope.get("format") != FORMAT:
            raise PackageMalformed(f"not an exam package of format {FORMAT}")
        manifest_bytes = base64.b64decode(envelope["manifest"], validate=True)
        signature = base64.b64decode(envelope["signature"], validate=True)
        key_id = str(envelope["key_id"])
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise PackageMalformed("the package file is malformed") from exc
    key = centre_keys.get(key_id)
    if key is None:
        raise WrongSigner(f"the package is signed by an unknown key {key_id}: not by the centre "
                          "this room trusts")
    try:
        key.verify(signature, manifest_bytes)
    except SignatureInvalid as exc:
        raise PackageTampered("the package signature does not verify: the file was changed "
                              "after the centre signed it; refused") from exc
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise PackageMalformed("the signed manifest is not JSON") from exc
    return ExamPackage(manifest=manifest, manifest_bytes=manifest_bytes, raw=raw)


def _kek(start_code: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    code = start_code.strip().upper().replace(" ", "")
    return Argon2id(
        salt=salt,
        length=32,
        iterations=int(kdf["iterations"]),
        lanes=int(kdf["lanes"]),
        memory_cost=int(kdf["memory_kib"]),
    ).derive(code.encode())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
