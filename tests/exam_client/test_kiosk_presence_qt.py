"""The connect screen tells the truth: a room server that stops answering turns the link
offline at the next report (not "connected" on), and it comes back when the server does."""

from __future__ import annotations

from typing import Any

from exam_client.engine.link import Offline
from exam_client.ui.models import KioskModel, Link
from exam_client.ui.room_presence import RoomPresence


class Engine:
    def __init__(self) -> None:
        self.up = True

    def room_status(self) -> dict[str, Any]:
        if not self.up:
            raise Offline("connection refused")
        return {"room_id": "R-1", "open": False}

    def report(self, screen: str, register: bool = False) -> dict[str, Any]:
        if not self.up:
            raise Offline("connection refused")
        return {}


class Worker:
    """Runs each job at once and hands its outcome back, as the network worker's signal does."""

    def __init__(self) -> None:
        self.presence: RoomPresence | None = None

    def run(self, job: str, fn) -> None:
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - handed over like the worker does
            result, error = None, exc
        if job == "status":
            self.presence.status_finished(result, error)
        else:
            self.presence.presence_finished(error)


class Window:
    def screen(self):
        return None


def test_a_server_that_stops_answering_is_said_offline_and_found_again(qapp) -> None:
    engine, worker, model = Engine(), Worker(), KioskModel("07", "kk")
    retries: list = []
    presence = RoomPresence(engine, model, Window(), worker, retries.append,
                            in_sitting=lambda: False, interval_ms=60_000)
    worker.presence = presence
    presence.ask_status()
    assert model.link is Link.ONLINE
    engine.up = False
    presence._report()  # the next report, as its timer would make it
    assert model.link is Link.OFFLINE and retries
    engine.up = True
    retries.pop()()  # the retry asks the status again
    assert model.link is Link.ONLINE
