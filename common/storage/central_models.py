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
    exam_id: Mapped[str | None] = mapped_column(String(120))  # the variant the student sat
    status: Mapped[str] = mapped_column(String(16))  # scored | absent | voided
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    room_score: Mapped[float | None]
    absence_reason: Mapped[str | None] = mapped_column(String(32))
    void_reason: Mapped[str | None] = mapped_column(String(32))


class Response(CentralBase):
    """A raw answer change as the kiosk journalled it, kept for re-scoring and statistics.

    `result_id` is a `Result.id` but not a foreign key: PostgreSQL checked it once per row, most
    of the server's time in an ingest, which is the only writer (migration 0005)."""

    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(index=True)
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


# --- the monitoring campaign (§11-§15): selection, calendar, notices, cancellations ----------------


class Campaign(CentralBase):
    """One year's monitoring of one grade: the published selection and its test window."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("year", "grade"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(16))  # 4 | 9 | college-2 | college-3
    share: Mapped[str] = mapped_column(String(16))  # decimal text, e.g. "0.25"
    seed: Mapped[str] = mapped_column(String(40))  # the selection's seed, a whole number as text
    list_sha256: Mapped[str] = mapped_column(String(64))
    selection_json: Mapped[str] = mapped_column(Text)  # the published selection, as printed
    first_day: Mapped[dt.date]
    last_day: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignOrganisation(CentralBase):
    """A selected organisation: where it is, its test day, and whether a cancellation covers it."""

    __tablename__ = "campaign_organisations"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(120))
    territory: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    contingent: Mapped[int]
    stratum: Mapped[str] = mapped_column(String(80))
    test_day: Mapped[dt.date | None]
    cancellation_id: Mapped[int | None] = mapped_column(ForeignKey("cancellations.id"))


class Cancellation(CentralBase):
    """A decision not to hold the monitoring in a region or district (§15), and the signed list."""

    __tablename__ = "cancellations"
    id: Mapped[int] = mapped_column(primary_key=True)
    revocation_id: Mapped[str] = mapped_column(String(36), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    grounds: Mapped[str] = mapped_column(String(32))  # restrictions | state_of_emergency | emergency
    authority: Mapped[str] = mapped_column(String(32))  # whose decision or proposal it rests on
    basis_reference: Mapped[str] = mapped_column(String(300))
    basis_text: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[dt.date]
    document_json: Mapped[str] = mapped_column(Text)  # the signed revocation list, as issued
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- reports delivered to organisations (§27: within three working days) --------------------------


class ReportDelivery(CentralBase):
    """A results report made for an organisation: when, in which language, which file."""

    __tablename__ = "report_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- the anonymous survey (§25): answers per room, never a person --------------------------------


class CentralSurveyResponse(CentralBase):
    """One anonymous survey response as a room's bundle carried it: the organisation and room it
    came from, the questionnaire and the answers — no student, attempt, seat or time. A newer
    bundle from the room replaces the room's responses whole."""

    __tablename__ = "survey_responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_pk: Mapped[int] = mapped_column(ForeignKey("bundles.id"))
    room_id: Mapped[str] = mapped_column(String(64), index=True)
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    questionnaire: Mapped[str] = mapped_column(String(32))
    answers_json: Mapped[str] = mapped_column(Text)
