"""A package assembled from a specification and a bank, through a real room: the kiosk gets the
keyless view, the room scores the submitted answers for the screen, and the centre, from its own
copy of the payload, gets the same score with the same engine."""

from __future__ import annotations

import json
import random
import time

import pytest

from central_scorer.cli import main as central_main
from common.crypto import passwords
from common.demo.roster import demo_roster_csv
from common.domain.exam import KEY_FIELDS, ItemType, latest_answers, score_attempt
from exam_client.headless import choose


def _keys_anywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


@pytest.mark.parametrize("spec", ["grade4", "college2"])
def test_room_and_centre_score_an_assembled_package_alike(centre, tmp_path, capsys, spec):
    from proctor_console.room import Room

    out = tmp_path / "pkg.cbtpkg"
    assert central_main(["--data-dir", str(centre.root), "package", "build", "--spec", spec,
                         "--bank", spec, "--count", "2", "--seed", "11", "--organisation", "100200",
                         "--out", str(out), "--kdf-memory-kib", "1024"]) == 0
    built = json.loads(capsys.readouterr().out)

    room = Room(tmp_path / "room", password_params=passwords.FAST)
    key = room.configure({
        "room_id": "R-C-1", "organisation_code": "100200", "organisation_name": "Тест колледжі",
        "room_no": "3", **centre.public_info(),
        "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл Тестов"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    room.import_package(out.read_bytes(), "rep")
    credentials = room.import_roster(demo_roster_csv(2), "rep")
    for person in credentials:
        room.mark_attendance(person["individual_code"], "present", None, "rep")
    room.start(built["start_code"], "rep")

    scores = []
    for n, person in enumerate(credentials):
        reply = room.login(person["login"], person["password"], person["seat"])
        public = reply["content"]
        assert not _keys_anywhere(public) & KEY_FIELDS
        items = [i for s in public["sections"] for i in s["items"]]
        rng = random.Random(n)
        entries = [{"seq": k, "item_id": item["id"], "answer": choose(item, rng), "client_ts": time.time()}
                   for k, item in enumerate(items, start=1)]
        room.save_answers(reply["attempt_id"], entries)
        result = room.submit(reply["attempt_id"], len(entries))
        centre_content = centre.package_content(built["package_id"])
        assert centre_content.exam_id == public["exam_id"]
        assert result["max_score"] == centre_content.max_score
        assert result["score"] == score_attempt(centre_content, latest_answers(entries))
        scores.append(result["score"])
    kinds = {i.type for i in centre.package_content(built["package_id"]).items}
    assert len(kinds) >= 6 and ItemType.SINGLE_CHOICE in kinds
    assert any(s > 0 for s in scores)
