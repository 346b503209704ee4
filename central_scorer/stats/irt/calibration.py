"""Calibration: the Rasch, 1PL and 2PL models fitted by marginal maximum likelihood.

``rasch`` and ``1pl`` are fitted by Newton's method on the marginal log-likelihood with its exact
Hessian; ``2pl`` by EM (Bock & Aitkin, 1981) with Newton M-steps, then Newton steps on the marginal
log-likelihood with its exact Hessian (observed information by Louis' identity) until the step is
below ``tol``. Standard errors are the square roots of the diagonal of the inverse observed
information; ``se_b`` follows by the delta method.

The matrix products run on BLAS threads set deliberately (`blas_threads`, by threadpoolctl), not
on whatever OpenBLAS guesses: on a machine shared with other work its default of one thread per
core made the same fit vary several-fold (docs/BENCHMARKS.md). The benchmark runs the baseline on
the same number.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from central_scorer.stats.irt.likelihood import (
    ScoreGroupModel, TwoPLModel, patterns_of, quadrature, score_groups_of)
from central_scorer.stats.irt.model import (
    DEFAULT_QUADRATURE, MODELS, Calibration, CalibrationError, ItemEstimate)
from central_scorer.stats.responses import ResponseMatrix


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


# Once a Newton step moves no parameter by more than this, the next steps keep its Hessian (a
# chord step: the gradient is new, the curvature barely changes so close to the optimum). The
# Hessian is computed again at the end for the standard errors; it is two thirds of a 2PL's time.
KEEP_HESSIAN_BELOW = 1e-2


def _newton_step(model, params: np.ndarray, es: dict[str, Any],
                 h: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray]:
    """The Newton step and the Hessian (`h` when given); ``None`` when the Hessian is not
    negative definite."""
    if h is None:
        h = model.hessian(es)
    g = model.gradient(es)
    try:
        chol = np.linalg.cholesky(-h)
    except np.linalg.LinAlgError:
        return None, h
    step = np.linalg.solve(chol.T, np.linalg.solve(chol, g))
    return step, h


def blas_threads_default() -> int:
    """The cores this process may run on (its affinity where the OS says): one BLAS thread each."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def calibrate(matrix: ResponseMatrix, model: str = "2pl", *, quadrature_points: int = DEFAULT_QUADRATURE,
              tol: float = 1e-6, max_em: int = 2000, max_newton: int = 50,
              em_switch: float = 1e-2, blas_threads: int | None = None) -> Calibration:
    """Fit ``model`` (``rasch``, ``1pl`` or ``2pl``) to ``matrix`` by marginal maximum likelihood.

    ``converged`` is true when the last Newton step on the marginal log-likelihood moved no parameter
    by more than ``tol``. For the 2PL, EM runs until no parameter moves by more than ``em_switch`` in
    an iteration, then Newton finishes. ``iterations`` counts EM and Newton iterations together.
    ``blas_threads``: the BLAS threads of the matrix products (default: one per available core).
    """
    with threadpool_limits(limits=blas_threads or blas_threads_default(), user_api="blas"):
        return _calibrate(matrix, model, quadrature_points, tol, max_em, max_newton, em_switch)


def _calibrate(matrix: ResponseMatrix, model: str, quadrature_points: int, tol: float, max_em: int,
               max_newton: int, em_switch: float) -> Calibration:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    _check_identified(matrix)
    nodes, logw = quadrature(quadrature_points)
    n_items = matrix.n_items
    iterations = 0
    if model in ("rasch", "1pl"):
        engine: Any = ScoreGroupModel(score_groups_of(matrix), nodes, logw, common_slope=model == "1pl")
        params = _start(matrix, 1.0)
        if model == "1pl":
            params = np.append(params, 1.0)
    else:
        engine = TwoPLModel(patterns_of(matrix), nodes, logw)
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
    kept: np.ndarray | None = None  # the Hessian of a small step, for the chord steps after it
    for _ in range(max_newton):
        step, hess = _newton_step(engine, params, es, kept)
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
            if kept is not None:
                hess = None  # the standard errors from the Hessian at the estimate itself
            break
        if size < KEEP_HESSIAN_BELOW:
            kept = hess
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
