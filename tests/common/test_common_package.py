"""The exam package (`common/package.py`): signed by the centre, opened only with the start code."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from common.canonical import canonical_bytes
from common.crypto.signing import SigningKey
from common.domain.exam import ExamContent, content_from_dict
from common.package import (
    FORMAT,
    PackageError,
    WrongStartCode,
    build_package,
    new_start_code,
    read_package,
)

FAST_KIB = 1024
PACKAGE_ID = "PKG-2026-G9-RU-B"
START_CODE = "7KQ4-XM2P"

PROMPTS = [
    "Поезд проехал 240 км за 3 часа. Какова его средняя скорость (км/ч)?",
    "Какое из веществ является простым?",
    "Выберите все утверждения, верные для фотосинтеза.",
]
OPTION_TEXTS = ["кислород", "поваренная соль", "углекислый газ", "выделяется кислород"]
PASSAGE = "Оксана и Даурен измеряли температуру воды каждые пять минут."

CONTENT: dict[str, Any] = {
    "exam_id": "G9-RU-2026",
    "title": "9 класс. Естественно-научная и математическая грамотность",
    "grade": "9",
    "language": "ru",
    "variant": "Б",
    "duration_minutes": 120,
    "sections": [
        {
            "id": "maths",
            "direction": "mathematical_literacy",
            "title": "Математическая грамотность",
            "passage": PASSAGE,
            "items": [
                {"id": "q1", "type": "numeric", "prompt": PROMPTS[0], "points": 1,
                 "value": 80.25, "tolerance": 0.0},
            ],
        },
        {
            "id": "science",
            "direction": "science_literacy",
            "title": "Естественно-научная грамотность",
            "items": [
                {"id": "q2", "type": "single_choice", "prompt": PROMPTS[1], "points": 1,
                 "options": [{"id": "x1", "text": OPTION_TEXTS[0]},
                             {"id": "x2", "text": OPTION_TEXTS[1]}],
                 "correct": ["x1"]},
                {"id": "q3", "type": "multiple_choice", "prompt": PROMPTS[2], "points": 2,
                 "options": [{"id": "y1", "text": OPTION_TEXTS[2]},
                             {"id": "y2", "text": OPTION_TEXTS[3]},
                             {"id": "y3", "text": "растение дышит только ночью"}],
                 "correct": ["y1", "y2"]},
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def centre() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def content() -> ExamContent:
    return content_from_dict(json.loads(json.dumps(CONTENT)))


@pytest.fixture(scope="module")
def raw(centre, content) -> bytes:
    return build_package(content, centre, START_CODE, PACKAGE_ID, "750017", kdf_memory_kib=FAST_KIB)


def keys(*signers: SigningKey):
    return {s.key_id: s.verify_key for s in signers}


def envelope(raw: bytes) -> dict[str, Any]:
    return json.loads(raw)


def manifest_bytes(raw: bytes) -> bytes:
    return base64.b64decode(envelope(raw)["manifest"])


def resign(raw: bytes, signer: SigningKey, edit) -> bytes:
    """The centre itself signing an edited manifest: the signature is good, the content is not."""
    manifest = json.loads(manifest_bytes(raw))
    edit(manifest)
    data = canonical_bytes(manifest)
    return canonical_bytes({
        "format": FORMAT,
        "manifest": base64.b64encode(data).decode(),
        "signature": base64.b64encode(signer.sign(data)).decode(),
        "key_id": signer.key_id,
    })


def test_read_verifies_and_open_gives_back_the_content(raw, centre, content):
    package = read_package(raw, keys(centre))
    assert package.package_id == PACKAGE_ID
    assert package.manifest["organisation_code"] == "750017"
    assert package.manifest["exam"] == {
        "exam_id": "G9-RU-2026", "title": content.title, "grade": "9", "language": "ru",
        "variant": "Б", "duration_minutes": 120, "items": 3,
    }
    assert package.manifest["key_wrap"]["memory_kib"] == FAST_KIB
    opened, content_key = package.open(START_CODE)
    assert opened == content
    assert len(content_key) == 32
    assert package.open_with_key(content_key) == content


@pytest.mark.parametrize("typed", ["7kq4-xm2p", " 7KQ4-XM2P ", "7KQ4 - XM2P"])
def test_the_start_code_is_read_as_a_proctor_types_it(raw, centre, content, typed):
    assert read_package(raw, keys(centre)).open(typed)[0] == content


@pytest.mark.parametrize("wrong", ["7KQ4-XM2Q", "7KQ4XM2P", "", "XM2P-7KQ4"])
def test_a_wrong_start_code_is_refused(raw, centre, wrong):
    package = read_package(raw, keys(centre))
    with pytest.raises(WrongStartCode):
        package.open(wrong)


def test_wrong_start_code_is_a_package_error():
    assert issubclass(WrongStartCode, PackageError)


def test_a_wrong_content_key_is_refused(raw, centre):
    with pytest.raises(PackageError, match="content key"):
        read_package(raw, keys(centre)).open_with_key(bytes(32))


def test_the_file_holds_no_prompt_option_or_key_in_plaintext(raw):
    visible = [raw, manifest_bytes(raw)]
    secrets_ = [*PROMPTS, *OPTION_TEXTS, PASSAGE, "80.25", '"correct"', '"value"', '"prompt"',
                '"options"', '"y1"', '"x1"']
    for blob in visible:
        for secret in secrets_:
            assert secret.encode("utf-8") not in blob, secret
            assert json.dumps(secret).encode() not in blob  # nor \\u-escaped


def test_two_builds_differ_in_every_random_field(centre, content, raw):
    again = build_package(content, centre, START_CODE, PACKAGE_ID, "750017", kdf_memory_kib=FAST_KIB)
    first = json.loads(manifest_bytes(raw))
    second = json.loads(manifest_bytes(again))
    for section, field in [("content", "nonce"), ("content", "ciphertext"), ("key_wrap", "salt"),
                           ("key_wrap", "nonce"), ("key_wrap", "wrapped_key")]:
        assert first[section][field] != second[section][field]
    assert first["content"]["sha256"] == second["content"]["sha256"]


def test_flipped_byte_in_the_manifest_is_refused(raw, centre):
    env = envelope(raw)
    data = bytearray(base64.b64decode(env["manifest"]))
    at = data.index(b'"organisation_code":"750017"') + len(b'"organisation_code":"75')
    data[at] ^= 0x01  # 750017 -> 751017: the package moved to another school
    env["manifest"] = base64.b64encode(bytes(data)).decode()
    with pytest.raises(PackageError, match="signature"):
        read_package(canonical_bytes(env), keys(centre))


def test_flipped_byte_in_the_signature_is_refused(raw, centre):
    env = envelope(raw)
    sig = bytearray(base64.b64decode(env["signature"]))
    sig[5] ^= 0x80
    env["signature"] = base64.b64encode(bytes(sig)).decode()
    with pytest.raises(PackageError, match="signature"):
        read_package(canonical_bytes(env), keys(centre))


def test_an_unknown_key_id_is_refused(raw, centre):
    other = SigningKey.generate()
    with pytest.raises(PackageError, match="unknown key"):
        read_package(raw, keys(other))
    with pytest.raises(PackageError, match="unknown key"):
        read_package(raw, {})


def test_a_package_claiming_a_trusted_key_it_was_not_signed_with_is_refused(raw, centre):
    other = SigningKey.generate()
    env = envelope(raw)
    env["key_id"] = other.key_id
    with pytest.raises(PackageError, match="signature"):
        read_package(canonical_bytes(env), keys(centre, other))


def test_a_package_signed_by_another_trusted_centre_key_reads(centre, content):
    """Key rotation: both keys trusted, the one named in the file is used."""
    new = SigningKey.generate()
    raw = build_package(content, new, START_CODE, PACKAGE_ID, "750017", kdf_memory_kib=FAST_KIB)
    assert read_package(raw, keys(centre, new)).package_id == PACKAGE_ID


@pytest.mark.parametrize(
    "broken",
    [
        b"",
        b"not json",
        b"{",
        b"[]",
        b'"cbt-exam-package/1"',
        b"null",
        b"[" * 5000,  # deeper than the JSON parser's recursion limit
        b'{"format":"cbt-exam-package/1"}',
        b'{"format":"cbt-exam-package/1","manifest":"!!","signature":"","key_id":"k"}',
        b'{"format":"cbt-exam-package/1","manifest":"","signature":"","key_id":["k"]}',
        b'{"format":"cbt-exam-package/1","manifest":"","signature":"","key_id":{}}',
        b"\xff\xfe\x00\x00",
    ],
)
def test_malformed_files_are_package_errors(broken, centre):
    with pytest.raises(PackageError):
        read_package(broken, keys(centre))


@pytest.mark.parametrize("cut", [1, 10, 100, 0.5])
def test_truncated_files_are_package_errors(raw, centre, cut):
    size = int(len(raw) * cut) if isinstance(cut, float) else len(raw) - cut
    with pytest.raises(PackageError):
        read_package(raw[:size], keys(centre))


@pytest.mark.parametrize("fmt", ["cbt-exam-package/2", "cbt-result-bundle/1", "", None])
def test_another_format_string_is_refused(raw, centre, fmt):
    env = envelope(raw)
    env["format"] = fmt
    with pytest.raises(PackageError, match="format"):
        read_package(canonical_bytes(env), keys(centre))


def test_ciphertext_changed_under_a_valid_signature_does_not_open(raw, centre):
    def edit(manifest):
        ct = bytearray(base64.b64decode(manifest["content"]["ciphertext"]))
        ct[0] ^= 0x01
        manifest["content"]["ciphertext"] = base64.b64encode(bytes(ct)).decode()

    package = read_package(resign(raw, centre, edit), keys(centre))
    with pytest.raises(PackageError, match="content key"):
        package.open(START_CODE)


def test_the_package_id_is_bound_to_the_ciphertexts(raw, centre):
    """A package renamed (even by the centre's key) does not open: the id is the AEAD's data."""

    def edit(manifest):
        manifest["package_id"] = "PKG-2026-G9-RU-C"

    package = read_package(resign(raw, centre, edit), keys(centre))
    with pytest.raises(WrongStartCode):
        package.open(START_CODE)


def test_new_start_code_shape():
    codes = {new_start_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert not set(code.replace("-", "")) & set("01IO")
