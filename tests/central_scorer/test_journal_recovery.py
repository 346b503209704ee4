"""The room PC dies: its kiosks' journals, carried to the centre, are scored without it.

Kiosks (the client's own engine) answer through a real room server; mid-test the room's data
directory is deleted and the kiosks go on from their journals. Then `exam-client export-journal`
writes each candidate's file to a folder (the USB stick) and `central-scorer ingest-journal` scores
them at the centre: every answer a kiosk confirmed is stored and scored, marked recovered. A bundle
of the same room arriving later replaces the recovered result (scored once); a journal arriving
after the bundle changes nothing. Forged or foreign files are refused with a stable exit code.
"""

from __future__ import annotations

import base64
import json
import random
import shutil
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from central_scorer.ingest.journals import RECOVERED_PREFIX, ingest_journal_file
from common.journal_grant import export_bytes, read_export
from common.storage.central_models import ReceivedBundle, Response, Result
from exam_client.engine.headless import choose
from proctor_console.room import sealing

REPO = Path(__file__).resolve().parents[2]


def start_day(room_setup):
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    return room


def answer_some(sitting, n: int, offset: int = 0) -> list:
    entries = []
    rng = random.Random(f"{sitting.attempt_id}:{offset}")
    for item in sitting.items[offset:offset + n]:  # an answer that fits the item
        entries.append(sitting.answer(item["id"], choose(item, rng)))  # confirmed: on disk
    return entries


def kiosk_config(tmp_path: Path, engine) -> Path:
    path = tmp_path / f"{engine.config.workstation_id}.json"
    path.write_text(json.dumps({"host": "127.0.0.1", "port": 1, "fingerprint": "x",
                                "workstation_id": engine.config.workstation_id,
                                "data_dir": str(engine.config.data_dir), "language": "kk"}), "utf-8")
    return path


def run(args: list[str], centre=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if centre is not None and centre.engine.url.get_backend_name() != "sqlite":
        # The database URL (with its password) never goes on a command line (docs/cli.md).
        env["CBT_CENTRE_DATABASE_URL"] = centre.engine.url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=env)


def centre_args(centre) -> list[str]:
    return ["central_scorer.cli.main", "--data-dir", str(centre.root)]


def results(centre, code: str) -> list[Result]:
    with centre.read() as s:
        return list(s.scalars(select(Result).where(Result.individual_code == code)))


def test_room_pc_dies_and_every_confirmed_answer_is_scored_at_the_centre(
        tmp_path, room_setup, room_server, kiosk, centre):
    room = start_day(room_setup)
    sittings, confirmed = {}, {}
    for cred in room_setup.credentials[:3]:
        engine = kiosk(cred["seat"])
        sitting = engine.login(cred["login"], cred["password"])
        confirmed[cred["individual_code"]] = answer_some(sitting, 3)
        sitting.replicate()
        sittings[cred["individual_code"]] = (engine, sitting)
    shutil.rmtree(room.paths.root)  # the room PC dies: its database and keys are gone
    for code, (engine, sitting) in sittings.items():
        confirmed[code] += answer_some(sitting, 2, offset=3)  # the kiosks go on from their journals
        sitting.journal.close()

    usb = tmp_path / "usb"
    for engine, _ in sittings.values():
        done = run(["exam_client.cli", "export-journal", "--config",
                    str(kiosk_config(tmp_path, engine)), "--out", str(usb)])
        assert done.returncode == 0, done.stderr
        assert "жауаптар журналы" in done.stdout  # the kiosk's language (kk)
    files = sorted(usb.glob("*.cbtjx"))
    assert len(files) == 3
    for f, (code, (engine, _)) in zip(files, sorted(sittings.items(), key=lambda kv: kv[1][1].attempt_id)):
        raw = f.read_bytes()  # encrypted: no name, no individual code in clear
        assert code.encode() not in raw and "Тест".encode() not in raw

    done = run([*centre_args(centre), "ingest-journal", *map(str, files)], centre)
    assert done.returncode == 0, done.stderr + done.stdout
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["stored"] * 3

    for code, entries in confirmed.items():
        [result] = results(centre, code)
        assert result.status == "scored" and result.score is not None
        with centre.read() as s:
            assert s.get(ReceivedBundle, result.bundle_pk).room_id.startswith(RECOVERED_PREFIX)
            stored = {r.seq: (r.item_id, json.loads(r.answer_json)) for r in s.scalars(
                select(Response).where(Response.result_id == result.id))}
        assert stored == {e.seq: (e.item_id, e.answer) for e in entries}

    again = run([*centre_args(centre), "ingest-journal", str(files[0])], centre)
    assert again.returncode == 0 and json.loads(again.stdout)["status"] == "duplicate"


def test_a_later_bundle_replaces_the_recovered_result_and_scores_it_once(
        tmp_path, room_setup, room_server, kiosk, centre):
    room = start_day(room_setup)
    cred = room_setup.credentials[0]
    engine = kiosk(cred["seat"])
    sitting = engine.login(cred["login"], cred["password"])
    answer_some(sitting, 4)
    sitting.submit()
    sitting.journal.close()
    usb = tmp_path / "usb"
    assert run(["exam_client.cli", "export-journal", "--config", str(kiosk_config(tmp_path, engine)),
                "--out", str(usb)]).returncode == 0
    [file] = usb.glob("*.cbtjx")
    recovered, code = ingest_journal_file(centre, file)
    assert code == 0 and recovered["status"] == "stored"

    report = ingest(centre, Path(sealing.seal(room, "rep")["path"]).read_bytes())
    assert report.status == "stored"
    [result] = results(centre, cred["individual_code"])  # one row: the bundle's
    with centre.read() as s:
        assert not s.get(ReceivedBundle, result.bundle_pk).room_id.startswith(RECOVERED_PREFIX)
    assert result.score == recovered["score"]  # the same answers, the same score either way
    late, code = ingest_journal_file(centre, file)
    assert code == 0 and late["status"] == "duplicate"
    assert len(results(centre, cred["individual_code"])) == 1


def test_forged_foreign_and_broken_files_are_refused(tmp_path, room_setup, room_server, kiosk,
                                                     centre):
    start_day(room_setup)
    cred = room_setup.credentials[0]
    engine = kiosk(cred["seat"])
    sitting = engine.login(cred["login"], cred["password"])
    answer_some(sitting, 2)
    sitting.journal.close()
    usb = tmp_path / "usb"
    assert run(["exam_client.cli", "export-journal", "--config", str(kiosk_config(tmp_path, engine)),
                "--out", str(usb)]).returncode == 0
    [file] = usb.glob("*.cbtjx")
    grant, journal = read_export(file.read_bytes())

    def refused(raw: bytes) -> tuple[str, int]:
        bad = tmp_path / "bad.cbtjx"
        bad.write_bytes(raw)
        reply, code = ingest_journal_file(centre, bad)
        assert "status" not in reply
        return reply["error"], code

    forged = dict(grant, signature=base64.b64encode(bytes(64)).decode())
    assert refused(export_bytes(forged, journal)) == ("bad_signature", 11)
    assert refused(export_bytes(dict(grant, room_key_id="0" * 16), journal)) == ("unknown_signer", 12)
    damaged = bytearray(journal)
    damaged[len(damaged) // 2] ^= 0xFF  # inside the first of two records: damage, not a tail
    assert refused(export_bytes(grant, bytes(damaged)))[1] in (14,)
    assert refused(b"not a journal export") == ("malformed", 10)
    with centre.read() as s:
        assert s.scalar(select(Result.id)) is None  # nothing stored by any refusal
    done = run([*centre_args(centre), "ingest-journal", str(tmp_path / "bad.cbtjx")], centre)
    assert done.returncode == 10 and "Traceback" not in done.stderr
