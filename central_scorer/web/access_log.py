"""The centre's access log: one record per HTTP request (method, path, status, milliseconds, the
client's address), written through `logging` — JSON lines on `serve`'s stderr (common/cli/logs.py).
The query string is left out: it may carry a portal code."""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

log = logging.getLogger("centre.access")


class AccessLog:
    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), {"code": 500}

        async def sending(message: dict[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                status["code"] = message.get("status", 500)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            log.info("%s %s %s", scope.get("method"), scope.get("path"), status["code"], extra={
                "method": scope.get("method"), "path": scope.get("path"), "status": status["code"],
                "ms": round((time.perf_counter() - started) * 1000, 1), "client": client[0]})
