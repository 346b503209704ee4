"""Exports for analysts (`central-scorer export --year Y --grade G --form long|wide --out F`):
one year and grade, no names — students by individual code, with their dimensions.

* long: one row per raw response (every answer change the kiosk journalled): the student, the
  item, seq, the answer as JSON, the kiosk's time;
* wide: one row per student (scored, absent, exempt or voided), the item columns holding the
  points scored (empty: not shown, or not scored), then the totals per direction.

CSV follows the centre's one convention (`reports.exports`); XLSX streams into a write-only
workbook; SPSS .sav (pyreadstat) carries variable and value labels in kk or ru. Rows are read
from the database in batches (server-side cursor), so memory stays bounded for CSV; XLSX and .sav
hold one cohort (~170,000 students at national size).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select

from common.i18n import t
from common.storage.central_models import DirectionScore, ItemScore, Response, Result, ScoredItem
from central_scorer.centre import Centre
from central_scorer.reports.exports import legend_rows, status_code, write_csv_stream, xlsx_bytes
from common.durable import write_durably

DIMENSIONS = ("year", "grade", "organisation_code", "region", "district", "territory", "org_type",
              "org_language", "test_language", "individual_code", "exam_id", "status", "absence_reason",
              "void_reason")
LONG = (*DIMENSIONS, "item_id", "seq", "answer_json", "client_ts")
BATCH = 20_000


def _dims(r: Any) -> list[Any]:
    return [r.year, r.grade, r.organisation_code, r.region, r.district, r.territory, r.org_type,
            r.org_language, r.test_language, r.individual_code, r.exam_id,
            status_code(r.status, r.absence_reason), r.absence_reason, r.void_reason]


_RESULT = (Result.year, Result.grade, Result.organisation_code, Result.region, Result.district,
           Result.territory, Result.org_type, Result.org_language, Result.test_language,
           Result.individual_code, Result.exam_id, Result.status, Result.absence_reason, Result.void_reason)


def long_rows(centre: Centre, year: int, grade: str) -> Iterator[list[Any]]:
    yield list(LONG)
    with centre.read() as s:
        query = (select(*_RESULT, Response.item_id, Response.seq, Response.answer_json, Response.client_ts)
                 .join(Result, Result.id == Response.result_id)
                 .where(Result.year == year, Result.grade == grade)
                 .order_by(Response.result_id, Response.seq))
        for r in s.execute(query.execution_options(yield_per=BATCH)):
            yield [*_dims(r), r.item_id, r.seq, r.answer_json, r.client_ts]


def wide_rows(centre: Centre, year: int, grade: str) -> Iterator[list[Any]]:
    """Students × items; the items' ids and the directions found in the cohort."""
    with centre.read() as s:
        cohort = (select(Result.id).where(Result.year == year, Result.grade == grade)).scalar_subquery()
        items = list(s.execute(select(ScoredItem.id, ScoredItem.item_id).where(
            ScoredItem.id.in_(select(ItemScore.item).where(ItemScore.result_id.in_(cohort)).distinct()))
            .order_by(ScoredItem.item_id)))
        directions = list(s.scalars(select(DirectionScore.direction).where(
            DirectionScore.result_id.in_(cohort)).distinct().order_by(DirectionScore.direction)))
        column = {number: j for j, (number, _) in enumerate(items)}
        yield [*DIMENSIONS, *(item_id for _, item_id in items), "score", "max_score",
               *(f"score_{d}" for d in directions)]
        results = s.execute(select(Result.id, *_RESULT, Result.score, Result.max_score)
                            .where(Result.year == year, Result.grade == grade).order_by(Result.id)
                            .execution_options(yield_per=BATCH))
        scores = s.execute(select(ItemScore.result_id, ItemScore.item, ItemScore.score)
                           .where(ItemScore.result_id.in_(cohort)).order_by(ItemScore.result_id)
                           .execution_options(yield_per=BATCH))
        per_direction = s.execute(select(DirectionScore.result_id, DirectionScore.direction, DirectionScore.score)
                                  .where(DirectionScore.result_id.in_(cohort)).order_by(DirectionScore.result_id)
                                  .execution_options(yield_per=BATCH))
        item_iter, dir_iter = _merge(scores), _merge(per_direction)
        next_items, next_dirs = next(item_iter, None), next(dir_iter, None)
        for r in results:
            row_items: list[Any] = [None] * len(items)
            while next_items is not None and next_items[0] < r.id:
                next_items = next(item_iter, None)
            if next_items is not None and next_items[0] == r.id:
                for number, points in next_items[1]:
                    row_items[column[number]] = points
                next_items = next(item_iter, None)
            mine: dict[str, float] = {}
            while next_dirs is not None and next_dirs[0] < r.id:
                next_dirs = next(dir_iter, None)
            if next_dirs is not None and next_dirs[0] == r.id:
                mine = dict(next_dirs[1])
                next_dirs = next(dir_iter, None)
            scored = r.status == "scored"
            yield [*_dims(r), *row_items, r.score if scored else None, r.max_score if scored else None,
                   *(mine.get(d) for d in directions)]


def _merge(rows) -> Iterator[tuple[int, list[tuple[Any, Any]]]]:
    """(result id, [(key, value), ...]) from rows ordered by result id."""
    current, bucket = None, []
    for rid, key, value in rows:
        if rid != current:
            if current is not None:
                yield current, bucket
            current, bucket = rid, []
        bucket.append((key, value))
    if current is not None:
        yield current, bucket


def export(centre: Centre, year: int, grade: str, form: str, out: Path, lang: str = "kk") -> dict[str, Any]:
    rows = long_rows(centre, year, grade) if form == "long" else wide_rows(centre, year, grade)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        n = write_csv_stream(out, rows) - 1
    elif suffix == ".xlsx":
        counted = _Counted(rows)
        write_durably(out, xlsx_bytes({f"{form}-{year}-{grade}": counted, "legend": legend_rows(lang)}))
        n = counted.n - 1
    elif suffix == ".sav":
        n = _write_sav(rows, out, lang)
    else:
        raise ValueError(f"{out.name}: export to .csv, .xlsx or .sav")
    return {"path": str(out), "rows": n, "form": form, "year": year, "grade": grade}


class _Counted:
    def __init__(self, rows: Iterator[list[Any]]):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _write_sav(rows: Iterator[list[Any]], out: Path, lang: str) -> int:
    """SPSS .sav with variable labels and value labels in `lang` (kk or ru)."""
    import pandas as pd
    import pyreadstat

    header = next(rows)
    frame = pd.DataFrame(list(rows), columns=header)
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = frame[name].astype("string").fillna("")
    labels = {
        "status": {c: t("status." + c, lang) for c in ("scored", "absent", "exempt", "voided")},
        "absence_reason": {c: t("absence." + c, lang) for c in
                           ("illness", "bereavement", "competition", "home_schooling", "sanatorium")},
        "void_reason": {c: t("void." + c, lang) for c in ("confiscation", "impostor", "answers_invalid")},
        "test_language": {"kk": t("public.language.kk", lang), "ru": t("public.language.ru", lang)},
        "territory": {c: t("public.territory." + c, lang) for c in ("city", "village")},
        "org_type": {c: t("public.type." + c, lang) for c in
                     ("school", "lyceum", "gymnasium", "school-gymnasium", "school-lyceum", "college")},
    }
    column_labels = {name: t(f"export.col.{name}", lang) for name in header if f"export.col.{name}" in _catalogue()}
    tmp = out.with_name(out.name + ".tmp")
    pyreadstat.write_sav(frame, str(tmp), column_labels=column_labels,
                         variable_value_labels={k: v for k, v in labels.items() if k in frame.columns})
    import os

    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(out)
    return len(frame)


def _catalogue() -> dict[str, Any]:
    from common.i18n import catalogue

    return catalogue()
