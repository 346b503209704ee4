"""The organisation's results report (§27): due within three working days after the monitoring."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from common.documents.pdf import local_time
from common.documents.report import (
    DirectionComparison,
    OrganisationReport,
    ReportRow,
    render_organisation_report,
)
from common.domain.calendar import add_working_days
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.central_models import (
    ReceivedBundle,
    ReportDelivery,
    Response,
    Result,
)
from central_scorer.reports.aggregates import UNKNOWN, scored_rows
from central_scorer.centre import Centre

RESULTS_DUE_WORKING_DAYS = 3


class NoResults(LookupError):
    """Nothing has been received for this organisation."""


def build_report(centre: Centre, organisation_code: str, organisation_name: str | None = None) -> OrganisationReport:
    with centre.read() as s:
        results = list(s.scalars(select(Result).where(Result.organisation_code == organisation_code)
                                 .order_by(Result.individual_code)))
        if not results:
            raise NoResults(f"no results received for organisation {organisation_code}")
        package_id = next((r.package_id for r in results if r.package_id), None)
        newest = s.scalars(select(ReceivedBundle).where(
            ReceivedBundle.organisation_code == organisation_code)
            .order_by(ReceivedBundle.received_at.desc()).limit(1)).first()
    manifest = json.loads(newest.manifest_json)
    monitoring_day = local_time(dt.datetime.fromisoformat(manifest["created_at"])).date()
    first = centre.package_content(package_id) if package_id else None  # what its variants share
    content = {"title": first.title, "grade": first.grade, "language": first.language} if first else {}
    rows = tuple(
        ReportRow(individual_code=r.individual_code, full_name=r.full_name, status=r.status,
                  score=r.score, max_score=r.max_score if r.status == "scored" else None,
                  absence_reason=r.absence_reason if r.status == "absent" else None,
                  void_reason=r.void_reason if r.status == "voided" else None)
        for r in results
    )
    directions, region = direction_comparison(centre, organisation_code)
    return OrganisationReport(
        organisation_code=organisation_code,
        organisation_name=organisation_name or organisation_code,
        test_title=content.get("title", ""),
        grade=content.get("grade", ""),
        language_of_instruction=content.get("language", "kk"),
        monitoring_date=monitoring_day,
        due_date=add_working_days(monitoring_day, RESULTS_DUE_WORKING_DAYS),
        generated_at=utcnow(),
        rows=rows,
        directions=directions,
        region=None if region == UNKNOWN else region,
    )


def direction_comparison(centre: Centre, organisation_code: str) -> tuple[tuple[DirectionComparison, ...], str]:
    """Mean percent per direction for the organisation, its region and the country."""
    rows = scored_rows(centre)
    own = [r for r in rows if r.organisation_code == organisation_code]
    region = own[0].region if own else UNKNOWN
    in_region = [r for r in rows if r.region == region] if region != UNKNOWN else []

    def mean(group: list, direction: str) -> float | None:
        values = [r.directions[direction] for r in group if direction in r.directions]
        return round(sum(values) / len(values), 1) if values else None

    directions = sorted({d for r in own for d in r.directions})
    return tuple(DirectionComparison(d, mean(own, d), mean(in_region, d), mean(rows, d))
                 for d in directions), region


def write_report(centre: Centre, organisation_code: str, lang: str,
                 organisation_name: str | None = None) -> Path:
    """Make the report, keep it on disk, and record that it was made (the dashboard counts it)."""
    report = build_report(centre, organisation_code, organisation_name)
    path = centre.root / "reports" / f"results-{organisation_code}-{lang}.pdf"
    pdf = render_organisation_report(report, lang)
    write_durably(path, pdf)
    with centre.tx() as s:
        s.add(ReportDelivery(organisation_code=organisation_code, lang=lang, path=str(path),
                             sha256=hashlib.sha256(pdf).hexdigest()))
    return path


def organisation_results(centre: Centre, organisation_code: str) -> list[dict[str, Any]]:
    """Every stored result of an organisation with its raw responses, for export and checks."""
    with centre.read() as s:
        results = list(s.scalars(select(Result).where(Result.organisation_code == organisation_code)
                                 .order_by(Result.individual_code)))
        responses: dict[int, list[dict[str, Any]]] = {}
        for r in s.scalars(select(Response).where(Response.result_id.in_([x.id for x in results]))
                           .order_by(Response.result_id, Response.seq)):
            responses.setdefault(r.result_id, []).append(
                {"seq": r.seq, "item_id": r.item_id, "answer": json.loads(r.answer_json),
                 "client_ts": r.client_ts})
    return [
        {"individual_code": r.individual_code, "full_name": r.full_name, "status": r.status,
         "score": r.score, "max_score": r.max_score, "room_score": r.room_score,
         "exam_id": r.exam_id, "absence_reason": r.absence_reason, "void_reason": r.void_reason,
         "responses": responses.get(r.id, [])}
        for r in results
    ]
