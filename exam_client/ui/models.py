"""The kiosk's state: one QObject model that the screens read and the controller writes.

What can be computed without Qt is plain Python here (pages of a test, the warning level of the
clock, what counts as answered), so it is tested without a screen. `KioskModel` holds the state
of one sitting — the phase, the language, the pages, the answers the journal holds, the flags,
the clock, the link — and says what changed through its signals. The views never write it; the
controller does, after the engine has done the work (an answer is in the model only once the
journal on disk has it).
"""

from __future__ import annotations

import copy
import enum
import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from common.i18n import LANGUAGES

TEXT_SCALES: tuple[float, ...] = (1.0, 1.25, 1.5)


class Phase(enum.StrEnum):
    """Where the student is; each phase has one screen."""

    CONNECTING = "connecting"      # finding the room server; language choice
    LOGIN = "login"                # login and password
    LOCKED = "locked"              # an interrupted sitting on this PC: log in again to go on
    INSTRUCTIONS = "instructions"  # how the test works, before it starts
    WAITING = "waiting"            # logging in; the room is not open yet
    TEST = "test"                  # the items, one page at a time
    REVIEW = "review"              # answered / unanswered / flagged, then submit
    SUBMITTING = "submitting"      # the answers are on their way; the result comes next
    RESULT = "result"              # the result on the screen (§24)
    SURVEY = "survey"              # the anonymous survey (§25)
    DONE = "done"                  # thank you
    REMOVED = "removed"            # the representative ended the sitting (an act)
    AWAY = "away"                  # out of the room with permission (§23): the seat is locked
    PAUSED = "paused"              # the representative paused the room: every clock stands
    PROCTOR = "proctor"            # the proctor's exit panel (code needed)


class Link(enum.StrEnum):
    """How the kiosk's link to the room server is doing."""

    UNKNOWN = "unknown"      # nothing asked yet
    ONLINE = "online"        # the last call was answered
    OFFLINE = "offline"      # the server did not answer; work goes on from the journal
    UNTRUSTED = "untrusted"  # the certificate is not the pinned one; nothing is sent


class SaveState(enum.StrEnum):
    SAVED = "saved"    # on this PC's disk (journal fsynced)
    FAILED = "failed"  # the journal refused: the answer is NOT saved


# --- plain helpers ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """One screen of the test: one item, or the items of one context (passage, table, picture).

    `context` is shown on the left and the items on the right; `numbers` are the items' positions
    in the whole test (1-based), as the navigation strip shows them.
    """

    index: int
    section_index: int
    section: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    numbers: tuple[int, ...]
    context: dict[str, Any] | None = None


@dataclass(frozen=True)
class ItemRef:
    number: int  # 1-based, in the order of the test
    item: dict[str, Any]
    page: int

    @property
    def id(self) -> str:
        return str(self.item["id"])


def _context_view(section: dict[str, Any], context: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the left side of a page shows: the section's passage (legacy) and/or a context."""
    view: dict[str, Any] = {}
    if section.get("passage"):
        view["passage"] = section["passage"]
    if context:
        view["context"] = context
    return view or None


def pages_of(content: dict[str, Any]) -> list[Page]:
    """The pages of a test in the specification's order (docs/content.md).

    Consecutive items that name the same context are one page: the context (passage, table or
    picture) on the left, its items on the right. Any other item is a page of its own, with the
    section's passage beside it when the section has one.
    """
    pages: list[Page] = []
    number = 0
    for s_index, section in enumerate(content.get("sections", [])):
        contexts = {str(c.get("id")): c for c in section.get("contexts", []) if isinstance(c, dict)}
        items = [i for i in section.get("items", []) if isinstance(i, dict)]
        i = 0
        while i < len(items):
            context_id = items[i].get("context")
            group = [items[i]]
            if context_id is not None and str(context_id) in contexts:
                while i + len(group) < len(items) and items[i + len(group)].get("context") == context_id:
                    group.append(items[i + len(group)])
                context = contexts[str(context_id)]
            else:
                context = None
            numbers = tuple(range(number + 1, number + 1 + len(group)))
            number += len(group)
            pages.append(Page(len(pages), s_index, section, tuple(group), numbers,
                              _context_view(section, context)))
            i += len(group)
    return pages


def item_refs(pages: list[Page]) -> list[ItemRef]:
    return [ItemRef(n, item, page.index) for page in pages for n, item in zip(page.numbers, page.items)]


def is_answered(value: Any) -> bool:
    """An answer counts once the student gave something: not None, not blank, not empty."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return any(is_answered(v) for v in (value.values() if isinstance(value, dict) else value))
    return True


def warning_level(remaining_seconds: float, warnings_minutes: list[int] | tuple[int, ...]) -> int:
    """0 until the first warning time, then 1, 2, ... as each warning time passes."""
    marks = sorted({int(m) for m in warnings_minutes if int(m) > 0}, reverse=True)
    return sum(1 for m in marks if remaining_seconds <= m * 60)


def format_clock(seconds: float) -> str:
    """'1:05:09' or '05:09'; never negative; rounds up so 0:00 means the time is really over."""
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# --- the model -------------------------------------------------------------------------------

@dataclass
class _Sitting:
    content: dict[str, Any] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    refs: list[ItemRef] = field(default_factory=list)
    student: dict[str, Any] = field(default_factory=dict)


class RoomEvents(QObject):
    """What the room says to the sitting besides time and answers, and what the student was
    given before the day: the room's pause, the representative's messages, read-aloud.

    Signals:
        changed: the pause, the unread message or read-aloud changed.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.paused: dict[str, Any] | None = None  # {"since", "reason", "note"}
        self.read_aloud = False
        self._messages: list[dict[str, Any]] = []
        self._read: set[int] = set()

    def set_paused(self, paused: dict[str, Any] | None) -> None:
        if paused != self.paused:
            self.paused = paused
            self.changed.emit()

    def set_read_aloud(self, on: bool) -> None:
        if on != self.read_aloud:
            self.read_aloud = on
            self.changed.emit()

    def set_messages(self, messages: list[dict[str, Any]]) -> None:
        if messages != self._messages:
            self._messages = list(messages)
            self.changed.emit()

    @property
    def unread(self) -> dict[str, Any] | None:
        """The oldest message the student has not closed yet."""
        return next((m for m in self._messages if m.get("id") not in self._read), None)

    def mark_read(self, message_id: int) -> None:
        self._read.add(message_id)
        self.changed.emit()


class KioskModel(QObject):
    """Everything the kiosk's screens show.

    Signals:
        phase_changed(str): the phase (a `Phase` value) changed.
        language_changed(str): the screen language changed (kk, ru or en).
        look_changed: the text size or the contrast changed.
        room_changed: the room's status, the link or a connection problem changed.
        login_changed: the login's progress or error changed.
        exam_changed: a test was loaded (pages, items, student).
        page_changed(int): another page is shown (its index).
        answer_changed(str): an item's answer or save state changed (the item id).
        flag_changed(str): an item was flagged or unflagged (the item id).
        clock_changed: the remaining time or its warning level changed.
        notice_changed: the notice on the screen changed (time over, sending, ...).
        result_changed: the result arrived.
        survey_changed: the survey's questions, answers or state changed.
        references_changed: a reference table was opened or closed.
        hand_changed: the raised hand went up or down.
    """

    phase_changed = Signal(str)
    language_changed = Signal(str)
    look_changed = Signal()
    room_changed = Signal()
    login_changed = Signal()
    exam_changed = Signal()
    page_changed = Signal(int)
    answer_changed = Signal(str)
    flag_changed = Signal(str)
    clock_changed = Signal()
    notice_changed = Signal()
    result_changed = Signal()
    survey_changed = Signal()
    references_changed = Signal()
    hand_changed = Signal()

    def __init__(self, workstation_id: str = "", lang: str = "kk", parent: QObject | None = None):
        super().__init__(parent)
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.workstation_id = workstation_id
        self._phase = Phase.CONNECTING
        self._lang = lang
        self._scale_index = 0
        self._contrast = False
        # the room
        self.room: dict[str, Any] = {}
        self.link = Link.UNKNOWN
        self.pending = 0  # journal entries the room server has not acknowledged yet
        # the login
        self.login_error: str | None = None  # an i18n key
        self.login_busy = False
        self.interrupted = False
        # the sitting
        self._s = _Sitting()
        self._page = 0
        self._answers: dict[str, Any] = {}
        self._saves: dict[str, SaveState] = {}
        self._flags: set[str] = set()
        self.remaining: float | None = None
        self.level = 0
        self.notice: str | None = None  # an i18n key
        self.result: dict[str, Any] | None = None
        self.references: str | None = None  # "periodic" | "solubility" | None
        self.hand_raised = False
        # the survey
        self.survey_questions: list[dict[str, Any]] = []
        self.survey_answers: dict[str, int] = {}
        self.survey_state = "idle"  # idle | loading | ready | sending | sent | failed | wrong_code
        self.survey_for_teacher = False  # the teachers' questionnaire, with a one-time code
        self.events = RoomEvents(self)

    # --- phase, language, look ------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    def set_phase(self, phase: Phase) -> None:
        if phase is not self._phase:
            self._phase = phase
            self.phase_changed.emit(phase.value)

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
    def text_scale(self) -> float:
        return TEXT_SCALES[self._scale_index]

    def step_text_size(self, step: int) -> None:
        index = min(len(TEXT_SCALES) - 1, max(0, self._scale_index + step))
        if index != self._scale_index:
            self._scale_index = index
            self.look_changed.emit()

    @property
    def high_contrast(self) -> bool:
        return self._contrast

    def set_high_contrast(self, on: bool) -> None:
        if on != self._contrast:
            self._contrast = on
            self.look_changed.emit()

    # --- room and login -------------------------------------------------------------------------

    def set_room(self, room: dict[str, Any], link: Link) -> None:
        if room != self.room or link is not self.link:
            self.room = dict(room)
            self.link = link
            self.room_changed.emit()

    def set_link(self, link: Link, pending: int | None = None) -> None:
        changed = link is not self.link or (pending is not None and pending != self.pending)
        self.link = link
        if pending is not None:
            self.pending = pending
        if changed:
            self.room_changed.emit()

    def set_login(self, busy: bool, error: str | None = None) -> None:
        if busy != self.login_busy or error != self.login_error:
            self.login_busy = busy
            self.login_error = error
            self.login_changed.emit()

    # --- the test -------------------------------------------------------------------------------

    def load_exam(self, content: dict[str, Any], student: dict[str, Any],
                  answers: dict[str, Any], flags: set[str] | None = None, page: int = 0) -> None:
        pages = pages_of(content)
        self._s = _Sitting(copy.deepcopy(content), pages, item_refs(pages), dict(student))
        known = {ref.id for ref in self._s.refs}
        self._answers = {k: v for k, v in answers.items() if k in known}
        self._saves = {k: SaveState.SAVED for k in self._answers}
        self._flags = {f for f in (flags or set()) if f in known}
        self._page = min(max(0, page), max(0, len(pages) - 1))
        self.result = None
        self.notice = None
        self.exam_changed.emit()
        self.page_changed.emit(self._page)

    @property
    def content(self) -> dict[str, Any]:
        return self._s.content

    @property
    def student(self) -> dict[str, Any]:
        return self._s.student

    @property
    def pages(self) -> list[Page]:
        return list(self._s.pages)

    @property
    def refs(self) -> list[ItemRef]:
        return list(self._s.refs)

    def ref(self, item_id: str) -> ItemRef:
        for ref in self._s.refs:
            if ref.id == item_id:
                return ref
        raise KeyError(item_id)

    @property
    def page_index(self) -> int:
        return self._page

    @property
    def page(self) -> Page | None:
        return self._s.pages[self._page] if self._s.pages else None

    def go_to(self, index: int) -> bool:
        if not self._s.pages:
            return False
        index = min(max(0, index), len(self._s.pages) - 1)
        if index == self._page:
            return False
        self._page = index
        self.page_changed.emit(index)
        return True

    @property
    def warnings_minutes(self) -> list[int]:
        return list(self._s.content.get("warnings_minutes", (10, 5)))

    def answer(self, item_id: str) -> Any:
        return copy.deepcopy(self._answers.get(item_id))

    def answers(self) -> dict[str, Any]:
        return copy.deepcopy(self._answers)

    def save_state(self, item_id: str) -> SaveState | None:
        return self._saves.get(item_id)

    def set_saved(self, item_id: str, value: Any) -> None:
        """The journal has this answer on disk now."""
        self._answers[item_id] = copy.deepcopy(value)
        self._saves[item_id] = SaveState.SAVED
        self.answer_changed.emit(item_id)

    def set_save_failed(self, item_id: str) -> None:
        """The journal refused: the item keeps its last saved answer and says it is not saved."""
        self._saves[item_id] = SaveState.FAILED
        self.answer_changed.emit(item_id)

    def is_answered(self, item_id: str) -> bool:
        return is_answered(self._answers.get(item_id))

    def is_flagged(self, item_id: str) -> bool:
        return item_id in self._flags

    @property
    def flags(self) -> set[str]:
        return set(self._flags)

    def set_flag(self, item_id: str, on: bool) -> None:
        if on == (item_id in self._flags):
            return
        (self._flags.add if on else self._flags.discard)(item_id)
        self.flag_changed.emit(item_id)

    def counts(self) -> dict[str, int]:
        ids = [ref.id for ref in self._s.refs]
        answered = sum(1 for i in ids if self.is_answered(i))
        return {"total": len(ids), "answered": answered, "unanswered": len(ids) - answered,
                "flagged": sum(1 for i in ids if i in self._flags)}

    def set_clock(self, remaining: float) -> None:
        level = warning_level(remaining, self.warnings_minutes)
        shown_before = None if self.remaining is None else format_clock(self.remaining)
        self.remaining = remaining
        if level != self.level or shown_before != format_clock(remaining):
            self.level = level
            self.clock_changed.emit()

    def set_notice(self, key: str | None) -> None:
        if key != self.notice:
            self.notice = key
            self.notice_changed.emit()

    def set_result(self, result: dict[str, Any]) -> None:
        self.result = dict(result)
        self.result_changed.emit()

    def open_references(self, which: str | None) -> None:
        if which not in (None, "periodic", "solubility"):
            raise ValueError(f"no reference table {which!r}")
        if which != self.references:
            self.references = which
            self.references_changed.emit()

    def set_hand(self, raised: bool) -> None:
        if raised != self.hand_raised:
            self.hand_raised = raised
            self.hand_changed.emit()

    # --- the survey -----------------------------------------------------------------------------

    def set_survey(self, state: str, questions: list[dict[str, Any]] | None = None) -> None:
        if questions is not None:
            self.survey_questions = copy.deepcopy(questions)
        self.survey_state = state
        self.survey_changed.emit()

    def set_survey_answer(self, question: str, value: int) -> None:
        if self.survey_answers.get(question) != value:
            self.survey_answers[question] = value
            self.survey_changed.emit()
