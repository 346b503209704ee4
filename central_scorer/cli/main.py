"""`central-scorer`: the National Testing Centre's service and command line.

Each area module adds its sub-commands with `register(sub)`; each sub-command's handler is
``handler(args, centre) -> exit code``. Errors follow docs/cli.md (one line, a stable exit code).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from common.cli import datadir, errors, settings
from common.cli.errors import CliError
from common.cli.runner import Parser, leaf_parsers, prepare, run

# Areas that add sub-commands: each module has register(sub). Add one line per area.
AREAS = ("central_scorer.cli.centre", "central_scorer.cli.ingest", "central_scorer.cli.reports",
         "central_scorer.cli.web", "central_scorer.cli.campaign", "central_scorer.cli.content",
         "central_scorer.cli.stats", "central_scorer.cli.population", "central_scorer.cli.kits")
PROGRAM, MARKER = "central-scorer", "centre.json"
SETTINGS = ("data_dir", "database_url", "listen")
SERVICES = ("serve", "worker")  # their logs are JSON lines on stderr, for the centre's collector

DESCRIPTION = """The National Testing Centre: keys, packages and room kits, results in, reports out.

  central-scorer init --centre-id KZ-NTC                       the centre's keys (once)
  central-scorer room-kit --organisation 190745 --room 12 --demo --out kits/ --notices codes/
  central-scorer serve --port 8600                             uploads, portal, public page
  central-scorer report --organisation 190745 --year 2026 --grade 4 --out report.pdf

Settings (so no secret is on a command line): --config FILE or $CBT_CENTRE_CONFIG, a TOML file
with a [centre] table (data_dir, database_url, listen); each may be overridden by
$CBT_CENTRE_DATA_DIR, $CBT_CENTRE_DATABASE_URL, $CBT_CENTRE_LISTEN. The data folder: --data-dir,
else the settings, else $CBT_CENTRE_DIR, else the platform's user data folder.
Exit codes: 0 done, 1 problems found, 2 wrong argument, 3 refused, 4 folder never set up,
5 not found, 10-20 a bundle refused (docs/bundle-format.md), 70 internal error."""


def build_parser() -> Parser:
    parser = Parser(prog=PROGRAM, description=DESCRIPTION)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"the centre's folder ({datadir.describe_default(PROGRAM)})")
    parser.add_argument("--config", type=Path, default=None,
                        help="the settings file (TOML, [centre]); default $CBT_CENTRE_CONFIG")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(area).register(sub)
    prepare(parser)
    from central_scorer.cli.examples import EXAMPLES

    for path, leaf in leaf_parsers(parser):
        if not leaf.epilog and " ".join(path) in EXAMPLES:
            leaf.epilog = "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[" ".join(path)])
            leaf.formatter_class = argparse.RawDescriptionHelpFormatter
        if not leaf.description:
            leaf.description = _summary(parser, path)
        handler = leaf._defaults.get("handler")
        if handler is not None and not getattr(handler, "_with_centre", False):
            leaf.set_defaults(handler=_with_centre(handler))
    return parser


def _summary(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> str | None:
    """A sub-command's one-line help, as its description when it has none."""
    node = parser
    for name in path:
        action = next(a for a in node._actions if isinstance(a, argparse._SubParsersAction))
        choice = next((c for c in action._choices_actions if c.dest == name), None)
        node = action.choices[name]
    return choice.help if choice is not None else None


def _with_centre(handler):
    def call(args: argparse.Namespace) -> int:
        return handler(args, open_centre(args))

    call._with_centre = True  # type: ignore[attr-defined]
    return call


def resolve(args: argparse.Namespace) -> None:
    """Fill args.data_dir and args.database_url from the option, the settings and the platform."""
    if getattr(args, "_resolved", False):
        return
    config = args.config or (Path(os.environ["CBT_CENTRE_CONFIG"]) if os.environ.get("CBT_CENTRE_CONFIG") else None)
    values = settings.load("centre", config, known=SETTINGS)
    args.data_dir = args.data_dir or (Path(values["data_dir"]) if values.get("data_dir") else None) \
        or datadir.default_dir(PROGRAM)
    args.database_url = values.get("database_url")
    args.listen = values.get("listen")
    args._resolved = True


def open_centre(args: argparse.Namespace):
    resolve(args)
    if not getattr(args, "needs_centre", True):
        return None
    if args.command != "init":
        datadir.require(args.data_dir, MARKER, PROGRAM, f"{PROGRAM} init --centre-id ID --data-dir {args.data_dir}")
    from central_scorer.centre import Centre

    return Centre(args.data_dir, args.database_url)


def log_dir(args: argparse.Namespace) -> tuple[Path, str] | None:
    resolve(args)
    return (args.data_dir / "logs", "centre") if (args.data_dir / MARKER).is_file() else None


def translate(exc: BaseException) -> CliError | None:
    from central_scorer.ingest.bundles import IngestRefused

    if isinstance(exc, IngestRefused):
        return CliError("refused", exc.exit_code, code=exc.code, reason=str(exc))
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        return CliError("message", errors.USAGE, code="database_unreachable",
                        text=f"the centre's database does not answer: {str(exc.orig).splitlines()[0]}")
    return None


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv, translate=translate, log_dir=log_dir,
               json_stderr=lambda args: getattr(args, "command", None) in SERVICES)


if __name__ == "__main__":
    sys.exit(main())
