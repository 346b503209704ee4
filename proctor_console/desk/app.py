"""Starting the desk: the room server in this process (HTTPS on the LAN), the window over it on
loopback, pinned to the same certificate the kiosks pin. Or the window alone, over a room server
already running (`serve`, the demo's), signed in with the session that started it.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from common.documents.slips import Connection
from proctor_console.room.server import ServerThread, lan_address

WINDOW_SIZE = (1366, 800)
Place = tuple[float, float, float, float]


def run_desk(data_dir: Path, host: str, port: int, lang: str, advertise: str | None,
             password_params=None, place: Place | None = None) -> int:
    from proctor_console.desk.client import ServerAddress
    from proctor_console.room.room import Room

    room = Room(data_dir, **({"password_params": password_params} if password_params else {}))
    server = ServerThread(room, host, port)
    server.start()
    public_host = advertise or (lan_address() if host in ("0.0.0.0", "::") else host)
    local = ServerAddress("127.0.0.1" if host in ("0.0.0.0", "::") else host, server.port,
                          server.fingerprint)
    return _open_window(local, Connection(public_host, server.port, server.fingerprint), lang,
                        data_dir / "exports", on_close=server.stop, place=place)


def run_attached(host: str, port: int, fingerprint: str, lang: str, out_dir: Path,
                 token: str | None = None, place: Place | None = None) -> int:
    """The desk's window over a room server running elsewhere; with `token`, already signed in."""
    from proctor_console.desk.client import ServerAddress

    return _open_window(ServerAddress(host, port, fingerprint), Connection(host, port, fingerprint),
                        lang, out_dir, token=token, place=place)


def _open_window(address, connection: Connection, lang: str, out_dir: Path,
                 on_close: Callable[[], None] | None = None, token: str | None = None,
                 place: Place | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from proctor_console.desk.client import DeskClient
    from proctor_console.desk.controller import DeskController
    from proctor_console.desk.model import DeskModel
    from proctor_console.desk.window import DeskWindow, wire

    app = QApplication.instance() or QApplication([])
    model = DeskModel(lang)
    client = DeskClient(address)
    controller = DeskController(model, client, connection, out_dir=out_dir)
    window = DeskWindow(model, out_dir=out_dir, server=f"{connection.host}:{connection.port} · "
                                                       f"SHA-256 {connection.fingerprint[:16]}…")
    wire(window, controller)
    if place is None:
        window.resize(*WINDOW_SIZE)
        window.show()
    else:
        from common.window_cell import place_window

        window.show()
        place_window(window, place)
        QTimer.singleShot(500, lambda: place_window(window, place))  # framed by then
    if token:
        controller.take_session(token)
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    # Python runs its signal handlers only between bytecodes: a timer lets Ctrl+C through.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    try:
        return app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        controller.shutdown()
        if on_close is not None:
            on_close()


