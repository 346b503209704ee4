"""A package assembled from a specification and a bank, through a real room and on to the centre:
each student sits their own variant in their own order (proctor_console/room/assignment.py), the kiosk
gets the keyless view, the room scores the submitted answers for the screen with the student's
variant, and the centre, from its own copy of the payload and the bundle's record of the variant,
gets the same score with the same engine."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from central_scorer.cli.main import main as central_main
from central_scorer.ingest.bundles import ingest
from central_scorer.reports.organisation import organisation_results
from common.bundle import open_bundle
from common.content.variants import apply_permutation
from common.crypto import passwords
from common.demo.roster import demo_roster_csv
from common.domain.exam import KEY_FIELDS, content_to_dict
from common.domain.items import ItemType
from common.domain.scoring import latest_answers, score_attempt, score_item
from exam_client.engine.headless import choose
from proctor_console.room import sealing


def _keys_anywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


def _order(content: dict) -> list:
    """What the screen shows in which order: items, and each item's options."""
    return [(i["id"], [o["id"] for o in i.get("options", [])]) for s in content["sections"] for i in s["items"]]


@pytest.mark.parametrize("spec", ["grade4", "college2"])
def test_each_student_sits_their_own_variant_and_room_and_centre_score_alike(centre, tmp_path, capsys, spec):
    from proctor_console.room.room import Room

    out = tmp_path / "pkg.cbtpkg"
    assert central_main(["--data-dir", str(centre.root), "package", "build", "--spec", spec,
                         "--bank", spec, "--count", "2", "--seed", "11", "--organisation", "100200",
                         "--out", str(out), "--kdf-memory-kib", "1024"]) == 0
    built = json.loads(capsys.readouterr().out)
    payload = centre.package_payload(built["package_id"])

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

    sat: dict[str, dict] = {}
    for n, person in enumerate(credentials):
        reply = room.login(person["login"], person["password"], person["seat"])
        public = reply["content"]
        assert not _keys_anywhere(public) & KEY_FIELDS
        variant = payload.by_exam_id(public["exam_id"])  # the centre's keyed copy of that variant
        shown = _order(public)
        canonical = _order(content_to_dict(variant, with_keys=False))
        assert {i: sorted(o) for i, o in shown} == {i: sorted(o) for i, o in canonical}
        assert shown != canonical  # options are shuffled
        # Right answers by id for the single-choice items (whatever their place on the screen),
        # a student's guesses elsewhere.
        keyed = {i.id: i for i in variant.items}
        rng = random.Random(n)
        items = [i for s in public["sections"] for i in s["items"]]
        entries = [{"seq": k, "item_id": item["id"],
                    "answer": (keyed[item["id"]].correct[0] if item["type"] == "single_choice"
                               else choose(item, rng)), "client_ts": time.time()}
                   for k, item in enumerate(items, start=1)]
        room.save_answers(reply["attempt_id"], entries)
        again = room.login(person["login"], person["password"], person["seat"])
        assert again["resumed"] and again["content"] == public  # the same order after a restart
        result = room.submit(again["attempt_id"], len(entries))
        answers = latest_answers(entries)
        assert result["max_score"] == variant.max_score
        assert result["score"] == score_attempt(variant, answers)
        singles = [i for i in variant.items if i.type is ItemType.SINGLE_CHOICE]
        assert singles and all(score_item(i, answers[i.id]) == i.points for i in singles)
        sat[person["individual_code"]] = {"exam_id": public["exam_id"], "public": public,
                                          "score": result["score"]}

    # Two students of one language, two parallel variants: one each.
    assert {s["exam_id"] for s in sat.values()} == {v.exam_id for v in payload.of_language("kk")}

    # The bundle records each student's variant and permutation; the view rebuilds from them.
    bundle = sealing.seal(room, "rep")
    opened = open_bundle(
        Path(bundle["path"]).read_bytes(), rooms=centre.trusted_rooms(),
        centre_key=centre.recipient_key, centre_id=centre.centre_id)
    for attempt in opened.parts["attempts"]:
        mine = sat[attempt["individual_code"]]
        assert attempt["exam_id"] == mine["exam_id"]
        rebuilt = apply_permutation(payload.by_exam_id(attempt["exam_id"]), attempt["permutation"])
        assert content_to_dict(rebuilt, with_keys=False) == mine["public"]

    # The centre re-scores each with the variant the student sat: the room's numbers exactly.
    report = ingest(centre, Path(bundle["path"]).read_bytes())
    assert report.scored == 2 and report.score_mismatches == []
    for row in organisation_results(centre, "100200"):
        assert row["exam_id"] == sat[row["individual_code"]]["exam_id"]
        assert row["score"] == row["room_score"] == sat[row["individual_code"]]["score"]
    assert any(s["score"] > 0 for s in sat.values())


def _two_variant_package(centre, tmp_path: Path, capsys) -> tuple[Path, dict]:
    """A package of two parallel variants for organisation 100200, and what `package build` printed."""
    out = tmp_path / "pkg.cbtpkg"
    assert central_main(["--data-dir", str(centre.root), "package", "build", "--spec", "grade4",
                         "--bank", "grade4", "--count", "2", "--seed", "5", "--organisation", "100200",
                         "--out", str(out), "--kdf-memory-kib", "1024"]) == 0
    return out, json.loads(capsys.readouterr().out)


def _open_room(where: Path, centre, package: Path, start_code: str, room_id: str):
    """A room of five admitted students with `package`, opened; returns it and the credentials."""
    from proctor_console.room.room import Room

    room = Room(where, password_params=passwords.FAST)
    room.configure({"room_id": room_id, "organisation_code": "100200", "organisation_name": "Т",
                    "room_no": "4", **centre.public_info(),
                    "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл"}})
    room.import_package(package.read_bytes(), "rep")
    people = room.import_roster(demo_roster_csv(5), "rep")
    for person in people:
        room.mark_attendance(person["individual_code"], "present", None, "rep")
    room.start(start_code, "rep")
    return room, people


def test_variants_are_dealt_balanced_in_seat_order_and_reproducibly(centre, tmp_path, capsys):
    out, built = _two_variant_package(centre, tmp_path, capsys)

    def sitting(where: Path) -> list[str]:
        room, people = _open_room(where, centre, out, built["start_code"], "R-C-2")
        # Logging in out of seat order changes nothing: the deal follows the seats.
        replies = {p["seat"]: room.login(p["login"], p["password"], p["seat"]) for p in reversed(people)}
        return [replies[seat]["content"]["variant"] for seat in sorted(replies)]

    dealt = sitting(tmp_path / "room-a")
    assert sorted(dealt) == ["01", "01", "01", "02", "02"] or sorted(dealt) == ["01", "01", "02", "02", "02"]
    assert all(a != b for a, b in zip(dealt, dealt[1:]))  # neighbours differ
    assert sitting(tmp_path / "room-b") == dealt  # the same package and seats: the same deal


def test_a_seat_move_after_the_first_login_deals_as_if_the_student_had_always_sat_there(
        centre, tmp_path, capsys):
    """The room keeps each student's place in seat order in memory once a login read it
    (room/memory.py `positions`); a seat move must make the next login read it again. Room A moves
    a student after the first login, room B before any: the same deal for everyone who logged in
    after the move."""
    from proctor_console.room import incidents

    out, built = _two_variant_package(centre, tmp_path, capsys)

    def deal(where: Path, login_first: bool) -> dict[str, str]:
        room, people = _open_room(where, centre, out, built["start_code"], "R-C-3")
        first, moved = people[0], people[3]  # seats 01 and 04
        replies = {}
        if login_first:
            replies[first["login"]] = room.login(first["login"], first["password"], "01")
        incidents.move_seat(room, moved["individual_code"], "00", "", "rep")  # now first in order
        for p in people:
            if p["login"] not in replies:
                seat = "00" if p is moved else p["seat"]
                replies[p["login"]] = room.login(p["login"], p["password"], seat)
        # the one who logged in before the move keeps what they were dealt then
        return {login: reply["content"]["variant"] for login, reply in replies.items()
                if login != first["login"]}

    a, b = deal(tmp_path / "room-a", True), deal(tmp_path / "room-b", False)
    assert a == b
