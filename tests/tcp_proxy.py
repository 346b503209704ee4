"""A TCP proxy on loopback that stands for the lab's network, shared by the kiosk's network tests
and the fault suite (tests/chaos/).

The kiosk talks to the real room server only through it. `cut()` drops every connection and
refuses new ones, like a pulled cable; `restore()` listens again on the same port. Optionally it
delays every chunk it forwards (a slow, congested network) and drops a share of the connections
mid-stream (a flaky switch), with its own seeded random numbers so a run can be repeated.
"""

from __future__ import annotations

import random
import socket
import threading
import time


class CuttableProxy:
    """TCP on 127.0.0.1:port → the room server; `cut()` drops everything, `restore()` listens again.

    `delay` is a (low, high) range of seconds added before each forwarded chunk; `drop` is the
    chance that a forwarded chunk is the last one of its connection (both directions are closed
    right after it, so a request may have reached the server while its reply is lost).
    """

    def __init__(self, target_port: int, *, delay: tuple[float, float] = (0.0, 0.0),
                 drop: float = 0.0, seed: int = 0):
        self.target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.delay = delay
        self.drop = drop
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.cuts = 0  # how many times the cable was pulled
        self.dropped = 0  # connections dropped mid-stream
        self.restore()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
            self.cuts += listener is not None
        if listener is not None:
            try:  # wakes the thread blocked in accept(), so the port is free again at once
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        for conn in conns:
            _close(conn)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _chance(self) -> tuple[float, bool]:
        with self._lock:
            low, high = self.delay
            wait = self._rng.uniform(low, high) if high > 0 else 0.0
            drop = self.drop > 0 and self._rng.random() < self.drop
            self.dropped += drop
        return wait, drop

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                wait, drop = self._chance()
                if wait:
                    time.sleep(wait)
                dst.sendall(data)
                if drop:
                    break
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _close(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
