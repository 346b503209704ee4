"""The room server: the HTTP/JSON API the kiosks and the proctor's console talk to (TLS, pinned)."""


import socket
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from common.crypto.tls import fingerprint_of_pem, make_self_signed
from common.package import PackageError
from common.protocol import (
    API,
    AnswerBatch,
    AttendanceMark,
    ConfiscationIn,
    ImpostorIn,
    KioskLogin,
    ProctorSignin,
    StartRequest,
    SubmitRequest,
    UploadRequest,
    invalid_request,
)
from common.domain.roster import RosterInvalid
from proctor_console.room import acts, revocation, sealing, survey
from proctor_console.room.api import desk as desk_api
from proctor_console.room.errors import Forbidden, RoomError
from proctor_console.room.room import Room


async def _bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
    # async: it only reads a header, so it runs on the event loop. A plain `def` dependency costs
    # a hop to the thread pool and back on every kiosk request (~8% of the server's CPU).
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def create_app(room: Room) -> FastAPI:
    app = FastAPI(title="BBZhM room server", version="1")
    app.add_exception_handler(RequestValidationError, invalid_request)

    @app.exception_handler(RoomError)
    async def _room_error(_: Request, exc: RoomError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc), "details": exc.details},
                            status_code=exc.status)

    @app.exception_handler(PackageError)
    async def _package_error(_: Request, exc: PackageError) -> JSONResponse:
        return JSONResponse({"error": "package_refused", "message": str(exc), "details": {}},
                            status_code=400)

    @app.exception_handler(RosterInvalid)
    async def _roster_error(_: Request, exc: RosterInvalid) -> JSONResponse:
        problems = [{"line": p.line, "row": p.line, "field": p.field, "message": p.message}
                    for p in exc.problems]
        return JSONResponse({"error": "roster_invalid", "message": str(exc),
                             "details": {"problems": problems}}, status_code=422)

    def proctor(token: Annotated[str | None, Depends(_bearer)]) -> str:
        signed_in = room.proctor_for(token)
        if signed_in.role != "representative":  # the head signs the entry log only (§22)
            raise Forbidden("only the ministry's representative runs the room")
        return signed_in.login

    async def attempt(token: Annotated[str | None, Depends(_bearer)],
                      x_workstation: Annotated[str | None, Header()] = None) -> str:
        # On the event loop when the session is in the room's memory (almost always); a session
        # not seen since the server started is read from the database in the thread pool.
        if room.in_memory(token=token):
            return room.attempt_for(token, x_workstation)
        return await run_in_threadpool(room.attempt_for, token, x_workstation)

    Proctor = Annotated[str, Depends(proctor)]
    AttemptId = Annotated[str, Depends(attempt)]
    survey.register(app, room, attempt, proctor)  # the anonymous survey (§25)
    app.include_router(revocation.router(room, Proctor))  # §15: the centre's revocation lists
    app.include_router(desk_api.router(room, proctor, attempt))  # readiness, incidents, documents

    # --- kiosks -------------------------------------------------------------------------------

    @app.get(f"{API}/status")
    def status() -> dict[str, Any]:
        view = room.room_view()
        return {"room_id": view["room_id"], "open": view["open"], "disk": view["disk"]}

    @app.post(f"{API}/session/login")
    def login(body: KioskLogin) -> dict[str, Any]:
        return room.login(body.login, body.password, body.workstation_id)

    @app.post(f"{API}/attempt/answers")
    async def answers(body: AnswerBatch, attempt_id: AttemptId) -> dict[str, Any]:
        # One hop to the thread pool, where the save waits for its group commit. (A plain `def`
        # endpoint with a return annotation makes two: FastAPI validates its reply there too.)
        return await run_in_threadpool(room.save_answers, attempt_id,
                                       [e.model_dump() for e in body.entries])

    @app.post(f"{API}/attempt/submit")
    def submit(body: SubmitRequest, attempt_id: AttemptId) -> dict[str, Any]:
        return room.submit(attempt_id, body.last_seq)

    @app.get(f"{API}/attempt/state")
    async def attempt_state(attempt_id: AttemptId) -> dict[str, Any]:
        # The kiosk's heartbeat: from memory on the event loop, no thread hop (room_memory.py).
        if room.in_memory(attempt_id=attempt_id):
            return room.attempt_state(attempt_id)
        return await run_in_threadpool(room.attempt_state, attempt_id)

    # --- the proctor --------------------------------------------------------------------------

    @app.post(f"{API}/proctor/signin")
    def signin(body: ProctorSignin) -> dict[str, str]:
        return {"token": room.proctor_signin(body.login, body.pin)}

    @app.post(f"{API}/proctor/package")
    async def import_package(request: Request, who: Proctor) -> dict[str, Any]:
        return room.import_package(await request.body(), who)

    @app.post(f"{API}/proctor/roster")
    async def import_roster(request: Request, who: Proctor,
                            x_filename: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        # The file as it is (CSV or XLSX); X-Filename (optional) names it, e.g. "4A.xlsx".
        return {"credentials": room.import_roster(await request.body(), who, x_filename or "")}

    @app.post(f"{API}/proctor/attendance")
    def attendance(body: AttendanceMark, who: Proctor) -> dict[str, str]:
        room.mark_attendance(body.individual_code, body.status, body.reason, who)
        return {"status": "recorded"}

    @app.post(f"{API}/proctor/start")
    def start(body: StartRequest, who: Proctor) -> dict[str, Any]:
        return room.start(body.start_code, who)

    @app.get(f"{API}/proctor/room")
    def room_view(who: Proctor) -> dict[str, Any]:
        return room.room_view()

    @app.post(f"{API}/proctor/acts/confiscation")
    def confiscation(body: ConfiscationIn, who: Proctor) -> dict[str, Any]:
        return acts.draw_up_confiscation(room, body.individual_code,
                                         [i.model_dump() for i in body.items], body.drawn_up_by, who)

    @app.post(f"{API}/proctor/acts/impostor")
    def impostor(body: ImpostorIn, who: Proctor) -> dict[str, Any]:
        return acts.draw_up_impostor(room, body.individual_code, body.impostor_full_name,
                                     body.stage, who)

    @app.post(f"{API}/proctor/bundle")
    def seal(who: Proctor) -> dict[str, Any]:
        return sealing.seal(room, who)

    @app.post(f"{API}/proctor/bundle/upload")
    def upload(body: UploadRequest, who: Proctor) -> dict[str, Any]:
        return sealing.upload(room, body.central_url, who)

    return app


def ensure_certificate(room: Room, hosts: list[str]) -> str:
    """The room's TLS certificate, made at first start; returns its SHA-256 fingerprint."""
    if not room.paths.tls_cert.exists():
        room.paths.tls_cert.parent.mkdir(parents=True, exist_ok=True)
        return make_self_signed(room.paths.tls_cert, room.paths.tls_key, hosts)
    return fingerprint_of_pem(room.paths.tls_cert.read_bytes())


def serve(room: Room, host: str, port: int, on_ready=None) -> None:
    """Serve until stopped. `on_ready(port, fingerprint)` runs once the socket listens."""
    fingerprint = ensure_certificate(room, [host, "localhost"])
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says
    # TCP, and accepted sockets inherit it. Without it every response's body waits ~40 ms for the
    # kiosk's delayed ACK (docs/BENCHMARKS.md).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    config = uvicorn.Config(create_app(room), ssl_certfile=str(room.paths.tls_cert),
                            ssl_keyfile=str(room.paths.tls_key), log_level="warning",
                            timeout_keep_alive=30)
    server = uvicorn.Server(config)
    if on_ready:
        on_ready(sock.getsockname()[1], fingerprint)
    server.run(sockets=[sock])

