"""The desk signed in over a real room server whose sitting has started, for the pytest-qt tests
of the desk's actions, and `run`, which waits for one of the controller's actions to finish."""

from __future__ import annotations

from typing import Any, Callable

from common.documents.slips import Connection
from proctor_console.desk.client import DeskClient, ServerAddress
from proctor_console.desk.controller import DeskController
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.window import DeskWindow, wire


def open_signed_in_desk(qtbot, tmp_path, room_setup, room_server) -> tuple[DeskWindow, DeskController]:
    """Everyone present, the sitting started, the representative signed in, the test's screen."""
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    model = DeskModel("kk")
    client = DeskClient(ServerAddress("127.0.0.1", room_server.port, room_server.fingerprint))
    controller = DeskController(model, client, Connection("127.0.0.1", room_server.port,
                                                          room_server.fingerprint), out_dir=tmp_path)
    window = DeskWindow(model, out_dir=tmp_path, server=f"127.0.0.1:{room_server.port}")
    # The controller stops (its watcher thread, its calls under way) before the window goes.
    qtbot.addWidget(window, before_close_func=lambda _: controller.shutdown())
    wire(window, controller)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(controller.done, timeout=20_000):
        controller.sign_in("rep", "1234")
    model.set_step(Step.TEST)
    return window, controller


def run(qtbot, controller: DeskController, action: str, trigger: Callable[[], Any]) -> Any:
    """Trigger an action and wait until the controller says it is done; its result."""
    box = {}

    def done(name, result) -> bool:
        box["result"] = result
        return name == action
    with qtbot.waitSignal(controller.done, timeout=20_000, check_params_cb=done):
        trigger()
    return box["result"]
