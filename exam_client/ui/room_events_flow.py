"""The room and the sitting beyond answers and time: the student's accommodations applied at
login, the room's pause and the representative's messages taken from each heartbeat, what the
kiosk measures about itself reported to the room at once, and read-aloud."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject

from exam_client.engine import read_aloud
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.network_worker import NetworkWorker

if TYPE_CHECKING:  # the sitting's module loads with the first login (docs/BENCHMARKS.md)
    from exam_client.engine.sitting import Sitting

# What the window reports that the room should see on its map (room/integrity.py EVENTS).
INTEGRITY_EVENTS = ("focus_lost", "focus_back", "second_screen", "virtual_machine",
                    "remote_session", "kiosk_unlocked", "not_fullscreen")


class RoomEventsFlow(QObject):
    """Accommodations, pause, messages, integrity reports and read-aloud for one sitting."""

    def __init__(self, engine: KioskEngine, model: KioskModel, window: Any, worker: NetworkWorker,
                 sitting_of: Callable[[], Sitting | None], parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.model = model
        self.window = window
        self.worker = worker
        self._sitting_of = sitting_of
        self._phase_before_pause = Phase.TEST
        self.reader = read_aloud.Reader()
        window.when_built("test_view", lambda t: (t.read_requested.connect(self.read),
                                                  t.message_closed.connect(model.events.mark_read)))

    # --- at login -------------------------------------------------------------------------------

    def begin(self, sitting: Sitting) -> None:
        """Apply what was set on the roster before the day (the extra time is in the deadline)."""
        given = sitting.accommodations
        if given.get("large_print") and self.model.text_scale < 1.25:
            self.model.step_text_size(1)
        if given.get("high_contrast"):
            self.model.set_high_contrast(True)
        self.model.events.set_read_aloud(bool(given.get("read_aloud")) and read_aloud.available())

    # --- each heartbeat -------------------------------------------------------------------------

    def take(self, state: dict[str, Any] | None) -> None:
        """The room's pause and messages from the attempt's state."""
        if not state:
            return
        events = self.model.events
        events.set_messages(list(state.get("messages") or []))
        paused = state.get("paused") or None
        events.set_paused(paused)
        phase = self.model.phase
        if paused and phase in (Phase.TEST, Phase.REVIEW):
            self.window.test_view.commit_drafts()
            self.reader.stop()
            self._phase_before_pause = phase
            self.model.set_phase(Phase.PAUSED)
        elif not paused and phase is Phase.PAUSED:
            self.model.set_phase(self._phase_before_pause)

    # --- the kiosk about itself -----------------------------------------------------------------

    def report(self, kind: str) -> None:
        """An incident the window measured, to the room at once (and it stays in the kiosk's
        own file, proctor_flow.report_incident)."""
        if kind in INTEGRITY_EVENTS:
            self.worker.run("integrity", lambda: self.engine.report_integrity(kind))

    # --- read-aloud -----------------------------------------------------------------------------

    def read(self, item_id: str) -> None:
        if not self.model.events.read_aloud or self.model.phase is not Phase.TEST:
            return
        page = self.model.page
        item = next((i for i in (page.items if page else []) if str(i.get("id")) == item_id), None)
        if item is None:
            return
        passage = None
        if page is not None and page.context and item_id == str(page.items[0].get("id")):
            passage = "\n".join(self.window.test_view.context_view.texts) \
                if self.window.test_view.context_view is not None else None
        try:
            self.reader.say(read_aloud.speech_text(item, self.model.language, passage),
                            self.model.language)
        except (OSError, read_aloud.ReadAloudUnavailable):
            self.model.events.set_read_aloud(False)  # no voice on this PC: the button goes

    def stop(self) -> None:
        self.reader.stop()
