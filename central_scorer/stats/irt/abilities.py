"""Student abilities on a calibrated scale: EAP (posterior mean and SD under N(0, 1)) and Warm's
weighted likelihood estimates (WLE)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from central_scorer.stats.irt.likelihood import patterns_of, posterior, quadrature
from central_scorer.stats.responses import ResponseMatrix


@dataclass(frozen=True)
class Abilities:
    """One entry per input row."""

    eap: np.ndarray
    eap_sd: np.ndarray  # posterior standard deviation
    wle: np.ndarray
    wle_se: np.ndarray  # 1 / sqrt(test information at the WLE); NaN where no item was presented


def abilities(matrix: ResponseMatrix, a: np.ndarray, d: np.ndarray, *,
              quadrature_points: int = 61) -> Abilities:
    """EAP (posterior mean and SD under N(0, 1)) and Warm's weighted likelihood estimates.

    ``a`` and ``d`` are in the order of ``matrix.item_ids``. Both estimates depend on a student only
    through the items presented and ``Σ a_j x_j`` (the raw score under the Rasch model), so they are
    computed once per such group.
    """
    pats = patterns_of(matrix)
    a = np.asarray(a, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    weighted = np.round(pats.x @ a, 9)
    _, first, group = np.unique(np.column_stack([pats.booklet, weighted]), axis=0, return_index=True,
                                return_inverse=True)
    group = group.ravel()
    target = weighted[first]
    booklet = pats.booklet[first]
    nodes, logw = quadrature(quadrature_points)
    z = a[:, None] * nodes[None, :] + d[:, None]
    lik = target[:, None] * nodes[None, :] - (pats.masks @ np.logaddexp(0.0, z))[booklet] + logw[None, :]
    post, _ = posterior(lik)
    mean = post @ nodes
    sd = np.sqrt(np.maximum(post @ (nodes * nodes) - mean * mean, 0.0))
    wle, wle_se = _wle(target, pats.masks[booklet], a, d)
    rows = group[pats.inverse]
    return Abilities(eap=mean[rows], eap_sd=sd[rows], wle=wle[rows], wle_se=wle_se[rows])


def _wle(target: np.ndarray, m: np.ndarray, a: np.ndarray, d: np.ndarray,
         bound: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Warm (1989): the root of Σ a_j m_j (x_j − P_j) + J(θ) / (2 I(θ)), with ``target = Σ a_j m_j x_j``.

    With ``I = Σ m a² P Q`` and ``J = Σ m a³ P Q (1 − 2P)`` the function is positive far left and
    negative far right for every pattern (all wrong and all right included), so a root is bracketed:
    bisection narrows it, then Newton steps (slope −I) finish inside the bracket.
    """

    def score(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = expit(theta[:, None] * a[None, :] + d[None, :])
        pq = p * (1 - p) * m
        info = pq @ (a * a)
        j = (pq * (1 - 2 * p)) @ (a ** 3)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = target - (p * m) @ a + j / (2 * info)
        return value, info

    lo = np.full(len(target), -bound)
    hi = np.full(len(target), bound)
    for _ in range(12):  # bisection to a bracket of width 2·bound / 4096
        mid = (lo + hi) / 2
        value, _ = score(mid)
        up = value > 0
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    theta = (lo + hi) / 2
    for _ in range(50):  # then Newton steps with slope −I(θ), kept inside the bracket
        value, info = score(theta)
        up = value > 0
        lo = np.where(up, theta, lo)
        hi = np.where(up, hi, theta)
        step = value / info
        new = np.clip(theta + step, lo, hi)
        stuck = (new == lo) | (new == hi)
        new = np.where(stuck, (lo + hi) / 2, new)
        done = np.abs(new - theta) < 1e-10
        theta = new
        if done.all():
            break
    _, info = score(theta)
    empty = m.sum(axis=1) == 0
    theta[empty] = np.nan
    with np.errstate(divide="ignore"):
        se = np.where(empty, np.nan, 1.0 / np.sqrt(info))
    return theta, se
