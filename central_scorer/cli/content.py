"""`central-scorer items|spec|bank|variants|package` — exam content at the centre.

    central-scorer items import PATH... --json          one JSON object per QTI item
    central-scorer items score PATH --item ID --response JSON --json
    central-scorer spec check FILE|NAME... [--json]      validate specifications, print totals
    central-scorer spec schema                           the specification's JSON Schema
    central-scorer bank check FILE|NAME... [--json]      validate item banks
    central-scorer variants build --spec S --bank B --language kk --count 2 --seed N --out F
    central-scorer package build  --spec S --bank B --language kk --count 2 --seed N
                                  --organisation CODE --out FILE     (sealed, signed, recorded)

Only `package build` opens the centre's database; the others run anywhere (`needs_centre=False`).
Exit codes: 0 done; 1 some items or files were refused (the output says which); 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from central_scorer.cli.output import print_json


def _fail(message: str, as_json: bool) -> int:
    from common.cli import errors
    from common.cli.errors import CliError

    raise CliError("message", errors.USAGE, code="invalid", text=message)


# --- items --------------------------------------------------------------------------------------


def _items_import(args: argparse.Namespace, centre: Any) -> int:
    from common.content.qti.importer import import_paths

    found = import_paths(args.paths)
    summaries = [f.summary() for f in found]
    if args.bank_out:
        _write_bank(found, args)
    if args.json:
        print_json(summaries)
    else:
        for s in summaries:
            state = "ok" if not s["errors"] else "REFUSED: " + "; ".join(s["errors"])
            print(f"{s['identifier'] or '-':<24} {s['interaction'] or '-':<26} "
                  f"{s['cardinality'] or '-':<9} {s['base_type'] or '-':<13} "
                  f"max {s['max_score'] if s['max_score'] is not None else '-':<6} {state}")
        ok = sum(1 for s in summaries if not s["errors"])
        print(f"{ok} of {len(summaries)} items imported")
    return 0 if all(not s["errors"] for s in summaries) else 1


def _write_bank(found: list[Any], args: argparse.Namespace) -> None:
    from common.canonical import canonical_bytes
    from common.durable import write_durably

    items = []
    for f in found:
        if not f.ok:
            continue
        language = (f.language or args.language or "en").split("-")[0].lower()
        items.append({
            "id": f.identifier, "type": f.item.type.value,
            "metadata": {"direction": args.direction, "grade": args.grade,
                         "content_area": args.content_area, "source": "qti", "file": f.file},
            "languages": {language: f.item_json},
        })
    bank = {"bank_id": args.bank_id or Path(args.bank_out).stem, "contexts": [], "items": items}
    write_durably(Path(args.bank_out), canonical_bytes(bank))


def _items_score(args: argparse.Namespace, centre: Any) -> int:
    from common.content.qti.importer import import_path
    from common.domain.scoring import score_qti_responses

    try:
        response = json.loads(args.response)
    except json.JSONDecodeError as exc:
        return _fail(f"--response is not JSON ({exc.msg} at column {exc.colno})", args.json)
    matches = [f for f in import_path(args.path) if f.identifier == args.item]
    if not matches:
        return _fail(f"no item {args.item!r} in {args.path}", args.json)
    found = matches[0]
    if not found.ok:
        return _fail(f"item {args.item} did not import: " + "; ".join(found.errors), args.json)
    if found.primary is not None:
        responses = {found.primary: response}
    elif isinstance(response, dict):
        unknown = set(response) - set(found.responses)
        if unknown:
            return _fail(f"--response names undeclared responses {sorted(unknown)}", args.json)
        responses = response
    else:
        return _fail(f"item {args.item} has several responses ({', '.join(found.responses)}): "
                     "give --response as an object {\"RESPONSE_ID\": value, ...}", args.json)
    score = score_qti_responses(found.item, responses)
    if args.json:
        print_json({"identifier": found.identifier, "score": float(score)})
    else:
        print(f"{found.identifier}: {score:g} of {found.max_score:g}")
    return 0


# --- specifications and banks --------------------------------------------------------------------


def _spec_from(arg: str) -> Any:
    from common.content.spec import SHIPPED, load_spec, shipped_spec

    return shipped_spec(arg) if arg in SHIPPED and not Path(arg).exists() else load_spec(arg)


def _bank_from(arg: str) -> Any:
    from common.content.bank import SHIPPED_BANKS, load_bank, shipped_bank

    return shipped_bank(arg) if arg in SHIPPED_BANKS and not Path(arg).exists() else load_bank(arg)


def _spec_check(args: argparse.Namespace, centre: Any) -> int:
    from common.content.spec import SpecError

    results = []
    failed = 0
    for name in args.files:
        try:
            results.append({"file": name, "ok": True, **_spec_from(name).totals()})
        except SpecError as exc:
            failed += 1
            results.append({"file": name, "ok": False, "errors": exc.problems})
    if args.json:
        print_json(results)
    else:
        for r in results:
            if r["ok"]:
                print(f"{r['file']}: ok — {r['items']} items, {r['points']:g} points, "
                      f"{r['duration_minutes']} min, sections "
                      + ", ".join(f"{s['id']} ({s['items']})" for s in r["sections"]))
            else:
                print(f"{r['file']}: REFUSED")
                for problem in r["errors"]:
                    print(f"  {problem}")
    return 1 if failed else 0


def _spec_schema(args: argparse.Namespace, centre: Any) -> int:
    from common.content.spec import json_schema

    print_json(json_schema())
    return 0


def _bank_check(args: argparse.Namespace, centre: Any) -> int:
    from common.content.bank import BankError

    results = []
    for name in args.files:
        try:
            results.append({"file": name, "ok": True, **_bank_from(name).summary()})
        except BankError as exc:
            results.append({"file": name, "ok": False, "errors": [str(exc)]})
    if args.json:
        print_json(results)
    else:
        for r in results:
            print(f"{r['file']}: " + (f"ok — {r['items']} items, {r['contexts']} contexts"
                                      if r["ok"] else "REFUSED — " + r["errors"][0]))
    return 0 if all(r["ok"] for r in results) else 1


# --- variants and packages -----------------------------------------------------------------------


def _assemble(args: argparse.Namespace) -> Any:
    import secrets

    from common.content.payload import ExamPayload
    from common.content.variants import assemble

    spec = _spec_from(args.spec)
    bank = _bank_from(args.bank[0])
    for more in args.bank[1:]:
        bank = bank.merged(_bank_from(more))
    languages = args.language or list(spec.languages_of_instruction)
    variants, record = assemble(spec, bank, languages, args.count, args.seed)
    return ExamPayload(variants=tuple(variants), specification=spec.model_dump(mode="json"),
                       shuffle_seed=secrets.token_hex(16), assembly=record)


def _content_errors() -> tuple[type[Exception], ...]:
    from common.content.bank import BankError
    from common.content.spec import SpecError
    from common.content.variants import AssemblyError

    return (SpecError, BankError, AssemblyError)


def _variants_build(args: argparse.Namespace, centre: Any) -> int:
    from common.canonical import canonical_bytes
    from common.durable import write_durably

    try:
        payload = _assemble(args)
    except _content_errors() as exc:
        return _fail(str(exc), args.json)
    write_durably(args.out, canonical_bytes(payload.to_dict()))
    summary = {"out": str(args.out), "variants": [
        {"exam_id": v.exam_id, "language": v.language, "variant": v.variant, "items": len(v.items),
         "max_score": v.max_score} for v in payload.variants], "assembly": payload.assembly}
    if args.json:
        print_json(summary)
    else:
        for v in summary["variants"]:
            print(f"{v['exam_id']}: {v['items']} items, {v['max_score']:g} points")
        print(f"written to {args.out} (holds the keys: keep it at the centre)")
    return 0


def _package_build(args: argparse.Namespace, centre: Any) -> int:
    try:
        payload = _assemble(args)
    except _content_errors() as exc:
        return _fail(str(exc), args.json)
    made = centre.make_package(payload, args.organisation, args.out, args.kdf_memory_kib)
    print_json({**made, "variants": [v.exam_id for v in payload.variants]})
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    items = sub.add_parser("items", help="QTI items: import, score").add_subparsers(
        dest="items_command", required=True)
    imp = items.add_parser("import", help="read QTI 2.1/2.2/3.0 items, folders and .zip packages")
    imp.add_argument("paths", type=Path, nargs="+")
    imp.add_argument("--json", action="store_true", help="print a JSON array, one object per item")
    imp.add_argument("--bank-out", type=Path, help="also write the imported items as a bank file")
    imp.add_argument("--bank-id")
    imp.add_argument("--direction", default="general_education")
    imp.add_argument("--grade", default="")
    imp.add_argument("--content-area", default="imported")
    imp.add_argument("--language", choices=("kk", "ru", "en"),
                     help="the items' language when they do not say (xml:lang)")
    imp.set_defaults(handler=_items_import, needs_centre=False)

    score = items.add_parser("score", help="score one response with the item's own processing")
    score.add_argument("path", type=Path)
    score.add_argument("--item", required=True, help="the item's QTI identifier")
    score.add_argument("--response", required=True,
                       help='JSON: "A" (single), ["A","B"] (multiple/ordered), [["A","B"]] (pairs), '
                            'or {"RESPONSE_ID": value} for items with several responses')
    score.add_argument("--json", action="store_true")
    score.set_defaults(handler=_items_score, needs_centre=False)

    spec = sub.add_parser("spec", help="test specifications").add_subparsers(
        dest="spec_command", required=True)
    check = spec.add_parser("check", help="validate specifications (files, or shipped names)")
    check.add_argument("files", nargs="+", help="a JSON file, or grade4|grade9|college2|college3")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_spec_check, needs_centre=False)
    schema = spec.add_parser("schema", help="print the specification's JSON Schema")
    schema.set_defaults(handler=_spec_schema, needs_centre=False)

    bank = sub.add_parser("bank", help="item banks").add_subparsers(dest="bank_command", required=True)
    bcheck = bank.add_parser("check", help="validate item banks (files, or shipped names)")
    bcheck.add_argument("files", nargs="+")
    bcheck.add_argument("--json", action="store_true")
    bcheck.set_defaults(handler=_bank_check, needs_centre=False)

    def assembly_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--spec", required=True, help="a specification file or shipped name")
        p.add_argument("--bank", required=True, nargs="+", help="bank files or shipped names")
        p.add_argument("--language", action="append", choices=("kk", "ru", "en"),
                       help="repeat for several; default: every language of instruction")
        p.add_argument("--count", type=int, default=2, help="parallel variants per language")
        p.add_argument("--seed", required=True, help="recorded; the same seed gives the same variants")
        p.add_argument("--out", type=Path, required=True)
        p.add_argument("--json", action="store_true")

    variants = sub.add_parser("variants", help="parallel variants").add_subparsers(
        dest="variants_command", required=True)
    vbuild = variants.add_parser("build", help="assemble variants into a payload JSON (with keys)")
    assembly_args(vbuild)
    vbuild.set_defaults(handler=_variants_build, needs_centre=False)

    package = sub.add_parser("package", help="sealed exam packages").add_subparsers(
        dest="package_command", required=True)
    pbuild = package.add_parser("build", help="assemble variants and seal them for one organisation")
    assembly_args(pbuild)
    pbuild.add_argument("--organisation", required=True)
    pbuild.add_argument("--kdf-memory-kib", type=int, default=65536)
    pbuild.set_defaults(handler=_package_build, needs_centre=True)
