"""The two requests every kiosk makes all test long, answered before the framework's routing.

A kiosk's heartbeat (``GET /api/v1/attempt/state``) and its answer save (``POST
/api/v1/attempt/answers``) are nearly all of a room's traffic. Through FastAPI each cost about a
millisecond of CPU, most of it dependency solving, route matching and middleware
(docs/BENCHMARKS.md); here they are one plain ASGI layer that calls the same domain functions
the routes did — `enrolment.workstation_for` (the enrolled PC), `Room.attempt_for` (session, workstation), `AnswerBatch` (the protocol's checks),
`Room.attempt_state` and `answers.save_later` (every rule of a save) — and answers with the same
JSON, the same status codes and the same error bodies. A save is handed to the room's writer
thread and awaited on the event loop: no thread of the pool is held while it waits for its fsync.

Every other request goes on to the FastAPI application, which still declares these two routes
for its OpenAPI schema.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from common.protocol import API, AnswerBatch
from proctor_console.room import answers, enrolment
from proctor_console.room.api.limits import body_limit, too_large
from proctor_console.room.errors import RoomError
from proctor_console.room.room import Room

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATE = f"{API}/attempt/state"
ANSWERS = f"{API}/attempt/answers"


class HotPaths:
    """ASGI middleware: the kiosk's heartbeat and save, lean; anything else to `app`."""

    def __init__(self, app: ASGIApp, room: Room):
        self.app = app
        self.room = room

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == STATE and method == "GET":
                return await self._answer(send, self._state(scope))
            if path == ANSWERS and method == "POST":
                return await self._answer(send, self._save(scope, receive))
        await self.app(scope, receive, send)

    async def _answer(self, send: Send, work: Awaitable[dict[str, Any]]) -> None:
        try:
            body = await work
            status = 202 if "held" in body else 200  # late: held for the representative
        except RoomError as exc:  # the body the application's handler gives (api/app.py)
            status, body = exc.status, {"error": exc.code, "message": str(exc),
                                        "details": exc.details}
        except _Invalid as exc:
            status, body = 422, {"detail": exc.detail}
        except _TooLarge as exc:  # as the application's BodyLimit answers (api/limits.py)
            return await too_large(send, exc.limit)
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})

    async def _attempt(self, scope: Scope) -> str:
        """The sitting of the request's session, bound to the enrolled workstation its credential
        proves (as `attempt` in api/app.py, room/enrolment.py): from memory on the event loop,
        else read in the thread pool."""
        token = key = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                text = value.decode("latin-1")
                if text[:7].lower() == "bearer ":
                    token = text[7:].strip()
            elif name == b"x-workstation-key":
                key = value.decode("latin-1")
        if enrolment.known(self.room, key):
            workstation = enrolment.workstation_for(self.room, key)
        else:
            workstation = await run_in_threadpool(enrolment.workstation_for, self.room, key)
        if self.room.in_memory(token=token):
            return self.room.attempt_for(token, workstation)
        return await run_in_threadpool(self.room.attempt_for, token, workstation)

    async def _state(self, scope: Scope) -> dict[str, Any]:
        attempt_id = await self._attempt(scope)
        if self.room.in_memory(attempt_id=attempt_id):
            return self.room.attempt_state(attempt_id)
        return await run_in_threadpool(self.room.attempt_state, attempt_id)

    async def _save(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        body = await _body(scope, receive)  # counted first, as BodyLimit does for the rest
        attempt_id = await self._attempt(scope)
        batch = _batch(body)
        entries = [e.model_dump() for e in batch.entries]
        if self.room.opened_payload is None:  # before the start (refused), or read once
            return await run_in_threadpool(self.room.save_answers, attempt_id, entries)
        return await asyncio.wrap_future(answers.save_later(self.room, attempt_id, entries))


class _TooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit


class _Invalid(Exception):
    """A body that does not fit the protocol: FastAPI's 422 shape (common.protocol)."""

    def __init__(self, detail: list[dict[str, Any]]):
        self.detail = detail


async def _body(scope: Scope, receive: Receive) -> bytes:
    """The request's body, counted against its limit (api/limits.py) before it is read whole."""
    limit = body_limit(scope["path"])
    declared = dict(scope["headers"]).get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise _TooLarge(limit)
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Invalid([{"type": "missing", "loc": ["body"], "msg": "no body"}])
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _batch(body: bytes) -> AnswerBatch:
    try:
        return AnswerBatch.model_validate_json(body)
    except ValidationError as exc:
        raise _Invalid([{"type": e["type"], "loc": ["body", *e["loc"]], "msg": e["msg"]}
                        for e in exc.errors(include_url=False, include_context=False,
                                            include_input=False)]) from None
