"""Linking two separately calibrated variants onto one scale through their common items.

The new variant's scale is mapped onto the base scale by ``θ_base = A·θ_new + B``, so an item's
parameters become ``b* = A·b + B`` and ``a* = a / A`` (and ``d* = −a*·b*``).

* **mean/sigma** (Marco, 1977): ``A = σ(b_base) / σ(b_new)``, ``B = μ(b_base) − A·μ(b_new)`` over the
  common items.
* **Stocking–Lord** (1983): ``A, B`` minimising the squared difference between the common items' test
  characteristic curves, summed over a grid of θ on the base scale weighted by N(0, 1); started from
  mean/sigma and solved with BFGS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

# item id → (a, b)
ItemParameters = Mapping[str, tuple[float, float]]


class LinkingError(ValueError):
    """Too few common items to link."""


@dataclass(frozen=True)
class Link:
    method: str
    A: float
    B: float
    common: tuple[str, ...]

    def theta(self, theta_new: np.ndarray | float) -> np.ndarray | float:
        return self.A * np.asarray(theta_new) + self.B

    def item(self, a: float, b: float) -> tuple[float, float]:
        return a / self.A, self.A * b + self.B

    def items(self, params: ItemParameters) -> dict[str, tuple[float, float]]:
        return {item: self.item(a, b) for item, (a, b) in params.items()}

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "A": self.A, "B": self.B, "common": list(self.common)}


def common_items(base: ItemParameters, new: ItemParameters, minimum: int = 2) -> tuple[str, ...]:
    common = tuple(item for item in new if item in base)
    if len(common) < minimum:
        raise LinkingError(f"{len(common)} common item(s); linking needs at least {minimum}")
    return common


def mean_sigma(base: ItemParameters, new: ItemParameters) -> Link:
    common = common_items(base, new)
    b_base = np.array([base[i][1] for i in common])
    b_new = np.array([new[i][1] for i in common])
    if b_new.std() == 0:
        raise LinkingError("the common items' difficulties do not vary; mean/sigma is undefined")
    big_a = float(b_base.std() / b_new.std())
    big_b = float(b_base.mean() - big_a * b_new.mean())
    return Link("mean_sigma", big_a, big_b, common)


def stocking_lord(base: ItemParameters, new: ItemParameters, grid: int = 41) -> Link:
    common = common_items(base, new)
    a_base = np.array([base[i][0] for i in common])
    b_base = np.array([base[i][1] for i in common])
    a_new = np.array([new[i][0] for i in common])
    b_new = np.array([new[i][1] for i in common])
    theta = np.linspace(-4, 4, grid)
    weight = np.exp(-theta ** 2 / 2)
    weight /= weight.sum()
    target = expit(a_base[None, :] * (theta[:, None] - b_base[None, :])).sum(axis=1)

    def loss(x: np.ndarray) -> float:
        big_a, big_b = x
        if big_a <= 0:
            return 1e6 * (1 - big_a)
        curve = expit((a_new / big_a)[None, :] * (theta[:, None] - (big_a * b_new + big_b)[None, :])).sum(axis=1)
        return float(weight @ (target - curve) ** 2)

    try:
        start = mean_sigma(base, new)
        x0 = np.array([start.A, start.B])
    except LinkingError:
        x0 = np.array([1.0, float(b_base.mean() - b_new.mean())])
    result = minimize(loss, x0, method="BFGS", options={"gtol": 1e-12})
    big_a, big_b = (float(v) for v in result.x)
    return Link("stocking_lord", big_a, big_b, common)


def parameters_of(calibration) -> dict[str, tuple[float, float]]:
    """``{item: (a, b)}`` from a ``Calibration``."""
    return {item.id: (item.a, item.b) for item in calibration.items}
