"""The desk's `proctor-console` commands: the representative's desk, the room's map, and the
screenshots of every screen. Qt is imported only when one of them runs, so the room's commands
(room/commands.py) never load it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from common.i18n import LANGUAGES
from proctor_console.room.commands import COSTS

TOKEN_ENV = "CBT_PROCTOR_TOKEN"


def register(sub: argparse._SubParsersAction) -> None:
    watch = sub.add_parser("watch", help=f"open the room's seating map; the sign-in token is read "
                                         f"from ${TOKEN_ENV}")
    watch.add_argument("--host", default="127.0.0.1")
    watch.add_argument("--port", type=int, required=True)
    watch.add_argument("--fingerprint", required=True, help="SHA-256 of the room server's certificate")
    watch.add_argument("--lang", choices=LANGUAGES, default="kk")
    watch.set_defaults(handler=lambda args: watch_room(watch, args))

    shots = sub.add_parser("screenshots", help="draw every screen of the console from a sample room "
                                                "(kk, ru, en)")
    shots.add_argument("--out", type=Path, required=True)
    shots.add_argument("--what", choices=("all", "room", "console", "pdf"), default="all",
                       help="the room's map only, the desk's screens and dialogs, or its PDFs")
    shots.set_defaults(handler=screenshots)

    desk = sub.add_parser("desk", help="the representative's desk: the room server and its window")
    desk.add_argument("--data-dir", type=Path, required=True)
    desk.add_argument("--host", default="0.0.0.0", help="where the kiosks reach the room server")
    desk.add_argument("--port", type=int, default=8443)
    desk.add_argument("--advertise", help="the address printed in the slips' QR codes "
                                          "(default: this PC's LAN address)")
    desk.add_argument("--lang", choices=LANGUAGES, default="kk")
    desk.add_argument("--password-cost", choices=COSTS, default="default")
    desk.set_defaults(handler=run_desk)


def screenshots(args: argparse.Namespace) -> int:
    from proctor_console.desk.screenshots import (
        render_console_screenshots,
        render_document_screenshots,
        render_room_map_screenshots,
    )

    what = args.what
    paths = [*(render_room_map_screenshots(args.out) if what in ("all", "room") else []),
             *(render_console_screenshots(args.out) if what in ("all", "console") else []),
             *(render_document_screenshots(args.out) if what in ("all", "pdf") else [])]
    for path in paths:
        print(path)
    return 0


def run_desk(args: argparse.Namespace) -> int:
    from proctor_console.desk.app import run_desk as run

    return run(args.data_dir, args.host, args.port, args.lang, args.advertise,
               COSTS[args.password_cost])


def watch_room(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        parser.error(f"set {TOKEN_ENV} to the proctor's sign-in token")
    from proctor_console.desk.room_map.watch import run_watch

    return run_watch(args.port, args.fingerprint, token, args.lang, host=args.host)
