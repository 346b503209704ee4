"""National-scale ingest: sealed result bundles → `central_scorer.ingest.bundles.ingest` on SQLite and PostgreSQL.

Not a test. Run from the repository root::

    .venv/bin/python bench/bench_ingest.py [--quick] [--attempts 100000] [--per-bundle 1000]

The bundles are real: each comes from its own room (an Ed25519 key registered with
`Centre.trust_room`), is sealed with `common.bundle.seal_bundle` to the centre's HPKE key, and
holds the attempts of one synthetic 60-item test made with `Centre.make_package` — 60 items
answered per attempt, about one in ten changed once (so ~66 raw responses), a few absent students
and one confiscation act per bundle. The ingest runs in its own process per database, bundle after
bundle, as the centre's CLI and service do; its peak RSS is read after the first tenth and at the
end. The baseline is the cryptography alone: Ed25519 verify of the manifest plus HPKE open of the
payload, for the same bundles.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import benchlib  # noqa: E402
from benchlib import PY, REPO, peak_rss_mb  # noqa: E402
from ingest_floor import postgres_cpu_s, raw_floor  # noqa: E402

TARGET_RATE = 2000.0  # attempts/s
TARGET_RSS_MB = 500.0
CENTRE_ID = "KZ-NTC-BENCH"
ITEMS = 60


# --- making the bundles ----------------------------------------------------------------------------


def room_key(index: int):
    from common.crypto.signing import SigningKey

    return SigningKey.from_seed(f"bench-room-{index:05d}".encode())


def organisation(index: int) -> str:
    return f"{600000 + index:06d}"


def _make_bundle(job: tuple[int, int, str, str, str, str]) -> tuple[int, int]:
    """One room's bundle: `per_bundle` sitting students (and ~3% absent ones)."""
    from common.bundle import seal_bundle
    from common.crypto.sealing import RecipientPublicKey
    from common.domain.exam import content_from_dict
    from common.domain.scoring import score_attempt

    index, per_bundle, out_dir, recipient_b64, package_id, content_json = job
    content_dict = json.loads(content_json)
    content = content_from_dict(content_dict)
    items = benchlib.content_items(content_dict)
    rng = random.Random(index)
    started = datetime(2026, 5, 20, 4, 0, tzinfo=timezone.utc) + timedelta(minutes=index)
    org = organisation(index)
    attempts: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    absent = max(1, per_bundle // 33)
    for n in range(per_bundle + absent):
        code = f"{index:04d}{n:04d}"
        seat = f"{n + 1:02d}"
        sits = n < per_bundle
        attendance.append({"individual_code": code, "full_name": f"Оқушы {index}-{n}", "seat": seat,
                           "grade": "9", "class": "А", "language": "kk",
                           "attendance": "present" if sits else "absent",
                           "absence_reason": None if sits else "illness"})
        if not sits:
            continue
        skill = rng.random()
        responses = []
        ts = started.timestamp() + 60
        seq = 0
        for item in items:
            changes = 2 if rng.random() < 0.1 else 1
            for _ in range(changes):
                seq += 1
                ts += rng.uniform(5, 60)
                responses.append({"seq": seq, "item_id": item["id"],
                                  "answer": benchlib.answer_for(item, rng.random() * (1.4 - skill)),
                                  "client_ts": round(ts, 3),
                                  "received_at": datetime.fromtimestamp(ts + 0.05, timezone.utc).isoformat()})
        latest: dict[str, Any] = {}
        for r in responses:
            latest[r["item_id"]] = r["answer"]
        attempts.append({
            "attempt_id": str(uuid.UUID(int=rng.getrandbits(128))), "individual_code": code,
            "package_id": package_id, "exam_id": content.exam_id, "permutation": None,
            "workstation_id": seat, "status": "submitted",
            "started_at": started.isoformat(), "deadline_at": (started + timedelta(hours=4)).isoformat(),
            "finished_at": datetime.fromtimestamp(ts + 30, timezone.utc).isoformat(), "logins": 1,
            "room_score": score_attempt(content, latest), "max_score": content.max_score,
            "void_reason": None, "responses": responses,
        })
        audit.append({"at": started.isoformat(), "actor": f"kiosk:{seat}", "action": "login",
                      "details": {"individual_code": code}})
        audit.append({"at": attempts[-1]["finished_at"], "actor": f"kiosk:{seat}",
                      "action": "submitted", "details": {"individual_code": code}})
    chain(audit)
    acts = [{"number": f"A1-{index:04d}-1", "kind": "confiscation",
             "individual_code": attempts[0]["individual_code"],
             "data": {"items": [{"name": "Ұялы телефон", "brand": "—", "count": 1}]},
             "pdf_sha256": "0" * 64, "pdf": base64.b64encode(b"%PDF-1.4 placeholder").decode()}]
    raw = seal_bundle({"attempts": attempts, "attendance": attendance, "acts": acts, "incidents": [],
                       "audit": audit, "survey": []},
                      signer=room_key(index), recipient=RecipientPublicKey.from_b64(recipient_b64),
                      centre_id=CENTRE_ID, room_id=f"R{org}-1", organisation_code=org, sequence=1,
                      created_at=started + timedelta(hours=5))
    path = Path(out_dir) / f"{index:05d}.cbtbundle"
    path.write_bytes(raw)
    return len(attempts), len(raw)


def chain(audit: list[dict[str, Any]]) -> None:
    """Each entry linked to the one before, as the room exports its log (the centre checks it)."""
    from common.audit_chain import GENESIS, entry_hash

    prev = GENESIS
    for e in audit:
        e["prev_hash"] = prev
        e["hash"] = prev = entry_hash(prev, e["at"], e["actor"], e["action"], e["details"])


def prepare(work: Path, attempts: int, per_bundle: int, cache: Path | None) -> dict[str, Any]:
    """The centre (keys, package, trusted rooms) on SQLite, and the sealed bundles on disk.

    Making 100,000 attempts' bundles takes minutes, so they are kept in `cache` (under var/bench,
    keyed by the sizes and by the source of the code that makes them) with a pristine copy of the
    centre they are addressed to; a later run copies that centre and reads the same bundles.
    """
    from central_scorer.centre import Centre
    from common.domain.exam import content_from_dict

    if cache is not None and (cache / "meta.json").exists():
        meta = json.loads((cache / "meta.json").read_text("utf-8"))
        shutil.copytree(cache / "centre-sqlite", work / "centre-sqlite")
        return {**meta, "centre_dir": work / "centre-sqlite", "bundles_dir": cache / "bundles",
                "bundles": sorted((cache / "bundles").glob("*.cbtbundle")), "cached": True}
    build = work / "build"
    centre = Centre(build / "centre-sqlite")
    centre.init(CENTRE_ID)
    content = benchlib.synthetic_content(ITEMS)
    bundles = max(1, attempts // per_bundle)
    packages = []  # one per organisation: the centre refuses a package made for another
    for i in range(bundles):
        key = room_key(i)
        centre.trust_room(f"R{organisation(i)}-1", organisation(i), key.verify_key.to_b64())
        packages.append(centre.make_package(content_from_dict(content), organisation(i),
                                            build / f"package-{i}.cbtpkg",
                                            kdf_memory_kib=benchlib.PACKAGE_KDF_KIB))
    package = packages[0]
    out = build / "bundles"
    out.mkdir()
    recipient = centre.recipient_key.public.to_b64()
    jobs = [(i, per_bundle, str(out), recipient, packages[i]["package_id"], json.dumps(content))
            for i in range(bundles)]
    t = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(min(2, os.cpu_count() or 1)) as pool:
        made = pool.map(_make_bundle, jobs, chunksize=1)
    centre.engine.dispose()
    meta = {"attempts": sum(a for a, _ in made), "bytes": sum(b for _, b in made),
            "package_id": package["package_id"], "make_s": time.monotonic() - t}
    (build / "meta.json").write_text(json.dumps(meta), "utf-8")
    if cache is not None:  # kept for the next run: the centre as it is now, before any ingest
        cache.parent.mkdir(parents=True, exist_ok=True)
        for stale in cache.parent.glob(cache.name.rsplit("-", 1)[0] + "-*"):
            shutil.rmtree(stale, ignore_errors=True)  # made by older code: never read again
        shutil.move(build, cache)
        build = cache
    shutil.copytree(build / "centre-sqlite", work / "centre-sqlite")
    return {**meta, "centre_dir": work / "centre-sqlite", "bundles_dir": build / "bundles",
            "bundles": sorted((build / "bundles").glob("*.cbtbundle")), "cached": False}


def cache_dir(attempts: int, per_bundle: int) -> Path:
    import hashlib

    sources = [Path(__file__).resolve(), BENCH_DIR / "benchlib.py", REPO / "common" / "bundle.py",
               REPO / "common" / "domain" / "exam.py"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]
    return REPO / "var" / "bench" / "cache" / f"ingest-{attempts}x{per_bundle}-{digest}"


def centre_on(url: str, sqlite_dir: Path, target_dir: Path, rooms: int) -> None:
    """The same centre (keys, trusted rooms, package) on another database."""
    from sqlalchemy import select

    from central_scorer.centre import Centre
    from common.storage.central_models import CentralPackage

    shutil.copytree(sqlite_dir / "keys", target_dir / "keys")
    shutil.copy2(sqlite_dir / "centre.json", target_dir / "centre.json")
    source = Centre(sqlite_dir)
    target = Centre(target_dir, url)
    for key_id, room in source.trusted_rooms().items():
        target.trust_room(room.room_id, room.organisation_code, room.verify_key.to_b64())
    with source.read() as s:
        packages = list(s.scalars(select(CentralPackage)))
    with target.tx() as s:
        for p in packages:
            s.add(CentralPackage(package_id=p.package_id, organisation_code=p.organisation_code,
                                 content_json=p.content_json, start_code=p.start_code))
    source.engine.dispose()
    target.engine.dispose()


# --- the baseline: the cryptography alone ----------------------------------------------------------


def crypto_alone(centre_dir: Path, bundles: list[Path]) -> float:
    """Seconds for Ed25519 verify + HPKE open of every bundle (the envelope decoded outside)."""
    from central_scorer.centre import Centre
    from common.bundle import _info

    centre = Centre(centre_dir)
    rooms = centre.trusted_rooms()
    key = centre.recipient_key
    total = 0.0
    for path in bundles:
        envelope = json.loads(path.read_bytes())
        manifest_bytes = base64.b64decode(envelope["manifest"])
        signature = base64.b64decode(envelope["signature"])
        sealed = base64.b64decode(envelope["payload"])
        manifest = json.loads(manifest_bytes)
        verify = rooms[envelope["key_id"]].verify_key
        t0 = time.perf_counter()
        verify.verify(signature, manifest_bytes)
        key.open(sealed, _info(envelope["format"], manifest["bundle_id"],
                               manifest["recipient_key_id"]))
        total += time.perf_counter() - t0
    centre.engine.dispose()
    return total


# --- the ingest, in its own process ----------------------------------------------------------------


def _ingest_worker(args: argparse.Namespace) -> None:
    import resource

    from sqlalchemy import func, select

    from central_scorer.centre import Centre
    from central_scorer.ingest.files import ingest_files
    from common.storage.central_models import Response, Result

    centre = Centre(Path(args.centre), args.url or None)
    bundles = sorted(Path(args.bundles).glob("*.cbtbundle"))
    rss_start = peak_rss_mb()
    done = 0
    rss_at: dict[str, float] = {}
    per_bundle: list[float] = []  # with --jobs 1: each bundle's ingest, reading the file included
    server_before = postgres_cpu_s() if args.url else None
    t_all, cpu_all = time.perf_counter(), time.process_time()
    t0 = t_all
    for _path, (report, _code) in ingest_files(centre, bundles, args.jobs):
        per_bundle.append(time.perf_counter() - t0)
        assert report.get("status") == "stored", report
        assert not report["score_mismatches"], report["score_mismatches"][:3]
        # every attempt scored and the log whole: a refused attempt or a broken chain costs less
        assert not report.get("refused") and report.get("audit", "ok") == "ok", report
        done += report["scored"] + report["voided"]
        if "tenth" not in rss_at and done >= args.attempts / 10:
            rss_at["tenth"] = peak_rss_mb()
            rss_at["tenth_attempts"] = done
        t0 = time.perf_counter()
    elapsed = time.perf_counter() - t_all
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the --jobs workers, ended by now
    cpu = time.process_time() - cpu_all + children.ru_utime + children.ru_stime
    # read before the floor below, whose COPY is the server's work too
    server_after = postgres_cpu_s() if server_before is not None else None
    rss_at["end"] = peak_rss_mb()
    with centre.read() as s:
        results = s.scalar(select(func.count()).select_from(Result))
        responses = s.scalar(select(func.count()).select_from(Response))
    floor = raw_floor(centre, done)
    centre.engine.dispose()
    Path(args.out).write_text(json.dumps({
        "floor": floor,
        "server_cpu_s": None if server_after is None else server_after - server_before,
        "attempts": done, "elapsed_s": elapsed, "rate": done / elapsed, "cpu_s": cpu,
        "rate_per_cpu_s": done / cpu, "results": results, "jobs": args.jobs,
        "responses": responses, "rss_start_mb": rss_start, "rss": rss_at,
        "bundle_p50_s": benchlib.percentile(per_bundle, 50),
        "bundle_max_s": max(per_bundle)}), "utf-8")


def run_ingest(centre_dir: Path, url: str | None, bundles: Path, attempts: int, out: Path,
               profile: Path | None = None, jobs: int = 1) -> dict[str, Any]:
    cmd = [PY, str(Path(__file__).resolve()), "--ingest-worker", "--centre", str(centre_dir),
           "--bundles", str(bundles), "--attempts", str(attempts), "--out", str(out),
           "--jobs", str(jobs)]
    if url:
        cmd += ["--url", url]
    if profile:
        tool = Path(PY).parent / "pyinstrument"
        if not tool.exists():
            raise SystemExit("--profile needs pyinstrument in the venv: .venv/bin/pip install pyinstrument")
        cmd = [str(tool), "-o", str(profile), "-r", "text", *cmd[1:]]
    subprocess.run(cmd, check=True, cwd=REPO)
    return json.loads(out.read_text("utf-8"))


def server_note(r: dict[str, Any]) -> str:
    """The database server's CPU, when it runs on this machine and could be read."""
    if not r.get("server_cpu_s"):
        return ""
    return (f"; the PostgreSQL server used {r['server_cpu_s']:.1f} CPU-s, so "
            f"{r['attempts'] / (r['cpu_s'] + r['server_cpu_s']):,.0f} per CPU-second of both")


def floor_server_note(r: dict[str, Any]) -> str:
    floor = r["floor"]
    if not floor.get("server_cpu_s"):
        return ""
    return f" ({r['attempts'] / (floor['cpu_s'] + floor['server_cpu_s']):,.0f} with the server's)"


def profile_path(profile: Path | None, backend: str) -> Path | None:
    return None if profile is None else profile.with_name(f"{profile.stem}-{backend}{profile.suffix}")


def scratch_postgres() -> tuple[str, str] | None:
    """A new database on 127.0.0.1:5432 (trust auth, user postgres); None when unavailable."""
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(benchlib.PG_ADMIN, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        name = f"cbt_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    except Exception as exc:  # noqa: BLE001 - the row says why
        print(f"PostgreSQL unavailable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def drop_postgres(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(benchlib.PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- the benchmark ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 attempts in 4 bundles")
    parser.add_argument("--attempts", type=int, default=None)
    parser.add_argument("--per-bundle", type=int, default=None)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a pyinstrument profile of each backend's ingest here "
                             "(the backend's name is added before the suffix)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="ingest in this many worker processes (central-scorer ingest --jobs); "
                             "peak RSS is then not measured")
    parser.add_argument("--no-cache", action="store_true",
                        help="make the bundles afresh and keep none (default: reuse var/bench/cache)")
    parser.add_argument("--ingest-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--centre", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--bundles", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_worker:
        _ingest_worker(args)
        return

    attempts = args.attempts or (2000 if args.quick else 100_000)
    per_bundle = args.per_bundle or (500 if args.quick else 1000)
    base = args.dir or REPO / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ingest-", dir=base) as tmp:
        work = Path(tmp)
        prepared = prepare(work, attempts, per_bundle,
                           None if args.no_cache else cache_dir(attempts, per_bundle))
        n = prepared["attempts"]
        bundles = prepared["bundles"]
        print(f"bundles: {len(bundles)} × {per_bundle} attempts × {ITEMS} items = {n} attempts, "
              f"{prepared['bytes'] / 2**20:.0f} MiB sealed, made in {prepared['make_s']:.1f} s"
              + (" (an earlier run; reused from var/bench/cache)" if prepared["cached"] else ""),
              flush=True)
        crypto_s = crypto_alone(prepared["centre_dir"], bundles)
        crypto_rate = n / crypto_s
        print(f"baseline: Ed25519 verify + HPKE open alone: {crypto_s:.2f} s = {crypto_rate:,.0f} attempts/s",
              flush=True)
        results: dict[str, dict[str, Any]] = {}
        for backend in args.backends.split(","):
            if backend == "sqlite":
                r = run_ingest(prepared["centre_dir"], None, prepared["bundles_dir"], n, work / "sqlite.json",
                               profile_path(args.profile, backend), args.jobs)
            elif backend == "postgresql":
                scratch = scratch_postgres()
                if scratch is None:
                    results[backend] = {"skipped": "no PostgreSQL server on 127.0.0.1:5432"}
                    continue
                name, url = scratch
                try:
                    centre_on(url, prepared["centre_dir"], work / "centre-pg", len(bundles))
                    r = run_ingest(work / "centre-pg", url, prepared["bundles_dir"], n, work / "pg.json",
                                   profile_path(args.profile, backend), args.jobs)
                finally:
                    drop_postgres(name)
            else:
                raise SystemExit(f"unknown backend {backend!r}")
            results[backend] = r
            print(f"{backend:10}: {r['attempts']} attempts in {r['elapsed_s']:.1f} s = "
                  f"{r['rate']:,.0f} attempts/s ({r['rate_per_cpu_s']:,.0f} per CPU-second of the "
                  f"ingest process{server_note(r)}); raw insert/COPY floor "
                  f"{r['floor']['rate_per_cpu_s']:,.0f} per CPU-second{floor_server_note(r)}; "
                  f"{r['responses']:,} responses stored"
                  + (f"; peak RSS {r['rss']['tenth']:.0f} MB after {r['rss']['tenth_attempts']:,}, "
                     f"{r['rss']['end']:.0f} MB after {r['attempts']:,}" if args.jobs == 1
                     else f"; {args.jobs} worker processes"), flush=True)
        fs = benchlib.filesystem_of(work)
    for backend, r in results.items():
        label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
        if "skipped" in r:
            rows.append({"id": f"ingest-{backend}", "what": f"central ingest ({label})",
                         "workload": f"{n:,} attempts × {ITEMS} items", "figure": "skipped",
                         "target": "≥ 2,000 attempts/s", "met": None,
                         "notes": [r["skipped"]]})
            continue
        suffix = f"-jobs{args.jobs}" if args.jobs > 1 else ""
        rows.append({
            "id": f"ingest-{backend}{suffix}",
            "what": f"central ingest ({label}{f', --jobs {args.jobs}' if args.jobs > 1 else ''})",
            "workload": (f"{r['attempts']:,} attempts × {ITEMS} items (~66 responses each) in "
                         f"{len(bundles)} sealed bundles of {per_bundle:,}"
                         + (f", {args.jobs} worker processes" if args.jobs > 1 else "")),
            "figure": f"{r['rate']:,.0f} attempts/s ({r['elapsed_s']:.1f} s)",
            "target": "≥ 2,000 attempts/s",
            "met": r["rate"] >= TARGET_RATE and r["results"] >= n,
            "baseline": f"Ed25519 verify + HPKE open alone: {crypto_rate:,.0f} attempts/s",
            "ratio": benchlib.ratio(r["rate"], crypto_rate) + " of the crypto-only rate",
            "notes": [f"measured: {r['rate_per_cpu_s']:,.0f} attempts per CPU-second of the "
                      f"ingest process{server_note(r)}; the raw insert/COPY floor of the same rows "
                      f"(insert_rows, a transaction per 1,000 results) "
                      f"{r['floor']['rate_per_cpu_s']:,.0f} per CPU-second, "
                      f"{r['rate_per_cpu_s'] / r['floor']['rate_per_cpu_s']:.2f}× of it; "
                      f"{r['results']:,} results and {r['responses']:,} responses stored; "
                      + (f"one bundle p50 {r['bundle_p50_s']:.2f} s" if args.jobs == 1 else
                         "CPU of the worker processes included")
                      + (f"; database on {fs}" if backend == "sqlite" else "")],
            "data": r,
        })
        if args.jobs == 1:  # the workers' memory is not followed
            rss = r["rss"]
            growth = rss["end"] - rss["tenth"]
            rows.append({
                "id": f"ingest-rss-{backend}",
                "what": f"central ingest peak RSS ({label})",
                "workload": f"{rss['tenth_attempts']:,} vs {r['attempts']:,} attempts",
                "figure": f"{rss['tenth']:.0f} MB → {rss['end']:.0f} MB (+{growth:.0f} MB)",
                "target": "flat, ≤ 500 MB",
                "met": rss["end"] <= TARGET_RSS_MB and growth <= 0.1 * rss["tenth"] + 20,
                "baseline": f"{r['rss_start_mb']:.0f} MB after start-up (imports, keys)",
                "ratio": benchlib.ratio(rss["end"], rss["tenth"]) + " (end / first tenth)",
            })
    benchlib.write_rows(args.json, rows)


if __name__ == "__main__":
    main()
