"""From one cohort's data (a year, grade and direction) to plausible values on the reporting scale:
calibrate, link to the base year (or make the base year's scale), draw the plausible values from
the latent regression on the background we hold."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from central_scorer.stats.irt.calibration import calibrate
from central_scorer.stats.irt.model import CalibrationError
from central_scorer.stats.population.data import BACKGROUND, CohortData
from central_scorer.stats.population.plausible import LatentRegression, organisation_means, plausible_values
from central_scorer.stats.population.scale import DEFAULT_CUTS, Scale, ScaleError, YearLink, link_year
from central_scorer.stats.responses import ResponseMatrix


@dataclass
class CohortEstimates:
    data: CohortData
    scale: Scale
    scores: np.ndarray  # students × plausible values, scale points
    levels: np.ndarray  # students × plausible values, level index
    link: YearLink | None  # None in the base year
    regression: LatentRegression
    converged: bool

    @property
    def linking_error(self) -> float:
        return 0.0 if self.link is None else self.link.error


def estimate_cohort(data: CohortData, scale: Scale | None = None, *, cuts: tuple[float, ...] | None = None,
                    count: int = 5, model: str = "2pl", seed: int = 19) -> CohortEstimates:
    """``scale`` None: this year is the base year and its scale is made here; the base year again:
    its stored item parameters; another year: its own calibration linked to the base year."""
    link, converged = None, True
    if scale is not None and scale.base_year == data.year:
        items = dict(scale.items)
    else:
        try:
            fit = calibrate(ResponseMatrix.from_array(data.right, data.item_ids), model)
        except CalibrationError as exc:
            raise ScaleError(f"grade {data.grade}, {data.direction}, {data.year}: the calibration failed: {exc}") from None
        items, converged = {i.id: (float(i.a), float(i.b)) for i in fit.items}, bool(fit.converged)
        if scale is not None:
            link = link_year(scale, items)
            items = link.link.items(items)
    known = [j for j, i in enumerate(data.item_ids) if i in items]
    a = np.array([items[data.item_ids[j]][0] for j in known])
    b = np.array([items[data.item_ids[j]][1] for j in known])
    right = data.right[:, known]
    background = {k: data.background[k] for k in BACKGROUND}
    background["organisation_mean"] = organisation_means(data.design.psu, right)
    rng = np.random.default_rng(seed)
    theta, regression = plausible_values(right, a, -a * b, background, data.design.weight, count, rng)
    if scale is None:
        w = data.design.weight
        mean = float(np.average(theta, axis=0, weights=w).mean())
        sd = float(np.sqrt(np.average((theta - mean) ** 2, axis=0, weights=w).mean()))
        scale = Scale(data.grade, data.direction, data.year, mean, sd, items, tuple(cuts or DEFAULT_CUTS))
    elif cuts:
        scale.cuts = tuple(cuts)
    scores = scale.score(theta)
    return CohortEstimates(data, scale, scores, scale.level(scores), link, regression, converged)
