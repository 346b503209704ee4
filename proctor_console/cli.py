"""`proctor-console`: the room's set-up and server, its commands for scripting and support, and
the representative's desk."""

from __future__ import annotations

import argparse
import sys

from proctor_console.desk import commands as desk_commands
from proctor_console.room import commands as room_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="proctor-console", description=__doc__)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    room_commands.register(sub)  # no Qt
    desk_commands.register(sub)  # Qt only once one of them runs
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
