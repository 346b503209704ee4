"""Room readiness (§19): every kiosk registers and then reports a heartbeat; the room says which
seats are ready and, for each one that is not, why.

A kiosk reports (``POST /api/v1/kiosk/register`` once at start, ``POST /api/v1/kiosk/heartbeat``
every few seconds) its workstation id (= its seat), build hash, screen, clock, free disk and whether
the OS kiosk lock is on; during a sitting the heartbeat (with the sitting's token) adds the section
on screen, the journal's newest sequence number and whether the student raised a hand. The reply
tells the kiosk the server's time and whether the seat is locked (the student has left the room
with permission, §23), so it can show its lock screen.

The request bodies are defined here (`KioskReport`); their JSON shape is in the OpenAPI schema and in
docs/proctor-guide.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from common.protocol import MAX_SEQ, MAX_TIMESTAMP
from common.storage.base import utcnow
from common.storage.room_models import Attempt, AttemptStatus, Student, Workstation
from proctor_console.room import audit
from proctor_console.room.errors import RoomError
from proctor_console.room.seat_locks import seat_lock
from proctor_console.room.store import RoomStore

# What a ready kiosk looks like. The timer is the server's, so the clock only has to be roughly
# right (a wrong clock shows a misconfigured PC); the journal of one sitting is a few hundred KB.
MIN_SCREEN = (1024, 768)
MAX_CLOCK_OFFSET_MS = 120_000
MIN_FREE_DISK_MB = 200
SILENT_AFTER = dt.timedelta(seconds=30)  # no heartbeat for this long: the kiosk is gone
REASONS = ("not_registered", "silent", "build", "screen", "clock", "disk", "unlocked")


class KioskReport(BaseModel):
    """What a kiosk says about itself (registration and every heartbeat)."""

    build_hash: str = Field(min_length=1, max_length=128)
    screen: str = Field(pattern=r"^\d{3,5}x\d{3,5}$", description="width x height in pixels")
    client_time: float = Field(ge=0, le=MAX_TIMESTAMP, allow_inf_nan=False,
                               description="the kiosk's clock, seconds since the Unix epoch")
    free_disk_mb: int = Field(ge=0, le=2**53)
    kiosk_locked: bool = Field(description="the OS kiosk lock (Shell Launcher / cage) is on")
    # During a sitting (sent with the sitting's bearer token):
    section: str | None = Field(default=None, max_length=64)
    journal_seq: int | None = Field(default=None, ge=0, le=MAX_SEQ)
    hand_raised: bool = False


class InvalidReport(RoomError):
    status = 422
    code = "invalid_report"


def report(room: RoomStore, workstation_id: str, body: KioskReport, attempt_id: str | None,
           register: bool) -> dict[str, Any]:
    """Store an enrolled kiosk's registration or heartbeat (`workstation_id`: the PC its
    credential proves, room/enrolment.py); reply with the server's time and the seat's lock."""
    now = utcnow()
    offset_ms = int(round((body.client_time - now.timestamp()) * 1000))
    with room.tx() as s:
        ws = s.get(Workstation, workstation_id)
        fresh = ws is None
        if ws is None:
            ws = Workstation(workstation_id=workstation_id, registered_at=now)
            s.add(ws)
        before = None if fresh else _static(ws)
        ws.build_hash = body.build_hash
        ws.screen = body.screen
        ws.clock_offset_ms = offset_ms
        ws.free_disk_mb = body.free_disk_mb
        ws.kiosk_locked = body.kiosk_locked
        if not fresh and now - ws.last_seen_at > SILENT_AFTER:  # back after a silence
            ws.silent_from, ws.silent_until = ws.last_seen_at, now
        ws.last_seen_at = now
        if register:
            ws.registered_at = now
        if attempt_id is not None:
            attempt = s.get(Attempt, attempt_id)
            ws.attempt_id = attempt_id
            ws.section = body.section
            ws.journal_seq = body.journal_seq
            ws.hand_raised = body.hand_raised and attempt.status is AttemptStatus.IN_PROGRESS
        else:
            ws.attempt_id = ws.section = ws.journal_seq = None
            ws.hand_raised = False
        after = _static(ws)
        # Registrations, and changes of what the kiosk is, are evidence; plain heartbeats are not.
        if register or fresh or _changed(before, after):
            audit.record(s, "kiosk:" + workstation_id,
                         "workstation_registered" if register or fresh else "workstation_changed",
                         workstation_id=workstation_id, before=before, after=after)
    lock = seat_lock(room, workstation_id)
    return {"server_time": now.isoformat(), "clock_offset_ms": offset_ms, **lock}


def _static(ws: Workstation) -> dict[str, Any]:
    return {"build_hash": ws.build_hash, "screen": ws.screen, "free_disk_mb": ws.free_disk_mb,
            "kiosk_locked": ws.kiosk_locked, "clock_offset_ms": ws.clock_offset_ms}


def _changed(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    if before is None:
        return True
    keys = ("build_hash", "screen", "kiosk_locked")
    if any(before[k] != after[k] for k in keys):
        return True
    # Disk and clock drift a little all the time: only crossing a limit is news.
    return (_ok_disk(before["free_disk_mb"]) != _ok_disk(after["free_disk_mb"])
            or _ok_clock(before["clock_offset_ms"]) != _ok_clock(after["clock_offset_ms"]))


def _ok_disk(mb: int) -> bool:
    return mb >= MIN_FREE_DISK_MB


def _ok_clock(ms: int) -> bool:
    return abs(ms) <= MAX_CLOCK_OFFSET_MS


def _screen_ok(screen: str) -> bool:
    try:
        w, h = (int(v) for v in screen.lower().split("x"))
    except ValueError:
        return False
    return w >= MIN_SCREEN[0] and h >= MIN_SCREEN[1]


def expected_build(room: RoomStore, workstations: list[Workstation]) -> str | None:
    """The build every kiosk should run: the room's setting, else the one most kiosks run."""
    configured = room.setting("kiosk_build_hash")
    if configured:
        return configured
    counts = Counter(ws.build_hash for ws in workstations)
    if not counts:
        return None
    (build, n), *rest = counts.most_common()
    return None if rest and rest[0][1] == n else build  # a tie: no majority to hold to


def assess(ws: Workstation | None, now: dt.datetime, build: str | None) -> list[str]:
    """Why this seat's kiosk is not ready (codes of `REASONS`); empty when it is ready."""
    if ws is None:
        return ["not_registered"]
    reasons = []
    if now - ws.last_seen_at > SILENT_AFTER:
        reasons.append("silent")
    if build is not None and ws.build_hash != build:
        reasons.append("build")
    if not _screen_ok(ws.screen):
        reasons.append("screen")
    if not _ok_clock(ws.clock_offset_ms):
        reasons.append("clock")
    if not _ok_disk(ws.free_disk_mb):
        reasons.append("disk")
    if not ws.kiosk_locked:
        reasons.append("unlocked")
    return reasons


def workstation_views(room: RoomStore) -> dict[str, dict[str, Any]]:
    """Every registered workstation with its readiness, by workstation id (= seat)."""
    now = utcnow()
    with room.read() as s:
        rows = list(s.scalars(select(Workstation)))
    build = expected_build(room, rows)
    views = {}
    for ws in rows:
        reasons = assess(ws, now, build)
        views[ws.workstation_id] = {
            "workstation_id": ws.workstation_id, "ready": not reasons, "reasons": reasons,
            "build_hash": ws.build_hash, "screen": ws.screen,
            "clock_offset_ms": ws.clock_offset_ms, "free_disk_mb": ws.free_disk_mb,
            "kiosk_locked": ws.kiosk_locked,
            "seen_seconds_ago": max(0, int((now - ws.last_seen_at).total_seconds())),
            "attempt_id": ws.attempt_id, "section": ws.section, "journal_seq": ws.journal_seq,
            "hand_raised": ws.hand_raised,
        }
    return views


def readiness(room: RoomStore) -> dict[str, Any]:
    """The room's readiness: each seat of the roster, and kiosks at seats nobody sits at (spares)."""
    views = workstation_views(room)
    with room.read() as s:
        seats = list(s.scalars(select(Student.seat).order_by(Student.seat)))
    by_seat = []
    for seat in seats:
        ws = views.get(seat)
        by_seat.append({"seat": seat, "ready": bool(ws and ws["ready"]),
                        "reasons": ws["reasons"] if ws else ["not_registered"], "workstation": ws})
    spares = [ws for wid, ws in sorted(views.items()) if wid not in seats]
    return {"seats": by_seat, "spares": spares,
            "ready": sum(1 for s in by_seat if s["ready"]), "total": len(by_seat)}
