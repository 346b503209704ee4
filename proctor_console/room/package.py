"""The exam package: imported (the centre's signature checked), opened at the start with the
morning's start code, and held open in memory for the day."""

from __future__ import annotations

from typing import Any

from common.content.payload import ExamPayload
from common.domain.exam import ExamContent
from common.package import ExamPackage, read_package
from common.storage.base import utcnow
from common.storage.room_models import Attempt, Package
from proctor_console.room import assignment, audit, data_keys
from proctor_console.room.configuration import centre_keys
from proctor_console.room.errors import RoomError, RoomNotOpen
from proctor_console.room.revocation import ensure_not_revoked
from proctor_console.room.store import RoomStore


def import_package(room: RoomStore, raw: bytes, actor: str) -> dict[str, Any]:
    package = read_package(raw, centre_keys(room))
    if package.manifest["organisation_code"] != room.setting("organisation_code"):
        raise RoomError("this package is for another organisation")
    with room.tx() as s:
        if s.get(Package, package.package_id) is None:
            s.add(Package(package_id=package.package_id, sha256=package.sha256, raw=raw))
        room.set_setting(s, "package_id", package.package_id)
        audit.record(s, actor, "package_imported", package_id=package.package_id,
                     sha256=package.sha256)
    return {"package_id": package.package_id, "exam": package.manifest["exam"]}


def start(room: RoomStore, start_code: str, actor: str) -> dict[str, Any]:
    """Open the package with the morning's start code; from now on admitted students may log in."""
    package = imported_package(room)
    ensure_not_revoked(room, package)  # §15: a cancelled territory's package stays shut
    payload, content_key = package.open_all(start_code)
    with room.tx() as s:
        # wrapped under the room's data key: the database alone does not open the test (data_keys.py)
        s.get(Package, package.package_id).content_key = data_keys.wrap(room, content_key,
                                                                        package.package_id)
        room.set_setting(s, "started_at", utcnow().isoformat())
        audit.record(s, actor, "room_opened", package_id=package.package_id)
    room.opened_payload = payload
    room.fill_memory()  # everyone logs in now: their reads come from memory (memory.py)
    content = payload.first
    return {"package_id": package.package_id, "items": len(content.items),
            "duration_minutes": content.duration_minutes, "variants": len(payload.variants)}


def imported_package(room: RoomStore) -> ExamPackage:
    package_id = room.setting("package_id")
    if package_id is None:
        raise RoomNotOpen("no exam package is imported")
    with room.read() as s:
        row = s.get(Package, package_id)
    return read_package(row.raw, centre_keys(room))


def payload(room: RoomStore) -> ExamPayload:
    """Every variant of the opened package, with its keys and seeds."""
    if room.opened_payload is None:
        package = imported_package(room)
        with room.read() as s:
            key = s.get(Package, package.package_id).content_key
        if key is None:
            raise RoomNotOpen("the room is not open yet: the proctor has not entered the start code")
        room.opened_payload = package.open_payload(data_keys.unwrap(room, key, package.package_id))
    return room.opened_payload


def content(room: RoomStore) -> ExamContent:
    """The package's first variant: what all variants share (duration, sections)."""
    return payload(room).first


def attempt_content(room: RoomStore, attempt: Attempt) -> ExamContent:
    """The variant this attempt sits, with its keys (assignment.py)."""
    return assignment.variant_of(payload(room), attempt)
