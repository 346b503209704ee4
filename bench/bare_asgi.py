"""The ceiling of the room server's stack: a bare ASGI app (one fixed JSON reply) on the same
uvicorn, TLS certificate, HTTP parser and event loop as `proctor-console serve`.

Run by bench_room.py, pinned to the server's core: ``python bench/bare_asgi.py CERT KEY``; prints
``{"event": "ready", "port": N}`` once it listens.
"""

from __future__ import annotations

import json
import socket
import sys

import uvicorn

BODY = b'{"status":"in_progress","acked_seq":12,"locked":false}'


async def app(scope, receive, send) -> None:  # noqa: ANN001 - the ASGI signature
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    cert, key = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    print(json.dumps({"event": "ready", "port": sock.getsockname()[1]}), flush=True)
    uvicorn.Server(uvicorn.Config(app, ssl_certfile=cert, ssl_keyfile=key,
                                  log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
