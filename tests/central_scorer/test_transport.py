"""Both roads to the centre — HTTPS upload (resumable) and a file on a USB stick — give the same scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import select

from common import upload_auth
from common.storage.central_models import CentralPackage, TrustedRoom

from central_scorer.ingest.queue import work
from central_scorer.reports.organisation import organisation_results
from proctor_console.room import sealing


def _scores(results: list[dict]) -> dict[str, tuple]:
    return {r["individual_code"]: (r["status"], r["score"], r["void_reason"], r["absence_reason"])
            for r in results}


def test_https_upload_resumes_and_usb_file_gives_identical_results(day, central_server, tmp_path):
    url, ca = central_server
    room = day.room
    with room.tx() as s:  # the room trusts the centre's certificate, as configured at set-up
        room.set_setting(s, "centre_tls_ca", ca)
    bundle = sealing.seal(room, "rep")
    raw = Path(bundle["path"]).read_bytes()

    # The network died after the first 1000 bytes of an earlier try: the centre kept them.
    target = f"{url}/api/v1/uploads/{bundle['sha256']}"
    import ssl

    verify = ssl.create_default_context(cadata=ca)
    first = httpx.put(target, params={"offset": 0, "total": len(raw)}, content=raw[:1000], verify=verify,
                      headers=upload_auth.sign(room.signing_key, bundle["sha256"], 0, len(raw), raw[:1000]))
    assert first.json() == {"received": 1000}

    result = sealing.upload(room, url, "rep", chunk=4096)
    assert result["status"] == "queued" and result["received"] == len(raw)  # kept, for a worker
    assert httpx.get(target, verify=verify).json()["ingest"] == "queued"
    assert work(day.centre, once=True, publish=False) == 1  # a worker takes it in
    state = httpx.get(target, verify=verify).json()
    assert state["ingest"] == "stored" and state["outcome"]["scored"] == 4
    assert not list((day.centre.root / "uploads").iterdir())  # nothing half-kept
    again = sealing.upload(room, url, "rep")
    assert again["status"] == "stored" and again["job_id"] == state["job_id"]  # a re-send changes nothing
    assert work(day.centre, once=True, publish=False) == 0
    over_https = _scores(organisation_results(day.centre, "100200"))

    # The USB road: the proctor seals to a file; another centre (same keys) ingests it by CLI.
    usb = tmp_path / "usb"
    usb.mkdir()
    env = {**os.environ, "CBT_PROCTOR_PIN": "1234"}
    sealed = subprocess.run([sys.executable, "-m", "proctor_console.cli", "seal", "--data-dir",
                             str(room.paths.root), "--login", "rep", "--out", str(usb)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert sealed.returncode == 0, sealed.stderr
    copied = Path(json.loads(sealed.stdout)["copied_to"])
    assert copied.parent == usb and copied.read_bytes() == Path(json.loads(sealed.stdout)["path"]).read_bytes()

    import shutil

    usb_centre_dir = tmp_path / "usb-centre"
    shutil.copytree(day.centre.root, usb_centre_dir, ignore=shutil.ignore_patterns("*.sqlite3*", "uploads"))
    from central_scorer.centre import Centre

    usb_centre = Centre(usb_centre_dir)
    with day.centre.read() as s:  # the same trusted rooms and packages, in its own database
        rooms = list(s.scalars(select(TrustedRoom)))
        packages = list(s.scalars(select(CentralPackage)))
    with usb_centre.tx() as s:
        for row in [*rooms, *packages]:
            s.merge(row)
    ingested = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir",
                               str(usb_centre_dir), "ingest", str(copied)],
                              capture_output=True, text=True, timeout=120)
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    assert json.loads(ingested.stdout)["status"] == "stored"
    assert _scores(organisation_results(usb_centre, "100200")) == over_https


def test_a_chunk_out_of_place_is_told_where_to_resume(central_server, room_setup):
    url, ca = central_server
    import ssl

    key = room_setup.room.signing_key  # a room the centre trusts signs every chunk
    verify = ssl.create_default_context(cadata=ca)
    sha = "ab" * 32
    reply = httpx.put(f"{url}/api/v1/uploads/{sha}", params={"offset": 10, "total": 100},
                      content=b"x" * 10, verify=verify,
                      headers=upload_auth.sign(key, sha, 10, 100, b"x" * 10))
    assert reply.status_code == 409
    assert reply.json()["details"]["received"] == 0
    corrupt = httpx.put(f"{url}/api/v1/uploads/{sha}", params={"offset": 0, "total": 10},
                        content=b"x" * 10, verify=verify,
                        headers=upload_auth.sign(key, sha, 0, 10, b"x" * 10))
    assert corrupt.status_code == 422 and corrupt.json()["error"] == "upload_corrupted"
