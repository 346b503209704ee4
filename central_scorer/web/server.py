"""`central-scorer serve`: bundles in over HTTP(S), reports out."""


import socket
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse

from central_scorer.centre import Centre
from central_scorer.ingest.bundles import IngestRefused, ingest
from central_scorer.ingest.uploads import UploadArea, UploadError
from central_scorer.reports import due
from central_scorer.reports.aggregates import aggregate
from central_scorer.reports.organisation import NoResults, organisation_results, write_report
from central_scorer.reports.survey import survey_aggregates
from central_scorer.web import dashboard, public_page
from common.i18n import LANGUAGES
from common.protocol import API, invalid_request


CHUNK_LIMIT = 8 * 1024 * 1024


def create_app(centre: Centre) -> FastAPI:
    app = FastAPI(title="BBZhM central scorer", version="1")
    app.add_exception_handler(RequestValidationError, invalid_request)

    @app.exception_handler(IngestRefused)
    async def _refused(_: Request, exc: IngestRefused) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc), "details": {}}, status_code=422)

    @app.exception_handler(NoResults)
    async def _none(_: Request, exc: NoResults) -> JSONResponse:
        return JSONResponse({"error": "no_results", "message": str(exc), "details": {}}, status_code=404)

    uploads = UploadArea(centre.root / "uploads")

    @app.exception_handler(UploadError)
    async def _upload_error(_: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc),
                             "details": {"received": exc.received}}, status_code=exc.status)

    @app.get(f"{API}/uploads/{{sha256}}")
    def upload_state(sha256: str) -> dict[str, int]:
        return {"received": uploads.received(sha256)}

    @app.put(f"{API}/uploads/{{sha256}}")
    async def upload_chunk(sha256: str, offset: int, total: int, request: Request) -> dict[str, Any]:
        too_large = UploadError(413, "chunk_too_large", f"send chunks of at most {CHUNK_LIMIT} bytes")
        if int(request.headers.get("content-length") or 0) > CHUNK_LIMIT:
            raise too_large
        body = bytearray()  # read with a cap: a chunked body has no length to check first
        async for piece in request.stream():
            body += piece
            if len(body) > CHUNK_LIMIT:
                raise too_large
        complete = uploads.append(sha256, offset, total, bytes(body))
        if complete is None:
            return {"received": uploads.received(sha256)}
        return {"received": total, **ingest(centre, complete).as_dict()}

    @app.get("/results", response_class=HTMLResponse)
    def public_results(lang: str = "kk") -> HTMLResponse:
        """The public page (§28): aggregated, no personal data, small groups suppressed."""
        if lang not in LANGUAGES:
            lang = "kk"
        return HTMLResponse(public_page.render(aggregate(centre).public(), lang))

    @app.get(f"{API}/public/results")
    def public_results_json() -> dict[str, Any]:
        return aggregate(centre).public()

    def staff(authorization: Annotated[str | None, Header()] = None) -> None:
        token = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
        if not centre.staff_token_valid(token):
            raise HTTPException(401, "the centre's staff token is required")

    Staff = Annotated[None, Depends(staff)]

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard_page(_: Staff, lang: str = "kk") -> HTMLResponse:
        return HTMLResponse(dashboard.render(due.reports_due(centre), lang if lang in LANGUAGES else "kk"))

    @app.get(f"{API}/reports/due")
    def reports_due(_: Staff) -> list[dict[str, Any]]:
        return due.as_json(due.reports_due(centre))

    @app.get(f"{API}/results/{{organisation_code}}")
    def results(organisation_code: str, _: Staff) -> dict[str, Any]:
        return {"results": organisation_results(centre, organisation_code)}

    @app.get(f"{API}/survey")
    def survey(_: Staff) -> dict[str, Any]:
        """The anonymous survey (§25) per organisation and region, small groups suppressed."""
        return survey_aggregates(centre)

    @app.post(f"{API}/reports/{{organisation_code}}")
    def report(organisation_code: str, _: Staff, lang: str = "kk", name: str | None = None) -> dict[str, str]:
        return {"path": str(write_report(centre, organisation_code, lang, name))}

    return app


def serve(centre: Centre, host: str, port: int, on_ready=None, tls_cert: str | None = None,
          tls_key: str | None = None) -> None:
    """Serve until stopped; HTTPS when a certificate and key are given."""
    # IPPROTO_TCP so asyncio turns Nagle off (see proctor_console/room/server.py and docs/BENCHMARKS.md).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(create_app(centre), log_level="warning",
                                           ssl_certfile=tls_cert, ssl_keyfile=tls_key))
    if on_ready:
        on_ready(sock.getsockname()[1])
    server.run(sockets=[sock])
