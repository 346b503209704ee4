"""The ingest queue on the centre's own database: the web front stores an upload and queues it;
workers (`central-scorer worker`, on any host that reaches the database and holds the centre's
keys) claim jobs and ingest them, off the web loop.

A claim is one statement: the oldest queued job — or a running one whose lease ran out (its
worker died) — is marked running with a new lease. On PostgreSQL the candidate row is locked with
``FOR UPDATE SKIP LOCKED``, so workers on several hosts never take the same job and never wait on
each other; SQLite serialises writers anyway. Ingest is idempotent (a bundle already stored is a
duplicate) and serialised per organisation inside its own transaction (`ingest.bundles`), so a job
done twice after a lost lease stores nothing twice, and two workers never interleave one
organisation's bundles.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import or_, select, update

from central_scorer.centre import Centre
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.central_models import IngestJob

LEASE = dt.timedelta(minutes=10)
FINISHED = ("stored", "duplicate", "refused", "failed")


def inbox(centre: Centre) -> Path:
    return centre.root / "inbox"


def enqueue(centre: Centre, sha256: str, data: bytes) -> IngestJob:
    """Keep the bundle durably, then queue it (once per SHA-256: a re-sent bundle gets its job)."""
    with centre.read() as s:
        job = s.scalar(select(IngestJob).where(IngestJob.sha256 == sha256))
    if job is not None:
        return job
    path = inbox(centre) / f"{sha256}.cbtbundle"
    write_durably(path, data)
    from sqlalchemy.exc import IntegrityError

    try:
        with centre.tx() as s:
            job = IngestJob(sha256=sha256, path=str(path), size=len(data), status="queued")
            s.add(job)
    except IntegrityError:  # queued by a concurrent upload of the same bytes
        with centre.read() as s:
            job = s.scalar(select(IngestJob).where(IngestJob.sha256 == sha256))
    return job


def job_state(centre: Centre, sha256: str) -> dict[str, Any] | None:
    with centre.read() as s:
        job = s.scalar(select(IngestJob).where(IngestJob.sha256 == sha256))
    if job is None:
        return None
    out: dict[str, Any] = {"job_id": job.id, "ingest": job.status}
    if job.outcome_json:
        out["outcome"] = json.loads(job.outcome_json)
    return out


def claim(centre: Centre, worker: str) -> IngestJob | None:
    now = utcnow()
    with centre.tx() as s:
        candidate = (select(IngestJob.id)
                     .where(or_(IngestJob.status == "queued",
                                (IngestJob.status == "running") & (IngestJob.lease_until < now)))
                     .order_by(IngestJob.id).limit(1))
        if s.get_bind().dialect.name == "postgresql":
            candidate = candidate.with_for_update(skip_locked=True)
        job_id = s.scalar(candidate)
        if job_id is None:
            return None
        s.execute(update(IngestJob).where(IngestJob.id == job_id).values(
            status="running", worker=worker, lease_until=now + LEASE, tries=IngestJob.tries + 1))
        return s.get(IngestJob, job_id)


def finish(centre: Centre, job_id: int, status: str, outcome: dict[str, Any]) -> None:
    with centre.tx() as s:
        s.execute(update(IngestJob).where(IngestJob.id == job_id).values(
            status=status, finished_at=utcnow(), lease_until=None,
            outcome_json=json.dumps(outcome, ensure_ascii=False)))


def run_one(centre: Centre, job: IngestJob) -> dict[str, Any]:
    from central_scorer.ingest.files import ingest_file

    outcome, code = ingest_file(centre, Path(job.path))
    status = outcome.get("status") if code == 0 else ("refused" if "exit_code" in outcome else "failed")
    finish(centre, job.id, status, outcome)
    if status in ("stored", "duplicate", "refused"):
        Path(job.path).unlink(missing_ok=True)  # the bundle lives on in the database (or was refused)
    return {"job_id": job.id, "sha256": job.sha256, **outcome}


def work(centre: Centre, once: bool = False, poll: float = 1.0, publish_every: float = 30.0,
         on_job: Callable[[dict[str, Any]], None] | None = None, stop: Callable[[], bool] = lambda: False,
         publish: bool = True) -> int:
    """Claim and ingest jobs until stopped (or, with `once`, until the queue is empty). The public
    page is rebuilt when the queue falls idle after a store, at most every `publish_every` s."""
    from central_scorer.web.publish import publish as publish_site

    name = f"{socket.gethostname()}:{os.getpid()}"
    done = 0
    stored_since = False
    last_publish = 0.0
    while not stop():
        job = claim(centre, name)
        if job is None:
            if publish and stored_since and time.monotonic() - last_publish >= (0 if once else publish_every):
                publish_site(centre, if_changed=True)
                stored_since, last_publish = False, time.monotonic()
            if once:
                break
            time.sleep(poll)
            continue
        outcome = run_one(centre, job)
        done += 1
        stored_since = stored_since or outcome.get("status") == "stored"
        if on_job:
            on_job(outcome)
    return done
