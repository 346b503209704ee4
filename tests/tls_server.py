"""A real ASGI app served over TLS on 127.0.0.1, in a thread of the test process (the room server's
and the centre's tests share it)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn


@contextmanager
def serve_tls(app, certfile: Path | str, keyfile: Path | str) -> Iterator[int]:
    """Serve `app` until the block ends; yields the port. Fails if it has not started in 10 s."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, ssl_certfile=str(certfile), ssl_keyfile=str(keyfile),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
