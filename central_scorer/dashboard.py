"""Which organisations' reports are due, overdue or delivered (§27: three working days)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from html import escape

from sqlalchemy import func, select

from common.documents.pdf import local_time
from common.domain.calendar import add_working_days
from common.i18n import LANGUAGES, t
from common.storage.central_models import ReceivedBundle, ReportDelivery
from central_scorer.centre import Centre
from central_scorer.reports import RESULTS_DUE_WORKING_DAYS


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


def render(rows: list[DueReport], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    body = "".join(
        f'<tr class="{r.status}"><td>{escape(r.organisation_code)}</td><td>{r.monitoring_ended}</td>'
        f'<td>{r.due}</td><td>{escape(t("dashboard.status." + r.status, lang))}</td>'
        f'<td>{(r.delivered_at or "")[:16].replace("T", " ")}</td></tr>' for r in rows)
    heads = "".join(f"<th>{escape(t('dashboard.col.' + c, lang))}</th>"
                    for c in ("organisation", "ended", "due", "status", "delivered"))
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{escape(t("dashboard.title", lang))}</title>
<style>body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; }} th, td {{ border-bottom: 1px solid #ccc; padding: .3rem .7rem; }}
tr.overdue td {{ background: #fde2e2; }} tr.due td {{ background: #fff4d6; }}</style></head>
<body><h1>{escape(t("dashboard.title", lang))}</h1>
<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></body></html>"""


def as_json(rows: list[DueReport]) -> list[dict]:
    return [asdict(r) for r in rows]
