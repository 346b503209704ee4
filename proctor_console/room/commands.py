"""The room's `proctor-console` commands; none imports Qt.

* ``init --data-dir DIR --config FILE`` — set a room up from its configuration file (JSON).
* ``serve --data-dir DIR [--host] [--port]`` — run the room server headless (HTTPS, pinned).
* ``seal --data-dir DIR --login LOGIN [--out PATH]`` — seal the results into a new bundle and copy
  it to a file (a USB stick); the PIN is read from ``$CBT_PROCTOR_PIN``.

* ``enrol --data-dir DIR --login LOGIN --seat 05 [--revoke]`` — enrol a kiosk PC at a seat and
  print its credential once (for ``cbt-kiosk-setup install --workstation-key``), or revoke it; the
  PIN is read from ``$CBT_PROCTOR_PIN``. ``enrol --data-dir DIR --list`` lists the enrolments.

For scripting and support (no server needed):

* ``roster validate FILE [--json]`` — every problem of a CSV/XLSX roster, one per line; exit 1 if any.
* ``act render --kind 1|2 --lang kk|ru|en --json-in FILE --out PDF`` — an act from data.
* ``audit verify --data-dir DIR [--json]`` — the audit chain; names the first broken entry, exit 1.
* ``export results --data-dir DIR --out FILE.csv|.xlsx [--lang]`` — attendance and outcomes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from common.crypto import passwords

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
COSTS = {"default": passwords.DEFAULT, "fast": passwords.FAST}
PIN_ENV = "CBT_PROCTOR_PIN"


def register(sub: argparse._SubParsersAction) -> None:
    init = sub.add_parser("init", help="set up a room from its configuration file (JSON)")
    init.add_argument("--data-dir", type=Path, required=True)
    init.add_argument("--config", type=Path, required=True)
    init.add_argument("--password-cost", choices=COSTS, default="default")
    init.set_defaults(handler=init_room)

    serve = sub.add_parser("serve", help="run the room server headless (HTTPS, pinned certificate)")
    serve.add_argument("--data-dir", type=Path, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--password-cost", choices=COSTS, default="default")
    serve.set_defaults(handler=serve_room)

    seal = sub.add_parser("seal", help="seal the results into a new bundle and copy it to a file "
                                       f"(a USB stick); the PIN is read from ${PIN_ENV}")
    seal.add_argument("--data-dir", type=Path, required=True)
    seal.add_argument("--login", required=True, help="the representative's login")
    seal.add_argument("--out", type=Path, help="where to copy the bundle, e.g. /media/usb/")
    seal.set_defaults(handler=seal_results)

    enrol = sub.add_parser("enrol", help="enrol a kiosk PC at a seat (its credential, printed "
                                         f"once), revoke it, or list; the PIN from ${PIN_ENV}")
    enrol.add_argument("--data-dir", type=Path, required=True)
    enrol.add_argument("--login", help="the representative's login")
    enrol.add_argument("--seat", action="append", default=[], help="a seat; may be given again")
    enrol.add_argument("--revoke", action="store_true", help="revoke the seats' enrolments")
    enrol.add_argument("--list", action="store_true", help="list the enrolments")
    enrol.set_defaults(handler=enrol_seats)

    roster = sub.add_parser("roster", help="the organisation's student list")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    validate = roster_sub.add_parser(
        "validate", help="check a CSV or XLSX roster; print one problem per line, exit 1 if any")
    validate.add_argument("file", type=Path)
    validate.add_argument("--json", action="store_true",
                          help="one JSON object per problem: row, field, message")
    validate.set_defaults(handler=roster_validate)

    act = sub.add_parser("act", help="the acts of appendices 1 and 2")
    act_sub = act.add_subparsers(dest="act_command", required=True)
    render = act_sub.add_parser("render", help="render an act from JSON data into a PDF")
    render.add_argument("--kind", choices=("1", "2"), required=True,
                        help="1: confiscation and removal; 2: outside person")
    render.add_argument("--lang", choices=("kk", "ru", "en"), required=True)
    render.add_argument("--json-in", type=Path, required=True, help="the act's data (JSON file, or - )")
    render.add_argument("--out", type=Path, required=True)
    render.set_defaults(handler=act_render)

    audit_cmd = sub.add_parser("audit", help="the room's hash-chained audit log")
    audit_sub = audit_cmd.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the chain; name the first broken entry")
    verify.add_argument("--data-dir", type=Path, required=True)
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=audit_verify)

    export = sub.add_parser("export", help="exports for the test-centre staff")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    results = export_sub.add_parser(
        "results", help="attendance and outcomes as CSV or XLSX (voided results marked void)")
    results.add_argument("--data-dir", type=Path, required=True)
    results.add_argument("--out", type=Path, required=True, help="a .csv or .xlsx file")
    results.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    results.set_defaults(handler=export_results)


def init_room(args: argparse.Namespace) -> int:
    from proctor_console.room.room import Room

    room = Room(args.data_dir, password_params=COSTS[args.password_cost])
    print(json.dumps(room.configure(json.loads(args.config.read_text("utf-8"))), indent=2))
    return EXIT_OK


def serve_room(args: argparse.Namespace) -> int:
    from proctor_console.room.room import Room
    from proctor_console.room.server import serve

    room = Room(args.data_dir, password_params=COSTS[args.password_cost])

    def ready(port: int, fingerprint: str) -> None:
        print(json.dumps({"event": "ready", "port": port, "fingerprint": fingerprint}), flush=True)

    serve(room, args.host, args.port, on_ready=ready)
    return EXIT_OK


def enrol_seats(args: argparse.Namespace) -> int:
    """Enrol (or revoke) kiosk PCs by seat; one JSON line per seat."""
    from proctor_console.room import enrolment
    from proctor_console.room.errors import RoomError
    from proctor_console.room.room import Room

    room = Room(args.data_dir)
    if args.list:
        for row in enrolment.enrolments(room):
            print(json.dumps(row))
        return EXIT_OK
    if not args.login or not args.seat:
        print(json.dumps({"error": "usage", "message": "--login and --seat are needed"}), file=sys.stderr)
        return EXIT_USAGE
    try:
        room.proctor_signin(args.login, os.environ.get(PIN_ENV, ""))
        for seat in args.seat:
            done = (enrolment.revoke if args.revoke else enrolment.enrol)(room, seat, args.login)
            print(json.dumps(done), flush=True)
    except RoomError as exc:
        print(json.dumps({"error": exc.code, "message": str(exc)}), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def seal_results(args: argparse.Namespace) -> int:
    """The USB path: the same sealed bundle the upload sends, written to a file for the centre."""
    from common.durable import write_durably
    from proctor_console.room import sealing
    from proctor_console.room.errors import Unauthorized
    from proctor_console.room.room import Room

    room = Room(args.data_dir)
    try:
        room.proctor_signin(args.login, os.environ.get(PIN_ENV, ""))
    except Unauthorized as exc:
        print(json.dumps({"error": "unauthorized", "message": str(exc)}), file=sys.stderr)
        return 3
    result = sealing.seal(room, args.login)
    if args.out:
        source = Path(result["path"])
        target = args.out / source.name if args.out.is_dir() else args.out
        write_durably(target, source.read_bytes())
        result["copied_to"] = str(target)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def roster_validate(args: argparse.Namespace) -> int:
    from common.domain.roster import RosterInvalid, parse_file

    try:
        rows = parse_file(args.file)
    except RosterInvalid as exc:
        for problem in exc.problems:
            if args.json:
                print(json.dumps(problem.to_dict(), ensure_ascii=False))
            else:
                print(f"row {problem.line}, {problem.field}: {problem.message}")
        print(f"{args.file}: {len(exc.problems)} problem(s); nothing would be imported",
              file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{args.file}: {len(rows)} students, no problems", file=sys.stderr)
    return EXIT_OK


def act_render(args: argparse.Namespace) -> int:
    from common.documents.acts import act_sha256, render_confiscation_act, render_impostor_act
    from common.durable import write_durably
    from proctor_console.room.act_input import ActDataInvalid, confiscation_from_dict, impostor_from_dict

    try:
        raw = sys.stdin.read() if str(args.json_in) == "-" else args.json_in.read_text("utf-8")
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:
        print(json.dumps({"field": "(file)", "message": f"cannot read {args.json_in}: {exc}"}),
              file=sys.stderr)
        return EXIT_PROBLEMS
    except json.JSONDecodeError as exc:
        print(json.dumps({"field": "(json)", "message": f"line {exc.lineno}, column {exc.colno}: "
                                                         f"{exc.msg}"}), file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        if args.kind == "1":
            act = confiscation_from_dict(data, args.lang)
            pdf = render_confiscation_act(act, args.lang)
        else:
            act = impostor_from_dict(data, args.lang)
            pdf = render_impostor_act(act, args.lang)
    except ActDataInvalid as exc:
        for field, message in exc.problems:
            print(json.dumps({"field": field, "message": message}, ensure_ascii=False),
                  file=sys.stderr)
        return EXIT_PROBLEMS
    write_durably(args.out, pdf)
    print(json.dumps({"out": str(args.out), "number": act.number, "data_sha256": act_sha256(act),
                      "bytes": len(pdf)}, ensure_ascii=False))
    return EXIT_OK


def audit_verify(args: argparse.Namespace) -> int:
    from proctor_console.room import audit
    from proctor_console.room.store import RoomPaths

    paths = RoomPaths(args.data_dir)
    if not paths.database.exists():
        print(f"no room database in {args.data_dir}", file=sys.stderr)
        return EXIT_USAGE
    # Read the file as it is: no migration, no write, nothing that could mend what is checked.
    from sqlalchemy.orm import Session

    from common.storage.base import make_engine, sqlite_url

    engine = make_engine(sqlite_url(paths.database))
    try:
        with Session(engine) as session:
            verdict = audit.verify(session, paths.root)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(verdict.to_dict()))
    elif verdict.ok:
        print(f"audit log whole: {verdict.entries} entries, newest {verdict.head_hash}")
    else:
        print(f"audit log BROKEN at entry {verdict.broken_id}: {verdict.reason}")
    return EXIT_OK if verdict.ok else EXIT_PROBLEMS


def export_results(args: argparse.Namespace) -> int:
    from proctor_console.room.exports import write_results
    from proctor_console.room.room import Room

    room = Room(args.data_dir)
    path = write_results(room, args.out, args.lang)
    print(json.dumps({"out": str(path)}))
    return EXIT_OK
