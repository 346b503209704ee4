"""`central-scorer report | export | reports-due | due-date | survey`: what the centre hands out."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from central_scorer.cli.output import print_json


def _report(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.organisation import write_report

    print(write_report(centre, args.organisation, args.lang, args.name))
    return 0


def _export(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.exports import export

    print(export(centre, args.organisation, args.out, args.lang))
    return 0


def _reports_due(args: argparse.Namespace, centre) -> int:
    import datetime as dt

    from central_scorer.reports.due import as_json, reports_due

    today = dt.date.fromisoformat(args.today) if args.today else None
    print_json(as_json(reports_due(centre, today)))
    return 0


def _due_date(args: argparse.Namespace, centre) -> int:
    import datetime as dt

    from common.domain.calendar import add_working_days
    from central_scorer.reports.organisation import RESULTS_DUE_WORKING_DAYS

    try:
        end = dt.date.fromisoformat(args.date)
    except ValueError:
        print(json.dumps({"error": "bad_date", "message": f"{args.date!r} is not a date YYYY-MM-DD"}))
        return 2
    due = add_working_days(end, RESULTS_DUE_WORKING_DAYS)
    print_json({"monitoring_ended": end.isoformat(), "due": due.isoformat(),
                "working_days": RESULTS_DUE_WORKING_DAYS, "calendar": "KZ"})
    return 0


def _survey(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.survey import survey_aggregates

    print_json(survey_aggregates(centre))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    rep = sub.add_parser("report", help="write an organisation's results report (PDF)")
    rep.add_argument("--organisation", required=True)
    rep.add_argument("--name", help="the organisation's name as printed")
    rep.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    rep.set_defaults(handler=_report)

    exp = sub.add_parser("export", help="an organisation's results as CSV or XLSX (by --out's suffix)")
    exp.add_argument("--organisation", required=True)
    exp.add_argument("--out", type=Path, required=True)
    exp.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    exp.set_defaults(handler=_export)

    rdue = sub.add_parser("reports-due", help="organisations' reports: delivered, due or overdue")
    rdue.add_argument("--today", help="as if today were YYYY-MM-DD (default: today in Kazakhstan)")
    rdue.add_argument("--json", action="store_true", help="print JSON (the only format)")
    rdue.set_defaults(handler=_reports_due)

    due = sub.add_parser("due-date", help="the day results are due: three KZ working days after DATE")
    due.add_argument("date", help="the day the monitoring ended, YYYY-MM-DD")
    due.add_argument("--json", action="store_true", help="print JSON (the only format)")
    due.set_defaults(handler=_due_date, needs_centre=False)

    survey = sub.add_parser("survey", help="the anonymous survey aggregated per organisation and region")
    survey.add_argument("--json", action="store_true", help="print JSON (the only format)")
    survey.set_defaults(handler=_survey)
