"""Aggregated results for publication (§28): one year and one grade at a time — never pooled —
by direction, and by region, territory, type of organisation and language of the test.

Every figure is a GROUP BY over the scores stored at ingest (`central_scorer.scores.read`). Small
groups are withheld with complementary suppression (`reports.suppression`): in each table a group
under `MIN_GROUP` students is withheld together with enough others that no withheld group can be
recovered by subtracting the published ones from the total.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from central_scorer.centre import Centre
from central_scorer.reports.suppression import MIN_GROUP, TOTAL, suppress
from central_scorer.scores import read

UNKNOWN = "unknown"
TABLES = ("region", "territory", "type", "language")


def _empty() -> dict[str, Any]:
    return {"students": 0, "sum": 0.0, "directions": {}}


def _collect(overall: list[tuple], by_direction: list[tuple]) -> dict[tuple[int, str], dict[str | None, dict]]:
    """(year, grade) → table (None: the total) → group key → students, sum, directions."""
    out: dict[tuple[int, str], dict[str | None, dict]] = defaultdict(lambda: defaultdict(lambda: defaultdict(_empty)))
    for year, grade, table, key, students, total in overall:
        g = out[(int(year), str(grade))][table][UNKNOWN if key is None else str(key)]
        g["students"] += students
        g["sum"] += total
    for year, grade, table, key, direction, students, total in by_direction:
        g = out[(int(year), str(grade))][table][UNKNOWN if key is None else str(key)]
        d = g["directions"].setdefault(direction, [0, 0.0])
        d[0] += students
        d[1] += total
    return out


def _public(key: str, g: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "suppressed": False, "students": g["students"],
            "mean_percent": round(g["sum"] / g["students"], 1),
            "directions": {d: round(total / n, 1) for d, (n, total) in sorted(g["directions"].items()) if n}}


def _cohort(year: int, grade: str, tables: dict[str | None, dict], min_group: int) -> dict[str, Any]:
    """One year and grade as published: the total, and each table with its withheld groups."""
    overall = tables.get(None, {}).get("*")
    out: dict[str, Any] = {"year": year, "grade": grade, "min_group": min_group}
    if overall is None or overall["students"] < min_group:
        out.update(overall={"key": "all", "suppressed": True}, by={})
        return out
    out["overall"] = _public("all", overall)
    out["directions"] = sorted(overall["directions"])
    out["by"] = {}
    for by in TABLES:
        groups = tables.get(by, {})
        counts = {(k,): g["students"] for k, g in groups.items()}
        counts[(TOTAL,)] = overall["students"]
        hidden = suppress(counts, min_group)
        out["by"][by] = [{"key": k, "suppressed": True} if (k,) in hidden else _public(k, g)
                         for k, g in sorted(groups.items())]
    return out


def publication(centre: Centre, min_group: int = MIN_GROUP) -> list[dict[str, Any]]:
    """Every year and grade with scored results, each on its own (two scans on PostgreSQL)."""
    with centre.read() as s:
        found = _collect(*read.cohort_tables(s, TABLES))
    return [_cohort(year, grade, found[(year, grade)], min_group) for year, grade in sorted(found)]


def cohort(centre: Centre, year: int, grade: str, min_group: int = MIN_GROUP) -> dict[str, Any]:
    """One year and grade as published."""
    return next((c for c in publication(centre, min_group) if (c["year"], c["grade"]) == (year, grade)),
                {"year": year, "grade": grade, "min_group": min_group,
                 "overall": {"key": "all", "suppressed": True}, "by": {}})


def organisation_facts(centre: Centre) -> dict[str, dict[str, str]]:
    """code → region, type, from the newest campaign that selected the organisation (the survey's
    groups; the results carry their own dimensions)."""
    from sqlalchemy import select

    from common.storage.central_models import CampaignOrganisation

    facts: dict[str, dict[str, str]] = {}
    with centre.read() as s:
        for code, region, kind in s.execute(select(CampaignOrganisation.code, CampaignOrganisation.region,
                                                   CampaignOrganisation.type).order_by(CampaignOrganisation.id)):
            facts[code] = {"region": region, "type": kind}
    return facts
