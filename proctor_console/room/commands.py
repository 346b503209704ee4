"""The room's `proctor-console` commands; none imports Qt. Each `--help` has its examples.

* ``init --kit KIT`` (or ``--config room.json``) — set the room up from the centre's kit.
* ``serve`` — the room server headless (HTTPS, pinned); ``seal`` — the results to a file (USB).
* ``enrol`` — enrol a kiosk PC at a seat (its credential printed once, for
  ``cbt-kiosk-setup install --workstation-key``), revoke it, or list the enrolments.
* ``late-answers`` — list the answers that arrived after their sitting's time, accept or reject them.
* ``roster validate``, ``act render``, ``audit verify``, ``export results``, ``logs`` — for
  scripting and support, without the server.

Every command that reads a room refuses a folder `init` never set up (exit 4, docs/cli.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from common.cli import datadir, errors
from common.cli.datadir import default_dir, describe_default
from common.cli.errors import CliError
from common.cli.runner import add_command
from common.crypto import passwords

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = errors.OK, errors.PROBLEMS, errors.USAGE
PROGRAM = "proctor-console"
MARKER = "keys/room-signing.key"  # written by `init`: a folder without it was never set up
COSTS = {"default": passwords.DEFAULT, "fast": passwords.FAST}
PIN_ENV = "CBT_PROCTOR_PIN"
SERVER_FILE = "server.json"  # where `serve` listens, written when it is ready
log = logging.getLogger("room")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"the room's folder ({describe_default(PROGRAM)})")


def register(sub: argparse._SubParsersAction) -> None:
    init = add_command(sub, "init", "set the room up from the centre's kit (or its configuration file)", [
        "CBT_PROCTOR_PIN=482915 proctor-console init --kit /media/usb/kit-190745-12 --data-dir ~/room",
        "proctor-console init --config room.json --data-dir ~/room"],
        description="Set the room up once: the centre's keys, the organisation, the representative "
                    "(whose PIN is read from $CBT_PROCTOR_PIN when the kit carries none), and the room's "
                    "own signing key. Prints what the centre must trust (the room's public key).")
    _data_dir(init)
    source = init.add_mutually_exclusive_group(required=True)
    source.add_argument("--kit", type=Path, help="the room kit's folder (central-scorer room-kit)")
    source.add_argument("--config", type=Path, help="the room configuration alone (room.json)")
    init.add_argument("--password-cost", choices=COSTS, default="default")
    init.set_defaults(handler=init_room)

    serve = add_command(sub, "serve", "run the room server headless (HTTPS, pinned certificate)", [
        "proctor-console serve --data-dir ~/room --host 0.0.0.0 --port 8443"])
    _data_dir(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--password-cost", choices=COSTS, default="default")
    serve.set_defaults(handler=serve_room)

    seal = add_command(sub, "seal", "seal the results into a new bundle and copy it to a file "
                                    f"(a USB stick); the PIN is read from ${PIN_ENV}", [
        f"{PIN_ENV}=482915 proctor-console seal --data-dir ~/room --login rep --out /media/usb/"])
    _data_dir(seal)
    seal.add_argument("--login", required=True, help="the representative's login")
    seal.add_argument("--out", type=Path, help="where to copy the bundle, e.g. /media/usb/")
    seal.set_defaults(handler=seal_results)

    enrol = add_command(sub, "enrol", "enrol a kiosk PC at a seat (its credential, printed once), "
                                      f"revoke it, or list; the PIN is read from ${PIN_ENV}", [
        f"{PIN_ENV}=482915 proctor-console enrol --data-dir ~/room --login rep --seat 01 --seat 02",
        f"{PIN_ENV}=482915 proctor-console enrol --data-dir ~/room --login rep --seat 05 --revoke",
        "proctor-console enrol --data-dir ~/room --list"])
    _data_dir(enrol)
    enrol.add_argument("--login", help="the representative's login")
    enrol.add_argument("--seat", action="append", default=[], help="a seat; may be given again")
    enrol.add_argument("--revoke", action="store_true", help="revoke the seats' enrolments")
    enrol.add_argument("--list", action="store_true", help="list the enrolments")
    enrol.add_argument("--key-only", action="store_true",
                       help="print only each new credential, one per line (for a script)")
    enrol.set_defaults(handler=enrol_seats)

    late = add_command(sub, "late-answers", "list the answers that arrived after their sitting's "
                                            "time, or accept or reject them; the PIN is read from "
                                            f"${PIN_ENV}", [
        "proctor-console late-answers --data-dir ~/room --list",
        f"{PIN_ENV}=482915 proctor-console late-answers --data-dir ~/room --login rep --accept 3 --accept 4",
        f"{PIN_ENV}=482915 proctor-console late-answers --data-dir ~/room --login rep --reject 5"])
    _data_dir(late)
    late.add_argument("--login", help="the representative's login")
    late.add_argument("--list", action="store_true", help="list the late answers, one JSON line each")
    late.add_argument("--accept", type=int, action="append", default=[], metavar="ID",
                      help="accept a late answer (its id in --list); may be given again")
    late.add_argument("--reject", type=int, action="append", default=[], metavar="ID",
                      help="reject a late answer; may be given again")
    late.set_defaults(handler=decide_late_answers)

    roster = sub.add_parser("roster", help="the organisation's student list",
                            description="the organisation's student list")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True, metavar="COMMAND")
    validate = add_command(roster_sub, "validate",
                           "check a CSV or XLSX roster; print one problem per line, exit 1 if any", [
        "proctor-console roster validate students.xlsx", "proctor-console roster validate students.csv --json"])
    validate.add_argument("file", type=Path)
    validate.add_argument("--json", action="store_true",
                          help="one JSON object per problem: row, field, message")
    validate.set_defaults(handler=roster_validate)

    act = sub.add_parser("act", help="the acts of appendices 1 and 2",
                         description="the acts of appendices 1 and 2")
    act_sub = act.add_subparsers(dest="act_command", required=True, metavar="COMMAND")
    render = add_command(act_sub, "render", "render an act from JSON data into a PDF", [
        "proctor-console act render --kind 1 --lang kk --json-in act1.json --out act1.pdf"])
    render.add_argument("--kind", choices=("1", "2"), required=True,
                        help="1: confiscation and removal; 2: outside person")
    render.add_argument("--lang", choices=("kk", "ru", "en"), required=True)
    render.add_argument("--json-in", type=Path, required=True, help="the act's data (JSON file, or - )")
    render.add_argument("--out", type=Path, required=True)
    render.set_defaults(handler=act_render)

    audit_cmd = sub.add_parser("audit", help="the room's hash-chained audit log",
                               description="the room's hash-chained audit log")
    audit_sub = audit_cmd.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = add_command(audit_sub, "verify", "check the chain; name the first broken entry", [
        "proctor-console audit verify --data-dir ~/room"])
    _data_dir(verify)
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=audit_verify)

    export = sub.add_parser("export", help="exports for the test-centre staff",
                            description="exports for the test-centre staff")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="COMMAND")
    results = add_command(export_sub, "results",
                          "attendance and outcomes as CSV or XLSX (voided results marked void)", [
        "proctor-console export results --data-dir ~/room --out results.xlsx --lang ru"])
    _data_dir(results)
    results.add_argument("--out", type=Path, required=True, help="a .csv or .xlsx file")
    results.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    results.set_defaults(handler=export_results)

    logs_cmd = add_command(sub, "logs", "copy the room's log files to a folder, e.g. a USB stick, "
                                        "after the day", [
        "proctor-console logs --data-dir ~/room --out /media/usb/logs"])
    _data_dir(logs_cmd)
    logs_cmd.add_argument("--out", type=Path, required=True)
    logs_cmd.set_defaults(handler=export_logs)


def room_dir(args: argparse.Namespace, initialised: bool = True) -> Path:
    """The room's folder from the arguments; refused (exit 4) if it was never set up."""
    folder = args.data_dir or default_dir(PROGRAM)
    args.data_dir = folder
    if initialised:
        datadir.require(folder, MARKER, PROGRAM,
                        f"{PROGRAM} init --kit KIT --data-dir {folder}")
    return folder


def log_dir(args: argparse.Namespace) -> tuple[Path, str] | None:
    """The room's log: DIR/logs/room.log, once the folder was set up (never creates one)."""
    if not hasattr(args, "data_dir"):
        return None
    folder = args.data_dir or default_dir(PROGRAM)
    return (folder / "logs", "room") if (folder / MARKER).is_file() else None


def translate(exc: BaseException) -> CliError | None:
    from proctor_console.room.errors import NotFound, RoomError, Unauthorized

    if isinstance(exc, Unauthorized):
        return CliError("refused", errors.REFUSED, code=exc.code, reason=str(exc))
    if isinstance(exc, NotFound):
        return CliError("not_found", errors.NOT_FOUND, code=exc.code, what=str(exc))
    if isinstance(exc, RoomError):
        return CliError("invalid", errors.USAGE, code=exc.code, reason=str(exc))
    return None


def init_room(args: argparse.Namespace) -> int:
    from common.room_kit import KitInvalid, read_room_config
    from proctor_console.room.kit import set_up, set_up_from_kit

    folder = room_dir(args, initialised=False)
    pin = os.environ.get(PIN_ENV, "")
    try:
        if args.kit:
            result = set_up_from_kit(folder, args.kit, pin, COSTS[args.password_cost])
        else:
            result = set_up(folder, read_room_config(args.config), pin, COSTS[args.password_cost])
    except KitInvalid as exc:
        raise CliError("invalid", errors.USAGE, code="bad_kit", reason=str(exc)) from None
    log.info("room %s set up in %s", result["room_id"], folder)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def serve_room(args: argparse.Namespace) -> int:
    from proctor_console.room.room import Room
    from proctor_console.room.server import serve

    room = Room(room_dir(args), password_params=COSTS[args.password_cost])

    def ready(port: int, fingerprint: str) -> None:
        from common.durable import write_durably

        log.info("room server ready on %s:%s, certificate %s", args.host, port, fingerprint)
        # Where it listens, for `proctor-console day …` on this PC (the port may be chosen by the OS).
        write_durably(room.paths.root / SERVER_FILE, json.dumps(
            {"host": args.host, "port": port, "fingerprint": fingerprint}).encode())
        print(json.dumps({"event": "ready", "port": port, "fingerprint": fingerprint}), flush=True)

    serve(room, args.host, args.port, on_ready=ready)
    return EXIT_OK


def seal_results(args: argparse.Namespace) -> int:
    """The USB path: the same sealed bundle the upload sends, written to a file for the centre."""
    from common.durable import write_durably
    from proctor_console.room import sealing
    from proctor_console.room.room import Room

    room = Room(room_dir(args))
    room.proctor_signin(args.login, os.environ.get(PIN_ENV, ""))  # Unauthorized: exit 3
    result = sealing.seal(room, args.login)
    if args.out:
        source = Path(result["path"])
        target = args.out / source.name if args.out.is_dir() else args.out
        write_durably(target, source.read_bytes())
        result["copied_to"] = str(target)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def enrol_seats(args: argparse.Namespace) -> int:
    """Enrol (or revoke) kiosk PCs by seat, one JSON line each (room/enrolment.py)."""
    from proctor_console.room import enrolment
    from proctor_console.room.room import Room

    room = Room(room_dir(args))
    if args.list:
        for row in enrolment.enrolments(room):
            print(json.dumps(row))
        return EXIT_OK
    if not args.login or not args.seat:
        raise CliError("invalid", errors.USAGE, code="usage", reason="--login and --seat are needed")
    room.proctor_signin(args.login, os.environ.get(PIN_ENV, ""))  # Unauthorized: exit 3
    for seat in args.seat:
        done = (enrolment.revoke if args.revoke else enrolment.enrol)(room, seat, args.login)
        print(done.get("workstation_key", "") if args.key_only else json.dumps(done), flush=True)
    return EXIT_OK


def decide_late_answers(args: argparse.Namespace) -> int:
    """The late answers held for the representative (room/late_answers.py): list, accept, reject."""
    from proctor_console.room import late_answers
    from proctor_console.room.room import Room

    room = Room(room_dir(args))
    if args.list:
        for row in late_answers.held_answers(room):
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    if not args.login or not (args.accept or args.reject) or set(args.accept) & set(args.reject):
        raise CliError("invalid", errors.USAGE, code="usage",
                       reason="--login and --accept or --reject (not both for one answer) are needed")
    room.proctor_signin(args.login, os.environ.get(PIN_ENV, ""))  # Unauthorized: exit 3
    for decision, ids in (("accept", args.accept), ("reject", args.reject)):
        if ids:
            print(json.dumps(late_answers.decide(room, ids, decision, args.login)), flush=True)
    return EXIT_OK


def export_logs(args: argparse.Namespace) -> int:
    """After the day: the room's logs (and the kiosks' logs collected into DIR/logs/kiosks)."""
    import shutil

    source = room_dir(args) / "logs"
    args.out.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.rglob("*.log*")) if source.is_dir() else []:
        target = args.out / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(str(target))
    print(json.dumps({"out": str(args.out), "files": copied}, ensure_ascii=False, indent=2))
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

    paths = RoomPaths(room_dir(args, initialised=False))  # a copy of the database is enough
    if not paths.database.exists():
        raise CliError("not_initialised", errors.NOT_INITIALISED, path=str(paths.root),
                       init=f"{PROGRAM} init --kit KIT --data-dir {paths.root}")
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

    room = Room(room_dir(args))
    path = write_results(room, args.out, args.lang)
    print(json.dumps({"out": str(path)}))
    return EXIT_OK
