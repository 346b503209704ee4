"""The room server's HTTP/JSON API, which the kiosks and the representative's desk talk to (TLS,
pinned): the application, its errors, and who may call what.

Kiosk endpoints (kiosk.py) need the sitting's session, bound to its workstation (`attempt`);
the representative's (proctor.py, documents.py) need the proctor's sign-in
(`signed_in_proctor`). Every endpoint is a thin call into the room (room/room.py and the modules
beside it).
"""

# No `from __future__ import annotations`: FastAPI reads the dependencies' annotations at definition.

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Annotated, AsyncIterator

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from common.domain.roster import RosterInvalid
from common.package import PackageError
from common.protocol import invalid_request
from proctor_console.room import collector, enrolment
from proctor_console.room.api import documents, kiosk, proctor
from proctor_console.room.api.hot import HotPaths
from proctor_console.room.api.limits import BodyLimit
from proctor_console.room.errors import Forbidden, RoomError
from proctor_console.room.room import Room

log = logging.getLogger(__name__)


async def _bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
    # async: it only reads a header, so it runs on the event loop. A plain `def` dependency costs
    # a hop to the thread pool and back on every kiosk request (~8% of the server's CPU).
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


CLOSE_EVERY_S = 2.0  # how often the server closes sittings whose time is over, by itself


async def _close_sittings(room: Room) -> None:
    """Close every sitting whose deadline (server's clock) has passed, without waiting for its
    kiosk or for sealing (room/submission.close_expired)."""
    while True:
        await asyncio.sleep(CLOSE_EVERY_S)
        try:
            await run_in_threadpool(room.close_expired)
        except Exception:  # noqa: BLE001 - a full disk or the like: try again next round
            log.warning("closing expired sittings failed", exc_info=True)


def create_app(room: Room, short_collections: bool = False) -> FastAPI:
    """The room's application; `short_collections` for a process that is the room's server
    (room/collector.py), not for one that only embeds it (a test)."""
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(_close_sittings(room))]
        if short_collections:
            collector.settle()
            tasks.append(asyncio.create_task(collector.keep_collections_short()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()

    app = FastAPI(title="BBZhM room server", version="1", lifespan=lifespan)
    app.add_middleware(BodyLimit)  # bodies counted before any handler reads them (limits.py)
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

    def signed_in_proctor(token: Annotated[str | None, Depends(_bearer)]) -> str:
        signed_in = room.proctor_for(token)
        if signed_in.role != "representative":  # the head signs the entry log only (§22)
            raise Forbidden("only the ministry's representative runs the room")
        return signed_in.login

    async def workstation(x_workstation_key: Annotated[str | None, Header()] = None) -> str:
        # The enrolled PC asking (room/enrolment.py): from memory on the event loop once known.
        if enrolment.known(room, x_workstation_key):
            return enrolment.workstation_for(room, x_workstation_key)
        return await run_in_threadpool(enrolment.workstation_for, room, x_workstation_key)

    async def attempt(token: Annotated[str | None, Depends(_bearer)],
                      workstation_id: Annotated[str, Depends(workstation)]) -> str:
        # On the event loop when the session is in the room's memory (almost always); a session
        # not seen since the server started is read from the database in the thread pool.
        if room.in_memory(token=token):
            return room.attempt_for(token, workstation_id)
        return await run_in_threadpool(room.attempt_for, token, workstation_id)

    def optional_attempt(workstation_id: Annotated[str, Depends(workstation)],
                         authorization: Annotated[str | None, Header()] = None) -> str | None:
        # A kiosk's heartbeat carries the sitting's token during a sitting, and none before it.
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        return room.attempt_for(authorization[7:].strip(), workstation_id)

    app.include_router(kiosk.router(room, attempt, optional_attempt, workstation))
    app.include_router(proctor.router(room, signed_in_proctor))
    app.include_router(documents.router(room, signed_in_proctor))
    return app


def asgi_app(room: Room, short_collections: bool = False) -> HotPaths:
    """What the room server serves: the kiosk's heartbeat and save answered first, outside the
    framework's middleware (api/hot.py), everything else by the application."""
    return HotPaths(create_app(room, short_collections), room)
