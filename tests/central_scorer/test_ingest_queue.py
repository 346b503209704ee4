"""Ingest off the web loop: uploads are queued on the centre's database and taken in by workers —
several at once, on PostgreSQL with FOR UPDATE SKIP LOCKED — each bundle once, a room's newer
bundle winning, a dead worker's job taken over when its lease runs out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from central_scorer.ingest.queue import enqueue, work
from common import upload_auth
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
    cmd = [sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
           "worker", "--once", "--no-publish"]
    env = {**os.environ, "CBT_CENTRE_DATABASE_URL": url}
    workers = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]
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


@pytest.mark.parametrize("centre", ["sqlite"], indirect=True)
def test_the_web_front_needs_no_private_key(day, centre, tmp_path):
    """The front stores and queues uploads and serves the public files and the portal without the
    centre's sealing or signing keys; only the worker needs them."""
    import shutil
    import ssl

    import httpx

    from central_scorer.centre import Centre
    from central_scorer.web.server import create_app
    from common.crypto.tls import make_self_signed
    from tls_server import serve_tls

    front_dir = tmp_path / "front"
    shutil.copytree(centre.root, front_dir)
    # every secret of the centre's key folder stays with the worker: signing, sealing, and the
    # data key that keeps start codes (issue 15)
    for secret in ("centre-signing.key", "centre-recipient.key", "centre-data.key"):
        (front_dir / "keys" / secret).unlink(missing_ok=True)
    front = Centre(front_dir, centre.engine.url.render_as_string(hide_password=False))
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    sealed = sealing.seal(day.room, "rep")
    data = Path(sealed["path"]).read_bytes()
    with serve_tls(create_app(front), cert, key) as port:
        url = f"https://127.0.0.1:{port}"
        tls = ssl.create_default_context(cafile=str(cert))
        reply = httpx.put(f"{url}/api/v1/uploads/{sealed['sha256']}", params={"offset": 0, "total": len(data)},
                          content=data, verify=tls,
                          headers=upload_auth.sign(day.room.signing_key, sealed["sha256"], 0, len(data), data))
        assert reply.json()["status"] == "queued"
        assert httpx.get(f"{url}/results/kk/", verify=tls).status_code == 200
        assert httpx.get(f"{url}/portal?lang=ru", verify=tls).status_code == 200
    assert not [p.name for p in (front_dir / "keys").iterdir() if p.suffix == ".key"]
    # the worker, with the keys, takes the job in from the queue the front filled (the inbox is
    # shared storage between hosts; here, the same disk)
    assert work(centre, once=True, publish=False) == 1
    with centre.read() as s:
        assert s.scalar(select(IngestJob.status)) == "stored"
