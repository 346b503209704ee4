"""`central-scorer ingest FILE... [--jobs N]`: result bundles in, one JSON line out per file."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

log = logging.getLogger("centre.ingest")


def _ingest(args: argparse.Namespace, centre) -> int:
    from central_scorer.ingest.files import ingest_files

    exit_code = 0
    for path, (result, code) in ingest_files(centre, args.files, args.jobs):
        exit_code = exit_code or code  # the first refusal, in the order given, decides the exit code
        log.info("ingest %s: %s", path, result.get("status") or result.get("error"),
                                            extra={"file": str(path), "outcome": result})
        print(json.dumps({"file": str(path), **result}, ensure_ascii=False), flush=True)
    return exit_code


def register(sub: argparse._SubParsersAction) -> None:
    ing = sub.add_parser("ingest", help="verify, decrypt, re-score and store result bundles")
    ing.add_argument("files", type=Path, nargs="+")
    ing.add_argument("--jobs", type=int, default=1,
                     help="worker processes; each organisation's bundles stay in order in one")
    ing.set_defaults(handler=_ingest)
    jr = sub.add_parser("ingest-journal", help="score kiosk journals carried from a room PC that was "
                                               "lost (exam-client export-journal), marked recovered")
    jr.add_argument("files", type=Path, nargs="+")
    jr.set_defaults(handler=_ingest_journal)
    register_rescore(sub)


def _ingest_journal(args: argparse.Namespace, centre) -> int:
    from central_scorer.ingest.journals import ingest_journal_file

    exit_code = 0
    for path in args.files:
        result, code = ingest_journal_file(centre, path)
        exit_code = exit_code or code
        print(json.dumps({"file": str(path), **result}, ensure_ascii=False), flush=True)
    return exit_code


def _rescore(args: argparse.Namespace, centre) -> int:
    import getpass

    from central_scorer.cli.output import print_json
    from central_scorer.scores.rescore import RescoreRefused, rescore

    try:
        content = json.loads(args.content.read_text("utf-8"))
        print_json(rescore(centre, args.package, content, args.reason, args.actor or getpass.getuser()))
    except (RescoreRefused, ValueError, OSError) as exc:
        from common.cli import errors
        from common.cli.errors import CliError

        raise CliError("message", errors.USAGE, code="rescore_refused", text=str(exc)) from None
    return 0


def register_rescore(sub: argparse._SubParsersAction) -> None:
    res = sub.add_parser("rescore", help="score a package's results again after a key changed (recorded)")
    res.add_argument("--package", required=True)
    res.add_argument("--content", type=Path, required=True, help="the package's content with the corrected keys")
    res.add_argument("--reason", required=True, help="why (recorded with the re-scoring)")
    res.add_argument("--actor", help="who (default: the user running it)")
    res.set_defaults(handler=_rescore)
