"""The centre's stored results as analysis data: one block of students × items per direction and grade.

Read-only: the scored results (``results``), their raw answer logs (``responses``) and the packages'
content with keys (``packages``). Every item is re-scored from the latest answer with the one scoring
engine (``common.domain.scoring.score_item``), so the statistics see exactly what the official score saw.
Regions come from the campaign's selection when the centre has one, or from a CSV given by the
caller (``organisation_code,region``), which wins.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from sqlalchemy import select

from common.domain.content_model import ContentError
from common.domain.exam import ExamContent
from common.domain.items import Item, ItemType
from common.domain.scoring import latest_answers, score_item
from common.content.payload import ExamPayload, payload_from_dict
from common.storage.central_models import CentralPackage, Response, Result
from central_scorer.centre import variant_of
from central_scorer.stats.items import NOT_PRESENTED, ItemInfo, ScoredResponses, response_status

CHOICE_TYPES = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)


@dataclass
class Student:
    """One scored attempt with the answers it ended with."""

    organisation_code: str
    region: str
    content: ExamContent
    package_id: str
    answers: dict[str, Any]


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


def read_students(centre, regions: dict[str, str] | None = None, year: int | None = None,
                  grade: str | None = None) -> tuple[list[Student], int]:
    """Every scored result with a known package (of one year and grade when given: filtered in the
    database, not after reading), and the number of scored results read."""
    region_of = {**campaign_regions(centre), **(regions or {})}
    payloads: dict[str, ExamPayload] = {}
    students: list[Student] = []
    with centre.read() as s:
        for package in s.scalars(select(CentralPackage)):
            try:
                payloads[package.package_id] = payload_from_dict(json.loads(package.content_json))
            except (ContentError, ValueError) as exc:
                raise ContentError(f"package {package.package_id}: {exc}") from exc
        scope = [Result.status == "scored"]
        if year is not None:
            scope.append(Result.year == year)
        if grade is not None:
            scope.append(Result.grade == grade)
        results = list(s.execute(select(Result.id, Result.organisation_code, Result.package_id, Result.exam_id)
                                 .where(*scope).order_by(Result.id)))
        changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        query = (select(Response.result_id, Response.seq, Response.item_id, Response.answer_json)
                 .join(Result, Result.id == Response.result_id).where(*scope))
        for r in s.execute(query).yield_per(20_000):
            changes[r.result_id].append({"seq": r.seq, "item_id": r.item_id, "answer": json.loads(r.answer_json)})
    for rid, org, pid, exam_id in results:
        content = variant_of(payloads, pid, exam_id)  # the variant the student sat
        if content is None:
            continue
        students.append(Student(org, region_of.get(org, ""), content, pid, latest_answers(changes.pop(rid, []))))
    return students, len(results)


def _answered(answer: Any) -> bool:
    return answer is not None and answer != "" and answer != [] and answer != {}


def _chosen(answer: Any) -> set[str]:
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, list):
        return {a for a in answer if isinstance(a, str)}
    return set()


def build_units(students: Iterable[Student]) -> list[UnitData]:
    """Group students into (direction, grade) blocks; each student's items in the order they met them."""
    # unit → rows: (student, section items)
    blocks: dict[tuple[str, str], list[tuple[Student, list[Item], np.ndarray, np.ndarray]]] = defaultdict(list)
    for st in students:
        order = st.content.items
        answered = np.array([_answered(st.answers.get(i.id)) for i in order], dtype=bool)
        status = response_status(answered[None, :], np.ones((1, len(order)), dtype=bool))[0]
        position = 0
        for section in st.content.sections:
            n = len(section.items)
            if n:
                blocks[(section.direction, st.content.grade)].append(
                    (st, list(section.items), status[position:position + n], answered[position:position + n]))
            position += n
    units = []
    for (direction, grade), rows in sorted(blocks.items()):
        items: list[Item] = []
        index: dict[str, int] = {}
        for _, section_items, _, _ in rows:
            for item in section_items:
                if item.id not in index:
                    index[item.id] = len(items)
                    items.append(item)
        n, j = len(rows), len(items)
        scores = np.full((n, j), np.nan)
        status = np.full((n, j), NOT_PRESENTED, dtype=np.int8)
        chosen = {i.id: np.zeros((n, len(i.options)), dtype=bool) for i in items if i.type in CHOICE_TYPES}
        option_index = {i.id: {o.id: k for k, o in enumerate(i.options)} for i in items if i.type in CHOICE_TYPES}
        language = np.empty(n, dtype=object)
        variant = np.empty(n, dtype=object)
        region = np.empty(n, dtype=object)
        for r, (st, section_items, st_status, _) in enumerate(rows):
            language[r] = st.content.language
            variant[r] = st.content.variant
            region[r] = st.region
            for item, code in zip(section_items, st_status):
                c = index[item.id]
                answer = st.answers.get(item.id)
                scores[r, c] = score_item(item, answer)
                status[r, c] = code
                if item.id in chosen:
                    for option in _chosen(answer):
                        k = option_index[item.id].get(option)
                        if k is not None:
                            chosen[item.id][r, k] = True
        units.append(UnitData(direction, grade, items, scores, status, chosen, language, variant, region))
    return units
