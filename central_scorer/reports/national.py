"""The National report's tables of one year, grade and direction: population estimates from the
score store (``stats/population``) written as a PDF chapter and an XLSX per language, durably,
under ``DATA_DIR/reports/national/``. The first year reported for a grade and direction makes the
scale (its base year); later years are linked to it and get the trend table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from common.documents.national_report import (
    GapRow,
    NationalReport,
    Row,
    Table,
    TrendRow,
    gap_rows,
    render_national_report,
    table_rows,
    table_title,
    trend_rows,
)
from common.durable import write_durably
from common.i18n import t
from central_scorer.reports.exports import xlsx_bytes
from central_scorer.reports.suppression import MIN_GROUP
from central_scorer.stats.population.data import load_cohort
from central_scorer.stats.population.estimate import CohortEstimates, estimate_cohort
from central_scorer.stats.population.scale import load_scale, save_scale
from central_scorer.stats.population.tables import MIN_ORGANISATIONS, gaps, national_tables, trends


@dataclass
class NationalOutcome:
    report: NationalReport
    estimates: CohortEstimates
    files: list[Path]
    made_scale: bool


def _report(est: CohortEstimates, trend_list) -> NationalReport:
    tables = tuple(Table(tb.dimensions, tuple(Row(c.key, c.students, c.mean, c.se, c.levels, c.withheld is not None)
                                              for c in tb.cells)) for tb in national_tables(est))
    return NationalReport(
        year=est.data.year, grade=est.data.grade, direction=est.data.direction, base_year=est.scale.base_year,
        students=len(est.scores), organisations=est.data.organisations, linking_error=est.linking_error,
        cuts=tuple(est.scale.cuts), tables=tables,
        trends=tuple(TrendRow(tr.group, tr.base_mean, tr.mean, tr.change, tr.se) for tr in trend_list),
        gaps=tuple(GapRow(g.dimension, g.first, g.second, g.difference, g.se) for g in gaps(est)),
        min_group=MIN_GROUP, min_organisations=MIN_ORGANISATIONS)


def make_national_report(centre, year: int, grade: str, direction: str, *, langs=("kk", "ru"),
                         cuts: tuple[float, ...] | None = None, count: int = 5, out: Path | None = None) -> NationalOutcome:
    scale = load_scale(centre.root, grade, direction)
    with centre.read() as s:
        data = load_cohort(s, year, grade, direction)
        base_data = load_cohort(s, scale.base_year, grade, direction) if scale and scale.base_year != year else None
    made = scale is None
    est = estimate_cohort(data, scale, cuts=cuts, count=count)
    if made or cuts:
        save_scale(centre.root, est.scale)
    trend_list = []
    if base_data is not None:
        trend_list = trends(estimate_cohort(base_data, est.scale, count=count), est)
    report = _report(est, trend_list)
    folder = out or centre.root / "reports" / "national"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for lang in langs:
        stem = folder / f"national-{year}-{grade}-{direction}-{lang}"
        write_durably(stem.with_suffix(".pdf"), render_national_report(report, lang))
        write_durably(stem.with_suffix(".xlsx"), xlsx_bytes(_sheets(report, lang)))
        files += [stem.with_suffix(".pdf"), stem.with_suffix(".xlsx")]
    return NationalOutcome(report, est, files, made)


def _sheets(report: NationalReport, lang: str) -> dict[str, list[list[str]]]:
    sheets: dict[str, list[list[str]]] = {}
    for k, table in enumerate(report.tables, 1):
        sheets[f"{k} " + "×".join(table.dimensions)] = [[table_title(table, lang)], *table_rows(report, table, lang)]
    if report.gaps:
        sheets["gaps"] = [[t("national.gap.title", lang)], *gap_rows(report, lang)]
    if report.trends:
        sheets["trend"] = [[t("national.trend.title", lang)], *trend_rows(report, lang)]
    sheets[t("national.sheet.notes", lang)[:31]] = [
        [t("national.method", lang)],
        [t("national.withheld.note", lang, min_group=report.min_group, min_organisations=report.min_organisations)]]
    return sheets
