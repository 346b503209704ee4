"""The marginal likelihood of the IRT models over a Gauss–Hermite rule for the standard normal.

Items missing from a student's variant ("not presented") are left out of that student's likelihood.

The likelihood is computed on sufficient statistics where the model has them: for ``rasch`` and
``1pl`` it depends on a student only through the set of items presented and the raw score, so
200 000 students on one variant are about 61 groups (`ScoreGroupModel`). For ``2pl`` identical
response patterns are merged (`TwoPLModel`). Each model gives its log-likelihood, gradient and exact
Hessian (observed information by Louis' identity); `calibration` drives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import sparse
from scipy.special import expit, logsumexp

from central_scorer.stats.irt.model import DEFAULT_QUADRATURE, CalibrationError
from central_scorer.stats.responses import NOT_PRESENTED, ResponseMatrix


def quadrature(points: int = DEFAULT_QUADRATURE) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Hermite nodes and log-weights for the standard normal (weights sum to 1)."""
    if points < 5:
        raise ValueError("use at least 5 quadrature points")
    nodes, weights = hermegauss(points)
    return nodes, np.log(weights / weights.sum())


# --- data reductions ----------------------------------------------------------------------------


@dataclass
class Patterns:
    """Unique rows of a response matrix with their counts (2PL, abilities), and the distinct sets of
    items presented ("booklets") so that sums over students who saw the same items are done once."""

    x: np.ndarray  # float64 (G, J): 1 where right, else 0
    m: np.ndarray  # float64 (G, J): 1 where presented
    c: np.ndarray  # float64 (G,): students with this pattern
    inverse: np.ndarray  # int (rows,): the pattern of each input row
    booklet: np.ndarray  # int (G,): the booklet of each pattern
    masks: np.ndarray  # float64 (B, J): the items of each booklet
    members: sparse.csr_matrix  # (B, G): 1 where the pattern belongs to the booklet

    def by_booklet(self, values: np.ndarray) -> np.ndarray:
        """Sum the rows of ``values`` (G, ...) within each booklet: (B, ...)."""
        return np.asarray(self.members @ values)


def patterns_of(matrix: ResponseMatrix) -> Patterns:
    values = np.ascontiguousarray(matrix.values)
    if values.shape[0] == 0:
        raise CalibrationError("no students")
    keyed = values.view(np.dtype((np.void, values.shape[1])))[:, 0]
    _, first, inverse = np.unique(keyed, return_index=True, return_inverse=True)
    unique = values[first]
    counts = np.bincount(inverse.ravel(), weights=matrix.weights, minlength=len(first))
    presented = np.ascontiguousarray(unique != NOT_PRESENTED)
    pkeyed = presented.view(np.dtype((np.void, presented.shape[1])))[:, 0]
    _, bfirst, booklet = np.unique(pkeyed, return_index=True, return_inverse=True)
    booklet = booklet.ravel()
    members = sparse.csr_matrix((np.ones(len(booklet)), (booklet, np.arange(len(booklet)))),
                                shape=(len(bfirst), len(booklet)))
    return Patterns(x=(unique == 1).astype(np.float64), m=presented.astype(np.float64),
                     c=counts, inverse=inverse.ravel(), booklet=booklet,
                     masks=presented[bfirst].astype(np.float64), members=members)


def posterior(lik: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised rows of ``exp(lik)`` and their log-sums (in place, to spare memory)."""
    top = lik.max(axis=1)
    lik -= top[:, None]
    np.exp(lik, out=lik)
    total = lik.sum(axis=1)
    lik /= total[:, None]
    return lik, top + np.log(total)


@dataclass
class ScoreGroups:
    """Students grouped by (items presented, raw score): sufficient for the Rasch and 1PL models."""

    m: np.ndarray  # float64 (G, J)
    r: np.ndarray  # float64 (G,): raw score
    c: np.ndarray  # float64 (G,)
    totals: np.ndarray  # float64 (J,): weighted number right per item


def score_groups_of(matrix: ResponseMatrix) -> ScoreGroups:
    presented = np.ascontiguousarray(matrix.presented)
    keyed = presented.view(np.dtype((np.void, presented.shape[1])))[:, 0]
    _, first, booklet = np.unique(keyed, return_index=True, return_inverse=True)
    booklet = booklet.ravel()
    right = matrix.values == 1
    score = right.sum(axis=1)
    n_items = matrix.n_items
    key = booklet * (n_items + 1) + score
    groups, group_first, group_of = np.unique(key, return_index=True, return_inverse=True)
    counts = np.bincount(group_of.ravel(), weights=matrix.weights, minlength=len(groups))
    masks = presented[first].astype(np.float64)
    return ScoreGroups(m=masks[booklet[group_first]], r=score[group_first].astype(np.float64), c=counts,
                        totals=matrix.weights @ right.astype(np.float64))


# --- Rasch and 1PL: Newton on the marginal likelihood over score groups --------------------------


class ScoreGroupModel:
    """Rasch (``common_slope=False``: a = 1) or 1PL (one free slope); parameters ``[d..., (a)]``."""

    def __init__(self, groups: ScoreGroups, nodes: np.ndarray, logw: np.ndarray, common_slope: bool):
        self.g = groups
        self.nodes = nodes
        self.logw = logw
        self.common_slope = common_slope

    def split(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        if self.common_slope:
            return float(params[-1]), params[:-1]
        return 1.0, params

    def estep(self, params: np.ndarray) -> dict[str, Any]:
        a, d = self.split(params)
        g, th = self.g, self.nodes
        z = a * th[None, :] + d[:, None]  # (J, Q)
        log1mp = -np.logaddexp(0.0, z)
        lik = (a * g.r)[:, None] * th[None, :] + g.m @ log1mp + self.logw[None, :]
        ll = logsumexp(lik, axis=1)
        post = np.exp(lik - ll[:, None])
        loglik = float(g.c @ ll + g.totals @ d)
        return {"a": a, "d": d, "post": post, "loglik": loglik, "p": expit(z)}

    def gradient(self, es: dict[str, Any]) -> np.ndarray:
        g, th, p = self.g, self.nodes, es["p"]
        cw = es["post"] * g.c[:, None]
        n = g.m.T @ cw  # expected students presented, per item and node
        grad_d = g.totals - (n * p).sum(axis=1)
        if not self.common_slope:
            return grad_d
        rq = (g.c * g.r) @ es["post"]
        grad_a = float(th @ (rq - (n * p).sum(axis=0)))
        return np.append(grad_d, grad_a)

    def hessian(self, es: dict[str, Any]) -> np.ndarray:
        g, th, p, post = self.g, self.nodes, es["p"], es["post"]
        cw = post * g.c[:, None]
        n = g.m.T @ cw
        pq = p * (1 - p)
        npq = n * pq
        n_items = p.shape[0]
        size = n_items + (1 if self.common_slope else 0)
        h = np.zeros((size, size))
        # E[∂² log f]: the complete-data information, diagonal in the items.
        h[np.arange(n_items), np.arange(n_items)] -= npq.sum(axis=1)
        # Cov[∂ log f]: the score of d_j is m_j (x_j − P_j(θ)); only −m_j P_j(θ) varies with θ.
        for q in range(len(th)):
            k = g.m.T @ (g.m * cw[:, q][:, None])
            h[:n_items, :n_items] += k * np.outer(p[:, q], p[:, q])
        ubar = g.m * (post @ p.T)  # posterior mean of m_j P_j(θ), per group
        h[:n_items, :n_items] -= (ubar * g.c[:, None]).T @ ubar
        if self.common_slope:
            a_scores = g.r[:, None] - g.m @ p  # (G, Q): r − Σ m_j P_j(θ); the a-score is θ times it
            h[-1, -1] -= float((npq.sum(axis=0) * th * th).sum())
            h[:n_items, -1] -= npq @ th
            h[-1, -1] += float(((cw * a_scores * a_scores) @ (th * th)).sum())
            vbar = (post * a_scores) @ th  # (G,)
            h[-1, -1] -= float(g.c @ (vbar * vbar))
            cross = -(g.m.T @ (cw * a_scores * th[None, :]) * p).sum(axis=1)  # E[θ v · (−m P)]
            cross += (ubar * (g.c * vbar)[:, None]).sum(axis=0)  # − E[−m P]·E[θ v]
            h[:n_items, -1] += cross
            h[-1, :n_items] = h[:n_items, -1]
        return h


# --- 2PL: EM with Newton M-steps, then Newton on the marginal likelihood -------------------------


class TwoPLModel:
    """Parameters ``[a..., d...]``."""

    def __init__(self, pats: Patterns, nodes: np.ndarray, logw: np.ndarray):
        self.pats = pats
        self.nodes = nodes
        self.logw = logw

    def estep(self, params: np.ndarray) -> dict[str, Any]:
        n_items = params.size // 2
        a, d = params[:n_items], params[n_items:]
        pt, th = self.pats, self.nodes
        z = a[:, None] * th[None, :] + d[:, None]
        lik = pt.x @ z
        lik -= (pt.masks @ np.logaddexp(0.0, z))[pt.booklet]
        lik += self.logw[None, :]
        post, ll = posterior(lik)
        cw = post * pt.c[:, None]
        return {"a": a, "d": d, "post": post, "loglik": float(pt.c @ ll), "p": expit(z),
                "r": pt.x.T @ cw, "n": pt.masks.T @ pt.by_booklet(cw)}

    def gradient(self, es: dict[str, Any]) -> np.ndarray:
        resid = es["r"] - es["n"] * es["p"]
        return np.concatenate([resid @ self.nodes, resid.sum(axis=1)])

    def mstep(self, es: dict[str, Any], steps: int = 2) -> np.ndarray:
        """Maximise the expected complete-data log-likelihood, item by item (vectorised)."""
        a, d = es["a"].copy(), es["d"].copy()
        r, n, th = es["r"], es["n"], self.nodes
        for _ in range(steps):
            p = expit(a[:, None] * th[None, :] + d[:, None])
            resid = r - n * p
            w = n * p * (1 - p)
            ga, gd = resid @ th, resid.sum(axis=1)
            haa, had, hdd = w @ (th * th), w @ th, w.sum(axis=1)
            det = haa * hdd - had * had
            det = np.where(det > 1e-12, det, 1e-12)
            da = (hdd * ga - had * gd) / det
            dd = (haa * gd - had * ga) / det
            scale = np.minimum(1.0, 1.0 / np.maximum(np.abs(da), np.abs(dd)))  # at most 1 per step
            a += scale * da
            d += scale * dd
        return np.concatenate([a, d])

    def hessian(self, es: dict[str, Any]) -> np.ndarray:
        pt, th, p, post = self.pats, self.nodes, es["p"], es["post"]
        n_items = p.shape[0]
        npq = es["n"] * p * (1 - p)
        h = np.zeros((2 * n_items, 2 * n_items))
        ia, idx = np.arange(n_items), np.arange(n_items, 2 * n_items)
        # E[∂² log f], block-diagonal in the items.
        h[ia, ia] -= npq @ (th * th)
        h[ia, idx] -= npq @ th
        h[idx, ia] -= npq @ th
        h[idx, idx] -= npq.sum(axis=1)
        # E[s sᵀ] with the score s_j(θ) = m_j (x_j − P_j(θ)) · (θ, 1). For a weight t(θ) ∈ {θ², θ, 1}:
        #   Σ_q t_q Σ_g w_gq (x_g − m_g∘p_q)(x_g − m_g∘p_q)ᵀ
        #     = Xᵀ diag(Σ_q t_q w_gq) X − Xᵀ (M ∘ W_t Pᵀ) − (M ∘ W_t Pᵀ)ᵀ X
        #       + Σ_booklets (m_b m_bᵀ) ∘ (P diag(Σ_{g∈b} t w_g) Pᵀ)
        # which costs a few products over the patterns instead of one per quadrature node.
        w = post * pt.c[:, None]
        blocks = []
        for t in (th * th, th, np.ones_like(th)):
            wt = w * t[None, :]
            k = pt.x.T @ (pt.x * wt.sum(axis=1)[:, None])
            cross = pt.x.T @ (pt.m * (wt @ p.T))
            k -= cross + cross.T
            omega = pt.by_booklet(wt)  # (B, Q)
            for mask, om in zip(pt.masks, omega):
                k += np.outer(mask, mask) * ((p * om[None, :]) @ p.T)
            blocks.append(k)
        caa, cad, cdd = blocks
        h[:n_items, :n_items] += caa
        h[:n_items, n_items:] += cad
        h[n_items:, :n_items] += cad
        h[n_items:, n_items:] += cdd
        # − E[s] E[s]ᵀ, per pattern.
        mean_t = post @ th
        sbar_d = pt.m * (pt.x - post @ p.T)
        sbar_a = pt.m * (pt.x * mean_t[:, None] - post @ (p * th[None, :]).T)
        sbar = np.hstack([sbar_a, sbar_d])
        h -= sbar.T @ (sbar * pt.c[:, None])
        return h
