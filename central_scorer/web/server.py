"""`central-scorer serve`: the centre's web front — bundles in (stored and queued for the
workers), the public page and the organisations' files out, the staff dashboard.

The front holds no private key: it needs the database, the staff token's hash and the files
the workers and the batch make (`public/`, `reports/`). Ingest runs in `central-scorer worker`
processes (docs/scaling.md); `serve --workers N` starts N of them beside the front on one PC.
"""


import datetime as dt
import socket
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Cookie, Depends, FastAPI, Form, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from central_scorer.centre import Centre
from central_scorer.ingest import queue
from central_scorer.ingest.uploads import UploadArea, UploadError
from central_scorer.reports import due
from central_scorer.reports.organisation import NoResults, organisation_results
from central_scorer.reports.survey import survey_aggregates
from central_scorer.web import dashboard, portal_pages, sessions
from central_scorer.web.public_page import grade_label, render_index
from central_scorer.web.publish import site_file
from common import upload_auth
from common.bundle import MAX_BUNDLE_BYTES
from common.i18n import LANGUAGES
from common.protocol import API, invalid_request
from common.storage.central_models import OrganisationReportFile, ReportDownload

CHUNK_LIMIT = 8 * 1024 * 1024
MEDIA = {".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8", ".p7s": "application/pkcs7-signature",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".html": "text/html; charset=utf-8", ".json": "application/json"}


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "kk"


def create_app(centre: Centre) -> FastAPI:
    app = FastAPI(title="BBZhM central scorer", version="1")
    app.add_exception_handler(RequestValidationError, invalid_request)

    @app.exception_handler(NoResults)
    async def _none(_: Request, exc: NoResults) -> JSONResponse:
        return JSONResponse({"error": "no_results", "message": str(exc), "details": {}}, status_code=404)

    uploads = UploadArea(centre.root / "uploads")

    @app.exception_handler(UploadError)
    async def _upload_error(_: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc),
                             "details": {"received": exc.received}}, status_code=exc.status)

    # --- bundles in: stored, queued, ingested by a worker -----------------------------------

    def _signed_by(headers: Any, sha256: str, offset: int, total: int, chunk: bytes) -> Any:
        try:
            return upload_auth.verify(centre.trusted_rooms(), headers, sha256, offset, total, chunk)
        except upload_auth.UploadUnauthenticated as exc:
            raise UploadError(401, "upload_unauthenticated", str(exc)) from None

    @app.get(f"{API}/uploads/{{sha256}}")
    def upload_state(sha256: str) -> dict[str, Any]:
        received = uploads.received(sha256)
        state = queue.job_state(centre, sha256) if received == 0 else None
        return {"received": received} if state is None else {"received": 0, **state}

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
        uploads.check_name(sha256)
        if total <= 0 or total > MAX_BUNDLE_BYTES:
            raise UploadError(413, "too_large", f"a bundle may be at most {MAX_BUNDLE_BYTES} bytes")
        # disk and database work off the event loop: other uploads and readers are not held up
        # Only a trusted room's signed chunk is stored (common/upload_auth.py).
        room = await run_in_threadpool(_signed_by, request.headers, sha256, offset, total, bytes(body))
        state = await run_in_threadpool(queue.job_state, centre, sha256)
        if state is not None:  # already here: a re-send changes nothing
            return {"received": total, "status": state["ingest"], **state}
        complete = await run_in_threadpool(uploads.append, sha256, offset, total, bytes(body),
                                           room.verify_key.key_id)
        if complete is None:
            return {"received": uploads.received(sha256)}
        job = await run_in_threadpool(queue.enqueue, centre, sha256, complete)
        return {"received": total, "status": "queued", "job_id": job.id, "ingest": "queued"}

    # --- the public page: files made by `publish`, served as they are ----------------------

    @app.get("/results", include_in_schema=False)
    @app.get("/results/", include_in_schema=False)
    def public_root(lang: str | None = None) -> RedirectResponse:
        return RedirectResponse(f"/results/{_lang(lang)}/", 307)

    @app.get("/results/{path:path}", include_in_schema=False)
    def public_file(path: str) -> Response:
        found = site_file(centre, path)
        if found is None:
            lang = path.strip("/") or "kk"
            if lang in LANGUAGES and not (centre.root / "public" / "current").exists():
                return HTMLResponse(render_index([], lang))  # nothing published yet
            raise HTTPException(404, "not published")
        return FileResponse(found, media_type=MEDIA.get(found.suffix, "application/octet-stream"),
                            headers={"Cache-Control": "public, max-age=60"})

    # --- staff: the bearer token (scripts) or a signed-in browser --------------------------

    def staff(authorization: Annotated[str | None, Header()] = None,
              ntc_session: Annotated[str | None, Cookie()] = None) -> None:
        token = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
        if centre.staff_token_valid(token):
            return
        session = sessions.who(centre, ntc_session)
        if session is None or session.kind != "staff":
            raise HTTPException(401, "the centre's staff token is required")

    Staff = Annotated[None, Depends(staff)]

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    def staff_signin_page(lang: str | None = None) -> HTMLResponse:
        return HTMLResponse(portal_pages.staff_signin(_lang(lang)))

    @app.post("/signin", include_in_schema=False)
    def staff_signin(request: Request, token: Annotated[str, Form()], lang: str | None = None) -> Response:
        try:
            cookie = sessions.sign_in_staff(centre, token)
        except sessions.SignInRefused:
            return HTMLResponse(portal_pages.staff_signin(_lang(lang), error=True), status_code=401)
        reply = RedirectResponse(f"/dashboard?lang={_lang(lang)}", 303)
        _set_cookie(reply, request, cookie, sessions.STAFF_HOURS)
        return reply

    @app.post("/signout", include_in_schema=False)
    def staff_signout(ntc_session: Annotated[str | None, Cookie()] = None) -> Response:
        sessions.sign_out(centre, ntc_session)
        reply = RedirectResponse("/signin", 303)
        reply.delete_cookie(sessions.COOKIE, path="/")
        return reply

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page(request: Request, lang: str | None = None,
                       authorization: Annotated[str | None, Header()] = None,
                       ntc_session: Annotated[str | None, Cookie()] = None) -> Response:
        try:
            staff(authorization, ntc_session)
        except HTTPException:
            if "text/html" in request.headers.get("accept", ""):
                return RedirectResponse(f"/signin?lang={_lang(lang)}", 303)
            raise
        return HTMLResponse(dashboard.render(due.reports_due(centre), _lang(lang)))

    @app.get(f"{API}/reports/due")
    def reports_due(_: Staff) -> list[dict[str, Any]]:
        return due.as_json(due.reports_due(centre))

    @app.get(f"{API}/results/{{organisation_code}}")
    def results(organisation_code: str, _: Staff, year: int | None = None,
                grade: str | None = None) -> dict[str, Any]:
        return {"results": organisation_results(centre, organisation_code, year, grade)}

    @app.get(f"{API}/survey")
    def survey(_: Staff) -> dict[str, Any]:
        """The anonymous survey (§25) per organisation and region, small groups suppressed."""
        return survey_aggregates(centre)

    # --- the organisations' portal -----------------------------------------------------------

    def organisation(ntc_session: Annotated[str | None, Cookie()] = None) -> str | None:
        session = sessions.who(centre, ntc_session)
        return session.organisation_code if session is not None and session.kind == "organisation" else None

    @app.get("/portal", response_class=HTMLResponse, include_in_schema=False)
    def portal(lang: str | None = None) -> HTMLResponse:
        return HTMLResponse(portal_pages.signin(_lang(lang)))

    @app.post("/portal/signin", include_in_schema=False)
    def portal_signin(request: Request, organisation: Annotated[str, Form()],
                      code: Annotated[str, Form()], lang: str | None = None) -> Response:
        try:
            cookie = sessions.sign_in_organisation(centre, organisation, code)
        except sessions.SignInRefused as exc:
            return HTMLResponse(portal_pages.signin(_lang(lang), exc.reason), status_code=401)
        reply = RedirectResponse(f"/portal/files?lang={_lang(lang)}", 303)
        _set_cookie(reply, request, cookie, sessions.ORGANISATION_HOURS)
        return reply

    @app.post("/portal/signout", include_in_schema=False)
    def portal_signout(ntc_session: Annotated[str | None, Cookie()] = None, lang: str | None = None) -> Response:
        sessions.sign_out(centre, ntc_session)
        reply = RedirectResponse(f"/portal?lang={_lang(lang)}", 303)
        reply.delete_cookie(sessions.COOKIE, path="/")
        return reply

    @app.get("/portal/files", response_class=HTMLResponse, include_in_schema=False)
    def portal_files(org: Annotated[str | None, Depends(organisation)], lang: str | None = None) -> Response:
        if org is None:
            return RedirectResponse(f"/portal?lang={_lang(lang)}", 303)
        with centre.read() as s:
            rows = [{"id": f.id, "year": f.year, "grade_label": grade_label(f.grade, _lang(lang)),
                     "kind": f.kind, "lang": f.lang, "name": Path(f.path).name}
                    for f in s.scalars(select(OrganisationReportFile)
                                       .where(OrganisationReportFile.organisation_code == org))]
        order = {"pdf": 0, "xlsx": 1, "csv": 2}
        rows.sort(key=lambda r: (-r["year"], r["grade_label"], order.get(r["kind"], 3), r["lang"]))
        return HTMLResponse(portal_pages.files(_lang(lang), org, rows))

    def _own_file(org: str | None, file_id: int) -> OrganisationReportFile:
        with centre.read() as s:
            row = s.get(OrganisationReportFile, file_id)
        if org is None or row is None or row.organisation_code != org:
            raise HTTPException(404, "no such file")  # another organisation's file is not there
        return row

    @app.get("/portal/files/{file_id}", include_in_schema=False)
    def portal_download(file_id: int, org: Annotated[str | None, Depends(organisation)]) -> Response:
        row = _own_file(org, file_id)
        data = Path(row.path).read_bytes()
        with centre.tx() as s:  # the first download of the report is its delivery (§27)
            s.add(ReportDownload(report_id=row.id, organisation_code=row.organisation_code))
        return Response(data, media_type=MEDIA.get(Path(row.path).suffix, "application/octet-stream"),
                        headers={"Content-Disposition": f'attachment; filename="{Path(row.path).name}"',
                                 "Cache-Control": "no-store"})

    @app.get("/portal/files/{file_id}/signature", include_in_schema=False)
    def portal_signature(file_id: int, org: Annotated[str | None, Depends(organisation)]) -> Response:
        row = _own_file(org, file_id)
        path = Path(row.path + ".p7s")
        if not path.exists():
            raise HTTPException(404, "this file is signed inside (PDF)")
        return Response(path.read_bytes(), media_type=MEDIA[".p7s"],
                        headers={"Content-Disposition": f'attachment; filename="{path.name}"'})

    return app


def _set_cookie(reply: Response, request: Request, value: str, hours: int) -> None:
    reply.set_cookie(sessions.COOKIE, value, max_age=int(dt.timedelta(hours=hours).total_seconds()),
                     httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")


def serve(centre: Centre, host: str, port: int, on_ready=None, tls_cert: str | None = None,
          tls_key: str | None = None) -> None:
    """Serve until stopped; HTTPS when a certificate and key are given."""
    # IPPROTO_TCP so asyncio turns Nagle off (see proctor_console/room/server.py and docs/BENCHMARKS.md).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    from central_scorer.web.access_log import AccessLog

    server = uvicorn.Server(uvicorn.Config(AccessLog(create_app(centre)), log_level="warning",
                                           ssl_certfile=tls_cert, ssl_keyfile=tls_key))
    if on_ready:
        on_ready(sock.getsockname()[1])
    server.run(sockets=[sock])
