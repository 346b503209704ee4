"""Rooms of any organisation, grade and language, sat and sealed, for the centre's tests."""

from __future__ import annotations

import json
from pathlib import Path

from common.crypto import passwords
from common.demo.roster import demo_content_json, demo_roster_csv
from common.domain.exam import content_from_dict
from tests.conftest import FAST_KDF_KIB

PERFECT = {"r1": "b", "r2": "c", "r3": ["a", "b"], "m1": "480", "m3": "5,5", "s2": ["a", "c"]}


def sat_room(tmp_path: Path, centre, organisation: str, room_id: str, students: int, *,
             grade: str = "4", language: str = "kk", answers: dict | None = None, seed: int = 2026,
             absent: dict[int, str] | None = None) -> Path:
    """A room of `organisation` whose students all sit (except `absent`: index → §12 reason) the
    demo test with `answers`, sealed; returns the bundle's path."""
    from proctor_console.room.room import Room
    from proctor_console.room import sealing

    where = tmp_path / room_id
    room = Room(where / "room", password_params=passwords.FAST)
    key = room.configure({"room_id": room_id, "organisation_code": organisation,
                          "organisation_name": f"Мектеп {organisation}", "room_no": "1",
                          **centre.public_info(),
                          "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = json.loads(demo_content_json())
    content["grade"], content["language"] = grade, language
    package = centre.make_package(content_from_dict(content), organisation, where / "pkg.cbtpkg",
                                  kdf_memory_kib=FAST_KDF_KIB)
    room.import_package((where / "pkg.cbtpkg").read_bytes(), "rep")
    roster = demo_roster_csv(students, seed=seed).replace(",4,", f",{grade},").replace(",kk\n", f",{language}\n")
    creds = room.import_roster(roster, "rep")
    absent = absent or {}
    for i, cred in enumerate(creds):
        if i in absent:
            room.mark_attendance(cred["individual_code"], "absent", absent[i], "rep")
        else:
            room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(package["start_code"], "rep")
    answers = PERFECT if answers is None else answers
    for i, cred in enumerate(creds):
        if i in absent:
            continue
        reply = room.login(cred["login"], cred["password"], cred["seat"])
        entries = [{"seq": n, "item_id": k, "answer": v, "client_ts": 0.0}
                   for n, (k, v) in enumerate(answers.items(), start=1)]
        room.save_answers(reply["attempt_id"], entries)
        room.submit(reply["attempt_id"], len(entries))
    return Path(sealing.seal(room, "rep")["path"])
