"""Ed25519 signing keys with stable key ids (sha256 of the raw public key, first 16 hex digits)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from common.durable import write_durably
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SignatureInvalid(Exception):
    """A signature does not verify under the named key."""


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class VerifyKey:
    raw: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature as exc:
            raise SignatureInvalid(f"signature does not verify under key {self.key_id}") from exc

    def to_b64(self) -> str:
        return base64.b64encode(self.raw).decode()

    @classmethod
    def from_b64(cls, text: str) -> "VerifyKey":
        raw = base64.b64decode(text, validate=True)
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return cls(raw)


class SigningKey:
    def __init__(self, private: Ed25519PrivateKey):
        self._private = private

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> "SigningKey":
        """Deterministic key for golden test vectors only."""
        return cls(Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest()))

    @property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(
            self._private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    @property
    def key_id(self) -> str:
        return self.verify_key.key_id

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def save(self, path: Path) -> None:
        raw = self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        write_secret(path, raw)

    @classmethod
    def load(cls, path: Path) -> "SigningKey":
        return cls(Ed25519PrivateKey.from_private_bytes(path.read_bytes()))


def write_secret(path: Path, data: bytes) -> None:
    """Write a key file readable by its owner only, durably and atomically (never half a key)."""
    write_durably(path, data, mode=0o600)
