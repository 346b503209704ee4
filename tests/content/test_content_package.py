"""The sealed package with variants, specification and keys (`common/package.py` + payload): the
public header only before the start code, and a distinct error for a wrong code, a wrong signer and
one changed byte."""

from __future__ import annotations

import base64
import json
import random

import pytest

from central_scorer.cli.main import main as central_main
from common.canonical import canonical_bytes
from common.content.bank import shipped_bank
from common.content.payload import ExamPayload
from common.content.spec import shipped_spec
from common.content.variants import assemble
from common.crypto.signing import SigningKey
from common.domain.exam import content_to_dict
from common.package import (
    FORMAT,
    PackageError,
    PackageMalformed,
    PackageTampered,
    WrongSigner,
    WrongStartCode,
    build_package,
    read_package,
)

FAST_KIB = 1024
CODE = "3QRT-8KMW"


@pytest.fixture(scope="module")
def centre_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def payload() -> ExamPayload:
    spec = shipped_spec("grade9")
    variants, record = assemble(spec, shipped_bank("grade9"), ["kk", "ru"], 2, 9)
    return ExamPayload(tuple(variants), spec.model_dump(mode="json"), "f00d", record)


@pytest.fixture(scope="module")
def raw(payload, centre_key) -> bytes:
    return build_package(payload, centre_key, CODE, "PKG-G9-1", "750017", kdf_memory_kib=FAST_KIB)


def trusted(*keys: SigningKey):
    return {k.key_id: k.verify_key for k in keys}


def test_the_package_carries_every_variant_the_specification_and_the_keys(raw, payload, centre_key):
    package = read_package(raw, trusted(centre_key))
    opened, key = package.open_all(CODE)
    assert opened == payload
    assert opened.specification["spec_id"] == "grade9" and opened.assembly["seed"] == "9"
    assert len(opened.variants) == 4 and opened.shuffle_seed == "f00d"
    keyed = json.dumps(content_to_dict(opened.variants[0], with_keys=True))
    assert '"correct"' in keyed and '"value"' in keyed
    # the room that serves one test still gets one: the first variant
    assert package.open(CODE)[0] == payload.variants[0]
    assert package.open_with_key(key) == payload.variants[0]


def test_before_the_code_only_the_public_header_shows(raw, payload, centre_key):
    package = read_package(raw, trusted(centre_key))
    assert package.manifest["header"] == {"spec_id": "grade9", "spec_version": 1, "languages": ["kk", "ru"],
                                          "variants": 4}
    visible = raw + base64.b64decode(json.loads(raw)["manifest"])
    secrets = {item.prompt for v in payload.variants for item in v.items}
    secrets |= {o.text for v in payload.variants for item in v.items for o in getattr(item, "options", ()) if len(o.text) > 3}
    secrets |= {c.text for v in payload.variants for s in v.sections for c in s.contexts}
    for secret in secrets:
        assert secret.encode() not in visible
        assert json.dumps(secret).encode() not in visible
    for word in (b'"correct"', b'"accepted"', b'"prompt"', b'"options"', b'"qti"'):
        assert word not in visible


def test_a_wrong_start_code_is_its_own_error(raw, centre_key):
    with pytest.raises(WrongStartCode, match="start code"):
        read_package(raw, trusted(centre_key)).open_all("3QRT-8KMX")


def test_a_wrong_signer_is_its_own_error(raw, centre_key):
    with pytest.raises(WrongSigner, match="unknown key"):
        read_package(raw, trusted(SigningKey.generate()))


def test_a_stranger_signing_under_a_trusted_key_id_is_tampering(payload, centre_key):
    stranger = SigningKey.generate()
    forged = json.loads(build_package(payload, stranger, CODE, "PKG-G9-1", "750017", kdf_memory_kib=FAST_KIB))
    forged["key_id"] = centre_key.key_id
    with pytest.raises(PackageTampered, match="signature"):
        read_package(canonical_bytes(forged), trusted(centre_key))


def _resigned(raw: bytes, key: SigningKey, edit) -> bytes:
    env = json.loads(raw)
    manifest = json.loads(base64.b64decode(env["manifest"]))
    edit(manifest)
    data = canonical_bytes(manifest)
    return canonical_bytes({"format": FORMAT, "manifest": base64.b64encode(data).decode(),
                            "signature": base64.b64encode(key.sign(data)).decode(), "key_id": key.key_id})


def test_a_changed_ciphertext_byte_under_a_valid_signature_is_tampering(raw, centre_key):
    def flip(manifest):
        ct = bytearray(base64.b64decode(manifest["content"]["ciphertext"]))
        ct[len(ct) // 2] ^= 0x04
        manifest["content"]["ciphertext"] = base64.b64encode(bytes(ct)).decode()

    package = read_package(_resigned(raw, centre_key, flip), trusted(centre_key))
    with pytest.raises(PackageTampered, match="ciphertext was changed"):
        package.open_all(CODE)


def test_a_changed_content_hash_is_tampering(raw, centre_key):
    package = read_package(_resigned(raw, centre_key, lambda m: m["content"].update(sha256="0" * 64)),
                           trusted(centre_key))
    with pytest.raises(PackageTampered, match="hash"):
        package.open_all(CODE)


def test_one_changed_byte_anywhere_is_refused_and_never_opens(raw, centre_key):
    """200 random positions: each flipped byte gives a named refusal (never a crash, never content)."""
    rng = random.Random(1)
    seen: set[type] = set()
    positions = rng.sample(range(len(raw)), 200)
    for at in positions:
        broken = bytearray(raw)
        broken[at] ^= 1 << rng.randrange(8)
        try:
            read_package(bytes(broken), trusted(centre_key)).open_all(CODE)
        except PackageError as exc:
            assert type(exc) in (PackageTampered, PackageMalformed, WrongSigner), (at, exc)
            seen.add(type(exc))
        else:  # pragma: no cover - the failure message
            pytest.fail(f"a package with byte {at} changed opened")
    assert PackageTampered in seen and PackageMalformed in seen


def test_the_three_refusals_are_distinct_classes():
    assert len({WrongStartCode, WrongSigner, PackageTampered}) == 3
    for cls in (WrongStartCode, WrongSigner, PackageTampered, PackageMalformed):
        assert issubclass(cls, PackageError)
    assert not issubclass(WrongSigner, PackageTampered) and not issubclass(PackageTampered, WrongSigner)


def test_package_build_cli_seals_records_and_opens(centre, tmp_path, capsys):
    out = tmp_path / "g4.cbtpkg"
    code = central_main(["--data-dir", str(centre.root), "package", "build", "--spec", "grade4",
                         "--bank", "grade4", "--language", "kk", "--language", "ru", "--count", "2",
                         "--seed", "2026", "--organisation", "190745", "--out", str(out),
                         "--kdf-memory-kib", str(FAST_KIB)])
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["variants"] == ["grade4-v1-kk-01", "grade4-v1-ru-01", "grade4-v1-kk-02", "grade4-v1-ru-02"]
    package = read_package(out.read_bytes(), {centre.signing_key.key_id: centre.signing_key.verify_key})
    payload, _ = package.open_all(info["start_code"])
    assert payload.assembly["seed"] == "2026" and len(payload.variants) == 4
    # the centre keeps the payload (with keys) in packages.content_json, readable as one test too
    assert centre.package_content(info["package_id"]) == payload.variants[0]


def test_variants_build_refuses_an_impossible_request(tmp_path, capsys):
    code = central_main(["variants", "build", "--spec", "grade4", "--bank", "grade4", "--count", "5",
                         "--seed", "1", "--out", str(tmp_path / "p.json"), "--json"])
    assert code == 2
    assert "sections[0] (reading).blocks[0]" in json.loads(capsys.readouterr().err)["message"]
    assert not (tmp_path / "p.json").exists()
