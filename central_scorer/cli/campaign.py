"""`central-scorer sample | campaign ... | notices | cancel`: the monitoring campaign's commands.

* ``sample LIST --share 0.25 --seed N --year YYYY [--json] [--pdf F] [--xlsx F]``: the stratified
  draw on a working list, without the centre's database (for a rehearsal or an audit).
* ``campaign open|show|set-day|participation``: the campaign as the centre records it.
* ``notices``: one PDF per selected organisation (§13). ``cancel``: a territory's cancellation and
  its signed revocation list (§15).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import secrets
from pathlib import Path

from central_scorer.campaign.calendar import GRADES, CalendarError
from central_scorer.campaign.revocation import AUTHORITIES, GROUNDS
from central_scorer.campaign.selection import DEFAULT_SHARE, SelectionError
from central_scorer.campaign.working_list import WorkingListInvalid
from central_scorer.cli.output import print_json

LANGS = ("kk", "ru", "en")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _refuse(exc: Exception) -> int:
    from common.cli import errors
    from common.cli.errors import CliError

    text, details = str(exc), {}
    if isinstance(exc, WorkingListInvalid):
        details["problems"] = [{"row": p.row, "field": p.field, "message": p.message} for p in exc.problems]
        text = f"{exc}: " + "; ".join(f"row {p.row}, {p.field}: {p.message}" for p in exc.problems)
    if isinstance(exc, FileNotFoundError):
        raise CliError("no_such_file", errors.NOT_FOUND, path=exc.filename or str(exc))
    raise CliError("message", errors.USAGE, code=type(exc).__name__, details=details, text=text)


def _guarded(handler):
    def run(args: argparse.Namespace, centre) -> int:
        from central_scorer.campaign.store import CampaignError

        try:
            return handler(args, centre)
        except (WorkingListInvalid, SelectionError, CalendarError, CampaignError, ValueError) as exc:
            return _refuse(exc)
        except OSError as exc:
            return _refuse(exc)
    return run


def _seed(args: argparse.Namespace) -> int:
    # No seed given: one is drawn here and printed, so the draw can still be redone.
    return args.seed if args.seed is not None else secrets.randbelow(10**12)


def _publish(args: argparse.Namespace, selection, list_bytes: bytes, grade: str) -> dict[str, str]:
    from central_scorer.campaign.publish import selection_document, selection_pdf, selection_xlsx
    from common.durable import write_durably

    files = {}
    if args.pdf or args.xlsx:
        doc = selection_document(selection, hashlib.sha256(list_bytes).hexdigest(), grade)
        if args.pdf:
            write_durably(args.pdf, selection_pdf(doc, args.lang))
            files["pdf"] = str(args.pdf)
        if args.xlsx:
            write_durably(args.xlsx, selection_xlsx(doc, args.lang))
            files["xlsx"] = str(args.xlsx)
    return files


def _sample(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.selection import parse_bands, select
    from central_scorer.campaign.working_list import parse_working_list

    data = args.list.read_bytes()
    selection = select(parse_working_list(data), year=args.year, seed=_seed(args),
                       share=args.share, bands=parse_bands(args.bands))
    files = _publish(args, selection, data, args.grade or "")
    if args.json:
        print_json(selection.as_dict())
    else:
        print(f"year {selection.year}, share {selection.as_dict()['share']}, seed {selection.seed}: "
              f"{selection.target} of {selection.eligible} eligible organisations selected "
              f"({selection.excluded} excluded as earlier participants)")
        for s in selection.strata:
            print(f"  {s.stratum:40} eligible {s.eligible:4}  excluded {s.excluded:4}  drawn {s.drawn:4}")
        for kind, path in files.items():
            print(f"{kind}: {path}")
    return 0


def _campaign_open(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.selection import parse_bands
    from central_scorer.campaign.store import open_campaign

    data = args.list.read_bytes()
    opened = open_campaign(centre, data, year=args.year, grade=args.grade, seed=_seed(args),
                           share=args.share, bands=parse_bands(args.bands),
                           first_day=args.first_day, last_day=args.last_day)
    files = _publish(args, opened.selection, data, args.grade)
    summary = {k: v for k, v in opened.summary.items() if k != "organisations"}
    print_json({**summary, "files": files})
    return 0


def _campaign_show(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.store import summary

    print_json(summary(centre, args.year, args.grade))
    return 0


def _campaign_set_day(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.store import set_test_day

    print_json(set_test_day(centre, args.year, args.grade, args.organisation, args.day))
    return 0


def _campaign_participation(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.store import participation

    print_json(participation(centre, args.year, args.grade))
    return 0


def _notices(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.publish import write_notices
    from central_scorer.campaign.store import organisations
    from common.documents.pdf import local_time
    from common.storage.base import utcnow

    issued_on = args.date or local_time(utcnow()).date()
    rows = organisations(centre, args.year, args.grade, args.organisation)
    written = write_notices(rows, year=args.year, grade=args.grade, out_dir=args.out,
                            langs=tuple(args.lang), issued_on=issued_on)
    print_json({"issued_on": issued_on.isoformat(), "notices": written,
            "late": [w["code"] for w in written if w["late"]]})
    return 0


def _cancel(args: argparse.Namespace, centre) -> int:
    from central_scorer.campaign.store import cancel

    print_json(cancel(centre, year=args.year, grade=args.grade, region=args.region,
                  district=args.district, grounds=args.grounds, authority=args.authority,
                  reference=args.reference, text=args.basis, decided_on=args.decided_on,
                  out=args.out))
    return 0


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("list", type=Path, help="the working list (CSV or XLSX)")
    parser.add_argument("--share", default=DEFAULT_SHARE, help="participation share (default 0.25, §14)")
    parser.add_argument("--seed", type=int, help="the draw's seed (recorded; drawn at random if omitted)")
    parser.add_argument("--bands", default="20,60,120",
                        help="contingent band edges (students in the tested grade)")
    parser.add_argument("--pdf", type=Path, help="write the selection for publication as a PDF")
    parser.add_argument("--xlsx", type=Path, help="write the selection for publication as an XLSX")
    parser.add_argument("--lang", choices=LANGS, default="kk", help="language of the PDF and XLSX")


def _campaign_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--grade", choices=GRADES, required=True)


def register(sub: argparse._SubParsersAction) -> None:
    sample = sub.add_parser("sample", help="draw the stratified selection of organisations (§14)")
    _selection_options(sample)
    sample.add_argument("--year", type=int, required=True)
    sample.add_argument("--grade", choices=GRADES, help="the tested grade (printed on the PDF)")
    sample.add_argument("--json", action="store_true", help="print the selection as JSON")
    sample.set_defaults(handler=_guarded(_sample), needs_centre=False)

    campaign = sub.add_parser("campaign", help="the monitoring campaign: selection, test days, rates")
    csub = campaign.add_subparsers(dest="campaign_command", required=True)
    opened = csub.add_parser("open", help="draw and record the selection; give each organisation a test day")
    _selection_options(opened)
    _campaign_key(opened)
    opened.add_argument("--first-day", type=_date, help="first test day (default: the window's first)")
    opened.add_argument("--last-day", type=_date, help="last test day (default: the window's last)")
    opened.set_defaults(handler=_guarded(_campaign_open))

    show = csub.add_parser("show", help="the campaign's window, deadlines and organisations (JSON)")
    _campaign_key(show)
    show.set_defaults(handler=_guarded(_campaign_show))

    day = csub.add_parser("set-day", help="move an organisation's test day")
    _campaign_key(day)
    day.add_argument("--organisation", required=True)
    day.add_argument("--day", type=_date, required=True)
    day.set_defaults(handler=_guarded(_campaign_set_day))

    rates = csub.add_parser("participation", help="participation and attendance rates (§12)")
    _campaign_key(rates)
    rates.set_defaults(handler=_guarded(_campaign_participation))

    notices = sub.add_parser("notices", help="write the notices to the selected organisations (§13)")
    _campaign_key(notices)
    notices.add_argument("--out", type=Path, required=True, help="directory for the PDFs")
    notices.add_argument("--lang", choices=LANGS, nargs="+", default=["kk", "ru"])
    notices.add_argument("--date", type=_date, help="the notice's date (default: today in Kazakhstan)")
    notices.add_argument("--organisation", action="append", help="only this organisation (repeatable)")
    notices.set_defaults(handler=_guarded(_notices))

    cancel = sub.add_parser("cancel", help="cancel the monitoring in a region or district (§15)")
    _campaign_key(cancel)
    cancel.add_argument("--region", required=True)
    cancel.add_argument("--district", help="only this district of the region")
    cancel.add_argument("--grounds", choices=GROUNDS, required=True)
    cancel.add_argument("--authority", choices=AUTHORITIES, required=True,
                        help="whose decision or proposal the cancellation rests on")
    cancel.add_argument("--reference", required=True, help="the decision's number and date")
    cancel.add_argument("--basis", required=True, help="the decision's substance, as recorded")
    cancel.add_argument("--decided-on", type=_date, required=True)
    cancel.add_argument("--out", type=Path, required=True, help="the signed revocation list to write")
    cancel.set_defaults(handler=_guarded(_cancel))
