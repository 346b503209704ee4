"""Ingest off the web loop: uploads are queued on the centre's database and taken in by workers —
several at once, on PostgreSQL with FOR UPDATE SKIP LOCKED — each bundle once, a room's newer
bundle winning, a dead worker's job taken over when its lease runs out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from central_scorer.ingest.queue import enqueue, work
from common.storage.central_models import IngestJob, ReceivedBundle, Result
from proctor_console.room import sealing
from tests.central_scorer.rooms import sat_room


def queue_file(centre, path: Path) -> IngestJob:
    data = path.read_bytes()
    return enqueue(centre, hashlib.sha256(data).hexdigest(), data)


@pytest.mark.postgres
@pytest.mark.parametrize("centre", ["postgresql"], indirect=True)
def test_two_workers_take_the_queue_in_without_doubling_or_reordering(day, tmp_path, centre):
    older = Path(sealing.seal(day.room, "rep")["path"])
    newer = Path(sealing.seal(day.room, "rep")["path"])
    others = [sat_room(tmp_path, centre, f"5000{i}", f"R-Q{i}", 3, seed=i) for i in range(4)]
    for path in (older, newer, *others):
        queue_file(centre, path)
    queue_file(centre, others[0])  # the same upload again: one job
    with centre.tx() as s:  # a worker died holding this job; its lease has run out
        s.execute(update(IngestJob).where(IngestJob.id == 3).values(
            status="running", worker="dead:1", tries=1,
            lease_until=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    url = centre.engine.url.render_as_string(hide_password=False)
    cmd = [sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root), "--database-url",
           url, "worker", "--once", "--no-publish"]
    workers = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers)
    lines = [json.loads(line) for out in outputs for line in out.splitlines() if line.startswith('{"job_id"')]
    assert sorted(line["job_id"] for line in lines) == [1, 2, 3, 4, 5, 6]  # each job once
    assert all(sum(1 for line in lines if line["job_id"] == j) == 1 for j in range(1, 7))
    with centre.read() as s:
        jobs = {j.id: j for j in s.scalars(select(IngestJob))}
        assert len(jobs) == 6 and jobs[3].tries == 2 and jobs[3].status == "stored"
        assert {jobs[1].status, jobs[2].status} <= {"stored", "refused"}  # older after newer: refused
        newest = s.scalar(select(func.max(ReceivedBundle.sequence)).where(ReceivedBundle.organisation_code == "100200"))
        assert newest == 2  # the newer bundle's rows are the ones kept
        assert s.scalar(select(func.count()).select_from(Result)) == 6 + 4 * 3
    assert not list((centre.root / "inbox").iterdir())


def test_a_worker_in_process_empties_the_queue_and_publishes(day, centre):
    job = queue_file(centre, Path(sealing.seal(day.room, "rep")["path"]))
    assert work(centre, once=True) == 1
    with centre.read() as s:
        assert s.get(IngestJob, job.id).status == "stored"
    assert (centre.root / "public" / "current" / "version.json").exists()
