"""From the first screen to a sitting: the language, the login, the instructions, and the wait for
the room to open (the login is asked again until it does). The answer to a login comes from the
network worker; `KioskController` hands it to `finished`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Signal

from common.crypto.tls import CertificatePinMismatch
from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError, Offline
from exam_client.ui.models import KioskModel, Link, Phase
from exam_client.ui.network_worker import NetworkWorker

if TYPE_CHECKING:  # the sitting's module loads with the first login (docs/BENCHMARKS.md)
    from exam_client.engine.sitting import Sitting

# The refusals the login screen explains in words; any other is "refused".
LOGIN_ERRORS = {"unauthorized", "locked_out", "workstation_locked_out", "not_admitted", "wrong_seat",
                "attempt_closed", "seat_locked", "attempt_voided", "room_not_open", "kiosk_disk",
                "not_enrolled", "wrong_build", "virtual_machine"}


class LoginFlow(QObject):
    """The screens before the test: connect (language), login, instructions, waiting.

    Signals:
        signed_in(object): the room server accepted the login; the `Sitting` begins.
    """

    signed_in = Signal(object)

    def __init__(self, engine: KioskEngine, model: KioskModel, window: Any, worker: NetworkWorker,
                 later: Callable[[Callable[[], None]], None], in_sitting: Callable[[], bool],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.model = model
        self.window = window
        self.worker = worker
        self._later = later
        self._in_sitting = in_sitting
        self._credentials: tuple[str, str] | None = None
        self._instructions_read = False
        self._connect()

    def _connect(self) -> None:
        w = self.window
        w.connect_view.language_chosen.connect(self.model.set_language)
        w.connect_view.continue_requested.connect(self._to_login)
        w.login_view.login_requested.connect(self._login_requested)
        w.login_view.back_requested.connect(lambda: self.model.set_phase(Phase.CONNECTING))
        w.instructions_view.ready.connect(self._ready)
        w.instructions_view.back_requested.connect(lambda: self.model.set_phase(Phase.LOGIN))

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
        if self._credentials is None or self._in_sitting():
            return
        login, password = self._credentials
        self.model.set_login(True, self.model.login_error)
        self.worker.run("login", lambda: self.engine.login(login, password))

    def finished(self, sitting: Sitting | None, error: BaseException | None) -> None:
        """The room server's answer to the login (the worker's job "login")."""
        model = self.model
        if error is None and sitting is not None:
            model.set_login(False, None)
            self._credentials = None
            self.window.login_view.clear_password()
            self.signed_in.emit(sitting)
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
