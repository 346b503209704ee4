"""Audited primitives from `cryptography`, wrapped in the few shapes the system uses.

No home-made constructions: Ed25519 signatures, HPKE (RFC 9180) sealing, AES-256-GCM, Argon2id.
"""
