"""`exam-client`: the kiosk. Without `--headless` it opens the kiosk's window (full screen);
`--headless` runs a scripted sitting with the same engine; `--screenshots DIR` draws every screen
in kk, ru and en into DIR. Errors follow docs/cli.md (one line, a stable exit code)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from common.cli import errors, logs
from common.cli.errors import CliError
from common.cli.runner import Parser, run

CONFIG_ENV, PASSWORD_ENV = "CBT_KIOSK_CONFIG", "CBT_STUDENT_PASSWORD"
log = logging.getLogger("kiosk")

DESCRIPTION = """The kiosk: the student's full-screen test window on a lab PC.

examples:
  exam-client --config /etc/cbt-kiosk/kiosk.json              the kiosk (cage / Shell Launcher)
  exam-client --config kiosk.json --windowed                  an ordinary window, to try it out
  CBT_STUDENT_PASSWORD=… exam-client --config kiosk.json --windowed --autopilot --login 190745-0001 \
      --place 0.5,0,0.25,0.5                                   a scripted student at the window (the demo)
  CBT_STUDENT_PASSWORD=… exam-client --config kiosk.json --headless --login 190745-0001
  exam-client --screenshots docs/screenshots

The configuration: --config, else $CBT_KIOSK_CONFIG (cbt-kiosk-setup install writes it). The log
is written to DATA/logs/kiosk.log in the configuration's data folder: no answers, no names.
Exit codes: 0 done, 2 wrong argument, 3 login refused, 4 room unreachable, 5 sitting stopped,
70 internal error (details in the log)."""


def build_parser() -> Parser:
    parser = Parser(prog="exam-client", description=DESCRIPTION)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--config", type=Path,
                        help=f"kiosk configuration: room server, certificate pin, workstation "
                             f"(default ${CONFIG_ENV})")
    parser.add_argument("--headless", action="store_true", help="no screen: a scripted student")
    parser.add_argument("--login")
    parser.add_argument("--password", help=f"the scripted student's password (better: ${PASSWORD_ENV})")
    parser.add_argument("--credentials", type=Path,
                        help="a rehearsal: the credentials file of `proctor-console day roster`; the "
                             "scripted student is the one seated at this PC's workstation")
    parser.add_argument("--seed", type=int, default=0, help="the scripted student's choices")
    parser.add_argument("--think-ms", type=int, default=50, help="pause before each answer")
    parser.add_argument("--windowed", action="store_true",
                        help="an ordinary window that may be closed (for trying the kiosk out)")
    parser.add_argument("--autopilot", action="store_true",
                        help="with --windowed: a scripted student presses the window's buttons "
                             "(--login, the password, --seed, --think-ms per press)")
    parser.add_argument("--place", metavar="X,Y,W,H",
                        help="with --windowed: the window's cell, in fractions of the screen's free "
                             "area (0.5,0,0.25,0.5: from the middle, at the top, a quarter wide, half high)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="draw every screen in kk, ru and en into DIR and exit")
    parser.add_argument("--size", default=None, metavar="WxH",
                        help="with --screenshots: the screen's size (1366x768 unless told)")
    parser.add_argument("--lang", action="append", choices=("kk", "ru", "en"), default=None,
                        help="with --screenshots: only this language (may be repeated)")
    parser.set_defaults(handler=kiosk)
    return parser


def kiosk(args: argparse.Namespace) -> int:
    if args.screenshots is not None:
        from exam_client.ui.screenshots import render_screenshots

        size = None
        if args.size:
            try:
                width, height = (int(v) for v in args.size.lower().split("x"))
            except ValueError:
                raise CliError("usage", errors.USAGE, prog="exam-client",
                               detail="--size is WIDTHxHEIGHT, like 1024x768") from None
            size = (width, height)
        for path in render_screenshots(args.screenshots, size=size,
                                       languages=tuple(args.lang or ("kk", "ru", "en"))):
            print(path)
        return 0
    place = None
    if args.place is not None or args.autopilot:
        if not args.windowed:
            raise CliError("usage", errors.USAGE, prog="exam-client",
                           detail="--place and --autopilot need --windowed")
        if args.place is not None:
            from common.window_cell import parse_place

            try:
                place = parse_place(args.place)
            except ValueError as exc:
                raise CliError("usage", errors.USAGE, prog="exam-client", detail=str(exc)) from None
    config_path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if config_path is None:
        raise CliError("usage", errors.USAGE, prog="exam-client",
                       detail=f"--config is needed (or ${CONFIG_ENV}, or --screenshots DIR)")

    from exam_client.engine.config import KioskConfig

    try:
        config = KioskConfig.load(config_path)
    except ValueError as exc:
        raise CliError("invalid", errors.USAGE, code="bad_config", reason=str(exc)) from None
    logs.attach_file(config.data_dir / "logs", "kiosk")
    log.info("kiosk %s starting (room %s:%s, %s)", config.workstation_id, config.host, config.port,
             "headless" if args.headless else "window")
    password = args.password or os.environ.get(PASSWORD_ENV, "")
    if args.credentials is not None:
        args.login, password = _seated(args.credentials, config.workstation_id)
    scripted = args.headless or args.autopilot
    if scripted and not (args.login and password):
        raise CliError("usage", errors.USAGE, prog="exam-client",
                       detail=f"--headless and --autopilot need --login and a password (${PASSWORD_ENV})")
    if args.headless:
        from exam_client.engine.headless import sit
        from exam_client.engine.kiosk import KioskEngine

        code = sit(KioskEngine(config), args.login, password, args.seed, args.think_ms / 1000)
        log.info("kiosk %s: the sitting ended with exit code %s", config.workstation_id, code)
        return code
    from exam_client.ui.app import run_kiosk

    student = None
    if args.autopilot:
        from exam_client.ui.autopilot import Student

        student = Student(args.login, password, args.seed, args.think_ms)
    return run_kiosk(config, kiosk_mode=not args.windowed, place=place, student=student)


def _seated(path: Path, workstation: str) -> tuple[str, str]:
    import json

    for row in json.loads(path.read_text("utf-8")):
        if isinstance(row, dict) and row.get("seat") == workstation:
            return str(row["login"]), str(row["password"])
    raise CliError("not_found", errors.NOT_FOUND, code="no_student",
                   what=f"a student seated at {workstation} in {path}")


def build_export_parser() -> Parser:
    """`exam-client export-journal --config kiosk.json --out DIR`: the journals for the centre."""
    parser = Parser(prog="exam-client export-journal", description=(
        "This PC's answer journals for the centre, when the room PC was lost. Exit 0 written, "
        "1 nothing to write, 2 the folder cannot take them; one line in the kiosk's language "
        "(or --lang)."), epilog="examples:\n  exam-client export-journal --config "
                                "/etc/cbt-kiosk/kiosk.json --out /media/usb/")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the USB stick's folder")
    parser.add_argument("--lang", choices=("kk", "ru", "en"))
    parser.set_defaults(handler=export_journal)
    return parser


def export_journal(args: argparse.Namespace) -> int:
    from common.i18n import t
    from exam_client.engine.config import KioskConfig
    from exam_client.engine.export import export_journals

    try:
        config = KioskConfig.load(args.config)
    except ValueError as exc:
        raise CliError("invalid", errors.USAGE, code="bad_config", reason=str(exc)) from None
    logs.attach_file(config.data_dir / "logs", "kiosk")
    lang = args.lang or config.language
    try:
        result = export_journals(config, args.out)
    except OSError as exc:
        raise CliError("message", errors.USAGE, code="export_failed", text=t(
            "recovery.export.failed", lang, out=args.out, reason=exc.strerror or exc)) from None
    for name in result.without_grant:
        print(t("recovery.export.no_grant", lang, name=name), file=sys.stderr)
    if not result.written:
        print(t("recovery.export.none", lang, data_dir=config.data_dir), file=sys.stderr)
        return 1
    print(t("recovery.export.done", lang, count=len(result.written), out=args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-journal"]:
        return run(build_export_parser(), argv[1:])
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
