"""The result bundle (`common/bundle.py`) against its golden and negative vectors.

The vectors live in tests/data/vectors/bundle/ and are rewritten by its generate.py. HPKE is
randomised, so the golden check is: the stored file must still open to exactly the stored
expected JSON, and a fresh seal of the same inputs must give the same manifest apart from the
payload's size and hash. Each negative vector is refused with the code its file name starts with,
and each carries one failure only: the test shows the vector opens once that one thing is put right.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from common import audit_chain, bundle
from common.bundle import BundleError, open_bundle
from common.canonical import canonical_bytes, sha256_hex

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors" / "bundle"
NEGATIVE = VECTORS / "negative"


def _load_generator():
    spec = importlib.util.spec_from_file_location("bundle_vectors_generate", VECTORS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()

NEGATIVE_FILES = sorted(NEGATIVE.glob("*.bundle"))
CODES = {"malformed", "unknown_signer", "bad_signature", "wrong_recipient", "payload_mismatch",
         "payload_unreadable", "too_large"}


def _open(raw: bytes, **overrides: Any) -> bundle.OpenedBundle:
    kwargs: dict[str, Any] = {"rooms": gen.rooms(), "centre_key": gen.centre_key(),
                              "centre_id": gen.CENTRE_ID}
    kwargs.update(overrides)
    return open_bundle(raw, **kwargs)


def _without_payload(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in manifest.items() if k != "payload"}


def _manifest_of(raw: bytes) -> dict[str, Any]:
    return json.loads(base64.b64decode(json.loads(raw)["manifest"]))


@pytest.fixture(scope="module")
def golden() -> bytes:
    return gen.GOLDEN.read_bytes()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(gen.EXPECTED.read_text(encoding="utf-8"))


# --- golden ------------------------------------------------------------------------------------


def test_stored_golden_opens_to_exactly_the_stored_expected_json(golden, expected):
    opened = _open(golden)
    assert opened.manifest == expected["manifest"]
    assert opened.parts == expected["parts"]
    assert opened.sha256 == expected["sha256"] == sha256_hex(golden)


def test_expected_json_is_what_the_inputs_decide(expected):
    """Regenerate-and-compare: everything but the randomised payload follows from the inputs."""
    assert expected["parts"] == json.loads(canonical_bytes(gen.PARTS))
    manifest = expected["manifest"]
    assert _without_payload(manifest) == {
        "format": "cbt-result-bundle/2",
        "bundle_id": gen.BUNDLE_ID,
        "centre_id": gen.CENTRE_ID,
        "room_id": gen.ROOM_ID,
        "organisation_code": gen.ORGANISATION_CODE,
        "sequence": gen.SEQUENCE,
        "created_at": gen.CREATED_AT_UTC,
        "recipient_key_id": gen.centre_key().public.key_id,
        "contents": {name: {"count": len(gen.PARTS[name])} for name in bundle.PARTS},
        "audit_checkpoint": audit_chain.checkpoint(gen.PARTS["audit"]),
    }
    assert set(manifest["payload"]) == {"size", "sha256"}


def test_a_format_1_bundle_is_still_read_with_its_part_hashes():
    """Written before format 2 dropped the per-part hashes; the reader still checks them."""
    expected = json.loads(gen.EXPECTED_V1.read_text(encoding="utf-8"))
    opened = _open(gen.GOLDEN_V1.read_bytes())
    assert opened.manifest == expected["manifest"] and opened.parts == expected["parts"]
    assert opened.manifest["format"] == "cbt-result-bundle/1"
    assert opened.manifest["contents"] == {
        name: {"count": len(gen.PARTS_V1[name]),
               "sha256": sha256_hex(canonical_bytes(gen.PARTS_V1[name]))}
        for name in bundle.PARTS}
    assert opened.parts == json.loads(canonical_bytes(gen.PARTS_V1))
    hand = _open(gen.hand_seal(compressed=gen.honest_compressed(gen.PARTS_V1), version=1,
                               declared=gen.PARTS_V1))
    assert hand.parts == opened.parts


def test_stored_golden_envelope_is_canonical_and_names_the_room_key(golden, expected):
    envelope = json.loads(golden)
    assert canonical_bytes(envelope) == golden
    assert envelope["format"] == bundle.FORMAT
    assert envelope["key_id"] == gen.room_key().key_id
    sealed = base64.b64decode(envelope["payload"])
    assert expected["manifest"]["payload"] == {"size": len(sealed), "sha256": sha256_hex(sealed)}


def test_a_fresh_seal_gives_the_same_manifest_except_the_payload(golden, expected):
    fresh = gen.seal()
    opened = _open(fresh)
    assert _without_payload(opened.manifest) == _without_payload(expected["manifest"])
    assert opened.parts == expected["parts"]
    # HPKE draws a fresh ephemeral key per seal: the same parts never give the same ciphertext.
    assert opened.manifest["payload"]["sha256"] != expected["manifest"]["payload"]["sha256"]
    assert gen.seal() != fresh


def test_the_manifest_holds_no_student_data(golden):
    """Names and answers travel only inside the sealed payload."""
    manifest_bytes = base64.b64decode(json.loads(golden)["manifest"])
    for secret in ("Сәрсенбаева", "Әйгерім", "K4-7Q2M", "ұялы телефон", "3,5"):
        assert secret.encode() not in golden
        assert secret.encode() not in manifest_bytes


def test_the_hand_writer_used_for_vectors_makes_an_acceptable_bundle(expected):
    """Vectors built by hand are trustworthy only if honest hand-built input opens."""
    raw = gen.hand_seal(compressed=gen.honest_compressed())
    opened = _open(raw)
    assert opened.parts == expected["parts"]
    assert _without_payload(opened.manifest) == _without_payload(expected["manifest"])


def test_seal_refuses_a_missing_part():
    parts = {k: v for k, v in gen.PARTS.items() if k != "incidents"}
    with pytest.raises(ValueError, match="incidents"):
        gen.seal(parts)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(golden, monkeypatch):
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", len(golden) - 1)
    with pytest.raises(BundleError) as refused:
        _open(golden)
    assert refused.value.code == "too_large"


# --- negative vectors --------------------------------------------------------------------------


def test_the_negative_vectors_on_disk_are_exactly_the_generators():
    on_disk = {p.name.removesuffix(".bundle") for p in NEGATIVE_FILES}
    assert on_disk == set(gen.DERIVED) | set(gen.RESEALED)
    assert {name.split(".")[0] for name in on_disk} == CODES


@pytest.mark.parametrize("path", NEGATIVE_FILES, ids=lambda p: p.name)
def test_negative_vector_is_refused_with_its_labelled_code(path: Path, monkeypatch):
    code = path.name.split(".")[0]
    assert code in CODES
    if code == "too_large":
        monkeypatch.setattr(bundle, "MAX_PAYLOAD_PLAIN_BYTES", gen.BOMB_LIMIT)
    with pytest.raises(BundleError) as refused:
        _open(path.read_bytes())
    assert refused.value.code == code, str(refused.value)


@pytest.mark.parametrize("name", sorted(gen.DERIVED))
def test_byte_edited_vectors_are_rebuilt_exactly_from_the_stored_golden(name, golden):
    assert gen.DERIVED[name](golden) == (NEGATIVE / f"{name}.bundle").read_bytes()


def _vector(name: str) -> bytes:
    return (NEGATIVE / f"{name}.bundle").read_bytes()


def test_one_failure_each_stranger_key_opens_once_the_key_is_registered():
    raw = _vector("unknown_signer.stranger_key")
    opened = _open(raw, rooms=gen.rooms(key=gen.stranger_key()))
    assert opened.parts == json.loads(canonical_bytes(gen.PARTS))


def test_one_failure_each_other_centre_key_opens_with_that_key():
    raw = _vector("wrong_recipient.other_centre_key")
    assert _manifest_of(raw)["recipient_key_id"] == gen.other_centre_key().public.key_id
    assert _open(raw, centre_key=gen.other_centre_key()).manifest["centre_id"] == gen.CENTRE_ID


def test_one_failure_each_other_centre_id_opens_at_that_centre():
    raw = _vector("wrong_recipient.other_centre_id")
    assert _open(raw, centre_id=gen.OTHER_CENTRE_ID).manifest["centre_id"] == gen.OTHER_CENTRE_ID


def test_one_failure_each_room_id_mismatch_opens_when_the_key_belongs_to_that_room():
    raw = _vector("bad_signature.room_id_mismatch")
    assert _open(raw, rooms=gen.rooms(room_id=gen.OTHER_ROOM_ID)).manifest["room_id"] == gen.OTHER_ROOM_ID


def test_one_failure_each_zlib_bomb_opens_under_the_real_limit():
    raw = _vector("too_large.zlib_bomb")
    assert len(raw) < 16 * 1024  # small on disk ...
    opened = _open(raw)  # ... and, but for its size, a good bundle
    assert len(opened.parts["audit"][-1]["detail"]) == gen.BOMB_PLAIN_BYTES > gen.BOMB_LIMIT


@pytest.mark.parametrize(
    "name",
    [
        "payload_mismatch.part_counts",
        "payload_unreadable.sealed_for_another_bundle_id",
        "payload_unreadable.not_zlib",
        "payload_unreadable.truncated_zlib",
        "payload_unreadable.not_json",
    ],
)
def test_one_failure_each_hand_built_payload_vectors_pass_every_check_before_the_payload(name):
    raw = _vector(name)
    envelope = json.loads(raw)
    manifest_bytes = base64.b64decode(envelope["manifest"])
    gen.room_key().verify_key.verify(base64.b64decode(envelope["signature"]), manifest_bytes)
    manifest = json.loads(manifest_bytes)
    sealed = base64.b64decode(envelope["payload"])
    assert manifest["payload"] == {"size": len(sealed), "sha256": sha256_hex(sealed)}
    assert _without_payload(manifest) == _without_payload(_manifest_of(gen.GOLDEN.read_bytes()))


def test_part_counts_vector_declares_two_attempts_and_carries_one():
    raw = _vector("payload_mismatch.part_counts")
    assert _manifest_of(raw)["contents"]["attempts"]["count"] == 2
    sealed = base64.b64decode(json.loads(raw)["payload"])
    recipient = gen.centre_key()
    plain = zlib.decompress(recipient.open(sealed, gen.hpke_info(gen.BUNDLE_ID, recipient.public.key_id)))
    assert len(json.loads(plain)["attempts"]) == 1



def test_v1_part_hash_vector_differs_only_in_one_answer_under_honest_counts():
    raw = _vector("payload_mismatch.v1_part_hash")
    manifest = _manifest_of(raw)
    assert manifest["format"] == "cbt-result-bundle/1"
    assert {k: v["count"] for k, v in manifest["contents"].items()} == {
        k: len(v) for k, v in gen.PARTS.items()}
    sealed = base64.b64decode(json.loads(raw)["payload"])
    recipient = gen.centre_key()
    plain = json.loads(zlib.decompress(recipient.open(
        sealed, gen.hpke_info(gen.BUNDLE_ID, recipient.public.key_id, version=1))))
    assert plain["attempts"][0]["responses"][0]["answer"] == "d"
    assert {k: v for k, v in plain.items() if k != "attempts"} == {
        k: v for k, v in json.loads(canonical_bytes(gen.PARTS)).items() if k != "attempts"}
