"""Simulated responses from known item parameters: for recovery tests, benchmarks and demos."""

from __future__ import annotations

import numpy as np

from central_scorer.stats.responses import NOT_PRESENTED, ResponseMatrix


def simulate(a: np.ndarray, d: np.ndarray, theta: np.ndarray, rng: np.random.Generator,
             presented: np.ndarray | None = None, item_ids: list[str] | None = None) -> ResponseMatrix:
    """Responses of students with abilities ``theta`` to items ``logit P = a·θ + d``.

    ``presented`` (students × items, bool) marks the items each student saw; the others are
    "not presented".
    """
    a = np.asarray(a, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    values = np.empty((len(theta), len(a)), dtype=np.int8)
    chunk = 50_000  # bounded memory for large samples
    for start in range(0, len(theta), chunk):
        t = theta[start:start + chunk]
        z = t[:, None] * a[None, :] + d[None, :]
        p = 1.0 / (1.0 + np.exp(-z))
        values[start:start + chunk] = rng.random(p.shape) < p
    if presented is not None:
        values[~presented] = NOT_PRESENTED
    ids = item_ids or [f"i{j + 1:02d}" for j in range(len(a))]
    return ResponseMatrix(tuple(ids), values, np.ones(len(theta)))


def booklets(n_students: int, n_items: int, n_forms: int, common: int,
             rng: np.random.Generator) -> np.ndarray:
    """A presented-mask for ``n_forms`` parallel variants that share the first ``common`` items;
    the remaining items are split evenly between the forms."""
    unique = np.array_split(np.arange(common, n_items), n_forms)
    form = rng.integers(0, n_forms, n_students)
    mask = np.zeros((n_students, n_items), dtype=bool)
    mask[:, :common] = True
    for f, cols in enumerate(unique):
        rows = form == f
        mask[np.ix_(rows, cols)] = True
    return mask
