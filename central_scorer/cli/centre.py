"""`central-scorer init | make-package | trust-room`: the centre's keys, its packages and the rooms
it trusts (`central_scorer/centre.py`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from central_scorer.cli.output import print_json


def _init(args: argparse.Namespace, centre) -> int:
    print_json(centre.init(args.centre_id))
    return 0


def _make_package(args: argparse.Namespace, centre) -> int:
    from common.domain.exam import content_from_dict

    if args.demo:
        from common.demo.roster import demo_content_json

        text = demo_content_json()
    elif args.content:
        text = args.content.read_text("utf-8")
    else:
        raise SystemExit("make-package: give --demo or --content FILE")
    content = content_from_dict(json.loads(text))
    print_json(centre.make_package(content, args.organisation, args.out, args.kdf_memory_kib))
    return 0


def _trust_room(args: argparse.Namespace, centre) -> int:
    print_json({"key_id": centre.trust_room(args.room_id, args.organisation, args.verify_key)})
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    init = sub.add_parser("init", help="make the centre's keys; print what rooms must trust")
    init.add_argument("--centre-id", required=True)
    init.set_defaults(handler=_init)

    pkg = sub.add_parser("make-package", help="build a signed, encrypted exam package")
    pkg.add_argument("--organisation", required=True)
    pkg.add_argument("--out", type=Path, required=True)
    pkg.add_argument("--demo", action="store_true", help="use the bundled grade-4 Kazakh demo test")
    pkg.add_argument("--content", type=Path, help="exam content JSON")
    pkg.add_argument("--kdf-memory-kib", type=int, default=65536)
    pkg.set_defaults(handler=_make_package)

    trust = sub.add_parser("trust-room", help="register a room's signing key")
    trust.add_argument("--room-id", required=True)
    trust.add_argument("--organisation", required=True)
    trust.add_argument("--verify-key", required=True, help="the room's Ed25519 public key, base64")
    trust.set_defaults(handler=_trust_room)
