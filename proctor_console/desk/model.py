"""The state of the representative's desk, as one QObject model the screens read.

The room itself (seats, attendance, kiosks, sittings) is the `RoomModel` the seating map already
uses; this model holds what belongs to the desk: who is signed in, the screen of the day, the
language, the roster's problems, the credentials just issued (in memory only, for the slips), the
last act and bundle, and a message for the status line. It does no I/O.
"""

from __future__ import annotations

import copy
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Signal

from common.i18n import LANGUAGES
from proctor_console.desk.room_map.model import RoomModel


class Step(str, Enum):
    """The representative's day, screen by screen, in order."""

    SIGN_IN = "sign_in"
    IMPORT = "import"
    SEATING = "seating"
    READINESS = "readiness"
    ADMISSION = "admission"
    START = "start"
    TEST = "test"
    END = "end"


STEPS = tuple(Step)


class DeskModel(QObject):
    """Signals:
        language_changed(str): kk, ru or en.
        step_changed(str): the screen shown (a `Step` value).
        signed_in_changed: sign-in or sign-out.
        busy_changed(bool): a call to the room server started or ended.
        message_changed: the status line's message changed.
        changed(str): another part changed, by its attribute's name ("package",
            "roster_problems", "credentials", "last_act", "bundle", "audit", "incidents",
            "last_export").
    """

    language_changed = Signal(str)
    step_changed = Signal(str)
    signed_in_changed = Signal()
    busy_changed = Signal(bool)
    message_changed = Signal()
    changed = Signal(str)

    def __init__(self, lang: str = "kk", parent: QObject | None = None):
        super().__init__(parent)
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.room = RoomModel(self)
        self._lang = lang
        self._step = Step.SIGN_IN
        self._proctor: dict[str, Any] | None = None
        self._busy = 0
        self._message: tuple[str, str, str] = ("info", "", "")  # kind, text, technical detail
        self.package: dict[str, Any] | None = None
        self.roster_problems: list[dict[str, Any]] = []
        self.credentials: list[dict[str, str]] = []
        self.last_act: dict[str, Any] | None = None
        self.bundle: dict[str, Any] | None = None
        self.audit: dict[str, Any] | None = None
        self.incidents: list[dict[str, Any]] = []
        self.last_export: str = ""

    # --- language and screen ------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        if lang != self._lang:
            self._lang = lang
            self.language_changed.emit(lang)

    @property
    def step(self) -> Step:
        return self._step

    def set_step(self, step: Step) -> None:
        if step is not self._step:
            self._step = step
            self.step_changed.emit(step.value)

    # --- who ----------------------------------------------------------------------------------

    @property
    def proctor(self) -> dict[str, Any] | None:
        return copy.deepcopy(self._proctor)

    def set_proctor(self, proctor: dict[str, Any] | None) -> None:
        self._proctor = copy.deepcopy(proctor)
        self.signed_in_changed.emit()

    # --- busy and messages --------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def begin(self) -> None:
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)

    def end(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            self.busy_changed.emit(False)

    @property
    def message(self) -> tuple[str, str, str]:
        return self._message

    def say(self, kind: str, text: str, detail: str = "") -> None:
        """`kind` is info, done or error; `text` is already in the desk's language."""
        self._message = (kind, text, detail)
        self.message_changed.emit()

    # --- parts --------------------------------------------------------------------------------

    def set_part(self, name: str, value: Any) -> None:
        setattr(self, name, copy.deepcopy(value))
        self.changed.emit(name)
