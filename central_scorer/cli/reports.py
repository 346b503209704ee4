"""`central-scorer report | reports | export | verify | reports-due | due-date | survey`: what the
centre hands out.

    central-scorer reports --due [--jobs N] [--year Y --grade G] [--remake]   every report due
    central-scorer report --organisation O --year Y --grade G [--lang kk]     one report, to --out
    central-scorer export --year Y --grade G --form long|wide --out F.csv|.xlsx|.sav [--lang kk|ru]
    central-scorer verify FILE [--signature FILE.p7s] [--certificate CRT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from central_scorer.cli.output import print_json


def _refuse(code: str, message: str, exit_code: int = 2) -> int:
    from common.cli.errors import CliError

    raise CliError("message", exit_code, code=code, text=message)


def _report(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.organisation import NoResults, build_report
    from common.documents.report import render_organisation_report
    from common.durable import write_durably

    try:
        pdf = render_organisation_report(build_report(centre, args.organisation, args.year, args.grade,
                                                      organisation_name=args.name), args.lang)
    except NoResults as exc:
        return _refuse("no_results", str(exc))
    if args.sign:
        from central_scorer.reports.signing import DocumentSigner

        pdf = DocumentSigner(centre.root / "keys", centre.centre_id).sign_pdf(pdf)
    write_durably(args.out, pdf)
    print_json({"path": str(args.out), "signed": args.sign})
    return 0


def _reports(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.batch import due_tasks, make_reports

    if not args.due:
        return _refuse("usage", "say which reports: --due (every organisation due or overdue)")
    tasks = due_tasks(centre, year=args.year, grade=args.grade, remake=args.remake)
    if args.limit is not None:
        tasks = tasks[:args.limit]

    def progress(done: int, total: int, outcome: dict) -> None:
        print(json.dumps({"progress": f"{done}/{total}", "organisation": outcome["organisation"],
                          "year": outcome["year"], "grade": outcome["grade"],
                          **({"error": outcome["error"]} if "error" in outcome else {})},
                         ensure_ascii=False), file=sys.stderr, flush=True)

    summary = make_reports(centre, tasks, args.jobs, progress)
    print_json({"due": len(tasks), **summary})
    return 1 if summary["failed"] else 0


def _export(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.analysts import export

    try:
        if args.organisation:  # a staff copy of what the organisation gets through the portal
            from central_scorer.reports.batch import organisation_files_table
            from central_scorer.reports.exports import write_table

            table = organisation_files_table(centre, args.organisation, args.year, args.grade)
            write_table(args.out, table, args.lang)
            print_json({"path": str(args.out), "rows": len(table) - 1})
            return 0
        print_json(export(centre, args.year, args.grade, args.form, args.out, args.lang))
    except ValueError as exc:
        return _refuse("bad_format", str(exc))
    return 0


def _verify(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.signing import CERT_FILE, SignatureInvalid, verify_detached, verify_pdf

    certificate = args.certificate or centre.root / "keys" / CERT_FILE
    try:
        data = args.file.read_bytes()
        if args.signature or not data.startswith(b"%PDF"):
            signature = args.signature or args.file.with_name(args.file.name + ".p7s")
            verified = verify_detached(data, Path(signature).read_bytes(), Path(certificate))
        else:
            verified = verify_pdf(data, Path(certificate))
    except SignatureInvalid as exc:
        print_json({"file": str(args.file), "valid": False, "message": str(exc)})
        return 3
    except OSError as exc:
        return _refuse("unreadable_file", str(exc))
    print_json({"file": str(args.file), "valid": True, "kind": verified.kind, "signer": verified.signer,
                "signed_at": verified.signed_at, "covers": verified.covers})
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
        return _refuse("bad_date", f"{args.date!r} is not a date YYYY-MM-DD")
    due = add_working_days(end, RESULTS_DUE_WORKING_DAYS)
    print_json({"monitoring_ended": end.isoformat(), "due": due.isoformat(),
                "working_days": RESULTS_DUE_WORKING_DAYS, "calendar": "KZ"})
    return 0


def _survey(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.survey import survey_aggregates

    print_json(survey_aggregates(centre))
    return 0


def _cohort(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--year", type=int, required=required)
    parser.add_argument("--grade", required=required, help="4 | 9 | college-2 | college-3")


def register(sub: argparse._SubParsersAction) -> None:
    rep = sub.add_parser("report", help="one organisation's results report for a year and grade (PDF)")
    rep.add_argument("--organisation", required=True)
    _cohort(rep)
    rep.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    rep.add_argument("--name", help="the organisation's name as printed (default: the campaign's record)")
    rep.add_argument("--out", type=Path, required=True)
    rep.add_argument("--sign", action="store_true", help="sign it with the centre's document key (PAdES)")
    rep.set_defaults(handler=_report)

    batch = sub.add_parser("reports", help="make the reports, CSV and XLSX of every organisation due (signed)")
    batch.add_argument("--due", action="store_true", help="every organisation whose report is due or overdue")
    batch.add_argument("--jobs", type=int, default=1, help="worker processes")
    _cohort(batch, required=False)
    batch.add_argument("--remake", action="store_true", help="make again those already made")
    batch.add_argument("--limit", type=int, help="at most this many organisations (the most urgent first)")
    batch.set_defaults(handler=_reports)

    exp = sub.add_parser("export", help="the analysts' export of a year and grade: long or wide, CSV/XLSX/SAV")
    _cohort(exp)
    exp.add_argument("--form", choices=("long", "wide"), default="wide")
    exp.add_argument("--organisation", help="one organisation's results table (as its portal CSV/XLSX)")
    exp.add_argument("--out", type=Path, required=True, help=".csv, .xlsx or .sav")
    exp.add_argument("--lang", choices=("kk", "ru", "en"), default="kk", help="labels of XLSX and SAV")
    exp.set_defaults(handler=_export)

    ver = sub.add_parser("verify", help="check the centre's signature on a report PDF or an export")
    ver.add_argument("file", type=Path)
    ver.add_argument("--signature", type=Path, help="the detached signature (default FILE.p7s)")
    ver.add_argument("--certificate", type=Path, help="the centre's document certificate (default: keys/)")
    ver.set_defaults(handler=_verify)

    rdue = sub.add_parser("reports-due", help="organisations' reports per year and grade: delivered, due or overdue")
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
