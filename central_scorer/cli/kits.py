"""`central-scorer room-kit | start-code`: what a school receives for a room (common/room_kit.py,
docs/room-kit.md), and the start-code notice that travels apart from it."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from central_scorer.cli.output import print_json
from common.cli import errors
from common.cli.errors import CliError
from common.cli.runner import add_command
from common.i18n import LANGUAGES


def register(sub: argparse._SubParsersAction) -> None:
    kit = add_command(sub, "room-kit", "write the kit a school receives for a room: configuration, "
                                       "sealed package, the centre's keys, the printable guide", [
        "central-scorer room-kit --organisation 190745 --room 12 --content grade4-kk.json --out kits/ "
        "--notices start-codes/",
        "central-scorer room-kit --campaign 2026 --grade 4 --content grade4-kk.json --out kits/ "
        "--notices start-codes/"],
        description="Write one folder per room (kit-ORG-ROOM) with room.json (docs/room-kit.md), "
                    "package.cbtpkg, centre-keys.json and guide-kk/ru/en.pdf. The organisation's "
                    "name comes from the centre's records (the campaign's selection). The start code "
                    "is not in the kit: its notice is written to --notices, to be sealed and sent apart.")
    who = kit.add_mutually_exclusive_group(required=True)
    who.add_argument("--organisation", help="one organisation's code")
    who.add_argument("--campaign", type=int, metavar="YEAR",
                     help="every organisation selected (not cancelled) in this year's campaign")
    kit.add_argument("--grade", help="the campaign's grade (with --campaign)")
    kit.add_argument("--room", action="append", help="the room's number (repeatable; default 1)")
    kit.add_argument("--seats", type=int, default=30,
                     help="with --campaign: seats per room, rooms = contingent / seats")
    kit.add_argument("--name", help="the organisation's name, only for one not in the centre's records "
                                    "(a trial)")
    source = kit.add_mutually_exclusive_group(required=True)
    source.add_argument("--content", type=Path, help="the exam content (JSON)")
    source.add_argument("--demo", action="store_true", help="the bundled grade-4 Kazakh demo test")
    kit.add_argument("--representative", default="rep", help="the representative's login")
    kit.add_argument("--representative-name", default="", help="their full name (default: to be filled)")
    kit.add_argument("--centre-url", help="where rooms upload results (https://…)")
    kit.add_argument("--centre-ca", type=Path, help="PEM certificate that vouches for --centre-url")
    kit.add_argument("--kdf-memory-kib", type=int, default=65536)
    kit.add_argument("--out", type=Path, required=True, help="the folder the kits are written into")
    kit.add_argument("--notices", type=Path, required=True,
                     help="a folder apart from the kits for the start-code notices (one PDF per "
                          "organisation, 0600): printed, sealed, sent separately; the centre keeps "
                          "only the code's hash, so this is the one time it is printed")
    kit.add_argument("--notice-lang", action="append", choices=LANGUAGES,
                     help="the notices' languages (repeatable; default kk and ru)")
    kit.set_defaults(handler=_room_kit)

    code = add_command(sub, "start-code", "print a package's start-code notice again (PDF), e.g. for a "
                                          "lost envelope; room-kit --notices prints the first", [
        "central-scorer start-code --package PKG-190745-1a2b3c4d --out start-code-190745.pdf --lang kk --lang ru"])
    code.add_argument("--package", required=True, help="the package id (room-kit prints it)")
    code.add_argument("--out", type=Path, required=True)
    code.add_argument("--lang", action="append", choices=LANGUAGES, help="repeatable (default kk and ru)")
    code.set_defaults(handler=_start_code)



def _content(args: argparse.Namespace):
    from common.domain.exam import content_from_dict

    if args.demo:
        from common.demo.roster import demo_content_json

        text = demo_content_json()
    else:
        text = args.content.read_text("utf-8")
    try:
        return content_from_dict(json.loads(text))
    except ValueError as exc:  # pydantic's errors and ContentError are ValueErrors
        raise CliError("invalid", errors.USAGE, code="bad_content", reason=str(exc)) from None


def _targets(args: argparse.Namespace, centre) -> list[tuple[str, str, str]]:
    """(code, name, room) for each kit to write, the names from the centre's records."""
    from sqlalchemy import select

    from common.storage.central_models import CampaignOrganisation

    if args.campaign is not None:
        if not args.grade:
            raise CliError("usage", errors.USAGE, prog="central-scorer room-kit",
                           detail="--campaign needs --grade")
        from central_scorer.campaign.store import CampaignError, organisations

        try:
            rows = organisations(centre, args.campaign, args.grade)
        except CampaignError as exc:
            raise CliError("not_found", errors.NOT_FOUND, code="no_campaign", what=str(exc)) from None
        return [(r["code"], r["name"], str(n)) for r in rows if r["status"] == "scheduled"
                for n in range(1, max(1, math.ceil(r["contingent"] / max(1, args.seats))) + 1)]
    with centre.read() as s:
        row = s.scalars(select(CampaignOrganisation).where(
            CampaignOrganisation.code == args.organisation).order_by(CampaignOrganisation.id.desc())).first()
    name = row.name if row is not None else args.name
    if not name:
        raise CliError("not_found", errors.NOT_FOUND, code="unknown_organisation",
                       what=f"organisation {args.organisation} in the centre's records (give --name "
                            "only for a trial)")
    return [(args.organisation, name, room) for room in (args.room or ["1"])]


def _room_kit(args: argparse.Namespace, centre) -> int:
    from common.documents.room_guide import KitInfo, render_guide, render_start_code_notice
    from common.durable import write_durably
    from common import room_kit as rk

    if args.notices.resolve().is_relative_to(args.out.resolve()):
        raise CliError("usage", errors.USAGE, prog="central-scorer room-kit",
                       detail="--notices must be apart from --out: the start code never travels in a kit")
    content = _content(args)
    ca = args.centre_ca.read_text("utf-8") if args.centre_ca else None
    public = centre.public_info()
    packages: dict[str, dict[str, Any]] = {}
    written = []
    for code, name, room in _targets(args, centre):
        folder = args.out / f"kit-{code}-{room}"
        folder.mkdir(parents=True, exist_ok=True)
        if code not in packages:
            packages[code] = centre.make_package(content, code, folder / rk.PACKAGE_FILE, args.kdf_memory_kib)
            notice = args.notices / f"start-code-{code}.pdf"
            args.notices.mkdir(parents=True, exist_ok=True)
            write_durably(notice, render_start_code_notice(
                KitInfo(code, name, "", "", packages[code]["package_id"], public["centre_id"], ""),
                packages[code].pop("start_code"), tuple(dict.fromkeys(args.notice_lang or ["kk", "ru"]))),
                mode=0o600)
        else:
            write_durably(folder / rk.PACKAGE_FILE, Path(packages[code]["path"]).read_bytes())
        package_id = packages[code]["package_id"]
        config = {"schema": rk.ROOM_SCHEMA, "version": rk.VERSION, "room_id": f"R{code}-{room}",
                  "organisation_code": code, "organisation_name": name, "room_no": room,
                  **public, "representative": {"login": args.representative,
                                               "full_name": args.representative_name or "—"}}
        if args.centre_url:
            config["centre_url"] = args.centre_url
        if ca:
            config["centre_tls_ca"] = ca
        assert not rk.room_problems(config), rk.room_problems(config)
        write_durably(folder / rk.ROOM_FILE, json.dumps(config, ensure_ascii=False, indent=2).encode())
        write_durably(folder / rk.KEYS_FILE, json.dumps(public, indent=2).encode())
        info = KitInfo(code, name, config["room_id"], room, package_id, public["centre_id"],
                       args.representative_name or args.representative)
        guides = []
        for lang in LANGUAGES:
            write_durably(folder / f"guide-{lang}.pdf", render_guide(info, lang))
            guides.append(f"guide-{lang}.pdf")
        files = [rk.ROOM_FILE, rk.PACKAGE_FILE, rk.KEYS_FILE, *guides]
        write_durably(folder / rk.MANIFEST, json.dumps(rk.manifest(
            folder, files, organisation_code=code, room_id=config["room_id"], package_id=package_id),
            indent=2).encode())
        written.append({"kit": str(folder), "organisation_code": code, "room_id": config["room_id"],
                        "package_id": package_id})
    print_json({"kits": written, "notices": str(args.notices)})
    return errors.OK


def _start_code(args: argparse.Namespace, centre) -> int:
    from common.documents.room_guide import KitInfo, render_start_code_notice
    from common.durable import write_durably
    from common.storage.central_models import CentralPackage

    with centre.read() as s:
        row = s.get(CentralPackage, args.package)
    if row is None:
        raise CliError("not_found", errors.NOT_FOUND, code="unknown_package", what=f"package {args.package}")
    info = KitInfo(row.organisation_code, "", "", "", row.package_id, centre.centre_id, "")
    langs = tuple(dict.fromkeys(args.lang or ["kk", "ru"]))
    code = centre.start_code_of(row.start_code, row.package_id)  # kept sealed (Centre.seal_start_code)
    write_durably(args.out, render_start_code_notice(info, code, langs), mode=0o600)
    print_json({"package_id": row.package_id, "organisation_code": row.organisation_code,
                "notice": str(args.out)})
    return errors.OK
