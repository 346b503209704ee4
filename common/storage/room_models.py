"""The room server's database: roster, seats, attempts, answers, acts, audit, bundles."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.storage.base import RoomBase, utcnow


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=32)


class Attendance(enum.StrEnum):
    EXPECTED = "expected"
    PRESENT = "present"  # identified and admitted
    ABSENT = "absent"
    NOT_ADMITTED = "not_admitted"  # an outside person came instead (act 2 at entry)


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    VOIDED = "voided"


class Setting(RoomBase):
    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Proctor(RoomBase):
    __tablename__ = "proctors"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))  # representative | head
    pin_hash: Mapped[str] = mapped_column(String(200))


class Package(RoomBase):
    __tablename__ = "packages"
    package_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the proctor enters the start code; kept so a restarted server can go on scoring.
    content_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class Student(RoomBase):
    __tablename__ = "students"
    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(16))
    class_name: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    individual_code: Mapped[str] = mapped_column(String(16), unique=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    seat: Mapped[str] = mapped_column(String(16), unique=True)
    attendance: Mapped[Attendance] = mapped_column(_enum(Attendance), default=Attendance.EXPECTED)
    absence_reason: Mapped[str | None] = mapped_column(String(32))
    failed_logins: Mapped[int] = mapped_column(default=0)
    # Accommodations set before the day on the roster (common/domain/accommodations.py): the
    # factor of the specification's time, and the flags (large_print, high_contrast, read_aloud).
    extra_time_factor: Mapped[float] = mapped_column(default=1.0, server_default="1.0")
    accommodations: Mapped[str] = mapped_column(String(100), default="", server_default="")


class Attempt(RoomBase):
    __tablename__ = "attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), unique=True)
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.package_id"))
    workstation_id: Mapped[str] = mapped_column(String(64))
    journal_key: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[AttemptStatus] = mapped_column(_enum(AttemptStatus))
    started_at: Mapped[dt.datetime]
    deadline_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    logins: Mapped[int] = mapped_column(default=1)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    void_reason: Mapped[str | None] = mapped_column(String(32))
    # The student's own variant (the package's exam id) and the permutation of items and options
    # the kiosk shows (`cbt-permutation/1`); empty only for attempts from before variants.
    exam_id: Mapped[str | None] = mapped_column(String(120))
    permutation_json: Mapped[str | None] = mapped_column(Text)


class Answer(RoomBase):
    """The raw answer log: one row per change, as the kiosk journalled it."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    seq: Mapped[int]
    item_id: Mapped[str] = mapped_column(String(64))
    answer_json: Mapped[str] = mapped_column(Text)
    client_ts: Mapped[float]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SessionToken(RoomBase):
    """Bearer tokens, stored hashed, bound to a workstation for kiosks."""

    __tablename__ = "session_tokens"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # kiosk | proctor
    subject: Mapped[str] = mapped_column(String(64))  # attempt id or proctor login
    workstation_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(default=False)


class Act(RoomBase):
    __tablename__ = "acts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # confiscation | impostor
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    data_json: Mapped[str] = mapped_column(Text)
    pdf_path: Mapped[str] = mapped_column(String(500))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(RoomBase):
    """Append-only, hash-chained log of everything the proctor and the server did."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    details_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Bundle(RoomBase):
    __tablename__ = "bundles"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36), unique=True)
    sequence: Mapped[int] = mapped_column(unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_at: Mapped[dt.datetime | None]


class SurveyResponse(RoomBase):
    """One anonymous survey (§25), with no link to who gave it.

    No attempt, student or seat; a random key and no row id, so the table's order says nothing
    about when a response came; the date only, not the time.
    """

    __tablename__ = "survey_responses"
    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, not a sequence
    questionnaire: Mapped[str] = mapped_column(String(32))
    answered_on: Mapped[dt.date]
    answers_json: Mapped[str] = mapped_column(Text)


class SurveyReceipt(RoomBase):
    """That an attempt has answered the survey (so it answers once), and nothing else: not
    which response is its own, not when."""

    __tablename__ = "survey_receipts"
    __table_args__ = {"sqlite_with_rowid": False}
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), primary_key=True)


class Workstation(RoomBase):
    """A kiosk PC of the room as it last reported itself (registration, then heartbeats).

    The workstation id is the seat label: a student logs in only at the workstation of their seat.
    """

    __tablename__ = "workstations"
    workstation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    build_hash: Mapped[str] = mapped_column(String(128))
    screen: Mapped[str] = mapped_column(String(32))  # "1920x1080"
    clock_offset_ms: Mapped[int]  # the kiosk's clock minus the server's, when it last reported
    free_disk_mb: Mapped[int]
    kiosk_locked: Mapped[bool]  # the OS kiosk lock (Shell Launcher / cage) is on
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # What the sitting on it reported last (none between sittings).
    attempt_id: Mapped[str | None] = mapped_column(String(36))
    section: Mapped[str | None] = mapped_column(String(64))
    journal_seq: Mapped[int | None]
    hand_raised: Mapped[bool] = mapped_column(default=False)
    # Its latest silence (no report for longer than readiness.SILENT_AFTER): the last report
    # before and the first after; what the representative sees beside a late answer.
    silent_from: Mapped[dt.datetime | None]
    silent_until: Mapped[dt.datetime | None]


class Incident(RoomBase):
    """Something that happened in the room during the day, besides the acts: a student left and
    came back, time was extended, a student moved seat, the head of the organisation came in or
    went out (§22), a note. Never edited; every one is also in the audit log."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    details_json: Mapped[str] = mapped_column(Text)


class Enrolment(RoomBase):
    """A kiosk PC's credential (issue 15): given once at set-up, kept here only as its SHA-256.

    Every kiosk request carries it; the seat of a login and the workstation of a session come from
    it, never from the request's body or headers. Revoked, it opens nothing; enrolling the seat
    again replaces it (a new PC at that seat)."""

    __tablename__ = "enrolments"
    workstation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    credential_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    enrolled_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime | None]


class LateDecision(enum.StrEnum):
    HELD = "held"  # waiting for the representative
    ACCEPTED = "accepted"  # became one of the attempt's answers (marked in the bundle)
    REJECTED = "rejected"  # never reaches the bundle


class HeldAnswer(RoomBase):
    """An answer that arrived after its sitting's deadline and grace by the server's clock (issue
    15), held apart until the representative accepts or rejects it (room/late_answers.py).

    An offline kiosk cannot prove when it journalled an answer, so the room keeps what it can
    tell: when the answer arrived, and the workstation's offline period around it (its last
    contact before the silence and its first after)."""

    __tablename__ = "held_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    seq: Mapped[int]
    item_id: Mapped[str] = mapped_column(String(64))
    answer_json: Mapped[str] = mapped_column(Text)
    client_ts: Mapped[float]  # what the kiosk claims; shown, never trusted
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    offline_from: Mapped[dt.datetime | None]  # the workstation's last contact before its silence
    offline_until: Mapped[dt.datetime | None]  # its first contact after
    decision: Mapped[LateDecision] = mapped_column(_enum(LateDecision), default=LateDecision.HELD)
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
