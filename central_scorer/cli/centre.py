"""`central-scorer init | make-package | trust-room`: the centre's keys, its packages and the rooms
it trusts (`central_scorer/centre.py`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from central_scorer.cli.output import print_json
from common.cli import errors
from common.cli.errors import CliError
from common.cli.runner import add_command


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
        raise CliError("usage", errors.USAGE, prog="central-scorer make-package",
                       detail="give --demo or --content FILE")
    content = content_from_dict(json.loads(text))
    print_json(centre.make_package(content, args.organisation, args.out, args.kdf_memory_kib))
    return 0


def _trust_room(args: argparse.Namespace, centre) -> int:
    if args.source is not None:  # what `proctor-console init` printed, sent back by the school
        data = json.loads(args.source.read_text("utf-8"))
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in
                                                 ("room_id", "organisation_code", "verify_key")):
            raise CliError("invalid", errors.USAGE, code="bad_room_key",
                           reason=f"{args.source}: not what `proctor-console init` prints")
        room_id, organisation, key = data["room_id"], data["organisation_code"], data["verify_key"]
    elif args.room_id and args.organisation and args.verify_key:
        room_id, organisation, key = args.room_id, args.organisation, args.verify_key
    else:
        raise CliError("usage", errors.USAGE, prog="central-scorer trust-room",
                       detail="give --from FILE, or --room-id, --organisation and --verify-key")
    try:
        print_json({"key_id": centre.trust_room(room_id, organisation, key)})
    except ValueError as exc:
        raise CliError("invalid", errors.USAGE, code="bad_room_key", reason=str(exc)) from None
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    init = add_command(sub, "init", "make the centre's keys; print what rooms must trust", [
        "central-scorer --data-dir /srv/centre init --centre-id KZ-NTC"])
    init.add_argument("--centre-id", required=True)
    init.set_defaults(handler=_init)

    pkg = add_command(sub, "make-package", "build one signed, encrypted exam package from content JSON "
                                           "(for a school: room-kit, which builds it the same way)", [
        "central-scorer make-package --organisation 190745 --content grade4-kk.json --out 190745.cbtpkg"])
    pkg.add_argument("--organisation", required=True)
    pkg.add_argument("--out", type=Path, required=True)
    pkg.add_argument("--demo", action="store_true", help="use the bundled grade-4 Kazakh demo test")
    pkg.add_argument("--content", type=Path, help="exam content JSON")
    pkg.add_argument("--kdf-memory-kib", type=int, default=65536)
    pkg.set_defaults(handler=_make_package)

    trust = add_command(sub, "trust-room", "register a room's signing key (what `proctor-console init` "
                                           "printed)", [
        "central-scorer trust-room --from room-key-190745-12.json",
        "central-scorer trust-room --room-id R190745-12 --organisation 190745 --verify-key BASE64"])
    trust.add_argument("--from", dest="source", type=Path, help="the JSON `proctor-console init` printed")
    trust.add_argument("--room-id")
    trust.add_argument("--organisation")
    trust.add_argument("--verify-key", help="the room's Ed25519 public key, base64")
    trust.set_defaults(handler=_trust_room)
