"""`proctor-console`: the representative's desk. Headless sub-commands for set-up and the server."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import __version__
from common.crypto import passwords

COSTS = {"default": passwords.DEFAULT, "fast": passwords.FAST}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="proctor-console", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
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

    args = parser.parse_args(argv)
    from proctor_console.room import Room

    room = Room(args.data_dir, password_params=COSTS[args.password_cost])
    if args.command == "init":
        print(json.dumps(room.configure(json.loads(args.config.read_text("utf-8"))), indent=2))
        return 0
    from proctor_console.server import serve as run_server

    def ready(port: int, fingerprint: str) -> None:
        print(json.dumps({"event": "ready", "port": port, "fingerprint": fingerprint}), flush=True)

    run_server(room, args.host, args.port, on_ready=ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
