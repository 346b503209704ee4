"""The result bundle: what a room sends to the centre after the test.

    envelope = {"format": "cbt-result-bundle/2",
                "manifest": b64(canonical manifest bytes),
                "signature": b64(Ed25519 by the room's key over the manifest bytes),
                "key_id": the room key's id,
                "payload": b64(HPKE sealed to the centre's key)}

The manifest names the bundle, the centre, the room, the sequence number, the time, the recipient
key, and the size and SHA-256 of the sealed payload and the count of each part inside. The payload
is zlib-compressed canonical JSON of the parts. The reader checks, in this order, and trusts
nothing before its check: envelope shape → signer known → signature → recipient → payload size and
hash → HPKE open → bounded decompression → parts match the manifest's counts.

Format 2 dropped format 1's SHA-256 of each part (over its canonical JSON): the signed hash of the
sealed payload and the AEAD of HPKE already authenticate every byte inside, and re-making each
part's canonical form to hash it was a sixth of the centre's ingest (docs/bundle-format.md). A
format 1 bundle is still read, its part hashes still checked; only format 2 is written.
"""

from __future__ import annotations

import base64
import json
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson

from common import audit_chain
from common.bounded_json import read_bounded
from common.canonical import canonical_bytes, sha256_hex
from common.crypto.sealing import RecipientKey, RecipientPublicKey, SealOpenError
from common.crypto.signing import SignatureInvalid, SigningKey, VerifyKey

FORMAT = "cbt-result-bundle/2"  # what is written
FORMAT_1 = "cbt-result-bundle/1"  # still read: its manifest also hashes each part
READABLE = (FORMAT_1, FORMAT)
PARTS = ("attempts", "attendance", "acts", "incidents", "audit", "survey")
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_PAYLOAD_PLAIN_BYTES = 512 * 1024 * 1024


class BundleError(Exception):
    """A bundle is refused. `code` is a stable machine-readable reason."""

    code = "malformed"


class BundleMalformed(BundleError):
    code = "malformed"


class UnknownSigner(BundleError):
    code = "unknown_signer"


class BadSignature(BundleError):
    code = "bad_signature"


class WrongRecipient(BundleError):
    code = "wrong_recipient"


class WrongOrganisation(BundleError):
    """A room's bundle names an organisation other than the one the centre trusted it for."""

    code = "wrong_organisation"


class PayloadMismatch(BundleError):
    code = "payload_mismatch"


class PayloadUnreadable(BundleError):
    code = "payload_unreadable"


class TooLarge(BundleError):
    code = "too_large"


@dataclass(frozen=True)
class RoomIdentity:
    room_id: str
    organisation_code: str
    verify_key: VerifyKey


@dataclass(frozen=True)
class OpenedBundle:
    manifest: dict[str, Any]
    parts: dict[str, list[dict[str, Any]]]
    sha256: str  # of the whole file: the bundle's identity for de-duplication


def seal_bundle(
    parts: dict[str, list[dict[str, Any]]],
    *,
    signer: SigningKey,
    recipient: RecipientPublicKey,
    centre_id: str,
    room_id: str,
    organisation_code: str,
    sequence: int,
    created_at: datetime | None = None,
    bundle_id: str | None = None,
) -> bytes:
    missing = [p for p in PARTS if p not in parts]
    if missing:
        raise ValueError(f"bundle parts missing: {missing}")
    bundle_id = bundle_id or str(uuid.uuid4())
    created_at = created_at or datetime.now(timezone.utc)
    plain = canonical_bytes({p: parts[p] for p in PARTS})
    info = _info(FORMAT, bundle_id, recipient.key_id)
    sealed = recipient.seal(zlib.compress(plain, 6), info)
    manifest = {
        "format": FORMAT,
        "bundle_id": bundle_id,
        "centre_id": centre_id,
        "room_id": room_id,
        "organisation_code": organisation_code,
        "sequence": sequence,
        "created_at": created_at.astimezone(timezone.utc).isoformat(),
        "recipient_key_id": recipient.key_id,
        "payload": {"size": len(sealed), "sha256": sha256_hex(sealed)},
        "contents": {p: {"count": len(parts[p])} for p in PARTS},
        # the room's audit log as it stood, signed: the centre checks the next bundle still holds it
        "audit_checkpoint": audit_chain.checkpoint(parts["audit"]),
    }
    manifest_bytes = canonical_bytes(manifest)
    return canonical_bytes(
        {
            "format": FORMAT,
            "manifest": _b64(manifest_bytes),
            "signature": _b64(signer.sign(manifest_bytes)),
            "key_id": signer.key_id,
            "payload": _b64(sealed),
        }
    )


def open_bundle(
    raw: bytes,
    *,
    rooms: dict[str, RoomIdentity],
    centre_key: RecipientKey,
    centre_id: str,
) -> OpenedBundle:
    if len(raw) > MAX_BUNDLE_BYTES:
        raise TooLarge(f"bundle is {len(raw)} bytes, more than {MAX_BUNDLE_BYTES}")
    try:
        envelope = orjson.loads(raw)
        if not isinstance(envelope, dict) or envelope.get("format") not in READABLE:
            raise BundleMalformed(f"not a result bundle of format {' or '.join(READABLE)}")
        version = envelope["format"]
        manifest_bytes = base64.b64decode(envelope["manifest"], validate=True)
        signature = base64.b64decode(envelope["signature"], validate=True)
        key_id = str(envelope["key_id"])
        sealed = base64.b64decode(envelope["payload"], validate=True)
    except BundleError:
        raise
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise BundleMalformed("the bundle file is malformed or truncated") from exc

    room = rooms.get(key_id)
    if room is None:
        raise UnknownSigner(f"the bundle is signed by key {key_id}, which no registered room holds")
    try:
        room.verify_key.verify(signature, manifest_bytes)
    except SignatureInvalid as exc:
        raise BadSignature("the bundle's signature does not verify: it was altered or forged") from exc

    manifest = _signed_manifest(manifest_bytes, version)
    if manifest.get("room_id") != room.room_id:
        raise BadSignature(f"room {room.room_id}'s key signed a manifest for {manifest.get('room_id')}")
    if manifest["organisation_code"] != room.organisation_code:
        raise WrongOrganisation(f"room {room.room_id} is trusted for organisation {room.organisation_code}, "
                                f"its bundle names {manifest['organisation_code']}")
    if manifest.get("centre_id") != centre_id or manifest.get("recipient_key_id") != centre_key.public.key_id:
        raise WrongRecipient("the bundle is addressed to another centre or another centre key")
    if manifest["payload"]["size"] != len(sealed) or manifest["payload"]["sha256"] != sha256_hex(sealed):
        raise PayloadMismatch("the payload does not match the signed manifest")

    try:
        compressed = centre_key.open(sealed, _info(version, manifest["bundle_id"],
                                                   manifest["recipient_key_id"]))
    except SealOpenError as exc:
        raise PayloadUnreadable(str(exc)) from exc
    plain = _bounded_decompress(compressed)
    try:  # orjson: a third of the time of json's parse of the ~50 MB of a thousand attempts
        parts, hashes = orjson.loads(plain), None
    except ValueError:
        # Not JSON, or nested deeper than the parser's stack (orjson stops at 1024 levels, json
        # near 1000): read it with every too-deep value cut off, so that the attempt holding it is
        # refused on its own.
        try:
            parts, hashes = read_bounded(plain)
        except (ValueError, RecursionError) as exc:
            raise PayloadUnreadable("the payload is not JSON") from exc
    if not isinstance(parts, dict):
        raise PayloadMismatch("the payload is not a set of named parts")
    for name in PARTS:
        declared = manifest["contents"][name]
        actual = parts.get(name)
        if (
            not isinstance(actual, list)
            or len(actual) != declared["count"]
            or (version == FORMAT_1
                and (hashes[name] if hashes is not None and name in hashes
                     else sha256_hex(canonical_bytes(actual))) != declared["sha256"])
        ):
            raise PayloadMismatch(f"part {name!r} does not match the manifest")
    return OpenedBundle(manifest=manifest, parts=parts, sha256=sha256_hex(raw))


def _bounded_decompress(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_PLAIN_BYTES)
    except zlib.error as exc:
        raise PayloadUnreadable("the payload does not decompress") from exc
    if inflater.unconsumed_tail or (not inflater.eof and len(out) >= MAX_PAYLOAD_PLAIN_BYTES):
        raise TooLarge(f"the payload expands past {MAX_PAYLOAD_PLAIN_BYTES} bytes")
    if not inflater.eof:
        raise PayloadUnreadable("the payload's compressed stream is incomplete")
    return out


def _signed_manifest(manifest_bytes: bytes, version: str) -> dict[str, Any]:
    """The manifest a known room signed, refused as malformed unless every field has its shape
    (format 1 also hashes each part) and it names the envelope's format (which is not signed)."""
    try:
        manifest = json.loads(manifest_bytes)
        ok = (
            isinstance(manifest, dict)
            and manifest.get("format") == version
            and all(
                isinstance(manifest.get(k), str)
                for k in ("bundle_id", "centre_id", "room_id", "organisation_code", "created_at",
                          "recipient_key_id")
            )
            and type(manifest.get("sequence")) is int
            and type(manifest["payload"]["size"]) is int
            and isinstance(manifest["payload"]["sha256"], str)
            and all(
                type(manifest["contents"][p]["count"]) is int
                and (version != FORMAT_1 or isinstance(manifest["contents"][p]["sha256"], str))
                for p in PARTS
            )
        )
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise BundleMalformed("the signed manifest is malformed") from exc
    if not ok:
        raise BundleMalformed("the signed manifest is malformed")
    return manifest


def _info(version: str, bundle_id: str, recipient_key_id: str) -> bytes:
    return f"{version}|{bundle_id}|{recipient_key_id}".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
