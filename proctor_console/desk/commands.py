"""The desk's `proctor-console` commands: the representative's desk, the room's map, and the
screenshots of every screen. Qt is imported only when one of them runs, so the room's commands
(room/commands.py) never load it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from common.cli import errors
from common.cli.datadir import describe_default
from common.cli.errors import CliError
from common.cli.runner import add_command
from common.i18n import LANGUAGES
from proctor_console.desk import day_commands
from proctor_console.room.commands import COSTS, MARKER

TOKEN_ENV = "CBT_PROCTOR_TOKEN"


def register(sub: argparse._SubParsersAction) -> None:
    watch = add_command(sub, "watch", f"open the room's seating map; the sign-in token is read "
                                      f"from ${TOKEN_ENV}", [
        f"{TOKEN_ENV}=… proctor-console watch --port 8443 --fingerprint 3f2a…e9 --lang ru"])
    watch.add_argument("--host", default="127.0.0.1")
    watch.add_argument("--port", type=int, required=True)
    watch.add_argument("--fingerprint", required=True, help="SHA-256 of the room server's certificate")
    watch.add_argument("--lang", choices=LANGUAGES, default="kk")
    watch.set_defaults(handler=watch_room)

    shots = add_command(sub, "screenshots", "draw every screen of the console from a sample room "
                                            "(kk, ru, en)", [
        "proctor-console screenshots --out docs/screenshots --what room"])
    shots.add_argument("--out", type=Path, required=True)
    shots.add_argument("--what", choices=("all", "room", "console", "pdf"), default="all",
                       help="the room's map only, the desk's screens and dialogs, or its PDFs")
    shots.set_defaults(handler=screenshots)

    desk = add_command(sub, "desk", "the representative's desk: the room server and its window", [
        "proctor-console desk --data-dir ~/room --lang kk",
        "proctor-console desk --kit /media/usb/kit-190745-12 --data-dir ~/room   # the first run",
        f"{TOKEN_ENV}=… proctor-console desk --server 127.0.0.1:8443 --fingerprint 3f2a…e9   "
        f"# over a running `serve`"],
        description="The representative's desk: the room server for the kiosks and its window. On "
                    "the first run (a folder never set up) it asks for the centre's kit and the PIN "
                    "the representative chooses, then opens the day.")
    desk.add_argument("--data-dir", type=Path, default=None,
                      help=f"the room's folder ({describe_default('proctor-console')})")
    desk.add_argument("--kit", type=Path, help="the centre's room kit, for the first run")
    desk.add_argument("--host", default="0.0.0.0", help="where the kiosks reach the room server")
    desk.add_argument("--port", type=int, default=8443)
    desk.add_argument("--advertise", help="the address printed in the slips' QR codes "
                                          "(default: this PC's LAN address)")
    desk.add_argument("--lang", choices=LANGUAGES, default="kk")
    desk.add_argument("--password-cost", choices=COSTS, default="default")
    desk.add_argument("--server", metavar="HOST:PORT",
                      help=f"the window only, over a room server already running (`serve`); signed "
                           f"in with ${TOKEN_ENV} when it is set")
    desk.add_argument("--fingerprint", help="with --server: SHA-256 of the room server's certificate")
    desk.add_argument("--place", metavar="X,Y,W,H",
                      help="the window's cell, in fractions of the screen's free area (the demo's "
                           "layout: 0,0,0.5,1 is the left half)")
    desk.set_defaults(handler=run_desk)
    day_commands.register(sub)


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
    from proctor_console.room.commands import room_dir

    place = _place(args.place)
    if args.server is not None:
        return _run_attached(args, place)
    if args.fingerprint is not None:
        raise CliError("message", errors.USAGE, code="usage", text="--fingerprint goes with --server")

    folder = room_dir(args, initialised=False)
    if not (folder / MARKER).is_file() and args.kit is None:
        from proctor_console.desk.first_run import ask_for_kit

        if not ask_for_kit(folder, args.lang, COSTS[args.password_cost]):
            return 1  # the representative closed the first-run wizard: nothing was set up
    elif args.kit is not None and not (folder / MARKER).is_file():
        from proctor_console.desk.first_run import init_from_kit

        init_from_kit(folder, args.kit, os.environ.get("CBT_PROCTOR_PIN", ""), COSTS[args.password_cost])
    return run(args.data_dir, args.host, args.port, args.lang, args.advertise,
               COSTS[args.password_cost], place=place)


def _place(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    from common.window_cell import parse_place

    try:
        return parse_place(text)
    except ValueError as exc:
        raise CliError("message", errors.USAGE, code="usage", text=str(exc)) from None


def _run_attached(args: argparse.Namespace, place: tuple[float, float, float, float] | None) -> int:
    from proctor_console.desk.app import run_attached

    host, _, port = args.server.rpartition(":")
    if not (host and port.isdigit() and args.fingerprint):
        raise CliError("message", errors.USAGE, code="usage",
                       text="--server is HOST:PORT, with --fingerprint of its certificate")
    if args.kit is not None:
        raise CliError("message", errors.USAGE, code="usage",
                       text="--kit sets up this PC's room server: it does not go with --server")
    out_dir = (args.data_dir or Path.cwd()) / "exports"
    return run_attached(host, int(port), args.fingerprint, args.lang, out_dir,
                        token=os.environ.get(TOKEN_ENV, "").strip() or None, place=place)


def watch_room(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise CliError("message", errors.USAGE, code="usage",
                       text=f"set {TOKEN_ENV} to the proctor's sign-in token")
    from proctor_console.desk.room_map.watch import run_watch

    return run_watch(args.port, args.fingerprint, token, args.lang, host=args.host)
