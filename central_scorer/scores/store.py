"""Scores stored once, at ingest: an attempt's total, its points per direction and per item, and
the dimensions every aggregate groups by (docs/scaling.md, "The score store").

`score_attempt_rows` is the one place where an attempt is scored at the centre: ingest and
`central-scorer rescore` both call it, so the stored total, the directions and the items always
agree (the total is the sum of the items, the direction totals the sum of their items).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.documents.pdf import local_time
from common.domain.exam import ExamContent
from common.domain.scoring import score_item
from common.storage.central_models import Campaign, CampaignOrganisation, ScoredItem
from central_scorer.scores.seen_answers import SeenAnswers, shown_items

ANSWERED, OMITTED, NOT_REACHED = 0, 1, 2  # the codes of central_scorer.stats.items
SCHOOL_CYCLE, COLLEGE_CYCLE = "april", "november"  # §11: schools in April, colleges in November


@dataclass(frozen=True)
class AttemptScores:
    total: float
    directions: dict[str, tuple[float, float]]  # direction -> (points, maximum)
    items: list[tuple[str, int, float, int]]  # (item id, position from 1, points, status)


def _answered(answer: Any) -> bool:
    return answer is not None and answer != "" and answer != [] and answer != {}


def score_attempt_rows(content: ExamContent, answers: dict[str, Any],
                       seen: SeenAnswers | None = None) -> AttemptScores:
    """Score every item the student was shown, in the order shown; sum per direction and overall.
    With `seen` (an ingest's), an answer met before for the item is not scored again."""
    score = score_item if seen is None else seen.points
    items = shown_items(content) if seen is None else seen.shown(content)
    given = [answers.get(item.id) for _, item in items]
    answered = [_answered(answer) for answer in given]
    last = len(answered) - 1 - answered[::-1].index(True) if True in answered else -1
    directions: dict[str, list[float]] = {}
    rows = []
    for position, ((direction, item), answer, was_answered) in enumerate(zip(items, given, answered),
                                                                          start=1):
        points = score(item, answer)
        got = directions.setdefault(direction, [0.0, 0.0])
        got[0] += points
        got[1] += item.points
        status = ANSWERED if was_answered else (OMITTED if position - 1 < last else NOT_REACHED)
        rows.append((item.id, position, points, status))
    total = round(sum(r[2] for r in rows), 4)
    return AttemptScores(total, {d: (round(a, 4), b) for d, (a, b) in directions.items()}, rows)


def cycle_of(grade: str | None) -> str | None:
    if not grade:
        return None
    return COLLEGE_CYCLE if grade.startswith("college") else SCHOOL_CYCLE


def monitoring_day(manifest: dict[str, Any], attempts: Iterable[dict[str, Any]]) -> dt.date:
    """The day the room sat the test (Kazakhstan time): its first attempt's start, else the day the
    bundle was sealed."""
    starts = [a["started_at"] for a in attempts if a.get("started_at")]
    moment = min(starts) if starts else manifest["created_at"]
    return local_time(dt.datetime.fromisoformat(moment)).date()


@dataclass(frozen=True)
class Dimensions:
    year: int
    cycle: str | None
    grade: str | None
    monitoring_day: dt.date
    campaign_id: int | None = None
    region: str | None = None
    district: str | None = None
    territory: str | None = None
    org_type: str | None = None
    org_language: str | None = None

    def columns(self) -> dict[str, Any]:
        return {"year": self.year, "cycle": self.cycle, "grade": self.grade,
                "monitoring_day": self.monitoring_day, "campaign_id": self.campaign_id,
                "region": self.region, "district": self.district, "territory": self.territory,
                "org_type": self.org_type, "org_language": self.org_language}


def dimensions(session: Session, organisation_code: str, grade: str | None,
               day: dt.date) -> Dimensions:
    """The organisation's facts from the campaign of that year and grade (its working list)."""
    base = Dimensions(year=day.year, cycle=cycle_of(grade), grade=grade, monitoring_day=day)
    if grade is None:
        return base
    row = session.execute(
        select(CampaignOrganisation, Campaign.id).join(Campaign, Campaign.id == CampaignOrganisation.campaign_id)
        .where(Campaign.year == day.year, Campaign.grade == grade,
               CampaignOrganisation.code == organisation_code)).first()
    if row is None:
        return base
    org, campaign_id = row
    return Dimensions(year=day.year, cycle=base.cycle, grade=grade, monitoring_day=day,
                      campaign_id=campaign_id, region=org.region, district=org.district,
                      territory=org.territory, org_type=org.type, org_language=org.language)


def item_numbers(session: Session, contents: Iterable[ExamContent]) -> dict[str, int]:
    """`scored_items` ids of every item in `contents`, registering the new ones (an item keeps the
    number it got first; concurrent registrations of the same item agree through the unique key)."""
    wanted: dict[str, tuple[str, float, str]] = {}
    for content in contents:
        for section in content.sections:
            for item in section.items:
                wanted.setdefault(item.id, (section.direction, float(item.points), str(item.type)))
    if not wanted:
        return {}
    known = dict(session.execute(select(ScoredItem.item_id, ScoredItem.id)
                                 .where(ScoredItem.item_id.in_(list(wanted)))).all())
    # sorted: concurrent ingests registering overlapping new items lock them in one order
    missing = [dict(item_id=k, direction=d, points=p, type=t)
               for k, (d, p, t) in sorted(wanted.items()) if k not in known]
    if missing:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ScoredItem)
        session.execute(insert.on_conflict_do_nothing(index_elements=["item_id"]), missing)
        known = dict(session.execute(select(ScoredItem.item_id, ScoredItem.id)
                                     .where(ScoredItem.item_id.in_(list(wanted)))).all())
    return known
