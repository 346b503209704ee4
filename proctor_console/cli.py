"""`proctor-console`: the room's set-up and server, its commands for scripting and support, and
the representative's desk. Errors follow docs/cli.md (one line, a stable exit code)."""

from __future__ import annotations

import sys

from common.cli.runner import Parser, run
from proctor_console.desk import commands as desk_commands
from proctor_console.desk import day_commands
from proctor_console.room import commands as room_commands

DESCRIPTION = """The room: its server for the kiosks, the representative's desk, and the day's files.

  proctor-console init --kit KIT --data-dir DIR      set the room up from the centre's kit
  proctor-console serve --data-dir DIR               the room server (HTTPS) for the kiosks
  proctor-console desk --data-dir DIR                the representative's desk (a window)
  proctor-console seal --data-dir DIR --login rep    the results, sealed, for the centre

The data folder: --data-dir, else $CBT_ROOM_DIR, else the platform's user data folder.
Exit codes: 0 done, 1 problems found, 2 wrong argument, 3 refused, 4 folder never set up,
5 not found, 70 internal error (details in DIR/logs/room.log)."""


def build_parser() -> Parser:
    parser = Parser(prog="proctor-console", description=DESCRIPTION)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    room_commands.register(sub)  # no Qt
    desk_commands.register(sub)  # Qt only once one of them runs
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv, log_dir=room_commands.log_dir,
               translate=lambda exc: room_commands.translate(exc) or day_commands.translate(exc))


if __name__ == "__main__":
    sys.exit(main())
