"""How big a request the room server reads: the body is counted before any handler sees it.

A kiosk's request is small (a batch of answers is at most 1000 entries, each a few hundred bytes);
only the representative's file imports (the package, the roster, a revocation list) are big. A
body over its limit is answered 413 with the room's error shape and nothing is stored; it is never
read whole into memory.
"""

from __future__ import annotations

import json
from typing import Any

from common.protocol import API

KIOSK_BODY = 1024 * 1024  # any request but the file imports
FILE_BODY = 64 * 1024 * 1024  # the package, the roster file, a revocation list
_FILE_PATHS = (f"{API}/proctor/package", f"{API}/proctor/roster", f"{API}/proctor/revocations")


def body_limit(path: str) -> int:
    return FILE_BODY if path in _FILE_PATHS else KIOSK_BODY


class BodyLimit:
    """ASGI middleware: refuse (413) a request whose body is over `body_limit(path)`."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""))
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(send, limit)
            return
        # Read the body here (counted), then hand it to the application as one message.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def too_large(send: Any, limit: int) -> None:
    body = json.dumps({"error": "request_too_large",
                       "message": f"the request is larger than {limit} bytes", "details": {}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
