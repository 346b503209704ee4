"""The organisation's results report (§27) for one year and grade: due within three working days
after its monitoring day, delivered through the portal.

A school with a grade-4 room and a grade-9 room gets two reports, each of its own grade. The
comparison by direction (organisation, region, republic) comes from the stored direction scores
(`central_scorer.scores.read`); a region's or the republic's figure is withheld when fewer than
`MIN_GROUP` students besides the organisation's own make it up — else the organisation could
subtract its own results and learn a small group's mean.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from common.documents.report import (
    DirectionComparison,
    OrganisationReport,
    ReportRow,
    render_organisation_report,
)
from common.domain.calendar import add_working_days
from common.storage.base import utcnow
from common.storage.central_models import CampaignOrganisation, Response, Result
from central_scorer.centre import Centre
from central_scorer.reports.suppression import MIN_GROUP
from central_scorer.scores import read

RESULTS_DUE_WORKING_DAYS = 3

# Kazakh alphabet order (Cyrillic): Russian names sort the same way, Kazakh letters in place.
_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}


def surname_key(full_name: str) -> tuple:
    """Sort by surname, then name, in Kazakh alphabetical order (Latin letters after)."""
    return tuple(tuple(_ORDER.get(ch, 100 + ord(ch)) for ch in word.casefold())
                 for word in full_name.split())


class NoResults(LookupError):
    """Nothing has been received for this organisation (in that year and grade)."""


@dataclass
class Comparisons:
    """Direction sums of one year and grade: per region and for the republic, computed once for
    every report of the cohort."""

    year: int
    grade: str
    republic: dict[str, tuple[int, float]] = field(default_factory=dict)
    regions: dict[str, dict[str, tuple[int, float]]] = field(default_factory=dict)

    @classmethod
    def of(cls, centre: Centre, year: int, grade: str) -> Comparisons:
        out = cls(year, grade)
        with centre.read() as s:
            for _, direction, n, total in read.direction_sums(s, year, grade):
                out.republic[direction] = (n, total)
            for region, direction, n, total in read.direction_sums(s, year, grade, "region"):
                if region is not None:
                    out.regions.setdefault(region, {})[direction] = (n, total)
        return out


def _mean_without(group: tuple[int, float] | None, own: tuple[int, float]) -> float | None:
    """The group's mean, or None when the others in it are fewer than MIN_GROUP."""
    if group is None or group[0] - own[0] < MIN_GROUP:
        return None
    return round(group[1] / group[0], 1)


def build_report(centre: Centre, organisation_code: str, year: int, grade: str,
                 organisation_name: str | None = None,
                 comparisons: Comparisons | None = None) -> OrganisationReport:
    with centre.read() as s:
        results = list(read.organisation_rows(s, organisation_code, year, grade))
        if not results:
            raise NoResults(f"no results received for organisation {organisation_code}, "
                            f"grade {grade}, {year}")
        own = {d: (n, total) for _, d, n, total in
               read.direction_sums(s, year, grade, organisation=organisation_code)}
        name = organisation_name or s.scalar(
            select(CampaignOrganisation.name).where(CampaignOrganisation.code == organisation_code)
            .order_by(CampaignOrganisation.id.desc()).limit(1))
    comparisons = comparisons or Comparisons.of(centre, year, grade)
    results.sort(key=lambda r: (surname_key(r.full_name), r.individual_code))
    region = next((r.region for r in results if r.region), None)
    day = max(r.monitoring_day for r in results if r.monitoring_day)
    language = next((r.test_language for r in results if r.status == "scored" and r.test_language),
                    results[0].test_language or "kk")
    rows = tuple(
        ReportRow(individual_code=r.individual_code, full_name=r.full_name, status=r.status,
                  score=r.score, max_score=r.max_score if r.status == "scored" else None,
                  absence_reason=r.absence_reason if r.status == "absent" else None,
                  void_reason=r.void_reason if r.status == "voided" else None)
        for r in results)
    in_region = comparisons.regions.get(region or "", {})
    directions = tuple(
        DirectionComparison(d, round(total / n, 1), _mean_without(in_region.get(d), (n, total)),
                            _mean_without(comparisons.republic.get(d), (n, total)))
        for d, (n, total) in sorted(own.items()) if n)
    return OrganisationReport(
        organisation_code=organisation_code, organisation_name=name or organisation_code,
        grade=grade, language_of_instruction=language, monitoring_date=day,
        due_date=add_working_days(day, RESULTS_DUE_WORKING_DAYS), generated_at=utcnow(),
        rows=rows, directions=directions, region=region, year=year)


def report_pdf(centre: Centre, organisation_code: str, year: int, grade: str, lang: str,
               comparisons: Comparisons | None = None) -> bytes:
    return render_organisation_report(
        build_report(centre, organisation_code, year, grade, comparisons=comparisons), lang)


def organisation_cohorts(centre: Centre, organisation_code: str) -> list[tuple[int, str]]:
    """The years and grades an organisation has results for."""
    with centre.read() as s:
        return [(int(y), str(g)) for y, g in s.execute(
            select(Result.year, Result.grade).where(Result.organisation_code == organisation_code,
                                                    Result.year.is_not(None), Result.grade.is_not(None))
            .group_by(Result.year, Result.grade).order_by(Result.year, Result.grade))]


def organisation_results(centre: Centre, organisation_code: str, year: int | None = None,
                         grade: str | None = None) -> list[dict[str, Any]]:
    """An organisation's stored results with their raw responses (staff API and checks)."""
    where = [Result.organisation_code == organisation_code]
    if year is not None:
        where.append(Result.year == year)
    if grade is not None:
        where.append(Result.grade == grade)
    with centre.read() as s:
        results = list(s.scalars(select(Result).where(*where).order_by(Result.individual_code)))
        responses: dict[int, list[dict[str, Any]]] = {}
        rows = s.execute(select(Response.result_id, Response.seq, Response.item_id, Response.answer_json,
                                Response.client_ts).join(Result, Result.id == Response.result_id)
                         .where(*where).order_by(Response.result_id, Response.seq))
        for rid, seq, item_id, answer, ts in rows:
            responses.setdefault(rid, []).append(
                {"seq": seq, "item_id": item_id, "answer": json.loads(answer), "client_ts": ts})
    return [
        {"individual_code": r.individual_code, "full_name": r.full_name, "status": r.status,
         "score": r.score, "max_score": r.max_score, "room_score": r.room_score,
         "exam_id": r.exam_id, "absence_reason": r.absence_reason, "void_reason": r.void_reason,
         "year": r.year, "grade": r.grade, "responses": responses.get(r.id, [])}
        for r in results
    ]


def monitoring_days(centre: Centre) -> list[tuple[str, int, str, dt.date]]:
    """(organisation, year, grade, last monitoring day) of everything received."""
    with centre.read() as s:
        return [(o, int(y), str(g), d) for o, y, g, d in s.execute(
            select(Result.organisation_code, Result.year, Result.grade, func.max(Result.monitoring_day))
            .where(Result.year.is_not(None), Result.grade.is_not(None))
            .group_by(Result.organisation_code, Result.year, Result.grade))]
