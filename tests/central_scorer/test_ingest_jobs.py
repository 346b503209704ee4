"""`central-scorer ingest --jobs N`: worker processes, the same outcome as one file after another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from central_scorer.ingest.bundles import EXIT_CODES
from common.storage.central_models import ReceivedBundle, Response, Result
from proctor_console.room import sealing


def count(centre, query) -> int:
    with centre.read() as s:
        return s.scalar(query)


def test_jobs_keep_each_organisations_order_and_the_outcome_of_one_by_one(day, tmp_path):
    centre = day.centre
    older = Path(sealing.seal(day.room, "rep")["path"])
    newer = Path(sealing.seal(day.room, "rep")["path"])
    junk = tmp_path / "junk.cbtbundle"
    junk.write_bytes(b'{"format": "not a bundle"}')
    copy = tmp_path / "copy.cbtbundle"
    copy.write_bytes(newer.read_bytes())
    # One after another, the newer bundle is stored and the older one, given after it, is a
    # replay; in parallel the same must hold, so the room's bundles stay in one worker in order.
    files = [newer, older, junk, copy]
    cmd = [sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root)]
    env = dict(os.environ)
    if centre.engine.dialect.name == "postgresql":
        env["CBT_CENTRE_DATABASE_URL"] = centre.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([*cmd, "ingest", "--jobs", "2", *map(str, files)],
                          capture_output=True, text=True, timeout=180, env=env)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == list(map(str, files)), done.stderr
    assert [line.get("status") or line["error"] for line in lines] == [
        "stored", "replayed_old", "malformed", "duplicate"]
    assert done.returncode == EXIT_CODES["replayed_old"]  # the first refusal in the order given

    assert count(centre, select(func.count()).select_from(ReceivedBundle)) == 1
    assert count(centre, select(func.count()).select_from(Result)) == len(day.credentials)
    assert count(centre, select(func.count()).select_from(Response)) > 0
