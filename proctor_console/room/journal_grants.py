"""The journal grant a kiosk gets at login (common/journal_grant.py): the attempt's facts and its
journal key sealed to the centre and signed by this room, so that the centre can score the kiosk's
journal if this PC is lost before its bundle reaches the centre."""

from __future__ import annotations

import json
from typing import Any

from common.crypto.sealing import RecipientPublicKey
from common.journal_grant import make_grant
from common.storage.room_models import Attempt, Student
from proctor_console.room import data_keys
from proctor_console.room.configuration import signing_key
from proctor_console.room.roster import full_name
from proctor_console.room.store import RoomStore


def grant_for(room: RoomStore, attempt: Attempt, student: Student) -> dict[str, Any]:
    facts = {
        "attempt_id": attempt.id, "individual_code": student.individual_code,
        "full_name": full_name(student), "grade": student.grade, "language": student.language,
        "organisation_code": room.setting("organisation_code") or "",
        "room_id": room.setting("room_id") or "", "package_id": attempt.package_id,
        "exam_id": attempt.exam_id,
        "permutation": json.loads(attempt.permutation_json) if attempt.permutation_json else None,
        "started_at": attempt.started_at.isoformat(), "deadline_at": attempt.deadline_at.isoformat(),
    }
    centre = RecipientPublicKey.from_b64(room.setting("centre_recipient_key") or "")
    return make_grant(facts, data_keys.unwrap(room, attempt.journal_key, attempt.id), centre,
                      signing_key(room))
