"""`central-scorer serve | worker | publish | portal-codes`: the centre's web front, its ingest
workers, the public page's files and the portal's access codes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from central_scorer.cli.output import print_json
from common.cli.runner import add_command


def _serve(args: argparse.Namespace, centre) -> int:
    from central_scorer.web.server import serve

    workers = []
    for _ in range(args.workers):  # one PC: the workers run beside the front, as processes
        cmd = [sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(args.data_dir)]
        env = {**os.environ, **({"CBT_CENTRE_DATABASE_URL": args.database_url} if args.database_url else {})}
        workers.append(subprocess.Popen([*cmd, "worker", "--with-parent", str(os.getpid())],
                                        stdout=subprocess.DEVNULL, env=env))  # the URL never in argv
    host, port = args.host, args.port
    if args.listen and (host, port) == (None, None):  # the settings' listen = "HOST:PORT"
        host, _, listen_port = args.listen.rpartition(":")
        port = int(listen_port)
    try:
        serve(centre, host or "127.0.0.1", 8600 if port is None else port, tls_cert=args.tls_cert, tls_key=args.tls_key,
              on_ready=lambda port: print(json.dumps({"event": "ready", "port": port,
                                                      "workers": len(workers)}), flush=True))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    return 0


def _worker(args: argparse.Namespace, centre) -> int:
    import signal

    from central_scorer.ingest.queue import work

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    done = work(centre, once=args.once, poll=args.poll, publish=not args.no_publish,
                on_job=lambda outcome: _job_done(outcome),
                stop=lambda: bool(stopping) or (args.with_parent is not None and os.getppid() != args.with_parent))
    if args.once:
        print_json({"jobs": done})
    return 0


def _job_done(outcome: dict) -> None:
    """One line on stdout (as before) and one log record: an ingest, or a refusal with its code."""
    import logging

    log = logging.getLogger("centre.ingest")
    refused = outcome.get("error") or outcome.get("status") not in ("stored", "duplicate")
    (log.warning if refused else log.info)("ingest %s", outcome.get("status") or outcome.get("error"),
                                           extra={"outcome": outcome})
    print(json.dumps(outcome, ensure_ascii=False), flush=True)


def _publish(args: argparse.Namespace, centre) -> int:
    from central_scorer.web.publish import publish

    print_json(publish(centre, if_changed=args.if_changed))
    return 0


def _portal_codes(args: argparse.Namespace, centre) -> int:
    from central_scorer.reports.exports import csv_bytes
    from central_scorer.web.sessions import issue_codes, known_organisations
    from common.durable import write_durably

    organisations = args.organisation or known_organisations(centre)
    codes = issue_codes(centre, organisations)
    write_durably(args.out, csv_bytes([["organisation_code", "access_code"], *sorted(codes.items())]), mode=0o600)
    print_json({"path": str(args.out), "organisations": len(codes)})
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    srv = add_command(sub, "serve", "run the centre's web front (uploads, public page, portal, dashboard)", [
        "central-scorer serve --host 0.0.0.0 --port 8600 --tls-cert cert.pem --tls-key key.pem --workers 2"])
    srv.add_argument("--host", default=None, help="default: the settings' listen, else 127.0.0.1")
    srv.add_argument("--port", type=int, default=None, help="default: the settings' listen, else 8600")
    srv.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (rooms verify it)")
    srv.add_argument("--tls-key", help="PEM private key of --tls-cert")
    srv.add_argument("--workers", type=int, default=1,
                     help="ingest workers to start beside the front (0: they run elsewhere)")
    srv.set_defaults(handler=_serve)

    wrk = add_command(sub, "worker", "ingest queued uploads (any number, on any host with the keys)", [
        "central-scorer worker", "central-scorer worker --once --no-publish"])
    wrk.add_argument("--once", action="store_true", help="stop when the queue is empty")
    wrk.add_argument("--poll", type=float, default=1.0, help="seconds between looks at an empty queue")
    wrk.add_argument("--no-publish", action="store_true", help="leave the public page to `publish`")
    wrk.add_argument("--with-parent", type=int, help=argparse.SUPPRESS)  # serve's: stop when it is gone
    wrk.set_defaults(handler=_worker)

    pub = add_command(sub, "publish", "render the public results page into static files", [
        "central-scorer publish --if-changed"])
    pub.add_argument("--if-changed", action="store_true", help="only when results changed since the last")
    pub.set_defaults(handler=_publish)

    codes = add_command(sub, "portal-codes", "issue portal access codes (CSV of codes, shown once)", [
        "central-scorer portal-codes --organisation 190745 --out codes.csv"])
    codes.add_argument("--organisation", action="append", help="only this organisation (repeatable)")
    codes.add_argument("--out", type=Path, required=True, help="the CSV of codes to hand out (0600)")
    codes.set_defaults(handler=_portal_codes)
