"""`central-scorer serve`: the centre's HTTP service (`central_scorer/web/server.py`)."""

from __future__ import annotations

import argparse
import json


def _serve(args: argparse.Namespace, centre) -> int:
    from central_scorer.web.server import serve

    serve(centre, args.host, args.port, tls_cert=args.tls_cert, tls_key=args.tls_key,
          on_ready=lambda port: print(json.dumps({"event": "ready", "port": port}), flush=True))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    srv = sub.add_parser("serve", help="run the centre's HTTP service")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8600)
    srv.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (rooms verify it)")
    srv.add_argument("--tls-key", help="PEM private key of --tls-cert")
    srv.set_defaults(handler=_serve)
