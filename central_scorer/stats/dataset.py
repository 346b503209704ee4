"""The centre's stored results as analysis data: one block of students × items per direction and grade.

Read-only, from the score store (``scores.read``): the points and statuses each item got when the
attempt was scored (the one scoring engine, at ingest or ``rescore``), the packages' content for the
items' options and keys, and the answer log only for the option each student ended with on a choice
item (for the distractor analysis). Regions come from the results' own dimensions (the campaign's
working list at ingest), else the campaign's selection, overridden by a CSV given by the caller
(``organisation_code,region``).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

from common.domain.content_model import ContentError
from common.domain.items import Item, ItemType
from common.content.payload import payload_from_dict
from common.storage.central_models import CentralPackage, Response, Result, ScoredItem
from central_scorer.scores.read import ItemMatrix, cohorts, item_matrix
from central_scorer.stats.items import NOT_PRESENTED, ItemInfo, ScoredResponses

CHOICE_TYPES = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)


@dataclass
class UnitData:
    """Students × items of one direction and grade (items by id across variants and languages)."""

    direction: str
    grade: str
    items: list[Item] = field(default_factory=list)  # first seen version of each item id
    scores: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))  # NaN: not presented
    status: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.int8))
    chosen: dict[str, np.ndarray] = field(default_factory=dict)
    language: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    variant: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    region: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    @property
    def n_students(self) -> int:
        return self.scores.shape[0]

    def max_points(self) -> np.ndarray:
        return np.array([i.points for i in self.items], dtype=np.float64)

    def percent(self) -> np.ndarray:
        """Each student's percent of the maximum over the items presented to them."""
        presented = ~np.isnan(self.scores)
        got = np.where(presented, self.scores, 0.0).sum(axis=1)
        possible = (presented * self.max_points()[None, :]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(possible > 0, 100.0 * got / possible, np.nan)

    def right(self) -> np.ndarray:
        """1 where full marks, 0 otherwise, NaN where not presented (for IRT and DIF)."""
        full = self.scores >= self.max_points()[None, :] - 1e-9
        return np.where(np.isnan(self.scores), np.nan, full.astype(np.float64))

    def subset(self, rows: np.ndarray) -> UnitData:
        return UnitData(self.direction, self.grade, self.items, self.scores[rows], self.status[rows],
                        {k: v[rows] for k, v in self.chosen.items()}, self.language[rows],
                        self.variant[rows], self.region[rows])

    def scored_responses(self, rows: np.ndarray | None = None, only_presented: bool = True) -> ScoredResponses:
        """Classical item analysis input; with ``only_presented`` the columns nobody in ``rows`` saw
        are dropped."""
        sub = self if rows is None else self.subset(rows)
        cols = np.arange(len(self.items))
        if only_presented:
            cols = cols[(~np.isnan(sub.scores)).any(axis=0)]
        infos = tuple(ItemInfo(self.items[j].id, self.items[j].points,
                               tuple(o.id for o in self.items[j].options) if self.items[j].type in CHOICE_TYPES else (),
                               tuple(self.items[j].correct) if self.items[j].type in CHOICE_TYPES else ())
                      for j in cols)
        chosen = {self.items[j].id: sub.chosen[self.items[j].id] for j in cols if self.items[j].id in sub.chosen}
        return ScoredResponses(infos, sub.scores[:, cols], sub.status[:, cols], chosen)


def read_regions_csv(path: Path) -> dict[str, str]:
    """``organisation_code,region`` (with that header) → {code: region}; errors name the line."""
    text = path.read_text("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:2]] != ["organisation_code", "region"]:
        raise ValueError(f"{path}: line 1: the header must be 'organisation_code,region'")
    out: dict[str, str] = {}
    for row in reader:
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ValueError(f"{path}: line {reader.line_num}: needs an organisation code and a region")
        out[row[0].strip()] = row[1].strip()
    return out


def campaign_regions(centre) -> dict[str, str]:
    """Organisation code → region from the campaign's selections (newest wins), if the schema has them."""
    try:
        from common.storage.central_models import CampaignOrganisation  # type: ignore[attr-defined]
    except ImportError:
        return {}
    out: dict[str, str] = {}
    with centre.read() as s:
        for row in s.scalars(select(CampaignOrganisation).order_by(CampaignOrganisation.id)):
            out[row.code] = row.region
    return out


def read_units(centre, regions: dict[str, str] | None = None, year: int | None = None,
               grade: str | None = None, direction: str | None = None) -> tuple[list[UnitData], int]:
    """The scored results (of one year and grade when given) as one block per direction and grade,
    from the score store: points and statuses from ``item_scores`` (``scores.read.item_matrix``, one
    cohort at a time, every direction in one scan), the items' options and keys from the packages, and for choice
    items the option each student ended with (streamed from the answer log, reduced on the fly).
    Memory is the blocks, not the answers. Returns the blocks and the number of scored results."""
    override = regions or {}
    fallback = campaign_regions(centre)
    blocks: dict[tuple[str, str], list[tuple[ItemMatrix, int]]] = defaultdict(list)
    with centre.read() as s:
        scope = [Result.status == "scored"] + ([Result.year == year] if year is not None else []) + (
            [Result.grade == grade] if grade is not None else [])
        n_results = int(s.scalar(select(func.count()).select_from(Result).where(*scope)) or 0)
        for y, g, _ in cohorts(s):
            if (year is not None and y != year) or (grade is not None and g != grade):
                continue
            whole = item_matrix(s, y, g, direction)  # every direction at once: one scan of the cohort
            direction_of = dict(s.execute(select(ScoredItem.item_id, ScoredItem.direction)
                                          .where(ScoredItem.item_id.in_(whole.item_ids))).all())
            for d in sorted(set(direction_of.values())):
                blocks[(d, g)].append((_part(whole, [j for j, i in enumerate(whole.item_ids)
                                                     if direction_of[i] == d]), y))
            del whole  # the parts hold it now: not the cohort twice while the blocks are built
        wanted = {i for parts in blocks.values() for m, _ in parts for i in m.item_ids}
        exams = {st["variant"] for parts in blocks.values() for m, _ in parts for st in m.students}
        items, variants = _content(s, wanted, exams)
        units, rows = {}, {}
        for key in sorted(blocks):  # each part dropped once its block is built: one copy at a time
            units[key] = _unit(key[0], key[1], blocks[key], items, variants, override, fallback)
            rows[key] = [(m.result_ids, y) for m, y in blocks.pop(key)]
        for g in sorted({g for _, g in units}):
            _choices(s, g, {key: (unit, rows[key]) for key, unit in units.items() if key[1] == g})
        units = list(units.values())
    return units, n_results


def _content(s, wanted: set[str], exams: set[str]) -> tuple[dict[str, Item], dict[str, tuple[str, str]]]:
    """Each item's first stored version and each variant's (code, language), reading packages only
    until every one is found."""
    items: dict[str, Item] = {}
    variants: dict[str, tuple[str, str]] = {}
    for package in s.scalars(select(CentralPackage).order_by(CentralPackage.created_at)).yield_per(50):
        if wanted <= items.keys() and exams <= variants.keys():
            break
        try:
            payload = payload_from_dict(json.loads(package.content_json))
        except (ContentError, ValueError) as exc:
            raise ContentError(f"package {package.package_id}: {exc}") from exc
        for content in payload.variants:
            variants.setdefault(content.exam_id, (content.variant, content.language))
            for item in content.items:
                items.setdefault(item.id, item)
    return items, variants


def _unit(direction: str, grade: str, parts, items: dict[str, Item], variants, override, fallback) -> UnitData:
    ids = sorted({i for m, _ in parts for i in m.item_ids if i in items})
    column = {i: j for j, i in enumerate(ids)}
    n = sum(len(m.result_ids) for m, _ in parts)
    scores = np.full((n, len(ids)), np.nan)
    status = np.full((n, len(ids)), NOT_PRESENTED, dtype=np.int8)
    language = np.empty(n, dtype=object)
    variant = np.empty(n, dtype=object)
    region = np.empty(n, dtype=object)
    row = 0
    for m, _ in parts:
        cols = [column.get(i, -1) for i in m.item_ids]
        keep = [k for k, c in enumerate(cols) if c >= 0]
        rows = slice(row, row + len(m.result_ids))
        scores[rows, [cols[k] for k in keep]] = m.scores[:, keep]
        status[rows, [cols[k] for k in keep]] = m.status[:, keep]
        for k, st in enumerate(m.students):
            code, lang = variants.get(st["variant"], (st["variant"] or "", st["language"] or ""))
            org = st["organisation_code"]
            language[row + k] = st["language"] or lang
            variant[row + k] = code
            region[row + k] = override.get(org) or st["region"] or fallback.get(org, "")
        row += len(m.result_ids)
    unit_items = [items[i] for i in ids]
    chosen = {i.id: np.zeros((n, len(i.options)), dtype=bool) for i in unit_items if i.type in CHOICE_TYPES}
    return UnitData(direction, grade, unit_items, scores, status, chosen, language, variant, region)


def _part(whole: ItemMatrix, cols: list[int]) -> ItemMatrix:
    """One direction's columns of a cohort's matrix, and the students shown any of them."""
    rows = np.flatnonzero((whole.status[:, cols] != NOT_PRESENTED).any(axis=1))
    return ItemMatrix([whole.item_ids[j] for j in cols], [whole.points[j] for j in cols],
                      [whole.result_ids[r] for r in rows], whole.scores[np.ix_(rows, cols)],
                      whole.status[np.ix_(rows, cols)], [whole.students[r] for r in rows])


def _choices(s, grade: str, units: dict) -> None:
    """The option each student ended with on each choice item of a grade's blocks: the answer log
    streamed once in (student, item, seq) order, only the last change of each pair kept."""
    owner: dict[str, tuple[UnitData, dict[str, int], dict[int, int]]] = {}
    years: set[int] = set()
    for unit, parts in units.values():  # parts: (result ids, year) row for row with the block
        row_of = {rid: r for r, rid in enumerate(rid for ids, _ in parts for rid in ids)}
        years |= {y for _, y in parts}
        for i in unit.items:
            if i.id in unit.chosen:
                owner[i.id] = (unit, {o.id: k for k, o in enumerate(i.options)}, row_of)
    if not owner:
        return
    query = (select(Response.result_id, Response.item_id, Response.answer_json)
             .join(Result, Result.id == Response.result_id)
             .where(Result.status == "scored", Result.grade == grade, Result.year.in_(sorted(years)),
                    Response.item_id.in_(sorted(owner)))
             .order_by(Response.result_id, Response.item_id, Response.seq))
    last: tuple[int, str] | None = None
    answer_json = None

    def apply(key, raw: str) -> None:
        unit, option_index, row_of = owner[key[1]]
        r = row_of.get(key[0])
        if r is None:
            return
        simple = raw.startswith('"') and raw.endswith('"') and "\\" not in raw  # a plain option id
        for option in ({raw[1:-1]} if simple else _chosen(json.loads(raw))):
            k = option_index.get(option)
            if k is not None:
                unit.chosen[key[1]][r, k] = True

    for rid, item_id, raw in s.connection().execute(query.execution_options(yield_per=50_000)):  # server-side
        key = (rid, item_id)
        if last is not None and key != last:
            apply(last, answer_json)
        last, answer_json = key, raw
    if last is not None:
        apply(last, answer_json)


def _chosen(answer: Any) -> set[str]:
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, list):
        return {a for a in answer if isinstance(a, str)}
    return set()
