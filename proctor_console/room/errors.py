"""Domain errors of the room: each carries an HTTP status and a stable code for the kiosk."""

from __future__ import annotations

import errno


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


class WorkstationLockedOut(RoomError):
    """Too many failed logins at one workstation; the representative unlocks it."""

    status = 423
    code = "workstation_locked_out"


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


class AnswerRefused(RoomError):
    """An answer the item could not have been given (common/domain/answer_checks.py): nothing of
    the save is stored."""

    status = 422
    code = "answer_invalid"


class AttemptVoided(RoomError):
    status = 410
    code = "attempt_voided"


class Conflict(RoomError):
    status = 409
    code = "conflict"


class WrongBuild(RoomError):
    """The room's policy: a kiosk that does not run the room's build may not log a student in."""

    status = 403
    code = "wrong_build"


class VirtualMachine(RoomError):
    """The room's policy: a kiosk that reported being a virtual machine may not log in."""

    status = 403
    code = "virtual_machine"


class SeatLocked(RoomError):
    """The student is out of the room with the representative's permission (§23)."""

    status = 423
    code = "seat_locked"


class CentreUnreachable(RoomError):
    """The room could not reach the centre to upload the bundle (it stays on disk and on the USB
    route); the gateway's answer, not a fault of the room server."""

    status = 502
    code = "centre_unreachable"


class CentreRefused(RoomError):
    """The centre answered and refused the bundle; `details["centre"]` holds its answer."""

    status = 409
    code = "centre_refused"


class Forbidden(RoomError):
    status = 403
    code = "forbidden"


class DiskFull(RoomError):
    """The room's disk is full (or the file hit its size limit): nothing of the request was
    stored. The kiosks keep their answers and send them again once there is space."""

    status = 507
    code = "disk_full"


class DiskReadOnly(RoomError):
    """The room's disk refuses writes (read-only, or failing): nothing of the request was stored."""

    status = 503
    code = "disk_read_only"


# errno values and SQLite result codes (the primary code, the low byte) that mean the disk said no.
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
_SQLITE_FULL = 13
_SQLITE_READ_ONLY = {8, 10, 14}  # SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN


def disk_trouble(exc: BaseException) -> RoomError | None:
    """The room's error for a write (or read) the disk refused, or None for any other failure.

    Looks through the exception, what it wraps (SQLAlchemy's `.orig`) and its causes.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        code = getattr(e, "sqlite_errorcode", None)  # sqlite3.Error, Python 3.11+
        primary = None if code is None else code & 0xFF
        if isinstance(e, OSError) and e.errno in _FULL_ERRNOS or primary == _SQLITE_FULL:
            return DiskFull("the room's disk is full: nothing was stored; free some space")
        if isinstance(e, OSError) and e.errno in _READ_ONLY_ERRNOS or primary in _SQLITE_READ_ONLY:
            return DiskReadOnly("the room's disk refuses writes (read-only or failing): nothing "
                                "was stored")
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return None
