"""`exam-client`: the kiosk. `--headless` runs a scripted sitting with the same engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="exam-client", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--config", type=Path, required=True,
                        help="kiosk configuration: room server address, certificate pin, workstation")
    parser.add_argument("--headless", action="store_true", help="no screen: a scripted student")
    parser.add_argument("--login")
    parser.add_argument("--password")
    parser.add_argument("--seed", type=int, default=0, help="the scripted student's choices")
    parser.add_argument("--think-ms", type=int, default=50, help="pause before each answer")
    args = parser.parse_args(argv)

    from exam_client.engine import KioskConfig, KioskEngine

    engine = KioskEngine(KioskConfig.load(args.config))
    if args.headless:
        if not (args.login and args.password):
            parser.error("--headless needs --login and --password")
        from exam_client.headless import sit

        return sit(engine, args.login, args.password, args.seed, args.think_ms / 1000)
    parser.error("the kiosk screen is not built yet: run with --headless")
    return 2


if __name__ == "__main__":
    sys.exit(main())
