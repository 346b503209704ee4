"""`central-scorer serve`: bundles in over HTTP(S), reports out."""


import socket
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from common.bundle import MAX_BUNDLE_BYTES
from common.protocol import API
from central_scorer.centre import Centre
from central_scorer.ingest import IngestRefused, ingest
from central_scorer.reports import NoResults, organisation_results, write_report


def create_app(centre: Centre) -> FastAPI:
    app = FastAPI(title="BBZhM central scorer", version="1")

    @app.exception_handler(IngestRefused)
    async def _refused(_: Request, exc: IngestRefused) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc), "details": {}}, status_code=422)

    @app.exception_handler(NoResults)
    async def _none(_: Request, exc: NoResults) -> JSONResponse:
        return JSONResponse({"error": "no_results", "message": str(exc), "details": {}}, status_code=404)

    @app.post(f"{API}/bundles")
    async def receive(request: Request) -> dict[str, Any]:
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_BUNDLE_BYTES:
            raise IngestRefused("too_large", "the bundle is larger than the centre accepts")
        return ingest(centre, await request.body()).as_dict()

    @app.get(f"{API}/results/{{organisation_code}}")
    def results(organisation_code: str) -> dict[str, Any]:
        return {"results": organisation_results(centre, organisation_code)}

    @app.post(f"{API}/reports/{{organisation_code}}")
    def report(organisation_code: str, lang: str = "kk", name: str | None = None) -> dict[str, str]:
        return {"path": str(write_report(centre, organisation_code, lang, name))}

    return app


def serve(centre: Centre, host: str, port: int, on_ready=None) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(create_app(centre), log_level="warning"))
    if on_ready:
        on_ready(sock.getsockname()[1])
    server.run(sockets=[sock])
