"""Item response theory: the models the centre fits, and what fitting one gives.

The models, in slope–intercept form, for student ability ``θ ~ N(0, 1)``::

    logit P(x_j = 1 | θ) = a_j·θ + d_j,      b_j = −d_j / a_j

* ``rasch`` — every slope fixed at ``a = 1`` and the ability variance fixed at 1: only the intercepts
  are estimated. This is ltm's ``rasch(data, constraint = cbind(ncol(data) + 1, 1))`` and mirt's
  ``mirt(data, 1, 'Rasch')`` with the latent variance fixed at 1 (mirt frees it by default).
* ``1pl`` — one common slope ``a`` estimated with the intercepts; the same model as a Rasch model with
  the ability variance ``a²`` free (ltm's ``rasch(data)``, mirt's default ``'Rasch'``).
* ``2pl`` — a slope and an intercept per item (ltm's ``ltm(data ~ z1)``, mirt's ``'2PL'``).

Fitting is in `calibration` (on the likelihoods of `likelihood`); abilities in `abilities`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

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
