"""The room as the proctor's console sees it: the latest room view from the server, and its link.

The derivation of a seat's state from the server's plain dict is plain Python (`seat_state`), so it
can be tested and reused without Qt; `RoomModel` only holds the latest snapshot and says when it
changed.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Signal


class SeatState(str, Enum):
    """What is happening at one seat, from the roster's attendance and the seat's attempt."""

    EXPECTED = "expected"          # on the roster, attendance not marked yet
    PRESENT = "present"            # admitted, has not logged in yet
    ABSENT = "absent"              # absent, with a §12 reason
    NOT_ADMITTED = "not_admitted"  # came but was not admitted
    SITTING = "sitting"            # logged in, test in progress
    SUBMITTED = "submitted"        # test submitted (by the student or at time-out), scored
    VOIDED = "voided"              # result voided by an act (confiscation or outside person)


class LinkState(str, Enum):
    """How the console's link to the room server is doing."""

    CONNECTING = "connecting"  # no answer yet since the console started
    ONLINE = "online"          # the last poll was answered
    OFFLINE = "offline"        # the server did not answer; the watcher keeps retrying
    REFUSED = "refused"        # the server answered with an error (e.g. the sign-in expired)
    UNTRUSTED = "untrusted"    # the certificate is not the pinned one; nothing is sent


_ATTEMPT_STATES = {"in_progress": SeatState.SITTING, "submitted": SeatState.SUBMITTED,
                   "voided": SeatState.VOIDED}
_ATTENDANCE_STATES = {"expected": SeatState.EXPECTED, "present": SeatState.PRESENT,
                      "absent": SeatState.ABSENT, "not_admitted": SeatState.NOT_ADMITTED}


@dataclass(frozen=True)
class SeatInfo:
    """One seat, ready for a screen: the server's fields plus the derived state."""

    seat: str
    individual_code: str
    full_name: str
    state: SeatState
    resumed: bool
    logins: int
    answers: int | None
    score: int | None
    max_score: int | None
    absence_reason: str | None
    void_reason: str | None
    # The kiosk at this seat (readiness) and the sitting's live progress; absent from older views.
    registered: bool = False
    ready: bool = False
    reasons: tuple[str, ...] = ()
    seen_seconds_ago: int | None = None
    answered: int | None = None
    time_left_s: int | None = None
    section: str | None = None
    journal_lag: int | None = None
    hand_raised: bool = False
    away: bool = False
    locked_out: bool = False
    workstation_locked_out: bool = False  # too many failed logins at the seat's computer
    extensions: int = 0
    incidents: int = 0
    grade: str = ""
    class_name: str = ""
    language: str = ""
    login: str = ""
    # What the seat's kiosk reported about itself (room/integrity.py): alarming reports so far,
    # and the latest report's event.
    integrity_alarms: int = 0
    integrity_last: str | None = None


class Readiness(str, Enum):
    """How a seat's kiosk is, before the test (§19): ready, not ready (with reasons), or absent."""

    READY = "ready"
    NOT_READY = "not_ready"
    NOT_REGISTERED = "not_registered"


def readiness_of(info: "SeatInfo") -> Readiness:
    if not info.registered:
        return Readiness.NOT_REGISTERED
    return Readiness.READY if info.ready else Readiness.NOT_READY


def seat_state(seat: dict[str, Any]) -> SeatState:
    """The state of one seat of `Room.room_view()`: an attempt outranks the attendance mark."""
    attempt = seat.get("attempt")
    if attempt is not None:
        status = attempt.get("status")
        if status not in _ATTEMPT_STATES:
            raise ValueError(f"seat {seat.get('seat')}: unknown attempt status {status!r}")
        return _ATTEMPT_STATES[status]
    attendance = seat.get("attendance")
    if attendance not in _ATTENDANCE_STATES:
        raise ValueError(f"seat {seat.get('seat')}: unknown attendance {attendance!r}")
    return _ATTENDANCE_STATES[attendance]


def seat_info(seat: dict[str, Any]) -> SeatInfo:
    attempt = seat.get("attempt") or {}
    ws = seat.get("workstation") or {}
    logins = int(attempt.get("logins") or 0)
    voided = attempt.get("status") == "voided"
    return SeatInfo(
        seat=str(seat["seat"]), individual_code=str(seat["individual_code"]),
        full_name=str(seat["full_name"]), state=seat_state(seat), resumed=logins > 1, logins=logins,
        answers=attempt.get("answers"),
        # A voided result is never shown as a result, whatever the server sent.
        score=None if voided else attempt.get("score"),
        max_score=None if voided else attempt.get("max_score"),
        absence_reason=seat.get("absence_reason"), void_reason=attempt.get("void_reason"),
        registered=bool(ws), ready=bool(ws.get("ready")), reasons=tuple(ws.get("reasons") or ()),
        seen_seconds_ago=ws.get("seen_seconds_ago"), answered=attempt.get("answered"),
        time_left_s=attempt.get("time_left_s") if attempt.get("status") == "in_progress" else None,
        section=attempt.get("section"), journal_lag=attempt.get("journal_lag"),
        hand_raised=bool(attempt.get("hand_raised")), away=bool(seat.get("away")),
        locked_out=bool(seat.get("locked_out")),
        workstation_locked_out=bool(seat.get("workstation_locked_out")), extensions=int(attempt.get("extensions") or 0),
        incidents=int(seat.get("incidents") or 0), grade=str(seat.get("grade") or ""),
        class_name=str(seat.get("class_name") or ""), language=str(seat.get("language") or ""),
        login=str(seat.get("login") or ""),
        integrity_alarms=int((seat.get("integrity") or {}).get("alarms") or 0),
        integrity_last=(seat.get("integrity") or {}).get("last"))


@dataclass(frozen=True)
class Counts:
    """The summary under the map. `present` counts every admitted student, whatever they do now."""

    total: int
    expected: int
    present: int
    absent: int
    not_admitted: int
    sitting: int
    submitted: int
    voided: int


def count_seats(seats: list[SeatInfo]) -> Counts:
    by = {state: sum(1 for s in seats if s.state is state) for state in SeatState}
    admitted = (by[SeatState.PRESENT] + by[SeatState.SITTING] + by[SeatState.SUBMITTED]
                + by[SeatState.VOIDED])
    return Counts(total=len(seats), expected=by[SeatState.EXPECTED], present=admitted,
                  absent=by[SeatState.ABSENT], not_admitted=by[SeatState.NOT_ADMITTED],
                  sitting=by[SeatState.SITTING], submitted=by[SeatState.SUBMITTED],
                  voided=by[SeatState.VOIDED])


class RoomModel(QObject):
    """The latest room view and the state of the link to the server.

    Signals:
        changed: the room view differs from the one held before (not emitted for a repeat).
        link_changed(str): the link moved to another `LinkState` (its value).
    """

    changed = Signal()
    link_changed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._view: dict[str, Any] | None = None
        self._seats: list[SeatInfo] = []
        self._link = LinkState.CONNECTING
        self._link_detail = ""
        self._updated_at: dt.datetime | None = None

    # --- the room -----------------------------------------------------------------------------

    def update(self, view: dict[str, Any]) -> bool:
        """Hold `view` (a `Room.room_view()` dict); emit `changed` only if it differs. Returns that.

        The seats are derived before anything is replaced, so a malformed view raises `ValueError`
        and leaves the model as it was.
        """
        self._updated_at = dt.datetime.now().astimezone()
        if view == self._view:
            return False
        seats = [seat_info(s) for s in view.get("seats", [])]
        self._view = copy.deepcopy(view)
        self._seats = seats
        self.changed.emit()
        return True

    def view(self) -> dict[str, Any] | None:
        """A copy of the room view held, or None before the first one."""
        return copy.deepcopy(self._view)

    def has_room(self) -> bool:
        return self._view is not None

    def header(self) -> dict[str, Any]:
        v = self._view or {}
        return {key: v.get(key) for key in ("room_id", "room_no", "organisation_code",
                                            "organisation_name", "open", "disk")}

    def seats(self) -> list[SeatInfo]:
        return list(self._seats)

    def counts(self) -> Counts:
        return count_seats(self._seats)

    def seat(self, individual_code: str) -> SeatInfo | None:
        return next((s for s in self._seats if s.individual_code == individual_code), None)

    def spares(self) -> list[dict[str, Any]]:
        """Kiosks registered at seats nobody on the roster has (where a student may be moved)."""
        return copy.deepcopy((self._view or {}).get("spares", []))

    def readiness_counts(self) -> dict[str, int]:
        by = {r: sum(1 for s in self._seats if readiness_of(s) is r) for r in Readiness}
        return {"total": len(self._seats), **{r.value: n for r, n in by.items()}}

    def updated_at(self) -> dt.datetime | None:
        """When the server last answered (local time), changed or not."""
        return self._updated_at

    # --- the link -----------------------------------------------------------------------------

    @property
    def link(self) -> LinkState:
        return self._link

    @property
    def link_detail(self) -> str:
        """The technical reason of the last failure, for the log and a tooltip (not translated)."""
        return self._link_detail

    def set_link(self, state: LinkState, detail: str = "") -> None:
        self._link_detail = detail
        if state is not self._link:
            self._link = state
            self.link_changed.emit(state.value)
