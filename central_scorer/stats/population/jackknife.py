"""Jackknife repeated replication (JKn) over the organisations, combined with plausible values by
Rubin's rules (docs/statistics.md, "Standard errors").

A replicate drops one responding organisation ``i`` of variance stratum ``h`` and scales the others
of ``h`` by ``n_h / (n_h − 1)``; the variance of a statistic is

    v = Σ_h (1 − π_h) · (n_h − 1) / n_h · Σ_{i ∈ h} (θ_(hi) − θ)²

with ``1 − π_h`` the finite population correction of a one-stage cluster sample (all students of a
selected organisation are tested). Every statistic here is a function of weighted totals, so the
replicates are computed from the organisations' totals alone: no replicate weight column is built,
and the cost is one pass over the students plus O(organisations × groups).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from central_scorer.stats.population.design import Design


@dataclass(frozen=True)
class Estimate:
    """One figure per group: estimate, total SE, and its two parts."""

    value: np.ndarray
    se: np.ndarray
    sampling_se: np.ndarray
    imputation_se: np.ndarray
    n: np.ndarray  # students behind each figure (unweighted)


def coefficients(design: Design) -> np.ndarray:
    """c_r of each replicate (one per responding organisation): (1 − π_h)(n_h − 1)/n_h."""
    n_h = np.bincount(design.psu_stratum, minlength=len(design.strata)).astype(np.float64)
    h = design.psu_stratum
    return design.fpc[h] * (n_h[h] - 1.0) / n_h[h]


def replicate_totals(design: Design, totals: np.ndarray) -> np.ndarray:
    """Organisation totals (P × …) → every replicate's totals (P × …), replicate r dropping PSU r."""
    n_h = np.bincount(design.psu_stratum, minlength=len(design.strata)).astype(np.float64)
    stratum_sum = np.zeros((len(design.strata),) + totals.shape[1:])
    np.add.at(stratum_sum, design.psu_stratum, totals)
    h = design.psu_stratum
    shape = (-1,) + (1,) * (totals.ndim - 1)
    grand = totals.sum(axis=0)
    scale = (n_h[h] / (n_h[h] - 1.0)).reshape(shape)
    return grand[None] - stratum_sum[h] + scale * (stratum_sum[h] - totals)


@dataclass
class Replicated:
    """A statistic per plausible value (M × G) and per replicate (M × R × G)."""

    full: np.ndarray
    reps: np.ndarray
    c: np.ndarray
    n: np.ndarray

    def combine(self) -> Estimate:
        m = self.full.shape[0]
        with np.errstate(invalid="ignore"):
            sampling = np.einsum("r,mrg->mg", self.c, (self.reps - self.full[:, None, :]) ** 2).mean(axis=0)
            between = self.full.var(axis=0, ddof=1) if m > 1 else np.zeros(self.full.shape[1])
        imputation = (1.0 + 1.0 / m) * between
        return Estimate(self.full.mean(axis=0), np.sqrt(sampling + imputation), np.sqrt(sampling),
                        np.sqrt(imputation), self.n)

    def difference(self, a: int, b: int) -> Replicated:
        """θ_a − θ_b, replicate by replicate (both from the same sample)."""
        return Replicated(self.full[:, [a]] - self.full[:, [b]], self.reps[:, :, [a]] - self.reps[:, :, [b]],
                          self.c, np.array([min(self.n[a], self.n[b])]))


def group_means(design: Design, values: np.ndarray, group: np.ndarray, n_groups: int) -> Replicated:
    """Weighted mean of ``values`` (students × M, one column per plausible value, or a vector) in
    each group (``group``: 0 … n_groups − 1 per student, −1 outside every group)."""
    values = values.reshape(len(values), -1)
    keep = group >= 0
    psu, g, w, y = design.psu[keep], group[keep], design.weight[keep], values[keep]
    cell = psu * n_groups + g
    size = design.n_psu * n_groups
    tw = np.bincount(cell, weights=w, minlength=size).reshape(design.n_psu, n_groups)
    rw = replicate_totals(design, tw)
    full, reps = [], []
    with np.errstate(invalid="ignore", divide="ignore"):
        for m in range(y.shape[1]):
            ty = np.bincount(cell, weights=w * y[:, m], minlength=size).reshape(design.n_psu, n_groups)
            full.append(ty.sum(axis=0) / tw.sum(axis=0))
            reps.append(replicate_totals(design, ty) / rw)
    n = np.bincount(g, minlength=n_groups)
    return Replicated(np.array(full), np.array(reps), coefficients(design), n)


def shares(design: Design, level: np.ndarray, group: np.ndarray, n_groups: int, n_levels: int) -> list[Replicated]:
    """Percentage of each group at each level (``level``: students × M level indices)."""
    level = level.reshape(len(level), -1)
    return [group_means(design, 100.0 * (level == k), group, n_groups) for k in range(n_levels)]
