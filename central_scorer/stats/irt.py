"""Item response theory by marginal maximum likelihood: the Rasch, 1PL and 2PL models; EAP and WLE.

The models, in slope–intercept form, for student ability ``θ ~ N(0, 1)``::

    logit P(x_j = 1 | θ) = a_j·θ + d_j,      b_j = −d_j / a_j

* ``rasch`` — every slope fixed at ``a = 1`` and the ability variance fixed at 1: only the intercepts
  are estimated. This is ltm's ``rasch(data, constraint = cbind(ncol(data) + 1, 1))`` and mirt's
  ``mirt(data, 1, 'Rasch')`` with the latent variance fixed at 1 (mirt frees it by default).
* ``1pl`` — one common slope ``a`` estimated with the intercepts; the same model as a Rasch model with
  the ability variance ``a²`` free (ltm's ``rasch(data)``, mirt's default ``'Rasch'``).
* ``2pl`` — a slope and an intercept per item (ltm's ``ltm(data ~ z1)``, mirt's ``'2PL'``).

The integral over θ is a Gauss–Hermite rule for the standard normal. Items missing from a student's
variant ("not presented") are left out of that student's likelihood.

Estimation works on sufficient statistics where the model has them: for ``rasch`` and ``1pl`` the
likelihood depends on a student only through the set of items presented and the raw score, so
200 000 students on one variant are about 61 groups. For ``2pl`` identical response patterns are
merged. ``rasch`` and ``1pl`` are fitted by Newton's method on the marginal log-likelihood with its
exact Hessian; ``2pl`` by EM (Bock & Aitkin, 1981) with Newton M-steps, then Newton steps on the
marginal log-likelihood with its exact Hessian (observed information by Louis' identity) until the
step is below ``tol``. Standard errors are the square roots of the diagonal of the inverse observed
information; ``se_b`` follows by the delta method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import sparse
from scipy.special import expit, logsumexp

from central_scorer.stats.responses import NOT_PRESENTED, ResponseMatrix

MODELS = ("rasch", "1pl", "2pl")
DEFAULT_QUADRATURE = 41


class CalibrationError(ValueError):
    """The data cannot identify the model (an item nobody saw, or everybody got right); the message
    names the items."""


@dataclass(frozen=True)
class ItemEstimate:
    id: str
    a: float
    d: float
    b: float
    se_a: float | None  # None where the slope is fixed (rasch)
    se_d: float
    se_b: float
    n: float  # students presented the item

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "a": self.a, "d": self.d, "b": self.b, "se_a": self.se_a,
                "se_d": self.se_d, "se_b": self.se_b, "n": self.n}


@dataclass(frozen=True)
class Calibration:
    model: str
    items: tuple[ItemEstimate, ...]
    loglik: float
    iterations: int
    converged: bool
    n_students: float
    quadrature_points: int
    max_gradient: float
    # Inverse observed information over the free parameters (rasch: d; 1pl: d then the common a;
    # 2pl: all a then all d).
    covariance: np.ndarray = field(repr=False, compare=False)

    @property
    def a(self) -> np.ndarray:
        return np.array([i.a for i in self.items])

    @property
    def d(self) -> np.ndarray:
        return np.array([i.d for i in self.items])

    @property
    def b(self) -> np.ndarray:
        return np.array([i.b for i in self.items])

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "latent": "N(0,1)",
            "items": [i.as_dict() for i in self.items],
            "loglik": self.loglik,
            "iterations": self.iterations,
            "converged": self.converged,
            "n_students": self.n_students,
            "quadrature_points": self.quadrature_points,
            "max_gradient": self.max_gradient,
        }


def quadrature(points: int = DEFAULT_QUADRATURE) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Hermite nodes and log-weights for the standard normal (weights sum to 1)."""
    if points < 5:
        raise ValueError("use at least 5 quadrature points")
    nodes, weights = hermegauss(points)
    return nodes, np.log(weights / weights.sum())


# --- data reductions ----------------------------------------------------------------------------


@dataclass
class _Patterns:
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


def _patterns(matrix: ResponseMatrix) -> _Patterns:
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
    return _Patterns(x=(unique == 1).astype(np.float64), m=presented.astype(np.float64),
                     c=counts, inverse=inverse.ravel(), booklet=booklet,
                     masks=presented[bfirst].astype(np.float64), members=members)


def _posterior(lik: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised rows of ``exp(lik)`` and their log-sums (in place, to spare memory)."""
    top = lik.max(axis=1)
    lik -= top[:, None]
    np.exp(lik, out=lik)
    total = lik.sum(axis=1)
    lik /= total[:, None]
    return lik, top + np.log(total)


@dataclass
class _ScoreGroups:
    """Students grouped by (items presented, raw score): sufficient for the Rasch and 1PL models."""

    m: np.ndarray  # float64 (G, J)
    r: np.ndarray  # float64 (G,): raw score
    c: np.ndarray  # float64 (G,)
    totals: np.ndarray  # float64 (J,): weighted number right per item


def _score_groups(matrix: ResponseMatrix) -> _ScoreGroups:
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
    return _ScoreGroups(m=masks[booklet[group_first]], r=score[group_first].astype(np.float64), c=counts,
                        totals=matrix.weights @ right.astype(np.float64))


def _check_identified(matrix: ResponseMatrix) -> None:
    presented = matrix.weights @ matrix.presented.astype(np.float64)
    right = matrix.weights @ (matrix.values == 1).astype(np.float64)
    problems = []
    for item, n, s in zip(matrix.item_ids, presented, right):
        if n <= 0:
            problems.append(f"{item} (never presented)")
        elif s <= 0:
            problems.append(f"{item} (nobody right)")
        elif s >= n:
            problems.append(f"{item} (everybody right)")
    if problems:
        raise CalibrationError("cannot estimate items: " + ", ".join(problems))


def _start(matrix: ResponseMatrix, a0: float) -> np.ndarray:
    """Starting intercepts from the proportions right, shrunk for the spread of θ (logistic-normal)."""
    presented = matrix.weights @ matrix.presented.astype(np.float64)
    right = matrix.weights @ (matrix.values == 1).astype(np.float64)
    p = np.clip((right + 0.5) / (presented + 1.0), 0.01, 0.99)
    return np.log(p / (1 - p)) * np.sqrt(1 + np.pi * a0 * a0 / 8)


# --- Rasch and 1PL: Newton on the marginal likelihood over score groups --------------------------


class _ScoreModel:
    """Rasch (``common_slope=False``: a = 1) or 1PL (one free slope); parameters ``[d..., (a)]``."""

    def __init__(self, groups: _ScoreGroups, nodes: np.ndarray, logw: np.ndarray, common_slope: bool):
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


class _TwoPL:
    """Parameters ``[a..., d...]``."""

    def __init__(self, pats: _Patterns, nodes: np.ndarray, logw: np.ndarray):
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
        post, ll = _posterior(lik)
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


# --- the driver ------------------------------------------------------------------------------------


def _newton_step(model, params: np.ndarray, es: dict[str, Any]) -> tuple[np.ndarray | None, np.ndarray]:
    """The Newton step and the Hessian; ``None`` when the Hessian is not negative definite."""
    h = model.hessian(es)
    g = model.gradient(es)
    try:
        chol = np.linalg.cholesky(-h)
    except np.linalg.LinAlgError:
        return None, h
    step = np.linalg.solve(chol.T, np.linalg.solve(chol, g))
    return step, h


def calibrate(matrix: ResponseMatrix, model: str = "2pl", *, quadrature_points: int = DEFAULT_QUADRATURE,
              tol: float = 1e-6, max_em: int = 2000, max_newton: int = 50,
              em_switch: float = 1e-2) -> Calibration:
    """Fit ``model`` (``rasch``, ``1pl`` or ``2pl``) to ``matrix`` by marginal maximum likelihood.

    ``converged`` is true when the last Newton step on the marginal log-likelihood moved no parameter
    by more than ``tol``. For the 2PL, EM runs until no parameter moves by more than ``em_switch`` in
    an iteration, then Newton finishes. ``iterations`` counts EM and Newton iterations together.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    _check_identified(matrix)
    nodes, logw = quadrature(quadrature_points)
    n_items = matrix.n_items
    iterations = 0
    if model in ("rasch", "1pl"):
        engine: Any = _ScoreModel(_score_groups(matrix), nodes, logw, common_slope=model == "1pl")
        params = _start(matrix, 1.0)
        if model == "1pl":
            params = np.append(params, 1.0)
    else:
        engine = _TwoPL(_patterns(matrix), nodes, logw)
        params = np.concatenate([np.ones(n_items), _start(matrix, 1.0)])
        es = engine.estep(params)
        for _ in range(max_em):
            iterations += 1
            new = engine.mstep(es)
            change = float(np.max(np.abs(new - params)))
            params = new
            es = engine.estep(params)
            if change < em_switch:
                break

    es = engine.estep(params)
    converged = False
    hess: np.ndarray | None = None
    for _ in range(max_newton):
        step, hess = _newton_step(engine, params, es)
        if step is None:
            if model != "2pl":
                raise CalibrationError("the information matrix is not positive definite; the model is "
                                       "not identified by these data")
            # Far from the optimum: a few more EM iterations, then Newton again.
            for _ in range(20):
                iterations += 1
                params = engine.mstep(es)
                es = engine.estep(params)
            continue
        iterations += 1
        size = float(np.max(np.abs(step)))
        if size < tol:
            params = params + step
            es = engine.estep(params)
            converged = True
            break
        factor = 1.0
        if size > 1.0:
            factor = 1.0 / size
        for _ in range(30):
            trial = params + factor * step
            trial_es = engine.estep(trial)
            if trial_es["loglik"] >= es["loglik"] - 1e-9 * abs(es["loglik"]):
                break
            factor /= 2
        params, es = trial, trial_es
    if not converged or hess is None:
        hess = engine.hessian(es)
    # (after a converged step below ``tol`` the last Hessian is kept: it differs by O(tol))
    grad = engine.gradient(es)
    try:
        cov = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        cov = np.full_like(hess, np.nan)
    return _result(model, matrix, params, es, cov, grad, iterations, converged, quadrature_points)


def _result(model: str, matrix: ResponseMatrix, params: np.ndarray, es: dict[str, Any], cov: np.ndarray,
            grad: np.ndarray, iterations: int, converged: bool, points: int) -> Calibration:
    n_items = matrix.n_items
    var = np.diag(cov)
    se = np.sqrt(np.where(var >= 0, var, np.nan))
    presented = matrix.weights @ matrix.presented.astype(np.float64)
    items = []
    for j, item in enumerate(matrix.item_ids):
        if model == "rasch":
            a, d = 1.0, float(params[j])
            se_a, se_d = None, float(se[j])
            var_a, var_d, cov_ad = 0.0, var[j], 0.0
        elif model == "1pl":
            a, d = float(params[-1]), float(params[j])
            se_a, se_d = float(se[-1]), float(se[j])
            var_a, var_d, cov_ad = var[-1], var[j], cov[j, -1]
        else:
            a, d = float(params[j]), float(params[n_items + j])
            se_a, se_d = float(se[j]), float(se[n_items + j])
            var_a, var_d, cov_ad = var[j], var[n_items + j], cov[j, n_items + j]
        b = -d / a
        # delta method: ∂b/∂a = d/a², ∂b/∂d = −1/a
        ga, gd = d / (a * a), -1.0 / a
        var_b = ga * ga * var_a + gd * gd * var_d + 2 * ga * gd * cov_ad
        items.append(ItemEstimate(item, a, d, b, se_a, se_d, float(np.sqrt(var_b)) if var_b >= 0 else float("nan"),
                                  float(presented[j])))
    return Calibration(model=model, items=tuple(items), loglik=es["loglik"], iterations=iterations,
                       converged=converged, n_students=matrix.n_students, quadrature_points=points,
                       max_gradient=float(np.max(np.abs(grad))), covariance=cov)


# --- abilities -------------------------------------------------------------------------------------


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
    pats = _patterns(matrix)
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
    post, _ = _posterior(lik)
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
