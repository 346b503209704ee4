"""Aggregated results for publication (§28): by region, type of organisation, language and
direction — never a person, and never a group small enough to point at one.

Every scored attempt contributes its percent overall and per direction (the sections' directions
of its package). Organisation facts (region, type) come from the campaign's selection; an
organisation the centre has no facts for is counted under "unknown". A group with fewer than
`MIN_GROUP` students is suppressed: its size and mean are not published.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from common.domain.scoring import latest_answers, score_item
from common.storage.central_models import Response, Result
from central_scorer.centre import Centre, variant_of

MIN_GROUP = 10
UNKNOWN = "unknown"


@dataclass
class Group:
    key: str
    students: int = 0
    percent_sum: float = 0.0

    def add(self, percent: float) -> None:
        self.students += 1
        self.percent_sum += percent

    def public(self, min_group: int) -> dict[str, Any]:
        if self.students < min_group:
            return {"key": self.key, "suppressed": True}
        return {"key": self.key, "suppressed": False, "students": self.students,
                "mean_percent": round(self.percent_sum / self.students, 1)}


@dataclass
class Aggregates:
    overall: Group = field(default_factory=lambda: Group("all"))
    by: dict[str, dict[str, Group]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, dimension: str, key: str, percent: float) -> None:
        self.by[dimension].setdefault(key, Group(key)).add(percent)

    def public(self, min_group: int = MIN_GROUP) -> dict[str, Any]:
        return {
            "min_group": min_group,
            "overall": self.overall.public(min_group),
            "by": {dim: [g.public(min_group) for _, g in sorted(groups.items())]
                   for dim, groups in sorted(self.by.items())},
        }


def organisation_facts(centre: Centre) -> dict[str, dict[str, str]]:
    """code → region, type, from the newest campaign that selected the organisation."""
    try:
        from common.storage.central_models import CampaignOrganisation
    except ImportError:  # no campaign tables in this database's schema
        return {}
    facts: dict[str, dict[str, str]] = {}
    with centre.read() as s:
        for row in s.scalars(select(CampaignOrganisation).order_by(CampaignOrganisation.id)):
            facts[row.code] = {"region": row.region, "type": row.type}
    return facts


@dataclass(frozen=True)
class ScoredRow:
    """One scored attempt, reduced to what aggregation needs: no name, no code of a person."""

    organisation_code: str
    region: str
    type: str
    language: str
    percent: float
    directions: dict[str, float]  # direction -> percent


def scored_rows(centre: Centre, organisation_code: str | None = None) -> list[ScoredRow]:
    """Every scored attempt's percent overall and per direction (re-scored per section)."""
    facts = organisation_facts(centre)
    payloads = centre.package_payloads()
    with centre.read() as s:
        query = select(Result).where(Result.status == "scored")
        if organisation_code is not None:
            query = query.where(Result.organisation_code == organisation_code)
        results = list(s.scalars(query))
        changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in s.execute(select(Response.result_id, Response.seq, Response.item_id,
                                  Response.answer_json).where(Response.result_id.in_(
                                      [x.id for x in results]))):
            changes[r.result_id].append({"seq": r.seq, "item_id": r.item_id,
                                         "answer": json.loads(r.answer_json)})
    rows = []
    for result in results:
        content = variant_of(payloads, result.package_id, result.exam_id)
        if content is None or not result.max_score:
            continue
        org = facts.get(result.organisation_code, {})
        answers = latest_answers(changes[result.id])
        got: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for section in content.sections:
            for item in section.items:
                got[section.direction][0] += score_item(item, answers.get(item.id))
                got[section.direction][1] += item.points
        rows.append(ScoredRow(
            organisation_code=result.organisation_code, region=org.get("region", UNKNOWN),
            type=org.get("type", UNKNOWN), language=content.language,
            percent=100 * (result.score or 0) / result.max_score,
            directions={d: 100 * a / b for d, (a, b) in got.items() if b}))
    return rows


def aggregate(centre: Centre) -> Aggregates:
    out = Aggregates()
    for row in scored_rows(centre):
        out.overall.add(row.percent)
        out.add("region", row.region, row.percent)
        out.add("type", row.type, row.percent)
        out.add("language", row.language, row.percent)
        for direction, percent in row.directions.items():
            out.add("direction", direction, percent)
    return out
