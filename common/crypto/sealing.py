"""HPKE (RFC 9180) base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.

Used to seal result bundles to the centre's public key: only the centre can open them.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from common.crypto.signing import write_secret

SUITE_NAME = "DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-256-GCM"
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class SealOpenError(Exception):
    """The payload is not sealed to this key, or was altered."""


@dataclass(frozen=True)
class RecipientPublicKey:
    raw: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def seal(self, plaintext: bytes, info: bytes) -> bytes:
        return _SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(self.raw), info=info)

    def to_b64(self) -> str:
        return base64.b64encode(self.raw).decode()

    @classmethod
    def from_b64(cls, text: str) -> "RecipientPublicKey":
        raw = base64.b64decode(text, validate=True)
        if len(raw) != 32:
            raise ValueError("an X25519 public key is 32 bytes")
        return cls(raw)


class RecipientKey:
    def __init__(self, private: X25519PrivateKey):
        self._private = private

    @classmethod
    def generate(cls) -> "RecipientKey":
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> "RecipientKey":
        """Deterministic key for golden test vectors only."""
        return cls(X25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest()))

    @property
    def public(self) -> RecipientPublicKey:
        return RecipientPublicKey(
            self._private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def open(self, sealed: bytes, info: bytes) -> bytes:
        try:
            return _SUITE.decrypt(sealed, self._private, info=info)
        except Exception as exc:  # cryptography raises InvalidTag or ValueError for short input
            raise SealOpenError("the payload does not open with the centre's key") from exc

    def save(self, path: Path) -> None:
        write_secret(
            path,
            self._private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            ),
        )

    @classmethod
    def load(cls, path: Path) -> "RecipientKey":
        return cls(X25519PrivateKey.from_private_bytes(path.read_bytes()))
