"""Passwords (Argon2id), key files, HPKE sealing, and the kiosk's TLS pin on the room server."""

from __future__ import annotations

import base64
import os
import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from common.crypto import passwords
from common.crypto.passwords import FAST, hash_password, new_password, verify_password
from common.crypto.sealing import RecipientKey, RecipientPublicKey, SealOpenError
from common.crypto.signing import SignatureInvalid, SigningKey, VerifyKey
from common.crypto.tls import (
    CertificatePinMismatch,
    fingerprint_of_pem,
    make_self_signed,
    pinned_context,
)

# --- passwords ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password("ә7kq2m9x", FAST)


def test_hash_then_verify(hashed):
    assert hashed.startswith("argon2id$t=2,m=19456,p=1$")
    assert verify_password("ә7kq2m9x", hashed) is True


@pytest.mark.parametrize("wrong", ["ә7kq2m9y", "Ә7KQ2M9X", "ә7kq2m9x ", "", "a7kq2m9x"])
def test_a_wrong_password_is_false(hashed, wrong):
    assert verify_password(wrong, hashed) is False


def test_the_same_password_hashes_differently_each_time(hashed):
    again = hash_password("ә7kq2m9x", FAST)
    assert again != hashed
    assert verify_password("ә7kq2m9x", again)


def _malformed(hashed: str) -> list[str]:
    scheme, cost, salt, digest = hashed.split("$")
    return [
        "",
        "argon2id",
        "$$$",
        f"{cost}${salt}${digest}",  # scheme missing
        f"bcrypt${cost}${salt}${digest}",
        f"argon2i${cost}${salt}${digest}",
        f"{scheme}$t=2,m=19456${salt}${digest}",  # lanes missing
        f"{scheme}$t=2;m=19456;p=1${salt}${digest}",
        f"{scheme}$t=two,m=19456,p=1${salt}${digest}",
        f"{scheme}$t=0,m=19456,p=1${salt}${digest}",  # no iterations
        f"{scheme}$t=2,m=1,p=1${salt}${digest}",  # below Argon2's minimum memory
        f"{scheme}$t=2,m=19456,p=0${salt}${digest}",
        f"{scheme}$t=2,m=19456,p=1$!!!!${digest}",  # salt not base64
        f"{scheme}$t=2,m=19456,p=1${salt}$abc",  # bad padding
        f"{scheme}$t=2,m=19456,p=1$YWJj${digest}",  # a 3-byte salt is too short
        f"{scheme}$t=2,m=19456,p=1${salt}${digest[:-4]}",  # digest cut short
        f"{scheme}$t=2,m=19456,p=1${salt}${digest}$extra",
        f"{scheme}$t=3,m=19456,p=1${salt}${digest}",  # cost edited: another digest
    ]


def test_malformed_encoded_hashes_are_false_not_errors(hashed):
    for encoded in _malformed(hashed):
        assert verify_password("ә7kq2m9x", encoded) is False, encoded


def test_new_password_uses_no_look_alikes():
    seen: set[str] = set()
    for _ in range(300):
        password = new_password()
        assert len(password) == 8
        seen |= set(password)
    seen |= set(new_password(2000))
    assert not seen & set("0Oo1lI")
    assert seen <= set("abcdefghijklmnopqrstuvwxyz23456789")
    assert len(seen) == 32  # every letter of the alphabet is in use
    assert len(new_password(12)) == 12


def test_default_cost_is_rfc_9106_second_option():
    assert (passwords.DEFAULT.iterations, passwords.DEFAULT.memory_kib, passwords.DEFAULT.lanes) == (3, 65536, 1)


# --- key files ---------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_signing_key_save_load_round_trip(tmp_path):
    key = SigningKey.generate()
    path = tmp_path / "keys" / "room.ed25519"
    key.save(path)
    assert _mode(path) == 0o600
    loaded = SigningKey.load(path)
    assert loaded.key_id == key.key_id
    assert loaded.verify_key == key.verify_key
    message = "Нәтижелер бумасы".encode()
    key.verify_key.verify(loaded.sign(message), message)


def test_saving_over_a_readable_file_narrows_it_to_the_owner(tmp_path):
    path = tmp_path / "room.ed25519"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    SigningKey.generate().save(path)
    assert _mode(path) == 0o600
    assert len(path.read_bytes()) == 32


def test_recipient_key_save_load_round_trip(tmp_path):
    key = RecipientKey.generate()
    path = tmp_path / "centre.x25519"
    key.save(path)
    assert _mode(path) == 0o600
    sealed = key.public.seal(b"payload", b"info")
    assert RecipientKey.load(path).open(sealed, b"info") == b"payload"


def test_key_ids_are_stable_and_seeded_keys_deterministic():
    a, b = SigningKey.from_seed(b"room-1"), SigningKey.from_seed(b"room-1")
    assert a.key_id == b.key_id and len(a.key_id) == 16
    assert SigningKey.from_seed(b"room-2").key_id != a.key_id
    assert RecipientKey.from_seed(b"c").public == RecipientKey.from_seed(b"c").public


def test_a_signature_over_other_bytes_does_not_verify():
    key = SigningKey.generate()
    with pytest.raises(SignatureInvalid, match=key.key_id):
        key.verify_key.verify(key.sign(b"sequence 3"), b"sequence 2")
    with pytest.raises(SignatureInvalid):
        SigningKey.generate().verify_key.verify(key.sign(b"x"), b"x")


def test_public_keys_from_base64():
    key = SigningKey.generate()
    assert VerifyKey.from_b64(key.verify_key.to_b64()) == key.verify_key
    centre = RecipientKey.generate().public
    assert RecipientPublicKey.from_b64(centre.to_b64()) == centre
    for cls in (VerifyKey, RecipientPublicKey):
        with pytest.raises(ValueError):
            cls.from_b64(base64.b64encode(bytes(31)).decode())
        with pytest.raises(ValueError):
            cls.from_b64("not base64!")


def test_sealing_opens_only_with_the_right_key_and_info():
    centre = RecipientKey.generate()
    sealed = centre.public.seal("бума".encode(), b"bundle-1")
    assert centre.open(sealed, b"bundle-1") == "бума".encode()
    with pytest.raises(SealOpenError):
        centre.open(sealed, b"bundle-2")
    with pytest.raises(SealOpenError):
        RecipientKey.generate().open(sealed, b"bundle-1")
    with pytest.raises(SealOpenError):
        centre.open(sealed[:20], b"bundle-1")
    with pytest.raises(SealOpenError):
        centre.open(sealed[:-1] + bytes([sealed[-1] ^ 1]), b"bundle-1")


# --- TLS pin -----------------------------------------------------------------------------------


@contextmanager
def tls_server(cert: Path, key: Path) -> Iterator[int]:
    """A plain ssl server on 127.0.0.1 that greets each client with b"ok"."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    with context.wrap_socket(conn, server_side=True) as tls:
                        tls.sendall(b"ok")
                except (OSError, ssl.SSLError):
                    pass  # the client refused us, or only probed the certificate

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def talk(context: ssl.SSLContext, port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.recv(2)


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, tuple[Path, Path, str]]:
    base = tmp_path_factory.mktemp("tls")
    out = {}
    for name in ("a", "b"):
        cert, key = base / f"{name}.crt", base / f"{name}.key"
        out[name] = (cert, key, make_self_signed(cert, key, ["127.0.0.1", "localhost"]))
    return out


def test_make_self_signed_returns_the_certificates_fingerprint(certs):
    cert, key, fingerprint = certs["a"]
    assert fingerprint == fingerprint_of_pem(cert.read_bytes())
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
    assert fingerprint != certs["b"][2]
    assert _mode(key) == 0o600


def test_pinned_context_trusts_the_pinned_server(certs):
    cert, key, fingerprint = certs["a"]
    with tls_server(cert, key) as port:
        context = pinned_context("127.0.0.1", port, fingerprint)
        assert talk(context, port) == b"ok"
        # The pin may be written as a browser shows it: upper case, colon separated.
        shown = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
        assert talk(pinned_context("127.0.0.1", port, shown), port) == b"ok"


def test_a_wrong_pin_is_refused_before_anything_is_sent(certs):
    cert, key, _ = certs["a"]
    with tls_server(cert, key) as port:
        with pytest.raises(CertificatePinMismatch, match=f"127.0.0.1:{port}"):
            pinned_context("127.0.0.1", port, certs["b"][2])
        with pytest.raises(CertificatePinMismatch):
            pinned_context("127.0.0.1", port, "00" * 32)


def test_a_context_pinned_to_a_fails_the_handshake_with_b(certs):
    """The look-alike server: same address and host names, another certificate."""
    cert_a, key_a, fp_a = certs["a"]
    cert_b, key_b, _ = certs["b"]
    with tls_server(cert_a, key_a) as port_a, tls_server(cert_b, key_b) as port_b:
        context = pinned_context("127.0.0.1", port_a, fp_a)
        assert talk(context, port_a) == b"ok"
        with pytest.raises(ssl.SSLCertVerificationError):
            talk(context, port_b)


def test_the_pinned_context_checks_the_host_name(certs):
    cert, key, fingerprint = certs["a"]
    with tls_server(cert, key) as port:
        context = pinned_context("127.0.0.1", port, fingerprint)
        assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with pytest.raises(ssl.SSLCertVerificationError):
                context.wrap_socket(raw, server_hostname="room.example.kz")


def test_a_keyed_hash_verifies_only_with_its_key_and_password():
    key = bytes(range(32))
    stored = passwords.keyed_hash("ә7kq2m9x", key)
    assert stored.startswith("hmac-sha256$") and not passwords.is_memory_hard(stored)
    assert verify_password("ә7kq2m9x", stored, key) is True
    assert verify_password("ә7kq2m9y", stored, key) is False
    assert verify_password("ә7kq2m9x", stored, bytes(32)) is False
    assert verify_password("ә7kq2m9x", stored) is False  # no key, no answer
    assert passwords.keyed_hash("ә7kq2m9x", key) != stored  # salted
    for broken in ("hmac-sha256$", "hmac-sha256$!!$!!", stored + "$x", stored[:-4]):
        assert verify_password("ә7kq2m9x", broken, key) is False, broken
