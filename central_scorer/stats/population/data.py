"""One year, grade and direction of the stored scores as the population estimates need them:
the sample's design (from the campaign's selection and every student record of the selected
organisations) and the scored students' 0/1 matrix with their background (docs/statistics.md).

Reads the score store only (``scores.read.item_matrix`` and one query over ``results``), never
the raw answers: memory is the matrix of one direction, not the year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.storage.central_models import Campaign, CampaignOrganisation, Result
from central_scorer.campaign.store import EXEMPT_REASONS
from central_scorer.scores.read import item_matrix
from central_scorer.stats.population.design import EXEMPT, SCORED, Design, SampledOrganisation, build_design

# what each published table may be broken down by: the column of ItemMatrix.students
BACKGROUND = ("region", "territory", "type", "language")


class NoSample(ValueError):
    """The year and grade have no campaign (selection) or no scored student of it."""


@dataclass
class CohortData:
    year: int
    grade: str
    direction: str
    item_ids: list[str]
    right: np.ndarray  # students × items: 1 full marks, 0 not, NaN not shown
    design: Design
    background: dict[str, np.ndarray]  # BACKGROUND columns, row for row with ``right``
    organisations: int  # responding organisations


def sampled_organisations(session: Session, year: int, grade: str) -> list[SampledOrganisation]:
    campaign = session.scalar(select(Campaign).where(Campaign.year == year, Campaign.grade == grade))
    if campaign is None:
        raise NoSample(f"no campaign for grade {grade} in {year}: the selection gives the weights")
    published = {s["stratum"]: s for s in json.loads(campaign.selection_json)["strata"]}
    out = []
    for org in session.scalars(select(CampaignOrganisation).where(CampaignOrganisation.campaign_id == campaign.id)):
        p = org.inclusion_probability
        if p is None:  # stored before the column existed: the published selection says it
            s = published[org.stratum]
            p = s["drawn"] / s["organisations"]
        out.append(SampledOrganisation(org.code, org.stratum, float(p)))
    return out


def load_cohort(session: Session, year: int, grade: str, direction: str) -> CohortData:
    sample = sampled_organisations(session, year, grade)
    codes = {o.code for o in sample}
    matrix = item_matrix(session, year, grade, direction)
    row_of = {rid: k for k, rid in enumerate(matrix.result_ids)}
    records = session.execute(select(Result.id, Result.organisation_code, Result.status, Result.absence_reason)
                              .where(Result.year == year, Result.grade == grade).order_by(Result.id)).all()
    organisation, status, matrix_row = [], [], []
    for rid, code, st, reason in records:
        if code not in codes:
            continue  # an organisation outside the selection is outside the design
        organisation.append(code)
        if st == "absent" and reason in EXEMPT_REASONS:
            status.append(EXEMPT)
        elif st == "scored" and rid in row_of:
            status.append(SCORED)
            matrix_row.append(row_of[rid])
        else:
            status.append("absent" if st == "scored" else st)  # scored without this direction: no data
    if not matrix_row:
        raise NoSample(f"no scored student of the selection in grade {grade}, {year}, {direction}")
    design, _ = build_design(sample, organisation, status)
    take = np.array(matrix_row)
    points = np.array(matrix.points)
    scores = matrix.scores[take]
    right = np.where(np.isnan(scores), np.nan, (scores >= points[None, :] - 1e-9).astype(np.float64))
    students = [matrix.students[k] for k in take]
    background = {name: np.array([s[name] or "" for s in students], dtype=object) for name in BACKGROUND}
    return CohortData(year, grade, direction, matrix.item_ids, right, design, background, design.n_psu)
