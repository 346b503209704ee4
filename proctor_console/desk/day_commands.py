"""`proctor-console day …`: the representative's steps from a terminal, the same calls the desk
makes (its `DeskClient`, HTTPS pinned to the room's own certificate), for a room server started
with `proctor-console serve`. No Qt. Each command signs in with the PIN from $CBT_PROCTOR_PIN.

    proctor-console day roster students.xlsx --slips slips.pdf     (credentials kept 0600)
    proctor-console day attendance --present-all --absent 0123 illness
    CBT_START_CODE=… proctor-console day start
    proctor-console day status
    proctor-console day finish --centre-url https://centre.example/ (seal and upload)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from common.cli import errors
from common.cli.datadir import describe_default
from common.cli.errors import CliError
from common.cli.runner import add_command
from common.i18n import LANGUAGES

PIN_ENV, START_ENV = "CBT_PROCTOR_PIN", "CBT_START_CODE"
ABSENCE = ("illness", "bereavement", "competition", "home_schooling", "sanatorium", "other")


def register(sub: argparse._SubParsersAction) -> None:
    day = sub.add_parser("day", help="the representative's steps from a terminal (as the desk does "
                                     "them), against a running `serve`",
                         description=__doc__.split("\n\n")[0])
    steps = day.add_subparsers(dest="day_command", required=True, metavar="STEP")

    roster = add_command(steps, "roster", "import the student list; write the credentials and slips", [
        "proctor-console day roster students.xlsx --slips slips-kk.pdf --lang kk"])
    roster.add_argument("file", type=Path, help="the roster, CSV or XLSX")
    roster.add_argument("--credentials", type=Path, default=Path("credentials.json"),
                        help="where the logins and one-time passwords go (0600; default %(default)s)")
    roster.add_argument("--slips", type=Path, help="the credential slips to print (PDF)")
    roster.add_argument("--advertise", help="the room server's LAN address on the slips' QR codes")
    roster.add_argument("--lang", choices=LANGUAGES, default="kk")

    mark = add_command(steps, "attendance", "mark who came (§12): everyone present, some absent", [
        "proctor-console day attendance --present-all --absent 190745-0003 illness"])
    mark.add_argument("--present-all", action="store_true", help="everyone not named absent is present")
    mark.add_argument("--absent", nargs=2, action="append", default=[], metavar=("CODE", "REASON"),
                      help=f"an absent student's individual code and reason ({', '.join(ABSENCE)})")

    start = add_command(steps, "start", f"open the room with the start code from ${START_ENV}", [
        f"{START_ENV}=AB12-CD34 proctor-console day start"])
    status = add_command(steps, "status", "the room as the desk shows it (seats, attempts) as JSON", [
        "proctor-console day status"])
    finish = add_command(steps, "finish", "seal the results and send them to the centre", [
        "proctor-console day finish --centre-url https://results.testcenter.kz"])
    finish.add_argument("--centre-url", help="the centre's address (default: the kit's centre_url)")
    for parser in (roster, mark, start, status, finish):
        parser.add_argument("--data-dir", type=Path, default=None,
                            help=f"the room's folder ({describe_default('proctor-console')})")
        parser.add_argument("--port", type=int, default=None,
                            help="the port `serve` listens on (default: what it wrote when it started)")
        parser.add_argument("--login", default="rep", help="the representative's login")
    roster.set_defaults(handler=_roster)
    mark.set_defaults(handler=_attendance)
    start.set_defaults(handler=_start)
    status.set_defaults(handler=_status)
    finish.set_defaults(handler=_finish)


def _client(args: argparse.Namespace):
    from common.crypto.tls import fingerprint_of_pem
    from proctor_console.desk.client import DeskClient, ServerAddress
    from proctor_console.room.commands import room_dir
    from proctor_console.room.store import RoomPaths

    paths = RoomPaths(room_dir(args))
    if not paths.tls_cert.is_file():
        raise CliError("message", errors.NOT_INITIALISED, code="not_served",
                       text=f"the room server has never run in {paths.root}: start `proctor-console serve`")
    from proctor_console.room.commands import SERVER_FILE

    try:  # where `serve` listens on this PC (it wrote it when it was ready)
        listening = json.loads((paths.root / SERVER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        listening = {}
    host = str(listening.get("host") or "127.0.0.1")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    port = args.port or int(listening.get("port") or 8443)
    client = DeskClient(ServerAddress(host, port, fingerprint_of_pem(paths.tls_cert.read_bytes())))
    client.sign_in(args.login, os.environ.get(PIN_ENV, ""))
    return client


def translate(exc: BaseException) -> CliError | None:
    from proctor_console.desk.client import DeskError

    if not isinstance(exc, DeskError):
        return None
    if exc.code in ("unauthorized", "locked_out"):
        return CliError("refused", errors.REFUSED, code=exc.code, reason=str(exc))
    if exc.code == "not_found":
        return CliError("not_found", errors.NOT_FOUND, code=exc.code, what=str(exc))
    return CliError("refused", errors.REFUSED, code=exc.code, reason=str(exc))


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _roster(args: argparse.Namespace) -> int:
    from common.documents.slips import Connection, Slip, render_slips
    from common.durable import write_durably
    from proctor_console.room.server import lan_address

    raw = args.file.read_bytes()
    client = _client(args)
    creds = client.import_roster(raw, args.file.name)
    write_durably(args.credentials, json.dumps(creds, ensure_ascii=False, indent=2).encode(), mode=0o600)
    result: dict[str, Any] = {"students": len(creds), "credentials": str(args.credentials)}
    if args.slips:
        view = client.room()
        slips = [Slip(c["full_name"], c["individual_code"], c["seat"], c["login"], c["password"])
                 for c in creds]
        host = args.advertise or lan_address()
        connection = Connection(host, client.address.port, client.address.fingerprint)
        write_durably(args.slips, render_slips(slips, connection, view.get("room_no") or "",
                                               dt.date.today(), args.lang))
        result["slips"] = str(args.slips)
    _print(result)
    return errors.OK


def _attendance(args: argparse.Namespace) -> int:
    absent = {code: reason for code, reason in args.absent}
    bad = sorted(r for r in absent.values() if r not in ABSENCE)
    if bad:
        raise CliError("usage", errors.USAGE, prog="proctor-console day attendance",
                       detail=f"unknown reason {bad[0]!r} (one of {', '.join(ABSENCE)})")
    client = _client(args)
    seats = client.room()["seats"]
    known = {s["individual_code"] for s in seats}
    unknown = sorted(set(absent) - known)
    if unknown:
        raise CliError("not_found", errors.NOT_FOUND, what=f"individual code {unknown[0]}")
    marked = {"present": 0, "absent": 0}
    for seat in seats:
        code = seat["individual_code"]
        if code in absent:
            client.mark(code, "absent", absent[code])
            marked["absent"] += 1
        elif args.present_all:
            client.mark(code, "present")
            marked["present"] += 1
    _print(marked)
    return errors.OK


def _start(args: argparse.Namespace) -> int:
    code = os.environ.get(START_ENV, "").strip()
    if not code:
        raise CliError("message", errors.USAGE, code="usage",
                       text=f"set {START_ENV} to the start code of the sealed notice")
    _print(_client(args).start(code))
    return errors.OK


def _status(args: argparse.Namespace) -> int:
    _print(_client(args).room())
    return errors.OK


def _finish(args: argparse.Namespace) -> int:
    client = _client(args)
    bundle = client.seal()
    result = {"bundle": bundle}
    url = args.centre_url
    if url is None:
        from proctor_console.room.commands import room_dir
        from proctor_console.room.room import Room

        url = Room(room_dir(args)).setting("centre_url")
    if url:
        result["upload"] = client.upload(url)
    _print(result)
    return errors.OK
