"""`central-scorer`: the National Testing Centre's service and command line.

Each area registers its own sub-commands (`register(sub)`), and each sub-command carries its
handler (`handler(args, centre) -> exit code`), so areas grow without touching each other.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# Areas that add sub-commands: each module has register(sub). Add one line per area.
AREAS = ("central_scorer.cli.centre", "central_scorer.cli.ingest", "central_scorer.cli.reports",
         "central_scorer.cli.web", "central_scorer.cli.campaign", "central_scorer.cli.content",
         "central_scorer.cli.stats",
         "central_scorer.cli.population")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="central-scorer", description=__doc__)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--data-dir", type=Path, default=Path("var/central"))
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite in the data dir)")
    sub = parser.add_subparsers(dest="command", required=True)
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
