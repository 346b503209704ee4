"""Ingest: verify → decrypt → de-duplicate → re-score from raw responses → apply voids → store.

The room's score is never trusted: it is only compared. A refused bundle stores nothing.
"""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, Iterator

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from common import audit_chain
from common.bundle import BundleError, OpenedBundle, open_bundle
from common.content.payload import ExamPayload
from common.content.variants import apply_permutation
from common.domain.exam import ExamContent
from common.domain.scoring import latest_answers
from common.storage.bulk import insert_rows
from common.storage.central_models import (
    CentralAct, CentralSurveyResponse, DirectionScore, ItemScore, ReceivedBundle, Response, Result)
from central_scorer.centre import Centre
from central_scorer.scores.seen_answers import SeenAnswers
from central_scorer.scores.store import dimensions, item_numbers, monitoring_day, score_attempt_rows


# One exit code per reason, so a script at the centre can tell refusals apart (docs/bundle-format.md).
EXIT_CODES = {
    "malformed": 10, "bad_signature": 11, "unknown_signer": 12, "wrong_recipient": 13,
    "payload_mismatch": 14, "payload_unreadable": 15, "too_large": 16, "replayed_old": 17,
    "unknown_package": 18, "bundle_id_reused": 19, "conflict": 20, "wrong_organisation": 21,
}


class IngestRefused(Exception):
    """The bundle is refused; `code` says why in one stable word."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.code, 2)


@dataclass
class IngestReport:
    status: str  # stored | duplicate
    bundle_id: str
    sequence: int
    organisation_code: str
    scored: int = 0
    voided: int = 0
    absent: int = 0
    survey: int = 0
    score_mismatches: list[dict[str, Any]] = field(default_factory=list)
    # attempts refused on their own (an answer its item could not have been given): stored as
    # voided with void_reason "answers_invalid", each named here with why
    refused: list[dict[str, Any]] = field(default_factory=list)
    # "ok", or why the room's audit log is flagged (the bundle is stored all the same): _audit_status
    audit: str = "ok"
    # answers the room's representative accepted after the sitting's time (each response marked
    # `late_accepted` in the bundle, issue 15): per attempt, its individual code and their seqs
    late_accepted: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status, "bundle_id": self.bundle_id, "sequence": self.sequence,
            "organisation_code": self.organisation_code, "scored": self.scored,
            "voided": self.voided, "absent": self.absent, "survey": self.survey,
            "score_mismatches": self.score_mismatches, "refused": self.refused, "audit": self.audit,
            "late_accepted": self.late_accepted,
        }


# An outside person found at entry never sat the test: nothing to void, the student is absent.
_VOIDING = {("confiscation", None), ("impostor", "during_test")}


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for one bundle.

    A bundle's parsed JSON is hundreds of thousands of dicts and lists that hold no cycles:
    reference counting frees them, but every few hundred allocations the collector walked them
    all again (9-27% of an ingest). What cycles a bundle's work makes are collected when it ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def ingest(centre: Centre, raw: bytes) -> IngestReport:
    with _no_cycle_collection():
        return _ingest(centre, raw)


def _ingest(centre: Centre, raw: bytes) -> IngestReport:
    try:
        opened = open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                             centre_id=centre.centre_id)
    except BundleError as exc:
        raise IngestRefused(exc.code, str(exc)) from exc
    m = opened.manifest

    with centre.read() as s:
        same = s.scalar(select(ReceivedBundle).where(ReceivedBundle.sha256 == opened.sha256))
        if same is not None:
            return IngestReport("duplicate", m["bundle_id"], m["sequence"], m["organisation_code"])
        newest = s.scalar(select(func.max(ReceivedBundle.sequence)).where(
            ReceivedBundle.room_id == m["room_id"]))
        clash = s.scalar(select(ReceivedBundle).where(ReceivedBundle.bundle_id == m["bundle_id"]))
    if clash is not None:
        # The same signed manifest in a file whose bytes differ (the envelope re-encoded, or
        # base64's unused bits changed): the same bundle, so a duplicate, not a clash.
        if clash.manifest_json == json.dumps(m, sort_keys=True):
            return IngestReport("duplicate", m["bundle_id"], m["sequence"], m["organisation_code"])
        raise IngestRefused("bundle_id_reused", "another bundle with this id was already received")
    if newest is not None and m["sequence"] <= newest:
        raise IngestRefused("replayed_old", f"sequence {m['sequence']} is not newer than {newest} "
                                            f"already received from room {m['room_id']}")
    contents = _contents(centre, opened)
    survey = _survey_rows(opened)
    try:
        return _store(centre, opened, contents, survey)
    except _AlreadyStored:
        return IngestReport("duplicate", m["bundle_id"], m["sequence"], m["organisation_code"])
    except IntegrityError:
        # The same bundle arrived twice at once and the other copy won the race.
        with centre.read() as s:
            if s.scalar(select(ReceivedBundle).where(ReceivedBundle.sha256 == opened.sha256)):
                return IngestReport("duplicate", m["bundle_id"], m["sequence"], m["organisation_code"])
        raise IngestRefused("conflict", "another bundle of this room with this sequence arrived") from None


def _contents(centre: Centre, opened: OpenedBundle) -> dict[str, ExamContent]:
    """attempt id → the variant the student sat, with the centre's own keys."""
    payloads: dict[str, ExamPayload] = {}
    contents: dict[str, ExamContent] = {}
    for attempt in opened.parts["attempts"]:
        pid = attempt["package_id"]
        if pid not in payloads:
            payload = centre.package_payload(pid)
            if payload is None:
                raise IngestRefused("unknown_package", f"package {pid} was not made by this centre")
            made_for = centre.package_organisation(pid)
            if made_for != opened.manifest["organisation_code"]:  # another school's package
                raise IngestRefused("wrong_organisation", f"package {pid} was made for organisation "
                                    f"{made_for}, not {opened.manifest['organisation_code']}")
            payloads[pid] = payload
        try:
            content = payloads[pid].by_exam_id(attempt["exam_id"])
            if attempt.get("permutation") is not None:  # the order shown must be of that variant
                apply_permutation(content, attempt["permutation"])
        except (KeyError, TypeError, ValueError) as exc:
            raise IngestRefused("unknown_package", f"attempt {attempt.get('attempt_id')}: variant "
                                f"{attempt.get('exam_id')!r} is not in package {pid} as sent") from exc
        contents[attempt["attempt_id"]] = content
    return contents


def _survey_rows(opened: OpenedBundle) -> list[dict[str, str]]:
    """The survey part reduced to what the centre keeps: the questionnaire and the answers. Any
    other field a room might send is dropped, so nothing stored can lead back to a student."""
    rows = []
    for response in opened.parts["survey"]:
        questionnaire = response.get("questionnaire") if isinstance(response, dict) else None
        answers = response.get("answers") if isinstance(response, dict) else None
        if not isinstance(questionnaire, str) or not isinstance(answers, dict) or not all(
                isinstance(q, str) and (v is None or (type(v) is int and 1 <= v <= 5))
                for q, v in answers.items()):
            raise IngestRefused("malformed", "a survey response is not a questionnaire with answers 1 to 5")
        rows.append({"questionnaire": questionnaire, "answers_json": _json(dict(sorted(answers.items())))})
    return rows


def _store(centre: Centre, opened: OpenedBundle, contents: dict[str, ExamContent],
           survey: list[dict[str, str]]) -> IngestReport:
    m = opened.manifest
    org = m["organisation_code"]
    parts = opened.parts
    report = IngestReport("stored", m["bundle_id"], m["sequence"], org, survey=len(survey))
    voids = {
        act["individual_code"]: act["kind"]
        for act in parts["acts"]
        if (act["kind"], act["data"].get("stage") if act["kind"] == "impostor" else None) in _VOIDING
    }
    attempts = {a["individual_code"]: a for a in parts["attempts"]}
    day = monitoring_day(m, parts["attempts"])
    room_grade = next((c.grade for c in contents.values()), None)
    with centre.tx() as s:
        _serialise(s, org, m, opened.sha256)
        # in this transaction: a refusal stores none; each variant once, not once per attempt
        numbers = item_numbers(s, {id(c): c for c in contents.values()}.values())
        report.audit = _audit_status(s, m, parts["audit"])
        bundle = ReceivedBundle(bundle_id=m["bundle_id"], sha256=opened.sha256, room_id=m["room_id"],
                                organisation_code=org, sequence=m["sequence"],
                                manifest_json=json.dumps(m, sort_keys=True), audit_status=report.audit)
        s.add(bundle)
        s.flush()
        facts = {}  # grade -> the organisation's dimensions in that year's campaign of the grade
        codes = [row["individual_code"] for row in parts["attendance"]]
        # A later bundle from the same room supersedes: its rows replace the earlier ones whole.
        old = list(s.scalars(select(Result.id).where(Result.organisation_code == org,
                                                     Result.year == day.year,
                                                     Result.individual_code.in_(codes))))
        if old:
            for table in (Response, DirectionScore, ItemScore):
                s.execute(delete(table).where(table.result_id.in_(old)))
            s.execute(delete(Result).where(Result.id.in_(old)))
        results: list[tuple[Any, ...]] = []
        logs: list[tuple[str, list[dict[str, Any]]]] = []
        scored: dict[str, Any] = {}
        seen = SeenAnswers()  # for this bundle only: it holds its items by their ids
        for row in parts["attendance"]:
            code = row["individual_code"]
            attempt = attempts.get(code)
            content = contents[attempt["attempt_id"]] if attempt is not None else None
            grade = content.grade if content is not None else (room_grade or _grade(row))
            if grade not in facts:
                facts[grade] = dimensions(s, org, grade, day).columns()
            result: dict[str, Any] = dict(
                bundle_pk=bundle.id, organisation_code=org, individual_code=code,
                full_name=row["full_name"], package_id=None, exam_id=None, status="absent", score=None,
                max_score=None, room_score=None, absence_reason=row.get("absence_reason"),
                void_reason=None, room_id=m["room_id"], **facts[grade],
                test_language=content.language if content is not None else row.get("language"))
            if attempt is not None:
                result["package_id"] = attempt["package_id"]
                result["exam_id"] = content.exam_id
                result["room_score"] = attempt["room_score"]
                result["max_score"] = content.max_score
                refusal = None if code in voids else answers_refusal(content, attempt["responses"], seen)
                if code in voids:
                    result["status"], result["void_reason"] = "voided", voids[code]
                    report.voided += 1
                elif refusal is not None:
                    result["status"], result["void_reason"] = "voided", "answers_invalid"
                    report.voided += 1
                    report.refused.append({"individual_code": code, "attempt_id": attempt["attempt_id"],
                                           "reason": refusal})
                else:
                    result["status"] = "scored"
                    scores = score_attempt_rows(content, latest_answers(attempt["responses"]), seen)
                    scored[code] = scores
                    result["score"] = scores.total
                    report.scored += 1
                    if attempt["room_score"] is None or abs(attempt["room_score"] - result["score"]) > 1e-6:
                        report.score_mismatches.append({"individual_code": code,
                                                        "room": attempt["room_score"],
                                                        "central": result["score"]})
                if refusal is None:  # a refused attempt's log is not stored: it may be anything
                    logs.append((code, attempt["responses"]))
                    late = [r["seq"] for r in attempt["responses"] if r.get("late_accepted") is True]
                    if late:
                        report.late_accepted.append({"individual_code": code, "seqs": late})
            else:
                report.absent += 1
                if code in voids:  # an impostor at entry would be here; keep the act's reason
                    result["void_reason"] = voids[code]
            results.append(tuple(result[c] for c in _RESULT_COLUMNS))
        # Plain rows straight to the tables, not one ORM object per row: with ~60 responses per
        # attempt the unit of work was nearly all of an ingest's time, and then PostgreSQL's
        # INSERT executemany was (docs/BENCHMARKS.md). `insert_rows` COPYs on PostgreSQL and
        # runs the driver's executemany on SQLite. Every column but the id is given.
        insert_rows(s, Result.__table__, _RESULT_COLUMNS, results)
        if logs:
            ids = {code: rid for code, rid in s.execute(
                select(Result.individual_code, Result.id).where(Result.bundle_pk == bundle.id))}
            store_scores(s, ids, scored, numbers)
            rows: list[tuple[Any, ...]] = []
            for code, responses in logs:
                result_id = ids[code]
                rows.extend((result_id, r["seq"], r["item_id"], _answer_json(r["answer"]), r["client_ts"])
                            for r in responses)
                if len(rows) >= _CHUNK:
                    insert_rows(s, Response.__table__, _RESPONSE_COLUMNS, rows)
                    rows = []
            insert_rows(s, Response.__table__, _RESPONSE_COLUMNS, rows)
        # The room's survey responses, replaced whole by each newer bundle of the room.
        s.execute(delete(CentralSurveyResponse).where(CentralSurveyResponse.room_id == m["room_id"]))
        if survey:
            s.execute(insert(CentralSurveyResponse.__table__), [
                dict(bundle_pk=bundle.id, room_id=m["room_id"], organisation_code=org, **row)
                for row in survey])
        if parts["acts"]:
            s.execute(insert(CentralAct.__table__), [
                dict(bundle_pk=bundle.id, organisation_code=org, number=act["number"],
                     kind=act["kind"], individual_code=act["individual_code"],
                     data_json=_json(act["data"])) for act in parts["acts"]])
    return report


def _audit_status(s, manifest: dict[str, Any], log: list[dict[str, Any]]) -> str:
    """"ok", or why the room's audit log is flagged: its chain is broken, or it no longer holds the
    signed checkpoint of the room's newest bundle received before (it was cut or re-chained in
    between). A flagged bundle is stored all the same (the students' results do not depend on the
    room's log) and the flag is kept with it (docs/SECURITY.md)."""
    broken = audit_chain.problem(log)
    if broken is not None:
        return f"broken: {broken}"[:300]
    before = s.scalar(select(ReceivedBundle.manifest_json).where(
        ReceivedBundle.room_id == manifest["room_id"]).order_by(ReceivedBundle.sequence.desc()).limit(1))
    earlier = json.loads(before).get("audit_checkpoint") if before else None
    if isinstance(earlier, dict) and not audit_chain.extends(log, earlier):
        return (f"rewritten: the log no longer holds entry {earlier.get('entries')} as the room's "
                f"previous bundle signed it")[:300]
    return "ok"


def answers_refusal(content: ExamContent, responses: Any, seen: SeenAnswers) -> str | None:
    """Why an attempt's answer log is not one the room could have stored, or None when it is.

    The room refuses such answers (common/domain/answer_checks.py); one found here came from a
    room that did not, and refuses that attempt alone. `seen` checks each distinct answer of an
    item once per bundle."""
    if not isinstance(responses, list):
        return "the answer log is not a list"
    items = seen.items(content)
    for n, r in enumerate(responses):
        if (not isinstance(r, dict) or type(r.get("seq")) is not int
                or not isinstance(r.get("client_ts"), (int, float))
                or not isinstance(r.get("item_id"), str) or r["item_id"] not in items
                or not isinstance(r.get("late_accepted", False), bool)):
            return f"answer {n}: not a (seq, item of this test, answer, time) entry"
        problem = seen.problem(items[r["item_id"]], r.get("answer"))
        if problem is not None:
            return problem
    return None


def store_scores(s, ids: dict[str, int], scored: dict[str, Any], numbers: dict[str, int]) -> None:
    """The direction and item rows of scored attempts (`ids`: individual code -> result id)."""
    directions: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    for code, scores in scored.items():
        rid = ids[code]
        directions.extend((rid, d, got, most) for d, (got, most) in scores.directions.items())
        items.extend((rid, numbers[item], position, points, status)
                     for item, position, points, status in scores.items)
        if len(items) >= _CHUNK:
            insert_rows(s, ItemScore.__table__, _ITEM_COLUMNS, items)
            items = []
    insert_rows(s, DirectionScore.__table__, _DIRECTION_COLUMNS, directions)
    insert_rows(s, ItemScore.__table__, _ITEM_COLUMNS, items)


class _AlreadyStored(Exception):
    pass


def _serialise(s, organisation_code: str, manifest: dict[str, Any], sha256: str) -> None:
    """One ingest at a time per organisation (its results are what a bundle replaces), however
    many workers run; then the room's sequence is checked again inside this transaction."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 18))"),
                  {"key": f"ingest:{organisation_code}"})
    if s.scalar(select(ReceivedBundle.id).where(ReceivedBundle.sha256 == sha256)) is not None:
        raise _AlreadyStored  # the same bundle, stored by another worker while this one waited
    newest = s.scalar(select(func.max(ReceivedBundle.sequence)).where(
        ReceivedBundle.room_id == manifest["room_id"]))
    if newest is not None and manifest["sequence"] <= newest:
        raise IngestRefused("replayed_old", f"sequence {manifest['sequence']} is not newer than "
                                            f"{newest} already received from room {manifest['room_id']}")


def _grade(row: dict[str, Any]) -> str | None:
    grade = row.get("grade")
    return str(grade).strip() or None if grade is not None else None


# json.dumps(value, ensure_ascii=False) builds a new encoder on every call; one encoder, reused.
_json = json.JSONEncoder(ensure_ascii=False).encode


def _answer_json(answer: Any) -> str:
    """`_json(answer)`: the answers most items get (an option id, a typed string, a list of option
    ids) written as the encoder writes them, without its machinery (a third less CPU)."""
    if type(answer) is str:
        return encode_basestring(answer)
    if type(answer) is list and all(type(v) is str for v in answer):
        return "[" + ", ".join(map(encode_basestring, answer)) + "]"
    return _json(answer)
_CHUNK = 20_000  # responses per insert_rows: bounded memory for any bundle size
_RESULT_COLUMNS = ("bundle_pk", "organisation_code", "individual_code", "full_name", "package_id",
                   "exam_id", "status", "score", "max_score", "room_score", "absence_reason",
                   "void_reason", "year", "cycle", "grade", "test_language", "monitoring_day",
                   "room_id", "campaign_id", "region", "district", "territory", "org_type",
                   "org_language")
_DIRECTION_COLUMNS = ("result_id", "direction", "score", "max_score")
_ITEM_COLUMNS = ("result_id", "item", "position", "score", "status")
_RESPONSE_COLUMNS = ("result_id", "seq", "item_id", "answer_json", "client_ts")
