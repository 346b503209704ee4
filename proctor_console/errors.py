"""Domain errors of the room: each carries an HTTP status and a stable code for the kiosk."""

from __future__ import annotations


class RoomError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details: object):
        super().__init__(message)
        self.details = details


class NotFound(RoomError):
    status = 404
    code = "not_found"


class Unauthorized(RoomError):
    status = 401
    code = "unauthorized"


class LockedOut(RoomError):
    status = 423
    code = "locked_out"


class NotAdmitted(RoomError):
    status = 403
    code = "not_admitted"


class WrongSeat(RoomError):
    status = 403
    code = "wrong_seat"


class RoomNotOpen(RoomError):
    status = 409
    code = "room_not_open"


class AttemptClosed(RoomError):
    status = 409
    code = "attempt_closed"


class AttemptVoided(RoomError):
    status = 410
    code = "attempt_voided"


class Conflict(RoomError):
    status = 409
    code = "conflict"


class SeatLocked(RoomError):
    """The student is out of the room with the representative's permission (§23)."""

    status = 423
    code = "seat_locked"


class Forbidden(RoomError):
    status = 403
    code = "forbidden"
