"""Which organisations' reports are due, overdue or delivered (§27: three working days after the
monitoring day, on Kazakhstan's working-day calendar) — per organisation, year and grade.

"Delivered" means the organisation downloaded its report through the portal (the first download
of the PDF is recorded); a report made on the centre's disk but not yet taken is still due (or
overdue) and shows when it was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from common.documents.pdf import local_time
from common.domain.calendar import add_working_days
from common.storage.central_models import OrganisationReportFile, ReportDownload
from central_scorer.centre import Centre
from central_scorer.reports.organisation import RESULTS_DUE_WORKING_DAYS, monitoring_days


@dataclass(frozen=True)
class DueReport:
    organisation_code: str
    year: int
    grade: str
    monitoring_ended: str
    due: str
    made_at: str | None
    delivered_at: str | None
    status: str  # delivered | due | overdue


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite through a plain aggregate
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.isoformat()


def reports_due(centre: Centre, today: dt.date | None = None) -> list[DueReport]:
    today = today or local_time(dt.datetime.now(dt.timezone.utc)).date()
    key = (OrganisationReportFile.organisation_code, OrganisationReportFile.year, OrganisationReportFile.grade)
    with centre.read() as s:
        made = {(o, y, g): m for o, y, g, m in s.execute(
            select(*key, func.min(OrganisationReportFile.made_at))
            .where(OrganisationReportFile.kind == "pdf").group_by(*key))}
        delivered = {(o, y, g): m for o, y, g, m in s.execute(
            select(*key, func.min(ReportDownload.at))
            .join(ReportDownload, ReportDownload.report_id == OrganisationReportFile.id)
            .where(OrganisationReportFile.kind == "pdf").group_by(*key))}
    out = []
    for code, year, grade, day in monitoring_days(centre):
        due = add_working_days(day, RESULTS_DUE_WORKING_DAYS)
        got = delivered.get((code, year, grade))
        status = "delivered" if got else ("overdue" if today > due else "due")
        out.append(DueReport(code, year, grade, day.isoformat(), due.isoformat(),
                             _iso(made.get((code, year, grade))), _iso(got), status))
    # What needs a person first: overdue, then due soonest, then delivered.
    order = {"overdue": 0, "due": 1, "delivered": 2}
    return sorted(out, key=lambda r: (order[r.status], r.due, r.organisation_code, r.year, r.grade))


def as_json(rows: list[DueReport]) -> list[dict]:
    return [asdict(r) for r in rows]
