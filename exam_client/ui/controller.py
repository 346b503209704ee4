"""The kiosk's controller: the screens' intents in, the engine's work done, the model updated.

Two rules shape it:

* **Saved means on disk.** An answer reaches the model (and the screen says "saved") only after
  `Sitting.answer` returned, i.e. the journal record is fsynced. That call is made right here on
  the GUI thread: it is a local write of a few milliseconds, and doing it inline means no click
  can overtake another.
* **The network never blocks the screen.** Every call to the room server (status, login,
  replication, the clock, submit, survey) runs on one background thread, in order, through the
  engine — the only door to the room server. Its results come back as a Qt signal. A dead network
  shows a discreet indicator; the test goes on from the journal and catches up on reconnect.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from common.crypto import passwords
from common.crypto.tls import CertificatePinMismatch
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError, Offline, Removed
from exam_client.engine.sitting import Sitting
from exam_client.engine.journal_format import JournalError
from exam_client.ui.models import KioskModel, Link, Phase

SYNC_MS = 1500     # replicate + the server's clock, like a heartbeat (1–2 s)
CLOCK_MS = 250     # the timer on the screen
RETRY_MS = 2000    # login while the room is not open, status, submit while offline
LOGIN_ERRORS = {"unauthorized", "locked_out", "workstation_locked_out", "not_admitted", "wrong_seat",
                "attempt_closed", "seat_locked", "attempt_voided", "room_not_open", "kiosk_disk"}


class NetworkWorker(QObject):
    """One background thread for every call to the room server, one call at a time.

    `run(job, fn)` queues `fn`; `finished(job, result, error)` arrives on the GUI thread. A job
    already queued under the same name is not queued twice (`coalesce`), so a slow server never
    collects a pile of heartbeats.

    Signals:
        finished(str, object, object): the job's name, its result, the exception it raised.
    """

    finished = Signal(str, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-link")
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: str, fn: Callable[[], Any], coalesce: bool = True) -> bool:
        with self._lock:
            if self._closed or (coalesce and job in self._queued):
                return False
            self._queued.add(job)
        self._pool.submit(self._call, job, fn)
        return True

    def queued(self, job: str) -> bool:
        with self._lock:
            return job in self._queued

    def _call(self, job: str, fn: Callable[[], Any]) -> None:
        with self._lock:
            self._queued.discard(job)
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            result, error = None, exc
        if not self._closed:
            self.finished.emit(job, result, error)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class KioskController(QObject):
    """Wires the window's screens to the model and the engine.

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
        self._credentials: tuple[str, str] | None = None
        self._instructions_read = False
        self._submitting = False
        self._phase_before_proctor = Phase.CONNECTING
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._sync = QTimer(self)
        self._sync.setInterval(sync_ms)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry_job: Callable[[], None] | None = None
        # Before a login the kiosk still reports itself (readiness), less often.
        self._presence = QTimer(self)
        self._presence.setInterval(sync_ms * 3)
        self._registered = False
        self._phase_before_away = Phase.TEST
        self._connect()

    # --- wiring (the one place where signals meet slots) -----------------------------------------

    def _connect(self) -> None:
        w = self.window
        self.worker.finished.connect(self._finished)
        self._clock.timeout.connect(self._tick)
        self._sync.timeout.connect(self.sync_now)
        self._presence.timeout.connect(self._report_presence)
        self._retry.timeout.connect(self._retry_now)
        w.connect_view.language_chosen.connect(self.model.set_language)
        w.connect_view.continue_requested.connect(self._to_login)
        w.login_view.login_requested.connect(self._login_requested)
        w.login_view.back_requested.connect(lambda: self.model.set_phase(Phase.CONNECTING))
        w.instructions_view.ready.connect(self._ready)
        w.instructions_view.back_requested.connect(lambda: self.model.set_phase(Phase.LOGIN))
        t = w.test_view
        t.answer_given.connect(self.give_answer)
        t.flag_toggled.connect(self._flag)
        t.page_requested.connect(self._go_to_page)
        t.review_requested.connect(self._review)
        t.text_size_requested.connect(self.model.step_text_size)
        t.contrast_toggled.connect(self.model.set_high_contrast)
        t.references_requested.connect(self.model.open_references)
        t.hand_toggled.connect(self._hand)
        r = w.review_view
        r.back_requested.connect(lambda: self.model.set_phase(Phase.TEST))
        r.item_chosen.connect(self._review_item)
        r.submit_confirmed.connect(lambda: self.submit("student"))
        w.result_view.continue_requested.connect(self._to_survey)
        s = w.survey_view
        s.answered.connect(self.model.set_survey_answer)
        s.send_requested.connect(self._send_survey)
        s.skip_requested.connect(lambda: self.model.set_phase(Phase.DONE))
        w.proctor_view.code_entered.connect(self._proctor_code)
        w.proctor_view.back_requested.connect(lambda: self.model.set_phase(self._phase_before_proctor))
        w.proctor_requested.connect(self._proctor_panel)
        w.incident.connect(self.report_incident)

    # --- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Look for an interrupted sitting, then for the room server."""
        interrupted = self.engine.interrupted_attempts()
        self.model.interrupted = bool(interrupted)
        self.model.set_phase(Phase.LOCKED if interrupted else Phase.CONNECTING)
        self._ask_status()
        self._presence.start()

    def shutdown(self) -> None:
        for timer in (self._clock, self._sync, self._retry, self._presence):
            timer.stop()
        self.worker.shutdown()
        if self.sitting is not None:
            self.sitting.close()
            self.sitting = None
        self.engine.close()

    # --- the room server's status -----------------------------------------------------------------

    def _ask_status(self) -> None:
        self.worker.run("status", self.engine.room_status)

    def _status(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        if error is None:
            self.model.set_room(result or {}, Link.ONLINE)
            self._report_presence()
            return
        link = Link.UNTRUSTED if isinstance(error, CertificatePinMismatch) else Link.OFFLINE
        self.model.set_room(self.model.room, link)
        self._later(self._ask_status)

    def screen_size(self) -> str:
        screen = self.window.screen()
        size = screen.size() if screen is not None else None
        width, height = (size.width(), size.height()) if size is not None else (0, 0)
        return f"{max(width, 100)}x{max(height, 100)}"

    def _report_presence(self) -> None:
        """Register this workstation, then keep saying it is here, until a sitting begins."""
        if self.sitting is not None or self.model.link is not Link.ONLINE:
            return
        register, screen = not self._registered, self.screen_size()
        self.worker.run("presence", lambda: self.engine.report(screen, register=register))

    # --- login -----------------------------------------------------------------------------------

    def _to_login(self) -> None:
        if self.model.link is Link.ONLINE:
            self.model.set_login(False, None)
            self.model.set_phase(Phase.LOGIN)

    def _login_requested(self, login: str, password: str) -> None:
        if self.model.login_busy:
            return
        self._credentials = (login, password)
        if self.model.phase is Phase.LOCKED:
            self._try_login()  # an interrupted sitting resumes straight away
        elif self._instructions_read:
            self.model.set_phase(Phase.WAITING)
            self._try_login()
        else:
            self.model.set_login(False, None)
            self.model.set_phase(Phase.INSTRUCTIONS)

    def _ready(self) -> None:
        if self._credentials is None:
            self.model.set_phase(Phase.LOGIN)
            return
        self._instructions_read = True
        self.model.set_phase(Phase.WAITING)
        self._try_login()

    def _try_login(self) -> None:
        if self._credentials is None or self.sitting is not None:
            return
        login, password = self._credentials
        self.model.set_login(True, self.model.login_error)
        self.worker.run("login", lambda: self.engine.login(login, password))

    def _login(self, sitting: Sitting | None, error: BaseException | None) -> None:
        model = self.model
        if error is None and sitting is not None:
            model.set_login(False, None)
            self._credentials = None
            self.window.login_view.clear_password()
            self._begin(sitting)
            return
        if isinstance(error, Offline) or (isinstance(error, KioskError)
                                          and error.code == "room_not_open"):
            model.set_link(Link.OFFLINE if isinstance(error, Offline) else Link.ONLINE)
            model.set_login(True, None)
            self._later(self._try_login)  # the room opens by itself; keep asking
            return
        if isinstance(error, CertificatePinMismatch):
            code = "untrusted"
        elif isinstance(error, KioskError):
            code = error.code if error.code in LOGIN_ERRORS else "refused"
        else:
            code = "refused"
        model.set_login(False, f"kiosk.error.{code}")
        self.window.login_view.clear_password()
        if model.phase is not Phase.LOCKED:
            model.set_phase(Phase.LOGIN)

    def _begin(self, sitting: Sitting) -> None:
        self.sitting = sitting
        self._submitting = False
        place = sitting.load_place()
        self.model.load_exam(sitting.content, sitting.student, sitting.answers(),
                             set(place.get("flags", [])), int(place.get("page", 0) or 0))
        self.model.set_link(Link.ONLINE if sitting.online else Link.OFFLINE, sitting.pending)
        self.model.set_clock(sitting.remaining_seconds())
        self.model.set_phase(Phase.TEST)
        self._presence.stop()
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
        """One heartbeat in the background: report, take the server's clock and the seat's
        state, replicate what the server lacks."""
        sitting = self.sitting
        if sitting is None or sitting.result is not None:
            return
        page = self.model.page
        report = {"screen": self.screen_size(), "section": page.section.get("id") if page else None,
                  "journal_seq": sitting.journal.last_seq, "hand_raised": self.model.hand_raised}
        self.worker.run("sync", lambda: _sync(self.engine, sitting, report))

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
            if state and state.get("status") == "submitted" and not self._submitting:
                self.submit("closed_by_room")  # the room closed it (time): fetch the result
        elif isinstance(error, Offline):
            self.model.set_link(Link.OFFLINE, sitting.pending)
        elif isinstance(error, CertificatePinMismatch):
            self.model.set_link(Link.UNTRUSTED, sitting.pending)
        self.model.set_clock(sitting.remaining_seconds())
        self.synced.emit()

    def _away(self, locked: bool) -> None:
        """The student left the room with permission (§23): the seat is locked until they are
        back; the time runs on."""
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

    # --- the survey -------------------------------------------------------------------------------

    def _to_survey(self) -> None:
        sitting = self.sitting
        if sitting is None or self.model.phase is not Phase.RESULT:
            return
        self.model.set_survey("loading")
        self.model.set_phase(Phase.SURVEY)
        self.worker.run("survey_questions", sitting.survey_questions)

    def _send_survey(self) -> None:
        sitting = self.sitting
        if sitting is None or self.model.survey_state not in ("ready", "failed"):
            return
        answers = {q["id"]: self.model.survey_answers.get(q["id"])
                   for q in self.model.survey_questions}
        self.model.set_survey("sending")
        self.worker.run("survey_send", lambda: sitting.send_survey(answers))

    def _survey(self, job: str, result: Any, error: BaseException | None) -> None:
        if job == "survey_questions":
            if error is None:
                self.model.set_survey("ready", result)
            else:
                self._later(lambda: self.worker.run("survey_questions", self.sitting.survey_questions)
                            if self.sitting else None)
            return
        if error is None or (isinstance(error, KioskError) and error.code == "survey_done"):
            self.model.set_survey("sent")
            self.model.set_phase(Phase.DONE)
        else:
            self.model.set_survey("failed")

    # --- the proctor and incidents ----------------------------------------------------------------

    def _proctor_panel(self) -> None:
        if self.model.phase is not Phase.PROCTOR:
            self._phase_before_proctor = self.model.phase
            self.model.set_phase(Phase.PROCTOR)

    def _proctor_code(self, code: str) -> None:
        stored = self.engine.config.exit_code_hash
        if stored and passwords.verify_password(code, stored):
            self.report_incident("closed_by_proctor")
            self.window.allow_close()
            self.window.close()
            return
        self.window.proctor_view.show_error("kiosk.proctor.wrong")

    def report_incident(self, kind: str) -> None:
        """Keep what happened on this PC's disk and say it (the room server has no endpoint for
        incidents yet: the heartbeat with incidents is the room server's side, issue 5)."""
        line = json.dumps({"at": dt.datetime.now(dt.timezone.utc).isoformat(), "kind": kind,
                           "workstation": self.engine.config.workstation_id,
                           "phase": self.model.phase.value})
        try:
            with open(self.engine.config.data_dir / "incidents.jsonl", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError:
            pass
        self.incident.emit(kind)

    # --- the worker's answers ---------------------------------------------------------------------

    def _finished(self, job: str, result: Any, error: BaseException | None) -> None:
        if job == "status":
            self._status(result, error)
        elif job == "login":
            self._login(result, error)
        elif job == "sync":
            self._synced(result, error)
        elif job == "submit":
            self._submitted(result, error)
        elif job.startswith("survey"):
            self._survey(job, result, error)
        elif job == "presence":
            if error is None:
                self._registered = True

    def _later(self, job: Callable[[], None]) -> None:
        self._retry_job = job
        self._retry.start()

    def _retry_now(self) -> None:
        job, self._retry_job = self._retry_job, None
        if job is not None:
            job()


def _sync(engine: KioskEngine, sitting: Sitting, report: dict[str, Any]) -> dict[str, Any]:
    """One heartbeat (on the worker thread): report the kiosk, take the server's clock, the
    deadline and the seat's lock, then send what the server lacks (unless the seat is locked)."""
    try:
        engine.report(report["screen"], section=report["section"],
                      journal_seq=report["journal_seq"], hand_raised=report["hand_raised"])
    except Removed:
        raise
    except KioskError:
        pass  # a refused report does not stop the answers
    state = sitting.reconcile()
    if not state.get("locked") and sitting.replicate() is None:
        if sitting.room_disk:  # reachable, but its disk refuses: the answers wait on this PC
            raise Offline(f"the room server cannot store answers now ({sitting.room_disk})")
        raise Offline("the room server did not answer")
    return state


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
