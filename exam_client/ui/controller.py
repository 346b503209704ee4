"""The kiosk's controller: the screens' intents in, the engine's work done, the model updated.

Two rules shape it:

* **Saved means on disk.** An answer reaches the model (and the screen says "saved") only after
  `Sitting.answer` returned, i.e. the journal record is fsynced. That call is made right here on
  the GUI thread: it is a local write of a few milliseconds, and doing it inline means no click
  can overtake another.
* **The network never blocks the screen.** Every call to the room server (status, login,
  replication, the clock, submit, survey) runs on one background thread (`NetworkWorker`), in
  order, through the engine — the only door to the room server. Its results come back as a Qt
  signal. A dead network
  shows a discreet indicator; the test goes on from the journal and catches up on reconnect.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from common.crypto.tls import CertificatePinMismatch
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError, Offline, Removed
from exam_client.ui.login_flow import LoginFlow
from exam_client.ui.models import KioskModel, Link, Phase
from exam_client.ui.network_worker import NetworkWorker
from exam_client.ui.proctor_flow import ProctorFlow
from exam_client.ui.room_events_flow import RoomEventsFlow
from exam_client.ui.room_presence import RoomPresence, screen_size
from exam_client.ui.survey_flow import SurveyFlow

if TYPE_CHECKING:  # the sitting's module loads with the first login (docs/BENCHMARKS.md)
    from exam_client.engine.sitting import Sitting

SYNC_MS = 1500     # replicate + the server's clock, like a heartbeat (1–2 s)
CLOCK_MS = 250     # the timer on the screen
RETRY_MS = 2000    # login while the room is not open, status, submit while offline


class KioskController(QObject):
    """Wires the screens to the model and the engine; owns the sitting from login to result. Its
    parts: the room's status and this kiosk's presence before a login (`RoomPresence`), the screens
    before the test (`LoginFlow`), the survey (`SurveyFlow`), the proctor's panel (`ProctorFlow`).

    Signals:
        saved(str, int): an answer is on disk (item id, journal seq).
        synced: one round of replication and clock reconciliation ended (answered or not).
        submitted(object): the room server's result.
        incident(str): something the proctor should know (focus lost, a second screen, ...).
    """

    saved = Signal(str, int)
    synced = Signal()
    submitted = Signal(object)
    incident = Signal(str)

    def __init__(self, engine: KioskEngine, model: KioskModel, window: Any,
                 parent: QObject | None = None, sync_ms: int = SYNC_MS, retry_ms: int = RETRY_MS):
        super().__init__(parent)
        self.engine = engine
        self.model = model
        self.window = window
        self.worker = NetworkWorker(self)
        self.sitting: Sitting | None = None
        self._submitting = False
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._sync = QTimer(self)
        self._sync.setInterval(sync_ms)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry_job: Callable[[], None] | None = None
        self._phase_before_away = Phase.TEST
        # Before a login the kiosk still reports itself (readiness), less often.
        self.presence = RoomPresence(engine, model, window, self.worker, self._later,
                                     in_sitting=lambda: self.sitting is not None,
                                     interval_ms=sync_ms * 3, parent=self)
        # The screens before the test, the survey after it, and the proctor's panel.
        self.login_flow = LoginFlow(engine, model, window, self.worker, self._later,
                                    in_sitting=lambda: self.sitting is not None, parent=self)
        self.survey_flow = SurveyFlow(model, window, self.worker, self._later,
                                      lambda: self.sitting, parent=self, engine=engine)
        self.proctor_flow = ProctorFlow(engine.config, model, window, parent=self)
        self.room_events = RoomEventsFlow(engine, model, window, self.worker,
                                          lambda: self.sitting, parent=self)
        self._connect()

    # --- wiring (the one place where signals meet slots) -----------------------------------------

    def _connect(self) -> None:
        w = self.window
        self.worker.finished.connect(self._finished)
        self._clock.timeout.connect(self._tick)
        self._sync.timeout.connect(self.sync_now)
        self._retry.timeout.connect(self._retry_now)
        self.login_flow.signed_in.connect(self._begin)
        self.proctor_flow.incident.connect(self.incident)
        self.proctor_flow.incident.connect(self.room_events.report)
        w.when_built("test_view", self._connect_test_view)
        w.when_built("review_view", self._connect_review_view)

    def _connect_test_view(self, t: Any) -> None:
        t.answer_given.connect(self.give_answer)
        t.flag_toggled.connect(self._flag)
        t.page_requested.connect(self._go_to_page)
        t.review_requested.connect(self._review)
        t.text_size_requested.connect(self.model.step_text_size)
        t.contrast_toggled.connect(self.model.set_high_contrast)
        t.references_requested.connect(self.model.open_references)
        t.hand_toggled.connect(self._hand)

    def _connect_review_view(self, r: Any) -> None:
        r.back_requested.connect(lambda: self.model.set_phase(Phase.TEST))
        r.item_chosen.connect(self._review_item)
        r.submit_confirmed.connect(lambda: self.submit("student"))

    # --- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Look for an interrupted sitting, then for the room server."""
        interrupted = self.engine.interrupted_attempts()
        self.model.interrupted = bool(interrupted)
        self.model.set_phase(Phase.LOCKED if interrupted else Phase.CONNECTING)
        self.presence.start()

    def shutdown(self) -> None:
        for timer in (self._clock, self._sync, self._retry):
            timer.stop()
        self.presence.stop()
        self.worker.shutdown()
        self.room_events.stop()
        if self.sitting is not None:
            self.sitting.close()
            self.sitting = None
        self.engine.close()

    # --- the sitting begins ---------------------------------------------------------------------

    def _begin(self, sitting: Sitting) -> None:
        self.sitting = sitting
        self._submitting = False
        place = sitting.load_place()
        self.model.load_exam(sitting.content, sitting.student, sitting.answers(),
                             set(place.get("flags", [])), int(place.get("page", 0) or 0))
        self.model.set_link(Link.ONLINE if sitting.online else Link.OFFLINE, sitting.pending)
        self.model.set_clock(sitting.remaining_seconds())
        self.room_events.begin(sitting)
        self.model.set_phase(Phase.TEST)
        self.presence.stop()
        self._clock.start()
        self._sync.start()
        self.sync_now()

    # --- answers, flags, pages --------------------------------------------------------------------

    @Slot(str, object)
    def give_answer(self, item_id: str, value: Any) -> bool:
        """Journal the answer (fsync), then let the screen say "saved". Returns whether it is."""
        sitting = self.sitting
        if sitting is None or self._submitting or self.model.phase not in (Phase.TEST, Phase.REVIEW):
            return False  # not while the seat is locked, not after the end
        if _same(value, self.model.answer(item_id)) and (
                self.model.save_state(item_id) is not None or value is None):
            return True  # nothing new: a repeated click adds nothing to the journal
        from common.journal_format import JournalError  # loaded with the sitting, at login
        try:
            entry = sitting.answer(item_id, value)
        except JournalError:
            self.model.set_save_failed(item_id)
            return False
        except KioskError as exc:
            if exc.code == "time_over":
                self._time_over()
            self.model.set_save_failed(item_id)
            return False
        self.model.set_saved(item_id, entry.answer)
        self.model.set_link(self.model.link, sitting.pending)
        self.saved.emit(item_id, entry.seq)
        self.sync_now()
        return True

    def _flag(self, item_id: str, on: bool) -> None:
        self.model.set_flag(item_id, on)
        self._save_place()

    def _go_to_page(self, index: int) -> None:
        self.model.open_references(None)
        if self.model.go_to(index):
            self._save_place()

    def _review(self) -> None:
        self.model.open_references(None)
        self.model.set_phase(Phase.REVIEW)

    def _review_item(self, item_id: str) -> None:
        self._go_to_page(self.model.ref(item_id).page)
        self.model.set_phase(Phase.TEST)

    def _save_place(self) -> None:
        if self.sitting is not None:
            try:
                self.sitting.save_place({"page": self.model.page_index,
                                         "flags": sorted(self.model.flags)})
            except OSError:
                pass  # where the student was is a comfort, not an answer

    # --- the clock and the link -------------------------------------------------------------------

    def _tick(self) -> None:
        sitting = self.sitting
        if sitting is None:
            return
        remaining = sitting.remaining_seconds()
        self.model.set_clock(remaining)
        if remaining <= 0 and not self._submitting:
            self._time_over()

    def _time_over(self) -> None:
        self.model.set_notice("kiosk.notice.time_over")
        self.submit("time_over")

    def sync_now(self) -> None:
        """One heartbeat in the background: report, the server's clock, replicate the rest."""
        sitting = self.sitting
        if sitting is None or sitting.result is not None:
            return
        page = self.model.page
        report = {"screen": screen_size(self.window), "section": page.section.get("id") if page else None,
                  "journal_seq": sitting.journal.last_seq, "hand_raised": self.model.hand_raised}
        self.worker.run("sync", lambda: self.engine.heartbeat(sitting, **report))

    def _hand(self, raised: bool) -> None:
        self.model.set_hand(raised)
        self.sync_now()  # the representative sees it at once, not at the next beat

    def _synced(self, state: dict[str, Any] | None, error: BaseException | None) -> None:
        sitting = self.sitting
        if sitting is None:
            return
        if isinstance(error, Removed):
            self._removed()
            return
        if isinstance(error, KioskError) and error.code == "seat_locked":
            state, error = {"locked": True}, None
        if error is None:
            self.model.set_link(Link.ONLINE, sitting.pending)
            self._away(bool(state and state.get("locked")))
            self.room_events.take(state)
            if state and state.get("status") == "submitted" and not self._submitting:
                self.submit("closed_by_room")  # the room closed it (time): fetch the result
        elif isinstance(error, Offline):
            self.model.set_link(Link.OFFLINE, sitting.pending)
        elif isinstance(error, CertificatePinMismatch):
            self.model.set_link(Link.UNTRUSTED, sitting.pending)
        self.model.set_clock(sitting.remaining_seconds())
        self.synced.emit()

    def _away(self, locked: bool) -> None:
        """Out of the room with permission (§23): the seat locked until back; the time runs."""
        phase = self.model.phase
        if locked and phase in (Phase.TEST, Phase.REVIEW):
            self.window.test_view.commit_drafts()
            self._phase_before_away = phase
            self.model.set_phase(Phase.AWAY)
        elif not locked and phase is Phase.AWAY:
            self.model.set_phase(self._phase_before_away)

    # --- submit and result ------------------------------------------------------------------------

    def submit(self, reason: str = "student") -> None:
        """Send every answer and submit; once, however often it is asked."""
        sitting = self.sitting
        if sitting is None or self._submitting:
            return
        if sitting.remaining_seconds() > 0:
            self.window.test_view.commit_drafts()  # typed but not yet sent: journal it first
        self._submitting = True
        self.model.open_references(None)
        self.model.set_phase(Phase.SUBMITTING)
        self._send_submit()

    def _send_submit(self) -> None:
        sitting = self.sitting
        if sitting is not None:
            self.worker.run("submit", sitting.submit)

    def _submitted(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        if isinstance(error, Removed):
            self._removed()
            return
        if error is not None:
            self.model.set_link(Link.OFFLINE if isinstance(error, Offline) else self.model.link,
                                self.sitting.pending if self.sitting else None)
            self._later(self._send_submit)  # the answers are on disk; keep trying
            return
        self._clock.stop()
        self._sync.stop()
        self.model.set_link(Link.ONLINE, 0)
        self.model.set_notice(None)
        self.model.set_result(result or {})
        self.model.set_phase(Phase.RESULT)
        self.submitted.emit(result)

    def _removed(self) -> None:
        for timer in (self._clock, self._sync, self._retry):
            timer.stop()
        if self.sitting is not None:
            try:
                self.sitting.mark_finished()
            except OSError:
                pass
        self._submitting = True
        self.model.set_phase(Phase.REMOVED)

    # --- the worker's answers ---------------------------------------------------------------------

    def _finished(self, job: str, result: Any, error: BaseException | None) -> None:
        if job == "status":
            self.presence.status_finished(result, error)
        elif job == "login":
            self.login_flow.finished(result, error)
        elif job == "sync":
            self._synced(result, error)
        elif job == "submit":
            self._submitted(result, error)
        elif job.startswith("survey"):
            self.survey_flow.finished(job, result, error)
        elif job == "presence":
            self.presence.presence_finished(error)

    def _later(self, job: Callable[[], None]) -> None:
        self._retry_job = job
        self._retry.start()

    def _retry_now(self) -> None:
        job, self._retry_job = self._retry_job, None
        if job is not None:
            job()


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
