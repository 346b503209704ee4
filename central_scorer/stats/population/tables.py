"""The National report's tables: for one year, grade and direction, the mean scale score (SE) and
the percentage at each level (SE) of every group, with small cells withheld.

Tables: by region, territory, language of the test, type of organisation, and region × territory,
region × language, region × type; each with its margins. A cell is withheld when it has fewer than
``MIN_GROUP`` students or fewer than ``MIN_ORGANISATIONS`` organisations (a cell of one or two
organisations would publish an organisation's result), and then as many others as
``reports.suppression`` needs so that none can be recovered by subtraction. Only groups are
printed: no organisation, no student.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from central_scorer.reports.suppression import MIN_GROUP, TOTAL, suppress
from central_scorer.stats.population.estimate import CohortEstimates
from central_scorer.stats.population.jackknife import Estimate, group_means, shares

MIN_ORGANISATIONS = 3
TABLES = (("region",), ("territory",), ("language",), ("type",),
          ("region", "territory"), ("region", "language"), ("region", "type"))


@dataclass(frozen=True)
class Cell:
    key: tuple[str, ...]  # one value per dimension, TOTAL for a margin
    students: int
    organisations: int
    mean: float | None  # None: withheld
    se: float | None
    levels: tuple[tuple[float, float], ...]  # (percentage, SE) per level; () when withheld
    withheld: str | None  # None | "primary" | "secondary"


@dataclass(frozen=True)
class NationalTable:
    dimensions: tuple[str, ...]
    cells: tuple[Cell, ...]


def _partition(est: CohortEstimates, dims: tuple[str, ...], margin: tuple[bool, ...]):
    """Group index per student for one combination of (dimension kept / summed over)."""
    bg = est.data.background
    n = len(est.scores)
    parts = [bg[d] if keep else np.full(n, TOTAL, dtype=object) for d, keep in zip(dims, margin)]
    keys = list(zip(*[p.tolist() for p in parts]))
    uniq = sorted(set(keys))
    index = {k: i for i, k in enumerate(uniq)}
    return uniq, np.array([index[k] for k in keys], dtype=np.int64)


def national_table(est: CohortEstimates, dims: tuple[str, ...], min_group: int = MIN_GROUP,
                   min_organisations: int = MIN_ORGANISATIONS) -> NationalTable:
    design = est.data.design
    figures: dict[tuple, tuple[int, int, Estimate, list[Estimate], int]] = {}
    for mask in range(2 ** len(dims)):
        keep = tuple(bool(mask >> i & 1) for i in range(len(dims)))
        keys, group = _partition(est, dims, keep)
        means = group_means(design, est.scores, group, len(keys)).combine()
        levels = [s.combine() for s in shares(design, est.levels, group, len(keys), est.scale.n_levels)]
        orgs = np.array([len(np.unique(design.psu[group == g])) for g in range(len(keys))])
        for g, key in enumerate(keys):
            figures[key] = (int(means.n[g]), int(orgs[g]), means, levels, g)
    counts = {k: v[0] for k, v in figures.items()}
    few = {k for k, v in figures.items() if v[1] < min_organisations and v[0] > 0}
    hidden = suppress(counts, min_group, also=few)
    cells = []
    for key in sorted(figures, key=lambda k: tuple((v == TOTAL, str(v)) for v in k)):
        n, orgs, means, levels, g = figures[key]
        reason = hidden.reason(key)
        if reason:
            cells.append(Cell(key, n, orgs, None, None, (), reason))
        else:
            cells.append(Cell(key, n, orgs, float(means.value[g]), float(means.se[g]),
                              tuple((float(s.value[g]), float(s.se[g])) for s in levels), None))
    return NationalTable(dims, tuple(cells))


def national_tables(est: CohortEstimates, tables=TABLES) -> list[NationalTable]:
    return [national_table(est, dims) for dims in tables]


@dataclass(frozen=True)
class Trend:
    group: str  # TOTAL or a region
    base_year: int
    year: int
    base_mean: float
    mean: float
    change: float
    se: float  # sampling and measurement of both years, and the linking error


def trends(base: CohortEstimates, later: CohortEstimates, min_group: int = MIN_GROUP) -> list[Trend]:
    """Change of the mean since the base year, nationally and per region (independent samples: the
    variances add, and so does the linking error's)."""
    out = []
    for by_region in (False, True):
        kb, gb = _partition(base, ("region",), (by_region,))
        kl, gl = _partition(later, ("region",), (by_region,))
        mb = group_means(base.data.design, base.scores, gb, len(kb)).combine()
        ml = group_means(later.data.design, later.scores, gl, len(kl)).combine()
        for i, key in enumerate(kl):
            if key not in kb or ml.n[i] < min_group or mb.n[kb.index(key)] < min_group:
                continue
            j = kb.index(key)
            se = float(np.sqrt(mb.se[j] ** 2 + ml.se[i] ** 2 + later.linking_error ** 2))
            out.append(Trend(key[0], base.data.year, later.data.year, float(mb.value[j]),
                             float(ml.value[i]), float(ml.value[i] - mb.value[j]), se))
    return out


@dataclass(frozen=True)
class Gap:
    dimension: str
    first: str
    second: str
    difference: float  # mean of first − mean of second, scale points
    se: float  # from the same replicates (their covariance is in), with the plausible values


GAP_DIMENSIONS = ("territory", "language")


def gaps(est: CohortEstimates, min_group: int = MIN_GROUP,
         min_organisations: int = MIN_ORGANISATIONS) -> list[Gap]:
    """The differences the National report names: city − village, and between the languages of the
    test, each with its jackknife SE (one sample: computed replicate by replicate)."""
    design = est.data.design
    out = []
    for dim in GAP_DIMENSIONS:
        keys, group = _partition(est, (dim,), (True,))
        replicated = group_means(design, est.scores, group, len(keys))
        shown = [g for g in range(len(keys)) if replicated.n[g] >= min_group
                 and len(np.unique(design.psu[group == g])) >= min_organisations]
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                d = replicated.difference(a, b).combine()
                out.append(Gap(dim, keys[a][0], keys[b][0], float(d.value[0]), float(d.se[0])))
    return out
