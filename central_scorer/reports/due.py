"""Which organisations' reports are due, overdue or delivered (§27: three working days)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from common.documents.pdf import local_time
from common.domain.calendar import add_working_days
from common.storage.central_models import ReceivedBundle, ReportDelivery
from central_scorer.centre import Centre
from central_scorer.reports.organisation import RESULTS_DUE_WORKING_DAYS


@dataclass(frozen=True)
class DueReport:
    organisation_code: str
    monitoring_ended: str
    due: str
    delivered_at: str | None
    status: str  # delivered | due | overdue


def reports_due(centre: Centre, today: dt.date | None = None) -> list[DueReport]:
    today = today or local_time(dt.datetime.now(dt.timezone.utc)).date()
    with centre.read() as s:
        ended: dict[str, dt.date] = {}
        for bundle in s.scalars(select(ReceivedBundle)):
            day = local_time(dt.datetime.fromisoformat(json.loads(bundle.manifest_json)["created_at"])).date()
            ended[bundle.organisation_code] = max(day, ended.get(bundle.organisation_code, day))
        delivered = dict(s.execute(select(ReportDelivery.organisation_code, func.min(ReportDelivery.made_at))
                                   .group_by(ReportDelivery.organisation_code)).all())
    out = []
    for code, day in sorted(ended.items()):
        due = add_working_days(day, RESULTS_DUE_WORKING_DAYS)
        made = delivered.get(code)
        if made is not None and made.tzinfo is None:  # SQLite through a plain aggregate
            made = made.replace(tzinfo=dt.timezone.utc)
        status = "delivered" if made else ("overdue" if today > due else "due")
        out.append(DueReport(code, day.isoformat(), due.isoformat(),
                             made.isoformat() if made else None, status))
    # What needs a person first: overdue, then due soonest, then delivered.
    order = {"overdue": 0, "due": 1, "delivered": 2}
    return sorted(out, key=lambda r: (order[r.status], r.due, r.organisation_code))


def as_json(rows: list[DueReport]) -> list[dict]:
    return [asdict(r) for r in rows]
