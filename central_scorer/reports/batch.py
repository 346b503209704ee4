"""Every organisation's files for a year and grade, made in a batch: `central-scorer reports --due
--jobs N` (progress on stderr), one worker process per job, each organisation in one of them.

For each organisation, year and grade: the report PDF (signed, PAdES) in the organisation's
language(s) — kk, ru, or both for a mixed-language one — and its results as CSV and XLSX, each with
a detached signature (`.p7s`). Files go under ``DATA_DIR/reports/{year}/{grade}/{organisation}/``
and are recorded in `organisation_reports`; the portal hands them out from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import delete, select

from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.central_models import DirectionScore, OrganisationReportFile, Result
from central_scorer.centre import Centre
from central_scorer.reports.exports import organisation_table, write_table
from central_scorer.reports.organisation import (
    Comparisons, build_report, surname_key)
from central_scorer.reports.signing import DocumentSigner, ensure_document_key

Task = tuple[str, int, str]  # organisation, year, grade


def languages_for(org_language: str | None) -> tuple[str, ...]:
    return {"kk": ("kk",), "ru": ("ru",)}.get(org_language or "", ("kk", "ru"))


class ReportMaker:
    """Makes one organisation's files; keeps the cohort's comparisons and the signer loaded."""

    def __init__(self, centre: Centre):
        self.centre = centre
        self.signer = DocumentSigner(centre.root / "keys", centre.centre_id)
        self._comparisons: dict[tuple[int, str], Comparisons] = {}

    def comparisons(self, year: int, grade: str) -> Comparisons:
        if (year, grade) not in self._comparisons:
            self._comparisons[(year, grade)] = Comparisons.of(self.centre, year, grade)
        return self._comparisons[(year, grade)]

    def make(self, organisation: str, year: int, grade: str) -> dict[str, Any]:
        from common.documents.report import render_organisation_report

        report = build_report(self.centre, organisation, year, grade,
                              comparisons=self.comparisons(year, grade))
        results, table = _organisation_table(self.centre, organisation, year, grade)
        org_language = next((r.org_language for r in results if r.org_language), None)
        folder = self.centre.root / "reports" / str(year) / grade / organisation
        stem = f"results-{organisation}-{year}-{grade}"
        made: list[tuple[str, str, Path, bytes]] = []
        for lang in languages_for(org_language):
            pdf = self.signer.sign_pdf(render_organisation_report(report, lang))
            path = folder / f"{stem}-{lang}.pdf"
            write_durably(path, pdf)
            made.append((lang, "pdf", path, pdf))
        lang = languages_for(org_language)[0]
        for kind in ("csv", "xlsx"):
            path = write_table(folder / f"{stem}.{kind}", table, lang)
            data = path.read_bytes()
            write_durably(path.with_name(path.name + ".p7s"), self.signer.sign_detached(data))
            made.append((lang, kind, path, data))
        with self.centre.tx() as s:
            s.execute(delete(OrganisationReportFile).where(
                OrganisationReportFile.organisation_code == organisation,
                OrganisationReportFile.year == year, OrganisationReportFile.grade == grade))
            now = utcnow()
            for lang, kind, path, data in made:
                s.add(OrganisationReportFile(organisation_code=organisation, year=year, grade=grade,
                                             lang=lang, kind=kind, path=str(path),
                                             sha256=hashlib.sha256(data).hexdigest(), made_at=now))
        return {"organisation": organisation, "year": year, "grade": grade,
                "files": [str(p) for _, _, p, _ in made]}


def _organisation_table(centre: Centre, organisation: str, year: int, grade: str) -> tuple[list[Result], list[list[Any]]]:
    with centre.read() as s:
        where = (Result.organisation_code == organisation, Result.year == year, Result.grade == grade)
        results = list(s.scalars(select(Result).where(*where)))
        directions: dict[int, dict[str, float | None]] = {}
        for rid, direction, score, most in s.execute(
                select(DirectionScore.result_id, DirectionScore.direction, DirectionScore.score,
                       DirectionScore.max_score).join(Result, Result.id == DirectionScore.result_id)
                .where(*where)):
            directions.setdefault(rid, {})[direction] = round(100 * score / most, 1) if most else None
    results.sort(key=lambda r: (surname_key(r.full_name), r.individual_code))
    names = sorted({d for m in directions.values() for d in m})
    return results, organisation_table(results, directions, names)


def organisation_files_table(centre: Centre, organisation: str, year: int, grade: str) -> list[list[Any]]:
    return _organisation_table(centre, organisation, year, grade)[1]


def due_tasks(centre: Centre, today: dt.date | None = None, year: int | None = None,
              grade: str | None = None, remake: bool = False) -> list[Task]:
    """Organisations whose report is due or overdue (not yet delivered), and not yet made unless
    `remake`; optionally one year and grade."""
    from central_scorer.reports.due import reports_due

    return [(r.organisation_code, r.year, r.grade) for r in reports_due(centre, today)
            if r.status != "delivered" and (remake or r.made_at is None)
            and (year is None or r.year == year) and (grade is None or r.grade == grade)]


def make_reports(centre: Centre, tasks: list[Task], jobs: int = 1,
                 progress: Callable[[int, int, dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Make every task's files; `progress(done, total, outcome)` after each."""
    started = time.monotonic()
    outcomes: list[dict[str, Any]] = []
    # cohorts kept together, so a worker computes each cohort's comparisons once
    tasks = sorted(tasks, key=lambda t: (t[1], t[2], t[0]))
    if jobs <= 1 or len(tasks) <= 1:
        maker = ReportMaker(centre)
        for task in tasks:
            outcomes.append(_one(maker, task))
            if progress:
                progress(len(outcomes), len(tasks), outcomes[-1])
    else:
        ensure_document_key(centre.root / "keys", centre.centre_id)  # once, before the workers start
        url = centre.engine.url.render_as_string(hide_password=False)
        chunks = [tasks[i:i + 25] for i in range(0, len(tasks), 25)]
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            for chunk in pool.imap_unordered(_worker, [(str(centre.root), url, c) for c in chunks]):
                for outcome in chunk:
                    outcomes.append(outcome)
                    if progress:
                        progress(len(outcomes), len(tasks), outcome)
    failed = [o for o in outcomes if "error" in o]
    return {"made": len(outcomes) - len(failed), "failed": failed,
            "seconds": round(time.monotonic() - started, 1)}


def _one(maker: ReportMaker, task: Task) -> dict[str, Any]:
    from central_scorer.reports.organisation import NoResults

    try:
        return maker.make(*task)
    except NoResults as exc:
        return {"organisation": task[0], "year": task[1], "grade": task[2], "error": str(exc)}


_makers: dict[tuple[str, str], ReportMaker] = {}


def _worker(job: tuple[str, str, Iterable[Task]]) -> list[dict[str, Any]]:
    root, url, tasks = job
    if (root, url) not in _makers:
        _makers[(root, url)] = ReportMaker(Centre(Path(root), url))
    return [_one(_makers[(root, url)], task) for task in tasks]
