"""`central-scorer`: the National Testing Centre's service and command line.

Each area registers its own sub-commands (`register(sub)`), and each sub-command carries its
handler (`handler(args, centre) -> exit code`), so areas grow without touching each other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any



def _dump(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _init(args: argparse.Namespace, centre) -> int:
    _dump(centre.init(args.centre_id))
    return 0


def _make_package(args: argparse.Namespace, centre) -> int:
    from common.domain.exam import content_from_dict

    if args.demo:
        from common.demo.roster import demo_content_json

        text = demo_content_json()
    elif args.content:
        text = args.content.read_text("utf-8")
    else:
        raise SystemExit("make-package: give --demo or --content FILE")
    content = content_from_dict(json.loads(text))
    _dump(centre.make_package(content, args.organisation, args.out, args.kdf_memory_kib))
    return 0


def _trust_room(args: argparse.Namespace, centre) -> int:
    _dump({"key_id": centre.trust_room(args.room_id, args.organisation, args.verify_key)})
    return 0


def _ingest(args: argparse.Namespace, centre) -> int:
    from central_scorer.ingest.files import ingest_files

    exit_code = 0
    for path, (result, code) in ingest_files(centre, args.files, args.jobs):
        exit_code = exit_code or code  # the first refusal, in the order given, decides the exit code
        print(json.dumps({"file": str(path), **result}, ensure_ascii=False), flush=True)
    return exit_code


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
    _dump(as_json(reports_due(centre, today)))
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
    _dump({"monitoring_ended": end.isoformat(), "due": due.isoformat(),
           "working_days": RESULTS_DUE_WORKING_DAYS, "calendar": "KZ"})
    return 0


def _serve(args: argparse.Namespace, centre) -> int:
    from central_scorer.web.server import serve

    serve(centre, args.host, args.port, tls_cert=args.tls_cert, tls_key=args.tls_key,
          on_ready=lambda port: print(json.dumps({"event": "ready", "port": port}), flush=True))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """The core sub-commands: keys, packages, rooms, ingest, reports, the service."""
    init = sub.add_parser("init", help="make the centre's keys; print what rooms must trust")
    init.add_argument("--centre-id", required=True)
    init.set_defaults(handler=_init)

    pkg = sub.add_parser("make-package", help="build a signed, encrypted exam package")
    pkg.add_argument("--organisation", required=True)
    pkg.add_argument("--out", type=Path, required=True)
    pkg.add_argument("--demo", action="store_true", help="use the bundled grade-4 Kazakh demo test")
    pkg.add_argument("--content", type=Path, help="exam content JSON")
    pkg.add_argument("--kdf-memory-kib", type=int, default=65536)
    pkg.set_defaults(handler=_make_package)

    trust = sub.add_parser("trust-room", help="register a room's signing key")
    trust.add_argument("--room-id", required=True)
    trust.add_argument("--organisation", required=True)
    trust.add_argument("--verify-key", required=True, help="the room's Ed25519 public key, base64")
    trust.set_defaults(handler=_trust_room)

    ing = sub.add_parser("ingest", help="verify, decrypt, re-score and store result bundles")
    ing.add_argument("files", type=Path, nargs="+")
    ing.add_argument("--jobs", type=int, default=1,
                     help="worker processes; each organisation's bundles stay in order in one")
    ing.set_defaults(handler=_ingest)

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

    srv = sub.add_parser("serve", help="run the centre's HTTP service")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8600)
    srv.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (rooms verify it)")
    srv.add_argument("--tls-key", help="PEM private key of --tls-cert")
    srv.set_defaults(handler=_serve)


# Areas that add sub-commands: each module has register(sub). Add one line per area.
AREAS = ("central_scorer.cli", "central_scorer.campaign_cli", "central_scorer.items_cli",
         "central_scorer.stats_cli", "central_scorer.reports.survey")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="central-scorer", description=__doc__)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--data-dir", type=Path, default=Path("var/central"))
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite in the data dir)")
    sub = parser.add_subparsers(dest="command", required=True)
    import importlib

    for area in AREAS:
        importlib.import_module(area).register(sub)
    args = parser.parse_args(argv)
    if getattr(args, "needs_centre", True):
        from central_scorer.centre import Centre

        centre = Centre(args.data_dir, args.database_url)
    else:
        centre = None
    return args.handler(args, centre)


if __name__ == "__main__":
    sys.exit(main())
