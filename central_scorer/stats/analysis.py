"""From the stored results to the analysis report: item analysis per variant and language, IRT
calibration per direction and grade (all variants at once, linked through their common items),
abilities, DIF by language of instruction, distributions by language and by region.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from common.documents.analysis_report import (
    AnalysisReport,
    DifRow,
    FormAnalysis,
    GroupRow,
    IrtItem,
    IrtSummary,
    ItemRow,
    UnitAnalysis,
    render_analysis_report,
)
from common.durable import write_durably
from common.storage.base import utcnow
from central_scorer.stats.dataset import UnitData, read_units
from central_scorer.stats.dif import mantel_haenszel
from central_scorer.stats.irt.abilities import abilities
from central_scorer.stats.irt.calibration import calibrate
from central_scorer.stats.irt.model import CalibrationError
from central_scorer.stats.items import FlagBounds, analyse_items
from central_scorer.stats.recommendations import recommendations
from central_scorer.stats.responses import ResponseMatrix

PERCENT_EDGES = tuple(float(x) for x in range(0, 101, 10))
THETA_EDGES = tuple(float(x) / 2 for x in range(-8, 9))  # −4 … 4 by 0.5


@dataclass(frozen=True)
class AnalysisOptions:
    model: str = "2pl"
    bounds: FlagBounds = FlagBounds()
    min_irt_students: int = 100  # below this no IRT calibration
    min_dif_students: int = 50  # per language group
    reference_language: str = "kk"


def _mean_sd(values: np.ndarray) -> tuple[float, float | None]:
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), None
    return float(values.mean()), (float(values.std(ddof=1)) if len(values) > 1 else None)


def _groups(keys: np.ndarray, percent: np.ndarray) -> tuple[GroupRow, ...]:
    rows = []
    for key in sorted(set(keys.tolist()), key=lambda k: (k == "", k)):
        mean, sd = _mean_sd(percent[keys == key])
        rows.append(GroupRow(key, int((keys == key).sum()), mean, sd))
    return tuple(rows)


def _opt(value: float) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def analyse_unit(unit: UnitData, options: AnalysisOptions = AnalysisOptions()) -> UnitAnalysis:
    percent = unit.percent()
    mean, sd = _mean_sd(percent)
    languages = sorted(set(unit.language.tolist()), key=lambda k: (k != options.reference_language, k))
    counts = {lang: tuple(int(c) for c in np.histogram(percent[(unit.language == lang) & np.isfinite(percent)],
                                                       bins=PERCENT_EDGES)[0])
              for lang in languages}

    # classical item analysis per variant and language
    forms = []
    flagged_items: set[str] = set()
    for variant, language in sorted({(v, lang) for v, lang in zip(unit.variant, unit.language)}):
        rows = (unit.variant == variant) & (unit.language == language)
        stats = analyse_items(unit.scored_responses(rows), options.bounds)
        f_mean, f_sd = _mean_sd(percent[rows])
        forms.append(FormAnalysis(
            variant=str(variant), language=str(language), n_students=int(rows.sum()), alpha=_opt(stats.alpha),
            mean_percent=f_mean, sd_percent=f_sd,
            items=tuple(ItemRow(i.id, i.n, _opt(i.p), _opt(i.rpbis), i.omitted, i.not_reached,
                                _opt(i.alpha_if_deleted), i.flags) for i in stats.items)))
        flagged_items |= {i.id for i in stats.items if i.flags}

    # DIF by language of instruction, within each variant sat in more than one language (the
    # students then answered the same items, so their totals match like with like)
    right = unit.right()
    dif_rows: list[DifRow] = []
    dif_note = "one_language" if len(languages) < 2 else None
    for variant in sorted(set(unit.variant.tolist())):
        in_variant = unit.variant == variant
        present = [lang for lang in languages if (in_variant & (unit.language == lang)).any()]
        for focal in present[1:]:
            reference = present[0]
            rows = in_variant & ((unit.language == reference) | (unit.language == focal))
            n_ref = int((in_variant & (unit.language == reference)).sum())
            n_foc = int((in_variant & (unit.language == focal)).sum())
            if min(n_ref, n_foc) < options.min_dif_students:
                dif_note = dif_note or "too_few_students"
                continue
            cols = np.flatnonzero((~np.isnan(right[rows])).any(axis=0))
            for res in mantel_haenszel(right[rows][:, cols], unit.language[rows] == focal,
                                       [unit.item_ids[j] for j in cols]):
                if res.category:
                    dif_rows.append(DifRow(res.id, str(variant), reference, focal, res.n_reference,
                                           res.n_focal, _opt(res.delta_mh), _opt(res.p_value), res.category))
                    if res.category == "C":
                        flagged_items.add(res.id)
    if not dif_rows and dif_note is None:
        dif_note = "no_common_variant"

    irt, note, note_values = _irt(unit, right, options, flagged_items)
    return UnitAnalysis(
        direction=unit.direction, grade=unit.grade, n_students=unit.n_students, mean_percent=mean,
        sd_percent=sd, percent_edges=PERCENT_EDGES, percent_counts=counts,
        by_language=_groups(unit.language, percent), by_region=_groups(unit.region, percent),
        forms=tuple(forms), irt=irt, irt_note=note, irt_note_values=note_values,
        dif=tuple(dif_rows), dif_note=None if dif_rows else dif_note, recommendations=recommendations(unit))


def _irt(unit: UnitData, right: np.ndarray, options: AnalysisOptions,
         flagged: set[str]) -> tuple[IrtSummary | None, str | None, dict[str, str]]:
    n = unit.n_students
    if n < options.min_irt_students:
        return None, "too_few_students", {"n": str(n), "minimum": str(options.min_irt_students)}
    presented = ~np.isnan(right)
    n_seen = presented.sum(axis=0)
    n_right = np.nansum(right, axis=0)
    usable = (n_seen > 0) & (n_right > 0) & (n_right < n_seen)
    ids = unit.item_ids
    excluded = tuple(ids[j] for j in np.flatnonzero(~usable))
    if usable.sum() < 3:
        return None, "too_few_items", {"n": str(int(usable.sum()))}
    cols = np.flatnonzero(usable)
    matrix = ResponseMatrix.from_array(right[:, cols], [ids[j] for j in cols])
    try:
        cal = calibrate(matrix, options.model)
    except CalibrationError as exc:
        return None, "failed", {"reason": str(exc)}
    ab = abilities(matrix, cal.a, cal.d)
    counts = np.histogram(np.clip(ab.eap, THETA_EDGES[0], THETA_EDGES[-1]), bins=THETA_EDGES)[0]
    items = tuple(IrtItem(i.id, i.a, i.b, _opt(i.se_b), i.id in flagged) for i in cal.items)
    return IrtSummary(model=cal.model, n_students=int(cal.n_students), loglik=cal.loglik,
                      iterations=cal.iterations, converged=cal.converged, items=items,
                      theta_edges=THETA_EDGES, theta_counts=tuple(int(c) for c in counts),
                      excluded=excluded), None, {}


def build_analysis(centre, *, grade: str | None = None, year: int | None = None, direction: str | None = None,
                   region: str | None = None, language: str | None = None,
                   regions: dict[str, str] | None = None,
                   options: AnalysisOptions = AnalysisOptions()) -> AnalysisReport:
    """The analysis of the stored results, restricted to the given grade, direction, region and
    language of instruction (each optional)."""
    units, n_results = read_units(centre, regions, year=year, grade=grade, direction=direction)
    return _report(units, n_results, grade, year, direction, region, language, options)


def build_region_analyses(centre, *, grade: str | None = None, year: int | None = None,
                          direction: str | None = None, language: str | None = None,
                          regions: dict[str, str] | None = None,
                          options: AnalysisOptions = AnalysisOptions()) -> list[AnalysisReport]:
    """One analysis per region (the three-month analysis sent to each region, §29), read once."""
    units, n_results = read_units(centre, regions, year=year, grade=grade, direction=direction)
    names = sorted({r for u in units for r in u.region.tolist() if r})
    return [_report(units, n_results, grade, year, direction, name, language, options) for name in names]


def _report(units: list[UnitData], n_results: int, grade, year, direction, region, language,
            options: AnalysisOptions) -> AnalysisReport:
    chosen = []
    for unit in units:
        rows = np.ones(unit.n_students, dtype=bool)
        if region is not None:
            rows &= unit.region == region
        if language is not None:
            rows &= unit.language == language
        if rows.any():
            chosen.append(unit if rows.all() else unit.subset(rows))
    scope = {k: v for k, v in (("year", str(year) if year else None), ("grade", grade), ("direction", direction),
                               ("region", region), ("language", language)) if v}
    students = max((u.n_students for u in chosen), default=0)
    return AnalysisReport(generated_at=utcnow(), scope=scope,
                          n_results=students if (region or language) else n_results,
                          units=tuple(analyse_unit(u, options) for u in chosen))


def write_analysis(centre, report: AnalysisReport, langs: tuple[str, ...], out_dir: Path | None = None) -> list[Path]:
    """Render ``report`` in each language and write the PDFs durably; returns their paths."""
    out_dir = out_dir or centre.root / "reports"
    tag = "-".join(report.scope[k] for k in ("year", "grade", "direction", "region", "language") if k in report.scope)
    paths = []
    for lang in langs:
        name = f"analysis-{tag}-{lang}.pdf" if tag else f"analysis-{lang}.pdf"
        path = out_dir / _safe(name)
        write_durably(path, render_analysis_report(report, lang))
        paths.append(path)
    return paths


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def summary(report: AnalysisReport) -> dict[str, Any]:
    """The report's key figures as JSON (for the CLI)."""
    return {
        "results": report.n_results,
        "scope": report.scope,
        "units": [{
            "direction": u.direction, "grade": u.grade, "students": u.n_students,
            "mean_percent": _opt(u.mean_percent),
            "model": u.irt.model if u.irt else None,
            "converged": u.irt.converged if u.irt else None,
            "irt_note": u.irt_note,
            "forms": [{"variant": f.variant, "language": f.language, "students": f.n_students,
                       "alpha": f.alpha, "flagged": [i.id for i in f.items if i.flags]} for f in u.forms],
            "dif_c": [d.id for d in u.dif if d.category == "C"],
        } for u in report.units],
    }
