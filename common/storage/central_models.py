"""The central scorer's database: trusted rooms, packages, received bundles, results."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.storage.base import CentralBase, utcnow


class TrustedRoom(CentralBase):
    __tablename__ = "trusted_rooms"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(64))
    organisation_code: Mapped[str] = mapped_column(String(32))
    verify_key_b64: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CentralPackage(CentralBase):
    """What the centre built: the content with its keys, for authoritative scoring."""

    __tablename__ = "packages"
    package_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    content_json: Mapped[str] = mapped_column(Text)
    start_code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReceivedBundle(CentralBase):
    __tablename__ = "bundles"
    __table_args__ = (UniqueConstraint("room_id", "sequence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    room_id: Mapped[str] = mapped_column(String(64))
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    sequence: Mapped[int]
    manifest_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Result(CentralBase):
    """One test-taker's authoritative outcome; a later bundle of the same room replaces it."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("organisation_code", "individual_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_pk: Mapped[int] = mapped_column(ForeignKey("bundles.id"))
    organisation_code: Mapped[str] = mapped_column(String(32))
    individual_code: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(300))
    package_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # scored | absent | voided
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    room_score: Mapped[float | None]
    absence_reason: Mapped[str | None] = mapped_column(String(32))
    void_reason: Mapped[str | None] = mapped_column(String(32))


class Response(CentralBase):
    """A raw answer change as the kiosk journalled it, kept for re-scoring and statistics."""

    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    item_id: Mapped[str] = mapped_column(String(64))
    answer_json: Mapped[str] = mapped_column(Text)
    client_ts: Mapped[float]


class CentralAct(CentralBase):
    __tablename__ = "acts"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_pk: Mapped[int] = mapped_column(ForeignKey("bundles.id"))
    organisation_code: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    individual_code: Mapped[str] = mapped_column(String(16))
    data_json: Mapped[str] = mapped_column(Text)
