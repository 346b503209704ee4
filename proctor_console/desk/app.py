"""Starting the desk: the room server in this process (HTTPS on the LAN), the window over it on
loopback, pinned to the same certificate the kiosks pin.
"""

from __future__ import annotations

import signal
from pathlib import Path

from common.documents.slips import Connection
from proctor_console.room.server import ServerThread, lan_address

WINDOW_SIZE = (1366, 800)


def run_desk(data_dir: Path, host: str, port: int, lang: str, advertise: str | None,
             password_params=None) -> int:
    from PySide6.QtWidgets import QApplication

    from proctor_console.desk.client import DeskClient, ServerAddress
    from proctor_console.desk.controller import DeskController
    from proctor_console.desk.model import DeskModel
    from proctor_console.desk.window import DeskWindow, wire
    from proctor_console.room.room import Room

    room = Room(data_dir, **({"password_params": password_params} if password_params else {}))
    server = ServerThread(room, host, port)
    server.start()
    app = QApplication.instance() or QApplication([])
    model = DeskModel(lang)
    public_host = advertise or (lan_address() if host in ("0.0.0.0", "::") else host)
    client = DeskClient(ServerAddress("127.0.0.1" if host in ("0.0.0.0", "::") else host,
                                      server.port, server.fingerprint))
    controller = DeskController(model, client, Connection(public_host, server.port, server.fingerprint),
                                out_dir=data_dir / "exports")
    window = DeskWindow(model, out_dir=data_dir / "exports",
                        server=f"{public_host}:{server.port} · SHA-256 {server.fingerprint[:16]}…")
    wire(window, controller)
    window.resize(*WINDOW_SIZE)
    window.show()
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    # Python runs its signal handlers only between bytecodes: a timer lets Ctrl+C through.
    from PySide6.QtCore import QTimer

    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    try:
        return app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        controller.shutdown()
        server.stop()
