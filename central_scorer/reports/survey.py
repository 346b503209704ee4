"""The anonymous survey (§25) at the centre: answers aggregated per organisation and per region.

The centre holds each room's responses without anything that names a student (see
`CentralSurveyResponse`), and publishes them only as counts and means of groups. A group with
fewer than `MIN_GROUP` respondents is suppressed, exactly like the results (§28): neither its size
nor its answers are given. Regions come from the campaign's selection (`organisation_facts`); an
organisation the centre has no facts for counts under "unknown".
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from common.storage.central_models import CentralSurveyResponse
from central_scorer.reports.aggregates import MIN_GROUP, UNKNOWN, organisation_facts
from central_scorer.centre import Centre


@dataclass
class SurveyGroup:
    key: str
    respondents: int = 0
    # question -> answer ("1".."5", or "none" for a question left out) -> how many gave it
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, answers: dict[str, int | None]) -> None:
        self.respondents += 1
        for question, value in answers.items():
            self.counts[question]["none" if value is None else str(value)] += 1

    def public(self, min_group: int) -> dict[str, Any]:
        if self.respondents < min_group:
            return {"key": self.key, "suppressed": True}
        questions = {}
        for question, counts in sorted(self.counts.items()):
            given = {v: n for v, n in counts.items() if v != "none"}
            answered = sum(given.values())
            questions[question] = {
                "counts": {v: counts.get(v, 0) for v in sorted({*given, "none"})},
                "answered": answered,
                "mean": round(sum(int(v) * n for v, n in given.items()) / answered, 2) if answered else None,
            }
        return {"key": self.key, "suppressed": False, "respondents": self.respondents,
                "questions": questions}


@dataclass
class Questionnaire:
    overall: SurveyGroup = field(default_factory=lambda: SurveyGroup("all"))
    by: dict[str, dict[str, SurveyGroup]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, organisation: str, region: str, answers: dict[str, int | None]) -> None:
        self.overall.add(answers)
        for dimension, key in (("organisation", organisation), ("region", region)):
            self.by[dimension].setdefault(key, SurveyGroup(key)).add(answers)


def survey_aggregates(centre: Centre, min_group: int = MIN_GROUP) -> dict[str, Any]:
    """Per questionnaire: all respondents, and per organisation and per region, small groups
    suppressed."""
    facts = organisation_facts(centre)
    found: dict[str, Questionnaire] = defaultdict(Questionnaire)
    with centre.read() as s:
        rows = s.execute(select(CentralSurveyResponse.organisation_code,
                                CentralSurveyResponse.questionnaire,
                                CentralSurveyResponse.answers_json))
        for organisation, questionnaire, answers_json in rows:
            region = facts.get(organisation, {}).get("region", UNKNOWN)
            found[questionnaire].add(organisation, region, json.loads(answers_json))
    return {
        "min_group": min_group,
        "questionnaires": [
            {"questionnaire": name, "overall": q.overall.public(min_group),
             "by": {dim: [g.public(min_group) for _, g in sorted(q.by[dim].items())]
                    for dim in ("organisation", "region")}}
            for name, q in sorted(found.items())
        ],
    }
