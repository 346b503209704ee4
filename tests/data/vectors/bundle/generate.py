"""Rewrite the result-bundle test vectors in this folder.

    .venv/bin/python tests/data/vectors/bundle/generate.py

HPKE sealing is randomised (a fresh ephemeral key each time), so a run writes new bytes every
time. `golden-v1.bundle` (with `golden-v1.expected.json`) is a bundle of format 1, written before
format 2 dropped the per-part hashes; it is kept, never rewritten, to show that format 1 is still
read. What stays fixed is everything the inputs below decide: the manifest apart from its
`payload` size and hash, and the parts the bundle opens to. `tests/common/test_common_bundle.py`
regenerates those and compares them with the stored files, checks that the stored golden bundle
still opens to exactly `golden.expected.json`, and that every file in `negative/` is refused with
the error code its name starts with (`<code>.<what is wrong>.bundle`), one failure per vector.

Vectors that a byte edit of the golden file makes (flipped bytes, truncation, a foreign file) are
pure functions of `golden.bundle`, so the test rebuilds them from the stored golden and compares
bytes. Vectors that need a fresh seal (another signer, another centre, a zlib bomb, payloads the
public API will not produce) are built here by hand from the same primitives; the test checks
that the hand builder makes an acceptable bundle when given honest inputs.
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script from anywhere in the checkout
    sys.path.insert(0, str(HERE.parents[3]))

from common import audit_chain, bundle  # noqa: E402
from common.canonical import canonical_bytes, sha256_hex  # noqa: E402
from common.crypto.sealing import RecipientKey  # noqa: E402
from common.crypto.signing import SigningKey  # noqa: E402

GOLDEN = HERE / "golden.bundle"
EXPECTED = HERE / "golden.expected.json"
GOLDEN_V1 = HERE / "golden-v1.bundle"  # format 1: kept, not rewritten
EXPECTED_V1 = HERE / "golden-v1.expected.json"
NEGATIVE = HERE / "negative"

# --- fixed inputs ------------------------------------------------------------------------------

ROOM_SEED = b"bbzhm test vectors: room R-ALM-017-3"
CENTRE_SEED = b"bbzhm test vectors: centre KZ-NTC-2026"
OTHER_CENTRE_SEED = b"bbzhm test vectors: another centre"
STRANGER_SEED = b"bbzhm test vectors: a key no room holds"

CENTRE_ID = "KZ-NTC-2026"
OTHER_CENTRE_ID = "KZ-NTC-TRAINING"
ROOM_ID = "R-ALM-017-3"
OTHER_ROOM_ID = "R-ALM-017-4"
ORGANISATION_CODE = "750017"
SEQUENCE = 3
BUNDLE_ID = "0b7f3c1e-5d2a-4c8e-9f10-6a4b2d8e7c31"
# Almaty time; the manifest must carry it as UTC.
CREATED_AT = datetime(2026, 4, 15, 14, 42, 7, tzinfo=timezone(timedelta(hours=5)))
CREATED_AT_UTC = "2026-04-15T09:42:07+00:00"

PACKAGE_ID = "PKG-2026-G4-KK-A"
# Only MAX_PAYLOAD_PLAIN_BYTES is lowered to this when the zlib bomb is opened.
BOMB_LIMIT = 1024 * 1024
BOMB_PLAIN_BYTES = 2 * BOMB_LIMIT

PARTS: dict[str, list[dict[str, Any]]] = {
    "attempts": [
        {
            "attempt_id": "att-017-3-0001",
            "individual_code": "K4-7Q2M",
            "package_id": PACKAGE_ID,
            "exam_id": "grade4-v1-kk-02",
            "permutation": {"format": "cbt-permutation/1", "exam_id": "grade4-v1-kk-02",
                            "student": "K4-7Q2M",
                            "sections": {"reading": ["r1", "m1"], "science": ["n1"]},
                            "items": {"r1": {"options": ["c", "a", "b", "d"]},
                                      "m1": {"options": ["b", "d", "a", "c"]}}},
            "workstation_id": "ws-01",
            "status": "finished",
            "started_at": "2026-04-15T04:05:00+00:00",
            "deadline_at": "2026-04-15T05:25:00+00:00",
            "finished_at": "2026-04-15T05:25:31+00:00",  # closed by the room at its time
            "logins": 1,
            "room_score": 2.5,
            "max_score": 4.0,
            "void_reason": None,
            "responses": [
                {"seq": 1, "item_id": "r1", "answer": "b", "client_ts": 1776225960.0,
                 "received_at": "2026-04-15T04:06:00+00:00"},
                {"seq": 2, "item_id": "m1", "answer": ["a", "c"], "client_ts": 1776226020.5,
                 "received_at": "2026-04-15T04:07:01+00:00"},
                {"seq": 3, "item_id": "n1", "answer": "3,5", "client_ts": 1776226100.25,
                 "received_at": "2026-04-15T04:08:20+00:00"},
                # arrived after the time from a kiosk that was offline; the representative
                # accepted it (issue 15: proctor_console/room/late_answers.py)
                {"seq": 4, "item_id": "n1", "answer": "3,5", "client_ts": 1776230640.0,
                 "received_at": "2026-04-15T05:26:05+00:00", "late_accepted": True},
            ],
        },
        {
            "attempt_id": "att-017-3-0002",
            "individual_code": "K4-9WDX",
            "package_id": PACKAGE_ID,
            "exam_id": "grade4-v1-kk-01",
            "permutation": None,
            "workstation_id": "ws-02",
            "status": "voided",
            "started_at": "2026-04-15T04:05:30+00:00",
            "deadline_at": "2026-04-15T05:25:30+00:00",
            "finished_at": "2026-04-15T04:40:00+00:00",
            "logins": 2,
            "room_score": 0.0,
            "max_score": 4.0,
            "void_reason": "confiscation",
            "responses": [],
        },
    ],
    "attendance": [
        {"individual_code": "K4-7Q2M", "full_name": "Сәрсенбаева Әйгерім Нұрланқызы", "seat": 1,
         "grade": "4", "class": "Ә", "language": "kk", "attendance": "present",
         "absence_reason": None},
        {"individual_code": "K4-9WDX", "full_name": "Қожахметов Ерасыл Серікұлы", "seat": 2,
         "grade": "4", "class": "Ә", "language": "kk", "attendance": "present",
         "absence_reason": None},
        {"individual_code": "K4-3HFT", "full_name": "Үсенова Іңкәр Ерланқызы", "seat": 3,
         "grade": "4", "class": "Ә", "language": "kk", "attendance": "absent",
         "absence_reason": "ауырып қалды (анықтама бар)"},
    ],
    "acts": [
        {"number": "R-ALM-017-3/1", "kind": "confiscation", "individual_code": "K4-9WDX",
         "data": {"object": "ұялы телефон", "time": "09:40"}, "pdf_sha256": "0" * 64, "pdf": ""},
    ],
    "incidents": [],
    "audit": [
        {"seq": 1, "at": "2026-04-15T03:50:00+00:00", "actor": "rep", "action": "room_opened"},
        {"seq": 2, "at": "2026-04-15T09:42:07+00:00", "actor": "rep", "action": "bundle_sealing"},
    ],
    # Anonymous: the questionnaire and the answers only, sorted by the answers (no date, no order).
    "survey": [
        {"questionnaire": "student-2026",
         "answers": {"equipment": 2, "feel_safe": 5, "lessons_interesting": None,
                     "teachers_explain": 4, "test_clear": 3, "useful_for_life": 4}},
        {"questionnaire": "student-2026",
         "answers": {"equipment": 4, "feel_safe": 4, "lessons_interesting": 5,
                     "teachers_explain": 5, "test_clear": 5, "useful_for_life": 5}},
    ],
}


def _before_late_answers(parts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The parts as a room wrote them before late answers were held (issue 15): format 1's vector."""
    v1 = json.loads(json.dumps(parts))
    first = v1["attempts"][0]
    first["responses"] = [r for r in first["responses"] if not r.get("late_accepted")]
    first["finished_at"] = "2026-04-15T05:11:42+00:00"
    return v1


PARTS_V1 = _before_late_answers(PARTS)


def room_key() -> SigningKey:
    return SigningKey.from_seed(ROOM_SEED)


def centre_key() -> RecipientKey:
    return RecipientKey.from_seed(CENTRE_SEED)


def other_centre_key() -> RecipientKey:
    return RecipientKey.from_seed(OTHER_CENTRE_SEED)


def stranger_key() -> SigningKey:
    return SigningKey.from_seed(STRANGER_SEED)


def rooms(room_id: str = ROOM_ID, key: SigningKey | None = None) -> dict[str, bundle.RoomIdentity]:
    """The centre's registry of rooms as the reader takes it: key id -> identity."""
    key = key or room_key()
    return {key.key_id: bundle.RoomIdentity(room_id, ORGANISATION_CODE, key.verify_key)}


def seal(parts: dict[str, list[dict[str, Any]]] = PARTS, **overrides: Any) -> bytes:
    """A bundle through the public API with the fixed inputs, any of them overridden."""
    kwargs: dict[str, Any] = {
        "signer": room_key(),
        "recipient": centre_key().public,
        "centre_id": CENTRE_ID,
        "room_id": ROOM_ID,
        "organisation_code": ORGANISATION_CODE,
        "sequence": SEQUENCE,
        "created_at": CREATED_AT,
        "bundle_id": BUNDLE_ID,
    }
    kwargs.update(overrides)
    return bundle.seal_bundle(parts, **kwargs)


def expected_document(raw: bytes) -> dict[str, Any]:
    """What `open_bundle` must return for a golden file, in JSON form."""
    opened = bundle.open_bundle(raw, rooms=rooms(), centre_key=centre_key(), centre_id=CENTRE_ID)
    return {"manifest": opened.manifest, "parts": opened.parts, "sha256": opened.sha256}


# --- a second, independent writer of the format, for payloads the public API refuses to make --


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hpke_info(bundle_id: str, recipient_key_id: str, version: int = 2) -> bytes:
    # Written out from the format description, not imported, so the two writers check each other.
    return f"cbt-result-bundle/{version}|{bundle_id}|{recipient_key_id}".encode()


def hand_seal(
    *,
    compressed: bytes,
    declared: dict[str, list[dict[str, Any]]] = PARTS,
    info_bundle_id: str = BUNDLE_ID,
    edit_manifest: Callable[[dict[str, Any]], None] | None = None,
    version: int = 2,
) -> bytes:
    """Seal `compressed` as the payload under a manifest that declares the parts `declared`
    (format 2: their counts; format 1: their counts and hashes)."""
    recipient = centre_key().public
    sealed = recipient.seal(compressed, hpke_info(info_bundle_id, recipient.key_id, version))
    manifest: dict[str, Any] = {
        "format": f"cbt-result-bundle/{version}",
        "bundle_id": BUNDLE_ID,
        "centre_id": CENTRE_ID,
        "room_id": ROOM_ID,
        "organisation_code": ORGANISATION_CODE,
        "sequence": SEQUENCE,
        "created_at": CREATED_AT_UTC,
        "recipient_key_id": recipient.key_id,
        "payload": {"size": len(sealed), "sha256": sha256_hex(sealed)},
        "contents": {
            name: {"count": len(declared[name])}
            | ({"sha256": sha256_hex(canonical_bytes(declared[name]))} if version == 1 else {})
            for name in ("attempts", "attendance", "acts", "incidents", "audit", "survey")
        },
    }
    if version == 2:  # the room's audit log as it stood, as bundle.seal signs it (issue 15)
        manifest["audit_checkpoint"] = audit_chain.checkpoint(declared["audit"])
    if edit_manifest is not None:
        edit_manifest(manifest)
    manifest_bytes = canonical_bytes(manifest)
    signer = room_key()
    return canonical_bytes(
        {
            "format": f"cbt-result-bundle/{version}",
            "manifest": _b64(manifest_bytes),
            "signature": _b64(signer.sign(manifest_bytes)),
            "key_id": signer.key_id,
            "payload": _b64(sealed),
        }
    )


def honest_compressed(parts: dict[str, list[dict[str, Any]]] = PARTS) -> bytes:
    return zlib.compress(canonical_bytes(parts), 6)


# --- negative vectors derived byte by byte from the golden file (rebuilt by the test) ---------


def _envelope(raw: bytes) -> dict[str, Any]:
    return json.loads(raw)


def _flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    return data[:index] + bytes([data[index] ^ mask]) + data[index + 1 :]


def flipped_manifest_byte(golden: bytes) -> bytes:
    """The sequence number edited from 3 to 2 inside the signed manifest."""
    env = _envelope(golden)
    manifest = base64.b64decode(env["manifest"])
    at = manifest.index(b'"sequence":3') + len(b'"sequence":')
    env["manifest"] = _b64(_flip(manifest, at))
    return canonical_bytes(env)


def flipped_signature_byte(golden: bytes) -> bytes:
    env = _envelope(golden)
    signature = base64.b64decode(env["signature"])
    env["signature"] = _b64(_flip(signature, 17))
    return canonical_bytes(env)


def flipped_payload_byte(golden: bytes) -> bytes:
    env = _envelope(golden)
    sealed = base64.b64decode(env["payload"])
    env["payload"] = _b64(_flip(sealed, len(sealed) // 2))
    return canonical_bytes(env)


def truncated(golden: bytes) -> bytes:
    return golden[: len(golden) // 2]


def not_json(golden: bytes) -> bytes:
    """A PDF uploaded in place of the bundle."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def other_format(golden: bytes) -> bytes:
    env = _envelope(golden)
    env["format"] = "cbt-result-bundle/9"
    return canonical_bytes(env)


def missing_payload_field(golden: bytes) -> bytes:
    env = _envelope(golden)
    del env["payload"]
    return canonical_bytes(env)


def deeply_nested(golden: bytes) -> bytes:
    """Nesting past the JSON parser's recursion limit: refused, not a crash."""
    return b"[" * 5000 + b"]" * 5000


DERIVED: dict[str, Callable[[bytes], bytes]] = {
    "bad_signature.flipped_manifest_byte": flipped_manifest_byte,
    "bad_signature.flipped_signature_byte": flipped_signature_byte,
    "payload_mismatch.flipped_payload_byte": flipped_payload_byte,
    "malformed.truncated": truncated,
    "malformed.not_json": not_json,
    "malformed.other_format": other_format,
    "malformed.missing_payload_field": missing_payload_field,
    "malformed.deeply_nested": deeply_nested,
}

# --- negative vectors that need a fresh seal ---------------------------------------------------


def _parts_without_one_attempt() -> dict[str, list[dict[str, Any]]]:
    return {**PARTS, "attempts": PARTS["attempts"][:1]}


def _bomb_parts() -> dict[str, list[dict[str, Any]]]:
    padding = "0" * BOMB_PLAIN_BYTES
    return {**PARTS, "audit": [*PARTS["audit"], {"seq": 3, "actor": "rep", "action": "note",
                                                 "detail": padding}]}


def _drop_contents(manifest: dict[str, Any]) -> None:
    del manifest["contents"]


def _parts_with_another_answer() -> dict[str, list[dict[str, Any]]]:
    """The same counts, one answer changed: only a format 1 manifest's part hash tells."""
    first = {**PARTS["attempts"][0], "responses": [{**PARTS["attempts"][0]["responses"][0],
                                                    "answer": "d"},
                                                   *PARTS["attempts"][0]["responses"][1:]]}
    return {**PARTS, "attempts": [first, *PARTS["attempts"][1:]]}


RESEALED: dict[str, Callable[[], bytes]] = {
    "unknown_signer.stranger_key": lambda: seal(signer=stranger_key()),
    "wrong_recipient.other_centre_key": lambda: seal(recipient=other_centre_key().public),
    "wrong_recipient.other_centre_id": lambda: seal(centre_id=OTHER_CENTRE_ID),
    "bad_signature.room_id_mismatch": lambda: seal(room_id=OTHER_ROOM_ID),
    "too_large.zlib_bomb": lambda: seal(_bomb_parts()),
    # The manifest declares two attempts; the payload holds one.
    "payload_mismatch.part_counts": lambda: hand_seal(
        compressed=honest_compressed(_parts_without_one_attempt())
    ),
    "payload_unreadable.sealed_for_another_bundle_id": lambda: hand_seal(
        compressed=honest_compressed(), info_bundle_id="another-bundle-id"
    ),
    "payload_unreadable.not_zlib": lambda: hand_seal(compressed=canonical_bytes(PARTS)),
    "payload_unreadable.truncated_zlib": lambda: hand_seal(compressed=honest_compressed()[:-40]),
    "payload_unreadable.not_json": lambda: hand_seal(
        compressed=zlib.compress("нәтижелер: not JSON".encode())
    ),
    "malformed.signed_manifest_without_contents": lambda: hand_seal(
        compressed=honest_compressed(), edit_manifest=_drop_contents
    ),
    # Format 1 (still read): its manifest hashes each part, and a part that differs is refused.
    "payload_mismatch.v1_part_hash": lambda: hand_seal(
        compressed=honest_compressed(_parts_with_another_answer()), version=1
    ),
    # A signed manifest of format 2 under an envelope that says format 1 (the label is unsigned).
    "malformed.v2_manifest_in_a_v1_envelope": lambda: _relabelled_envelope(),
}


def _relabelled_envelope() -> bytes:
    env = json.loads(hand_seal(compressed=honest_compressed()))
    env["format"] = "cbt-result-bundle/1"
    return canonical_bytes(env)


def main() -> None:
    golden = seal()
    GOLDEN.write_bytes(golden)
    EXPECTED.write_text(
        json.dumps(expected_document(golden), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    NEGATIVE.mkdir(exist_ok=True)
    for old in NEGATIVE.glob("*.bundle"):
        old.unlink()
    for name, derive in DERIVED.items():
        (NEGATIVE / f"{name}.bundle").write_bytes(derive(golden))
    for name, build in RESEALED.items():
        (NEGATIVE / f"{name}.bundle").write_bytes(build())
    print(f"wrote {GOLDEN.name}, {EXPECTED.name} and {len(DERIVED) + len(RESEALED)} negative vectors")


if __name__ == "__main__":
    main()
