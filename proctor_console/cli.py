"""`proctor-console`: the representative's desk. Set-up, the room server, and the room's window."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from common.crypto import passwords

COSTS = {"default": passwords.DEFAULT, "fast": passwords.FAST}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="proctor-console", description=__doc__)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="set up a room from its configuration file (JSON)")
    init.add_argument("--data-dir", type=Path, required=True)
    init.add_argument("--config", type=Path, required=True)
    init.add_argument("--password-cost", choices=COSTS, default="default")

    serve = sub.add_parser("serve", help="run the room server headless (HTTPS, pinned certificate)")
    serve.add_argument("--data-dir", type=Path, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--password-cost", choices=COSTS, default="default")

    seal = sub.add_parser("seal", help="seal the results into a new bundle and copy it to a file "
                                       f"(a USB stick); the PIN is read from ${PIN_ENV}")
    seal.add_argument("--data-dir", type=Path, required=True)
    seal.add_argument("--login", required=True, help="the representative's login")
    seal.add_argument("--out", type=Path, help="where to copy the bundle, e.g. /media/usb/")

    _add_headless_commands(sub)
    _add_screen_commands(sub)

    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return args.handler(args)
    if args.command in ("watch", "screenshots", "desk"):
        return _run_screen_command(parser, args)
    from proctor_console.room.room import Room

    room = Room(args.data_dir, password_params=COSTS[getattr(args, "password_cost", "default")])
    if args.command == "seal":
        return _seal(room, args)
    if args.command == "init":
        print(json.dumps(room.configure(json.loads(args.config.read_text("utf-8"))), indent=2))
        return 0
    from proctor_console.room.api.app import serve as run_server

    def ready(port: int, fingerprint: str) -> None:
        print(json.dumps({"event": "ready", "port": port, "fingerprint": fingerprint}), flush=True)

    run_server(room, args.host, args.port, on_ready=ready)
    return 0


PIN_ENV = "CBT_PROCTOR_PIN"


def _seal(room, args: argparse.Namespace) -> int:
    """The USB path: the same sealed bundle the upload sends, written to a file for the centre."""
    from common.durable import write_durably
    from proctor_console.room import sealing
    from proctor_console.room.errors import Unauthorized

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
    return 0


# --- headless commands for scripting and support -------------------------------------------------


def _add_headless_commands(sub: argparse._SubParsersAction) -> None:
    from proctor_console.room import commands as headless

    headless.register(sub)


# --- the room's window (Qt is imported only by these commands) -----------------------------------

TOKEN_ENV = "CBT_PROCTOR_TOKEN"


def _add_screen_commands(sub: argparse._SubParsersAction) -> None:
    from common.i18n import LANGUAGES

    watch = sub.add_parser("watch", help=f"open the room's seating map; the sign-in token is read "
                                         f"from ${TOKEN_ENV}")
    watch.add_argument("--host", default="127.0.0.1")
    watch.add_argument("--port", type=int, required=True)
    watch.add_argument("--fingerprint", required=True, help="SHA-256 of the room server's certificate")
    watch.add_argument("--lang", choices=LANGUAGES, default="kk")

    shots = sub.add_parser("screenshots", help="draw every screen of the console from a sample room "
                                                "(kk, ru, en)")
    shots.add_argument("--out", type=Path, required=True)
    shots.add_argument("--what", choices=("all", "room", "console", "pdf"), default="all",
                       help="the room's map only, the desk's screens and dialogs, or its PDFs")

    desk = sub.add_parser("desk", help="the representative's desk: the room server and its window")
    desk.add_argument("--data-dir", type=Path, required=True)
    desk.add_argument("--host", default="0.0.0.0", help="where the kiosks reach the room server")
    desk.add_argument("--port", type=int, default=8443)
    desk.add_argument("--advertise", help="the address printed in the slips' QR codes "
                                          "(default: this PC's LAN address)")
    desk.add_argument("--lang", choices=LANGUAGES, default="kk")
    desk.add_argument("--password-cost", choices=COSTS, default="default")


def _run_screen_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "screenshots":
        from proctor_console.desk.app import render_console_screenshots, render_document_screenshots
        from proctor_console.desk.room_map.watch import render_screenshots

        what = args.what
        paths = [*(render_screenshots(args.out) if what in ("all", "room") else []),
                 *(render_console_screenshots(args.out) if what in ("all", "console") else []),
                 *(render_document_screenshots(args.out) if what in ("all", "pdf") else [])]
        for path in paths:
            print(path)
        return 0
    if args.command == "desk":
        from proctor_console.desk.app import run_desk

        return run_desk(args.data_dir, args.host, args.port, args.lang, args.advertise,
                        COSTS[args.password_cost])
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        parser.error(f"set {TOKEN_ENV} to the proctor's sign-in token")
    from proctor_console.desk.room_map.watch import run_watch

    return run_watch(args.port, args.fingerprint, token, args.lang, host=args.host)


if __name__ == "__main__":
    sys.exit(main())
