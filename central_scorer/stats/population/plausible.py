"""Plausible values from a latent regression (docs/statistics.md, "Plausible values").

With the items' parameters fixed (a calibration of the direction and grade), a student's ability
has the posterior

    p(θ | x, z) ∝ Π_j P_j(θ)^x_j (1 − P_j(θ))^(1 − x_j) · φ((θ − zβ) / σ)

where ``z`` are the background variables held for every student (region, territory, type,
language, sex). β and σ are estimated by EM on a grid (the E-step gives each student's posterior
mean and variance, the M-step is weighted least squares). Each plausible value first draws β from
its estimated sampling distribution, then θ from the student's posterior on the grid, spread
uniformly within the grid cell. Group means and shares from plausible values are unbiased for any
group the regression conditions on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = np.linspace(-6.0, 6.0, 81)


@dataclass(frozen=True)
class LatentRegression:
    beta: np.ndarray
    sigma: float
    columns: list[str]
    iterations: int
    covariance: np.ndarray  # of beta


def background_matrix(columns: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Intercept + one dummy per value of each categorical variable (the first value left out);
    a numeric column (float) enters as it is, centred."""
    n = len(next(iter(columns.values()))) if columns else 0
    parts, names = [np.ones((n, 1))], ["(intercept)"]
    for name, values in columns.items():
        if values.dtype.kind == "f":
            parts.append((values - values.mean())[:, None])
            names.append(name)
            continue
        levels = sorted({str(v) for v in values.tolist()})
        text = np.array([str(v) for v in values.tolist()], dtype=object)
        for level in levels[1:]:
            parts.append((text == level).astype(np.float64)[:, None])
            names.append(f"{name}={level}")
    return np.hstack(parts), names


def log_likelihood(right: np.ndarray, a: np.ndarray, d: np.ndarray, grid: np.ndarray = GRID,
                   chunk: int = 50_000) -> np.ndarray:
    """log P(x | θ_q) for every student (rows of ``right``: 1, 0, NaN not presented) and grid node."""
    logit = a[:, None] * grid[None, :] + d[:, None]  # J × Q
    log_p = -np.logaddexp(0.0, -logit)
    log_q = -np.logaddexp(0.0, logit)
    out = np.empty((len(right), len(grid)))
    for start in range(0, len(right), chunk):
        block = right[start:start + chunk]
        shown = ~np.isnan(block)
        x = np.where(shown, block, 0.0)
        out[start:start + chunk] = x @ log_p + (shown & (x == 0)).astype(np.float64) @ log_q
    return out


CHUNK = 20_000  # students per block: the temporaries stay a few MB whatever the cohort's size


def _posterior(loglik: np.ndarray, mean: np.ndarray, sigma: float, grid: np.ndarray) -> np.ndarray:
    z = (grid[None, :] - mean[:, None]) / sigma
    z *= z
    z *= -0.5
    z += loglik
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _moments(loglik: np.ndarray, mean: np.ndarray, sigma: float, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and variance of every student, block by block."""
    mu, var = np.empty(len(loglik)), np.empty(len(loglik))
    for start in range(0, len(loglik), CHUNK):
        end = start + CHUNK
        post = _posterior(loglik[start:end], mean[start:end], sigma, grid)
        mu[start:end] = post @ grid
        var[start:end] = post @ grid ** 2 - mu[start:end] ** 2
    return mu, var


def fit_regression(loglik: np.ndarray, z: np.ndarray, names: list[str], weight: np.ndarray | None = None,
                   grid: np.ndarray = GRID, tolerance: float = 1e-4, max_iterations: int = 500) -> LatentRegression:
    w = np.ones(len(z)) if weight is None else weight / weight.mean()
    zw = z * w[:, None]
    gram = np.linalg.pinv(z.T @ zw)
    beta, sigma = np.zeros(z.shape[1]), 1.0
    for iteration in range(1, max_iterations + 1):
        mu, var = _moments(loglik, z @ beta, sigma, grid)
        new_beta = gram @ (zw.T @ mu)
        resid = mu - z @ new_beta
        new_sigma = float(np.sqrt(np.sum(w * (var + resid ** 2)) / w.sum()))
        moved = max(np.abs(new_beta - beta).max(), abs(new_sigma - sigma))
        beta, sigma = new_beta, new_sigma
        if moved < tolerance:
            break
    # β's sampling covariance: least squares with the residual σ, for the weights' effective size
    n_eff = w.sum() ** 2 / np.sum(w ** 2)
    covariance = gram * (sigma ** 2) * (len(z) / n_eff)
    return LatentRegression(beta, sigma, names, iteration, covariance)


def draw(loglik: np.ndarray, z: np.ndarray, model: LatentRegression, count: int = 5,
         rng: np.random.Generator | None = None, grid: np.ndarray = GRID) -> np.ndarray:
    """``count`` plausible values per student (students × count)."""
    rng = rng or np.random.default_rng()
    step = grid[1] - grid[0]
    out = np.empty((len(loglik), count))
    for m in range(count):
        beta = rng.multivariate_normal(model.beta, model.covariance, method="eigh")
        mean = z @ beta
        u = rng.random(len(loglik))
        jitter = rng.random(len(loglik)) - 0.5
        for start in range(0, len(loglik), CHUNK):
            end = start + CHUNK
            cdf = np.cumsum(_posterior(loglik[start:end], mean[start:end], model.sigma, grid), axis=1)
            node = np.minimum((cdf < u[start:end, None]).sum(axis=1), len(grid) - 1)
            out[start:end, m] = grid[node] + jitter[start:end] * step
    return out


def plausible_values(right: np.ndarray, a: np.ndarray, d: np.ndarray, background: dict[str, np.ndarray],
                     weight: np.ndarray | None = None, count: int = 5,
                     rng: np.random.Generator | None = None) -> tuple[np.ndarray, LatentRegression]:
    """The whole step: likelihood on the grid, the regression, ``count`` draws."""
    loglik = log_likelihood(right, a, d)
    z, names = background_matrix(background)
    model = fit_regression(loglik, z, names, weight)
    return draw(loglik, z, model, count, rng), model


def organisation_means(psu: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each student's organisation's mean proportion right over the items shown (a background
    variable of the regression)."""
    shown = ~np.isnan(right)
    p = np.where(shown, right, 0.0).sum(axis=1) / np.maximum(shown.sum(axis=1), 1)
    total = np.bincount(psu, weights=p)
    count = np.bincount(psu)
    return (total / np.maximum(count, 1))[psu]
