"""`central-scorer ingest FILE... [--jobs N]`: result bundles in, one JSON line out per file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _ingest(args: argparse.Namespace, centre) -> int:
    from central_scorer.ingest.files import ingest_files

    exit_code = 0
    for path, (result, code) in ingest_files(centre, args.files, args.jobs):
        exit_code = exit_code or code  # the first refusal, in the order given, decides the exit code
        print(json.dumps({"file": str(path), **result}, ensure_ascii=False), flush=True)
    return exit_code


def register(sub: argparse._SubParsersAction) -> None:
    ing = sub.add_parser("ingest", help="verify, decrypt, re-score and store result bundles")
    ing.add_argument("files", type=Path, nargs="+")
    ing.add_argument("--jobs", type=int, default=1,
                     help="worker processes; each organisation's bundles stay in order in one")
    ing.set_defaults(handler=_ingest)
