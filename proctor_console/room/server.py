"""Running the room server: its TLS certificate (made at first start; the kiosks pin it), a
listening socket, and uvicorn — in the foreground (`proctor-console serve`) or in a thread of the
desk's process (`ServerThread`, `proctor-console desk`)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable

import uvicorn

from common.crypto.tls import fingerprint_of_pem, make_self_signed
from proctor_console.room.api.app import asgi_app
from proctor_console.room.room import Room


def ensure_certificate(room: Room, hosts: list[str]) -> str:
    """The room's TLS certificate, made at first start; returns its SHA-256 fingerprint."""
    if not room.paths.tls_cert.exists():
        room.paths.tls_cert.parent.mkdir(parents=True, exist_ok=True)
        return make_self_signed(room.paths.tls_cert, room.paths.tls_key, hosts)
    return fingerprint_of_pem(room.paths.tls_cert.read_bytes())


def lan_address() -> str:
    """This PC's address on the LAN (what the slips' QR codes tell the kiosks), or loopback."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: it only picks a route
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def _listen(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says
    # TCP, and accepted sockets inherit it. Without it every response's body waits ~40 ms for the
    # kiosk's delayed ACK (docs/BENCHMARKS.md).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    return sock


def _uvicorn(room: Room, short_collections: bool) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(
        asgi_app(room, short_collections), ssl_certfile=str(room.paths.tls_cert),
        ssl_keyfile=str(room.paths.tls_key), log_level="warning", timeout_keep_alive=30,
        # No proxy in front of a room server; no headers a kiosk does not read; no line per request.
        proxy_headers=False, server_header=False, date_header=False, access_log=False))


def serve(room: Room, host: str, port: int,
          on_ready: Callable[[int, str], None] | None = None) -> None:
    """Serve until stopped. `on_ready(port, fingerprint)` runs once the socket listens."""
    fingerprint = ensure_certificate(room, [host, "localhost"])
    room.fill_memory()  # what every kiosk request reads, in a few queries (room/memory.py)
    sock = _listen(host, port)
    server = _uvicorn(room, short_collections=True)  # this process is the room's server
    if on_ready:
        on_ready(sock.getsockname()[1], fingerprint)
    server.run(sockets=[sock])


class ServerThread:
    """The room server on a socket of its own, in a thread of the desk's process."""

    def __init__(self, room: Room, host: str, port: int):
        self.fingerprint = ensure_certificate(room, [host, "localhost", "127.0.0.1", lan_address()])
        room.fill_memory()
        self.sock = _listen(host, port)
        self.port = self.sock.getsockname()[1]
        # The desk's Qt objects share this process's collector: it is left as it is (collector.py).
        self.server = _uvicorn(room, short_collections=False)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="room-server", daemon=True)

    def start(self, timeout: float = 15.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the room server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
