"""The centre at national size on PostgreSQL: 1,000,000 attempts × 60 items (three years × two
grades), then what the centre does with them, each beside a same-run baseline.

Not a test. Run from the repository root::

    .venv/bin/python bench/bench_centre.py [--quick] [--attempts 1000000] [--report-sample 300]

Which figures are of what (docs/scaling.md says the same):

* **Set-up (generated, not ingested).** Sealing a million attempts' bundles would take hours: the
  rows are generated inside PostgreSQL (INSERT … SELECT over generate_series) in the shape ingest
  stores — organisations of 20 regions (territory / type / language mix) in six campaigns (years ×
  grades 4, 9), results with dimensions (3 % absent, 1 % exempt, 0.5 % voided), a raw response and
  an item score per item shown, direction scores summed from them.
* **Ingest (real).** A sample of real sealed bundles (made as bench_ingest.py makes them: signed,
  HPKE-sealed, ~66 raw responses per attempt) is uploaded into the queue and taken in by two
  `central-scorer worker` processes, into the full database. Baseline: the raw COPY of the same
  rows (results, responses, direction and item scores) into empty copies of the tables.
* **Public page**: `central-scorer publish` (every year and grade, kk/ru/en), its peak memory;
  then GET of a cohort's page from `central-scorer serve` (files). Baselines: a bare GROUP BY over
  the same rows; reading the same file from disk.
* **Reports due for one cycle**: `central-scorer reports --due --jobs 2` on a sample of the
  cycle's organisations (signed PDF(s), CSV, XLSX), extrapolated to all of them (said so in the
  row); peak memory per process. Baseline: the bare GROUP BY feeding them.
* **Analysts' export** of one year and grade (wide CSV; long CSV). Baseline: COPY TO of the rows.
* **analyse** one grade and year. Baseline: a bare GROUP BY of the item scores.
* **Population estimates** (`central-scorer national`) of one grade and direction: the base year,
  then the last year linked to it (both cohorts read). Baseline: the organisations' plain means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import benchlib  # noqa: E402
from centre_rows import rows_of  # noqa: E402
from benchlib import PY, REPO  # noqa: E402

YEARS, GRADES = (2024, 2025, 2026), ("4", "9")
REGIONS = ("Абай облысы", "Ақмола облысы", "Ақтөбе облысы", "Алматы облысы", "Атырау облысы",
           "Батыс Қазақстан облысы", "Жамбыл облысы", "Жетісу облысы", "Қарағанды облысы",
           "Қостанай облысы", "Қызылорда облысы", "Маңғыстау облысы", "Павлодар облысы",
           "Солтүстік Қазақстан облысы", "Түркістан облысы", "Ұлытау облысы",
           "Шығыс Қазақстан облысы", "Астана қаласы", "Алматы қаласы", "Шымкент қаласы")


def cli(data_dir: Path, url: str, *args: str) -> list[str]:
    os.environ["CBT_CENTRE_DATABASE_URL"] = url  # by the environment, never on a command line
    return [PY, "-m", "central_scorer.cli.main", "--data-dir", str(data_dir), *args]


def peak_of(cmd: list[str], timeout: float = 7200) -> tuple[float, float, str]:
    """Run `cmd` under a fresh wrapper so its own peak RSS is measured (not an earlier child's)."""
    wrapper = ("import resource,subprocess,sys,json,time;t=time.monotonic();"
               "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
               "sys.stderr.write(p.stderr);"
               "print(json.dumps({'rc':p.returncode,'s':time.monotonic()-t,"
               "'mb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,'out':p.stdout}))")
    done = subprocess.run([PY, "-c", wrapper, *cmd], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(done.stderr[-2000:])
    r = json.loads(done.stdout.strip().splitlines()[-1])
    if r["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd[-6:])}: exit {r['rc']}: {done.stderr[-2000:]}")
    return r["s"], r["mb"], r["out"]


# --- the national rows, generated inside PostgreSQL ------------------------------------------------


def generate(centre, attempts: int) -> dict[str, Any]:
    from sqlalchemy import text

    from common.domain.exam import content_from_dict
    from central_scorer.scores.store import item_numbers

    contents = {}
    for grade in GRADES:
        data = benchlib.synthetic_content(60)
        data["grade"], data["exam_id"] = grade, f"bench-g{grade}-kk"
        for item in benchlib.content_items(data):
            item["id"] = f"g{grade}-{item['id']}"
        contents[grade] = content_from_dict(data)
    packages = {g: centre.make_package(c, "000000", centre.root / f"pkg-{g}.cbtpkg",
                                       kdf_memory_kib=benchlib.PACKAGE_KDF_KIB)["package_id"]
                for g, c in contents.items()}
    with centre.tx() as s:
        numbers = item_numbers(s, contents.values())
    per_cohort = attempts // (len(YEARS) * len(GRADES))
    organisations = max(10, per_cohort // 42)  # about 42 students of a grade per organisation
    t0 = time.monotonic()
    steps: dict[str, float] = {}

    def step(name: str, sql: str, **params: Any) -> None:
        t = time.monotonic()
        c.execute(text(sql), params)
        steps[name] = round(steps.get(name, 0) + time.monotonic() - t, 1)

    with centre.engine.begin() as c:
        c.execute(text("SELECT setseed(0.18)"))
        c.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        c.execute(text("SET LOCAL work_mem = '256MB'"))
        # bulk rows first, their keys after (a sort beats a million index insertions)
        c.execute(text("ALTER TABLE item_scores DROP CONSTRAINT pk_item_scores"))
        c.execute(text("ALTER TABLE direction_scores DROP CONSTRAINT pk_direction_scores"))
        c.execute(text("DROP INDEX ix_responses_result_id"))
        c.execute(text("CREATE TEMP TABLE bench_items (grade text, item int, item_id text, position int, "
                       "direction text, points float8, b float8)"))
        for grade, content in contents.items():
            position = 0
            for section in content.sections:
                for item in section.items:
                    position += 1
                    c.execute(text("INSERT INTO bench_items VALUES (:g, :n, :i, :p, :d, :pts, :b)"),
                              {"g": grade, "n": numbers[item.id], "i": item.id, "p": position,
                               "d": section.direction, "pts": float(item.points), "b": (position % 13 - 6) / 4})
        for year in YEARS:
            for grade in GRADES:
                cid = c.execute(text(
                    "INSERT INTO campaigns (year, grade, share, seed, list_sha256, selection_json, first_day, "
                    "last_day, created_at) VALUES (:y, :g, '0.25', '1', repeat('0', 64), '{}', "
                    ":d1, :d2, now()) RETURNING id"),
                    {"y": year, "g": grade, "d1": f"{year}-04-13", "d2": f"{year}-04-24"}).scalar()
                # organisations: 20 regions, 45 % city, types and languages in a realistic mix
                c.execute(text("""
                    INSERT INTO campaign_organisations (campaign_id, code, name, region, district, territory,
                        type, language, contingent, stratum, test_day)
                    SELECT :cid, lpad(n::text, 6, '0'), 'Мектеп № ' || n, (CAST(:regions AS text[]))[1 + n % 20],
                           'Аудан ' || (n % 7), CASE WHEN n % 20 < 9 THEN 'city' ELSE 'village' END,
                           CASE WHEN n % 100 < 70 THEN 'school' WHEN n % 100 < 80 THEN 'gymnasium'
                                WHEN n % 100 < 88 THEN 'lyceum' WHEN n % 100 < 95 THEN 'school-gymnasium'
                                ELSE 'school-lyceum' END,
                           CASE WHEN n % 20 < 13 THEN 'kk' WHEN n % 20 < 19 THEN 'ru' ELSE 'mixed' END,
                           5 + (n * 7919) % 75, 'bench', (:d1)::date + (n % 10)
                    FROM generate_series(1, :orgs) n"""),
                    {"cid": cid, "regions": list(REGIONS), "orgs": organisations, "d1": f"{year}-04-13"})
                c.execute(text("""
                    INSERT INTO bundles (bundle_id, sha256, room_id, organisation_code, sequence, manifest_json, received_at)
                    SELECT md5(co.code || :key)::uuid::text, md5(co.code || :key) || md5(:key || co.code),
                           'R' || co.code || '-' || :key, co.code, 1,
                           '{"created_at": "' || co.test_day || 'T04:00:00+00:00"}', now()
                    FROM campaign_organisations co WHERE co.campaign_id = :cid"""),
                    {"cid": cid, "key": f"{year}-{grade}"})
        # results: each organisation's contingent scaled so the cohorts hold `attempts` in all
        step("results", """
            INSERT INTO results (bundle_pk, organisation_code, individual_code, full_name, package_id, exam_id,
                status, score, max_score, room_score, absence_reason, void_reason, year, cycle, grade,
                test_language, monitoring_day, room_id, campaign_id, region, district, territory,
                org_type, org_language)
            SELECT b.id, co.code, co.code || c.grade || lpad(n::text, 4, '0'),
                   'Оқушы ' || co.code || '-' || n, :pkg_prefix || c.grade, 'bench-g' || c.grade || '-kk',
                   CASE WHEN r < 0.03 THEN 'absent' WHEN r < 0.04 THEN 'absent' WHEN r < 0.045 THEN 'voided'
                        ELSE 'scored' END,
                   NULL, 70, NULL,
                   CASE WHEN r < 0.03 THEN 'illness' WHEN r < 0.04 THEN 'home_schooling' END,
                   CASE WHEN r >= 0.04 AND r < 0.045 THEN 'confiscation' END,
                   c.year, 'april', c.grade,
                   CASE co.language WHEN 'mixed' THEN (CASE WHEN n % 2 = 0 THEN 'kk' ELSE 'ru' END)
                        ELSE co.language END,
                   co.test_day, 'R' || co.code || '-' || c.year || '-' || c.grade, c.id, co.region, co.district,
                   co.territory, co.type, co.language
            FROM campaigns c JOIN campaign_organisations co ON co.campaign_id = c.id
            JOIN bundles b ON b.room_id = 'R' || co.code || '-' || c.year || '-' || c.grade,
            LATERAL generate_series(1, greatest(1, round(co.contingent * :scale)::int)) n,
            LATERAL (SELECT random() + n * 0 AS r) x""",
             scale=per_cohort / (organisations * 42.0), pkg_prefix="PKG-BENCH-")
        c.execute(text("UPDATE results SET package_id = :p4 WHERE grade = '4'"), {"p4": packages["4"]})
        c.execute(text("UPDATE results SET package_id = :p9 WHERE grade = '9'"), {"p9": packages["9"]})
        # item scores: a Rasch-like chance from the student's ability and the item's difficulty
        step("item_scores", """
            INSERT INTO item_scores (result_id, item, position, score, status)
            SELECT r.id, i.item, i.position,
                   CASE WHEN random() < 1 / (1 + exp(-((hashtext(r.id::text) % 1000) / 400.0
                        + CASE WHEN r.territory = 'city' THEN 0.3 ELSE 0 END - i.b))) THEN i.points ELSE 0 END,
                   CASE WHEN random() < 0.04 THEN 1 ELSE 0 END
            FROM results r JOIN bench_items i ON i.grade = r.grade WHERE r.status = 'scored'""")
        step("responses", """
            INSERT INTO responses (result_id, seq, item_id, answer_json, client_ts)
            SELECT s.result_id, s.position, i.item_id, CASE WHEN s.score > 0 THEN '"a"' ELSE '"b"' END,
                   1713000000 + s.position * 30
            FROM item_scores s JOIN bench_items i ON i.item = s.item""")
        step("direction_scores", """
            INSERT INTO direction_scores (result_id, direction, score, max_score)
            SELECT s.result_id, i.direction, sum(s.score), sum(i.points)
            FROM item_scores s JOIN bench_items i ON i.item = s.item GROUP BY s.result_id, i.direction""")
        step("totals", """
            UPDATE results r SET score = d.total, room_score = d.total
            FROM (SELECT result_id, sum(score) AS total FROM direction_scores GROUP BY result_id) d
            WHERE r.id = d.result_id""")
        step("keys", "ALTER TABLE item_scores ADD CONSTRAINT pk_item_scores PRIMARY KEY (result_id, item)")
        step("keys", "ALTER TABLE direction_scores ADD CONSTRAINT pk_direction_scores PRIMARY KEY (result_id, direction)")
        step("keys", "CREATE INDEX ix_responses_result_id ON responses (result_id)")
        sample_design(c)
    with centre.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
        counts = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in (
            "results", "responses", "item_scores", "direction_scores", "campaign_organisations")}
        size = c.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    return {"seconds": time.monotonic() - t0, "steps": steps, "counts": counts, "size": size, "organisations": organisations,
            "packages": packages}


def sample_design(c) -> None:
    """The selection's design as `campaign open` stores it, for the population estimates: strata of
    territory / type / language / size band, each organisation drawn with the campaign's share."""
    from sqlalchemy import text

    c.execute(text("""UPDATE campaign_organisations SET inclusion_probability = 0.25,
        stratum = territory || '/' || type || '/' || language || '/'
                  || CASE WHEN contingent < 25 THEN '1-24' WHEN contingent < 50 THEN '25-49' ELSE '50+' END"""))
    c.execute(text("""UPDATE campaigns SET selection_json = '{"strata": []}'"""))


# --- the measurements ------------------------------------------------------------------------------


def measure_ingest(centre, url: str, data_dir: Path, work: Path, sample_attempts: int, per_bundle: int) -> dict:
    """Real sealed bundles → the queue → two worker processes, into the full database."""
    import hashlib

    from sqlalchemy import text

    import bench_ingest
    from central_scorer.ingest.queue import enqueue
    from common.domain.exam import content_from_dict

    content = benchlib.synthetic_content(60)
    package = centre.make_package(content_from_dict(content), "600000", work / "ingest.cbtpkg",
                                  kdf_memory_kib=benchlib.PACKAGE_KDF_KIB)
    bundles = max(2, sample_attempts // per_bundle)
    out = work / "bundles"
    out.mkdir()
    recipient = centre.recipient_key.public.to_b64()
    for i in range(bundles):
        key = bench_ingest.room_key(i)
        centre.trust_room(f"R{bench_ingest.organisation(i)}-1", bench_ingest.organisation(i), key.verify_key.to_b64())
    import multiprocessing

    jobs = [(i, per_bundle, str(out), recipient, package["package_id"], json.dumps(content)) for i in range(bundles)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        made = pool.map(bench_ingest._make_bundle, jobs, chunksize=1)
    n = sum(a for a, _ in made)
    for path in sorted(out.glob("*.cbtbundle")):
        data = path.read_bytes()
        enqueue(centre, hashlib.sha256(data).hexdigest(), data)
    started = time.monotonic()
    workers = [subprocess.Popen(cli(data_dir, url, "worker", "--once", "--no-publish"), stdout=subprocess.DEVNULL,
                                cwd=REPO) for _ in range(2)]
    for w in workers:
        w.wait(timeout=3600)
    seconds = time.monotonic() - started
    with centre.engine.connect() as c:
        stored = c.execute(text("SELECT count(*) FROM ingest_jobs WHERE status = 'stored'")).scalar()
        # the baseline: COPY the rows the sample stored into empty copies of the tables
        copy_s = 0.0
        raw = c.connection.driver_connection
        for table, key in (("results", "id"), ("responses", "result_id"), ("item_scores", "result_id"),
                           ("direction_scores", "result_id")):
            where = (f"{key} IN (SELECT r.id FROM results r JOIN bundles b ON b.id = r.bundle_pk "
                     "JOIN ingest_jobs j ON j.sha256 = b.sha256)")
            buffer = bytearray()
            with raw.cursor() as cur:
                with cur.copy(f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT (FORMAT BINARY)") as cp:
                    for chunk in cp:
                        buffer += chunk
                cur.execute(f"CREATE TEMP TABLE copy_{table} (LIKE {table} INCLUDING ALL)")
                t0 = time.monotonic()
                with cur.copy(f"COPY copy_{table} FROM STDIN (FORMAT BINARY)") as cp:
                    cp.write(bytes(buffer))
                copy_s += time.monotonic() - t0
        raw.rollback()
    return {"attempts": n, "bundles": bundles, "seconds": seconds, "rate": n / seconds, "stored_jobs": stored,
            "copy_seconds": copy_s, "copy_rate": n / copy_s}


def measure_public(centre, url: str, data_dir: Path) -> dict:
    from sqlalchemy import text

    seconds, peak, out = peak_of(cli(data_dir, url, "publish"))
    published = json.loads(out)
    with centre.engine.connect() as c:
        t0 = time.monotonic()
        c.execute(text("SELECT year, grade, region, count(*), avg(100.0 * score / max_score) FROM results "
                       "WHERE status = 'scored' GROUP BY year, grade, region")).all()
        group_by = time.monotonic() - t0
    # served from the files by the web front (no workers), over plain HTTP on loopback
    server = subprocess.Popen(cli(data_dir, url, "serve", "--port", "0", "--workers", "0"), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        port = json.loads(server.stdout.readline())["port"]
        import httpx

        page = f"/results/ru/{YEARS[-1]}/9.html"
        times = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            http.get(page)
            for _ in range(300):
                t0 = time.perf_counter()
                reply = http.get(page)
                times.append(time.perf_counter() - t0)
                assert reply.status_code == 200
        path = data_dir / "public" / "current" / "ru" / str(YEARS[-1]) / "9.html"
        reads = []
        for _ in range(300):
            t0 = time.perf_counter()
            path.read_bytes()
            reads.append(time.perf_counter() - t0)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"seconds": seconds, "peak_mb": peak, "files": published["files"], "group_by_s": group_by,
            "get_p50": benchlib.percentile(times, 50), "get_p99": benchlib.percentile(times, 99),
            "read_p50": benchlib.percentile(reads, 50), "page_bytes": len(path.read_bytes())}


def measure_reports(centre, url: str, data_dir: Path, sample: int) -> dict:
    from sqlalchemy import text

    year = YEARS[-1]
    with centre.engine.connect() as c:
        due = c.execute(text("SELECT count(DISTINCT (organisation_code, grade)) FROM results WHERE year = :y"),
                        {"y": year}).scalar()
        t0 = time.monotonic()
        c.execute(text("SELECT organisation_code, grade, d.direction, count(*), avg(d.score / d.max_score) "
                       "FROM direction_scores d JOIN results r ON r.id = d.result_id WHERE r.year = :y "
                       "GROUP BY 1, 2, 3"), {"y": year}).all()
        group_by = time.monotonic() - t0
    seconds, peak, out = peak_of(cli(data_dir, url, "reports", "--due", "--jobs", "2", "--year", str(year),
                                     "--grade", "9", "--limit", str(sample)))
    made = json.loads(out)["made"]
    return {"year": year, "due": due, "sample": made, "seconds": seconds, "peak_mb": peak,
            "per_org_s": seconds / max(1, made), "all_s": seconds / max(1, made) * due, "group_by_s": group_by}


def measure_export(centre, url: str, data_dir: Path, work: Path) -> dict:

    year = YEARS[-1]
    out: dict[str, Any] = {}
    for form in ("wide", "long"):
        path = work / f"export-{form}.csv"
        seconds, peak, printed = peak_of(cli(data_dir, url, "export", "--year", str(year), "--grade", "9",
                                             "--form", form, "--out", str(path)))
        out[form] = {"seconds": seconds, "peak_mb": peak, "rows": json.loads(printed)["rows"],
                     "mb": path.stat().st_size / 2**20}
        path.unlink()
    with centre.engine.connect() as c:
        raw = c.connection.driver_connection
        t0 = time.monotonic()
        size = 0
        with raw.cursor() as cur:
            with cur.copy("COPY (SELECT s.* FROM item_scores s JOIN results r ON r.id = s.result_id "
                          f"WHERE r.year = {year} AND r.grade = '9') TO STDOUT") as cp:
                for chunk in cp:
                    size += len(chunk)
        out["copy_s"] = time.monotonic() - t0
    return out


def measure_analyse(centre, url: str, data_dir: Path, work: Path, timeout: float) -> dict:
    from sqlalchemy import text

    year = YEARS[-1]
    with centre.engine.connect() as c:
        t0 = time.monotonic()
        c.execute(text("SELECT s.item, count(*), avg(s.score) FROM item_scores s JOIN results r ON r.id = s.result_id "
                       "WHERE r.year = :y AND r.grade = '4' GROUP BY s.item"), {"y": year}).all()
        group_by = time.monotonic() - t0
        students = c.execute(text("SELECT count(*) FROM results WHERE year = :y AND grade = '4' AND status = 'scored'"),
                             {"y": year}).scalar()
    try:
        seconds, peak, _ = peak_of(cli(data_dir, url, "analyse", "--grade", "4", "--year", str(year), "--lang", "kk",
                                       "--out", str(work / "analysis")), timeout=timeout)
        return {"seconds": seconds, "peak_mb": peak, "students": students, "group_by_s": group_by}
    except subprocess.TimeoutExpired:
        return {"timeout": timeout, "students": students, "group_by_s": group_by}
    except RuntimeError as exc:
        return {"error": str(exc)[-300:], "students": students, "group_by_s": group_by}


def measure_national(centre, url: str, data_dir: Path, work: Path) -> dict:
    """`central-scorer national` for one grade and direction: the base year (it makes the scale),
    then the last year (its own calibration linked to the base year's: both cohorts are read)."""
    from sqlalchemy import text

    grade, direction = "4", "mathematical_literacy"
    out: dict[str, Any] = {"grade": grade, "direction": direction}
    with centre.engine.connect() as c:
        out["students"] = c.execute(text(
            "SELECT count(*) FROM results WHERE year = :y AND grade = :g AND status = 'scored'"),
            {"y": YEARS[-1], "g": grade}).scalar()
        t0 = time.monotonic()
        c.execute(text("SELECT r.organisation_code, count(*), avg(d.score / d.max_score) FROM direction_scores d "
                       "JOIN results r ON r.id = d.result_id WHERE r.year = :y AND r.grade = :g "
                       "AND d.direction = :d GROUP BY 1"), {"y": YEARS[-1], "g": grade, "d": direction}).all()
        out["group_by_s"] = time.monotonic() - t0
    for key, year in (("base", YEARS[0]), ("linked", YEARS[-1])):
        seconds, peak, printed = peak_of(cli(data_dir, url, "national", "--year", str(year), "--grade", grade,
                                             "--direction", direction, "--lang", "kk", "--lang", "ru"))
        report = json.loads(printed)["reports"][0]
        out[key] = {"year": year, "seconds": seconds, "peak_mb": peak, "organisations": report["organisations"],
                    "students": report["students"], "scale_made": report["scale_made"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30,000 attempts, small samples")
    parser.add_argument("--attempts", type=int)
    parser.add_argument("--ingest-sample", type=int, help="attempts in real bundles (default 20,000; quick 2,000)")
    parser.add_argument("--report-sample", type=int, help="organisations of the report batch (default 300)")
    parser.add_argument("--analyse-timeout", type=float, default=900)
    parser.add_argument("--skip", default="", help="comma-separated: ingest,public,reports,export,analyse,national")
    parser.add_argument("--keep-db", action="store_true", help="keep the generated database (print its name)")
    parser.add_argument("--reuse-db", help="measure on a database an earlier --keep-db run left (no set-up)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    n = args.attempts or (30_000 if args.quick else 1_000_000)
    import bench_ingest

    scratch = ((args.reuse_db, f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.reuse_db}")
               if args.reuse_db else bench_ingest.scratch_postgres())
    if scratch is None:
        benchlib.write_rows(args.json, [{"id": "centre-setup", "what": "centre at national size",
                                         "workload": f"{n:,} attempts", "figure": "skipped", "met": None,
                                         "notes": ["no PostgreSQL on 127.0.0.1:5432"]}])
        return
    name, url = scratch
    base = REPO / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="centre-", dir=base) as tmp:
            work = Path(tmp)
            data_dir = work / "centre"
            from central_scorer.centre import Centre

            if args.reuse_db:  # the keys are the database's: keep them beside it
                data_dir = base / f"keep-{args.reuse_db}"
            centre = Centre(data_dir, url)
            centre.init("KZ-NTC-BENCH")
            if not args.reuse_db:
                print(f"generating {n:,} attempts in PostgreSQL …", flush=True)
                results["generated"] = generate(centre, n)
                print(json.dumps(results["generated"], default=str), flush=True)
            steps = {
                "ingest": lambda: measure_ingest(centre, url, data_dir, work,
                                                 args.ingest_sample or (2_000 if args.quick else 20_000),
                                                 500 if args.quick else 1000),
                "public": lambda: measure_public(centre, url, data_dir),
                "reports": lambda: measure_reports(centre, url, data_dir,
                                                   args.report_sample or (40 if args.quick else 300)),
                "export": lambda: measure_export(centre, url, data_dir, work),
                "analyse": lambda: measure_analyse(centre, url, data_dir, work, args.analyse_timeout),
                "national": lambda: measure_national(centre, url, data_dir, work)}
            for step, measure in steps.items():
                if step not in skip:
                    results[step] = measure()
                    print(step, json.dumps(results[step]), flush=True)
            centre.engine.dispose()
            if args.keep_db and not args.reuse_db:
                shutil.copytree(data_dir, base / f"keep-{name}")
                print(f"kept: --reuse-db {name}", flush=True)
    finally:
        if not (args.keep_db or args.reuse_db):
            bench_ingest.drop_postgres(name)
    rows = rows_of(results, n)
    for row in rows:
        row["data"] = {**row.get("data", {}), "raw": results}
        print(f"{row['what']}: {row['figure']}  [{row.get('baseline', '')}]")
    benchlib.write_rows(args.json, rows)


if __name__ == "__main__":
    main()
