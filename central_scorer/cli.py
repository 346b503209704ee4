"""`central-scorer`: the National Testing Centre's service and command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="central-scorer", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--data-dir", type=Path, default=Path("var/central"))
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in the data dir)")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="make the centre's keys; print what rooms must trust")
    init.add_argument("--centre-id", required=True)

    pkg = sub.add_parser("make-package", help="build a signed, encrypted exam package")
    pkg.add_argument("--organisation", required=True)
    pkg.add_argument("--out", type=Path, required=True)
    pkg.add_argument("--demo", action="store_true", help="use the bundled grade-4 Kazakh demo test")
    pkg.add_argument("--content", type=Path, help="exam content JSON")
    pkg.add_argument("--kdf-memory-kib", type=int, default=65536)

    trust = sub.add_parser("trust-room", help="register a room's signing key")
    trust.add_argument("--room-id", required=True)
    trust.add_argument("--organisation", required=True)
    trust.add_argument("--verify-key", required=True, help="the room's Ed25519 public key, base64")

    ing = sub.add_parser("ingest", help="verify, decrypt, re-score and store result bundles")
    ing.add_argument("files", type=Path, nargs="+")

    rep = sub.add_parser("report", help="write an organisation's results report (PDF)")
    rep.add_argument("--organisation", required=True)
    rep.add_argument("--name", help="the organisation's name as printed")
    rep.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")

    srv = sub.add_parser("serve", help="run the centre's HTTP service")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8600)

    args = parser.parse_args(argv)
    from central_scorer.centre import Centre

    centre = Centre(args.data_dir, args.database)
    out = sys.stdout
    if args.command == "init":
        json.dump(centre.init(args.centre_id), out, indent=2)
    elif args.command == "make-package":
        from common.domain.exam import content_from_dict

        if args.demo:
            from common.demo.roster import demo_content_json

            text = demo_content_json()
        elif args.content:
            text = args.content.read_text("utf-8")
        else:
            parser.error("give --demo or --content FILE")
        content = content_from_dict(json.loads(text))
        json.dump(centre.make_package(content, args.organisation, args.out, args.kdf_memory_kib), out,
                  indent=2)
    elif args.command == "trust-room":
        json.dump({"key_id": centre.trust_room(args.room_id, args.organisation, args.verify_key)}, out)
    elif args.command == "ingest":
        from central_scorer.ingest import IngestRefused, ingest

        failed = 0
        for path in args.files:
            try:
                result = ingest(centre, path.read_bytes()).as_dict()
            except IngestRefused as exc:
                failed += 1
                result = {"file": str(path), "error": exc.code, "message": str(exc)}
            json.dump({"file": str(path), **result}, out, ensure_ascii=False)
            out.write("\n")
        return 1 if failed else 0
    elif args.command == "report":
        from central_scorer.reports import write_report

        print(write_report(centre, args.organisation, args.lang, args.name))
        return 0
    elif args.command == "serve":
        from central_scorer.server import serve

        serve(centre, args.host, args.port,
              on_ready=lambda port: print(json.dumps({"event": "ready", "port": port}), flush=True))
    out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
