"""The central scorer's database: trusted rooms, packages, received bundles, results."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
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
    # the morning's start code, sealed under the centre's data key (Centre.seal_start_code): the
    # database alone does not hold it; `central-scorer start-code` prints the sealed notice
    start_code: Mapped[str] = mapped_column(String(200))
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
    # "ok", or why the room's audit log is flagged: its chain is broken, or it no longer holds the
    # checkpoint of the room's bundle before (re-chained); migration 0007_i15_audit_status
    audit_status: Mapped[str | None] = mapped_column(String(300))


class Result(CentralBase):
    """One test-taker's authoritative outcome, with the dimensions every aggregate groups by.

    Scored once, at ingest (and again only by `central-scorer rescore`, which records why): the
    total here, per direction in `direction_scores`, per item in `item_scores`. The dimensions
    come from the bundle (grade and language of the test, the day), the package and the campaign's
    working list (region, district, territory, type and language of the organisation); they are
    NULL where the centre has no campaign record of the organisation. A later bundle of the same
    room replaces the room's rows for that year (docs/scaling.md, "The score store")."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("organisation_code", "year", "individual_code"),
        Index("ix_results_year_grade_status", "year", "grade", "status"),
        Index("ix_results_organisation_year_grade", "organisation_code", "year", "grade"),
        Index("ix_results_bundle_pk", "bundle_pk"),
    )
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
    # --- the dimensions (migration 0006) ---
    year: Mapped[int | None]
    cycle: Mapped[str | None] = mapped_column(String(16))  # april (schools) | november (colleges)
    grade: Mapped[str | None] = mapped_column(String(16))  # 4 | 9 | college-2 | college-3
    test_language: Mapped[str | None] = mapped_column(String(8))
    monitoring_day: Mapped[dt.date | None]  # the day of the sitting, Kazakhstan time
    room_id: Mapped[str | None] = mapped_column(String(64))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    region: Mapped[str | None] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(16))
    org_type: Mapped[str | None] = mapped_column(String(32))
    org_language: Mapped[str | None] = mapped_column(String(8))


class DirectionScore(CentralBase):
    """A scored attempt's points in one direction (reading, mathematical, science literacy ...)."""

    __tablename__ = "direction_scores"
    result_id: Mapped[int] = mapped_column(primary_key=True)  # Result.id (no foreign key: COPY)
    direction: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float]
    max_score: Mapped[float]


class ScoredItem(CentralBase):
    """The items the centre has scored, numbered once so that `item_scores` stays narrow."""

    __tablename__ = "scored_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(40))
    points: Mapped[float]
    type: Mapped[str] = mapped_column(String(32))


class ItemScore(CentralBase):
    """A scored attempt's points on one item it was shown; `status` as `stats.items`: 0 answered,
    1 omitted (a later item answered), 2 not reached; `position` is its place in the student's
    test (1-based). Items not shown to the student have no row."""

    __tablename__ = "item_scores"
    result_id: Mapped[int] = mapped_column(primary_key=True)  # Result.id (no foreign key: COPY)
    item: Mapped[int] = mapped_column(primary_key=True)  # ScoredItem.id
    position: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[float]
    status: Mapped[int] = mapped_column(SmallInteger)


class Rescoring(CentralBase):
    """A package's results scored again after its keys changed: who, when, why, what changed."""

    __tablename__ = "rescorings"
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    old_content_sha256: Mapped[str] = mapped_column(String(64))
    new_content_sha256: Mapped[str] = mapped_column(String(64))
    results: Mapped[int]
    changed: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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
    # drawn / organisations of the stratum (migration 0007_i19; NULL before: read the selection)
    inclusion_probability: Mapped[float | None]
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


class OrganisationReportFile(CentralBase):
    """A file made for an organisation for one year and grade: the report (PDF, signed), its
    results as CSV and XLSX (each with a detached signature beside it)."""

    __tablename__ = "organisation_reports"
    __table_args__ = (UniqueConstraint("organisation_code", "year", "grade", "lang", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(8))  # pdf | csv | xlsx
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReportDownload(CentralBase):
    """An organisation took a file through the portal: the first download of its report is the
    delivery §27 asks for."""

    __tablename__ = "report_downloads"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("organisation_reports.id", ondelete="CASCADE"),
                                           index=True)
    organisation_code: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PortalAccess(CentralBase):
    """An organisation's access code to the portal, kept as its SHA-256 (the code is random, 60
    bits); failures lock the code for a while."""

    __tablename__ = "portal_access"
    organisation_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]


class WebSession(CentralBase):
    """A signed-in browser: staff (after the staff token) or one organisation (after its code).
    Only the SHA-256 of the cookie is kept."""

    __tablename__ = "web_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # staff | organisation
    organisation_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


# --- the ingest queue: uploads are stored, then ingested by workers (docs/scaling.md) -------------


class IngestJob(CentralBase):
    """An uploaded bundle waiting for (or done with) its ingest. Workers claim jobs with
    `FOR UPDATE SKIP LOCKED` on PostgreSQL; a claimed job's lease runs out if its worker dies."""

    __tablename__ = "ingest_jobs"
    __table_args__ = (Index("ix_ingest_jobs_status_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    size: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))  # queued | running | stored | duplicate | refused | failed
    tries: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[dt.datetime | None]
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    outcome_json: Mapped[str | None] = mapped_column(Text)


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
