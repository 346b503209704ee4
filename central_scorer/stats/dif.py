"""Differential item functioning by the Mantel–Haenszel procedure (Holland & Thayer, 1988).

Students of a reference and a focal group (here: languages of instruction) are matched on the total
score; in each score stratum a 2×2 table (group × right/wrong) is formed for the studied item. The
common odds ratio ``α_MH`` is put on the ETS delta scale, ``Δ_MH = −2.35 ln α_MH`` (negative: the item
favours the reference group), with the continuity-corrected MH χ² (1 df) and the standard error of
``ln α_MH`` by Robins, Breslow & Greenland (1986). ETS categories (Zwick, 2012):

* A — negligible: ``|Δ| < 1`` or not significant at 5 %;
* C — large: ``|Δ| ≥ 1.5`` and ``|Δ|`` significantly greater than 1 (one-sided 5 %);
* B — moderate: the rest.

By default the matching score is purified in two stages (Holland & Thayer, 1988): items found with
DIF (B or C) in the first pass are taken out of the total (the studied item always stays in), and
every item is tested again against that score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm


@dataclass(frozen=True)
class DifResult:
    id: str
    n_reference: int
    n_focal: int
    alpha_mh: float
    delta_mh: float
    se_delta: float
    chi2: float
    p_value: float
    category: str  # A | B | C, or "" when it cannot be computed

    def as_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return float(v) if np.isfinite(v) else None

        return {"id": self.id, "n_reference": self.n_reference, "n_focal": self.n_focal,
                "alpha_mh": num(self.alpha_mh), "delta_mh": num(self.delta_mh),
                "se_delta": num(self.se_delta), "chi2": num(self.chi2), "p_value": num(self.p_value),
                "category": self.category}


def mantel_haenszel(right: np.ndarray, focal: np.ndarray, item_ids: list[str] | tuple[str, ...],
                    matching: np.ndarray | None = None, purify: bool = True) -> list[DifResult]:
    """MH DIF for each item.

    ``right``: students × items, 1/0 with NaN where not presented. ``focal``: True for the focal
    group, False for the reference group. ``matching``: the stratifying score; by default the number
    right on the presented items, the studied item included, purified as above.
    """
    right = np.asarray(right, dtype=np.float64)
    focal = np.asarray(focal, dtype=bool)
    if matching is not None:
        return _all(right, focal, item_ids, lambda j: matching)
    filled = np.nan_to_num(right)
    total = filled.sum(axis=1)
    results = _all(right, focal, item_ids, lambda j: total)
    if not purify:
        return results
    suspect = np.array([r.category in ("B", "C") for r in results])
    if not suspect.any():
        return results
    clean = filled[:, ~suspect].sum(axis=1)
    return _all(right, focal, item_ids, lambda j: clean + (filled[:, j] if suspect[j] else 0.0))


def _all(right: np.ndarray, focal: np.ndarray, item_ids, matching_for) -> list[DifResult]:
    results = []
    for j, item in enumerate(item_ids):
        rows = ~np.isnan(right[:, j])
        strata = np.asarray(np.round(matching_for(j)), dtype=np.int64)
        results.append(_one(item, right[rows, j], focal[rows], strata[rows]))
    return results


def _one(item: str, y: np.ndarray, focal: np.ndarray, strata: np.ndarray) -> DifResult:
    n_ref, n_foc = int((~focal).sum()), int(focal.sum())
    nan = float("nan")
    if n_ref == 0 or n_foc == 0:
        return DifResult(item, n_ref, n_foc, nan, nan, nan, nan, nan, "")
    levels, index = np.unique(strata, return_inverse=True)
    k = len(levels)
    a = np.bincount(index, weights=(~focal) & (y == 1), minlength=k)  # reference right
    b = np.bincount(index, weights=(~focal) & (y == 0), minlength=k)  # reference wrong
    c = np.bincount(index, weights=focal & (y == 1), minlength=k)  # focal right
    d = np.bincount(index, weights=focal & (y == 0), minlength=k)  # focal wrong
    t = a + b + c + d
    keep = ((a + b) > 0) & ((c + d) > 0) & (t > 1)  # strata with both groups
    a, b, c, d, t = a[keep], b[keep], c[keep], d[keep], t[keep]
    r_k, s_k = a * d / t, b * c / t
    r, s = r_k.sum(), s_k.sum()
    if r == 0 or s == 0:
        return DifResult(item, n_ref, n_foc, nan, nan, nan, nan, nan, "")
    alpha = r / s
    delta = -2.35 * np.log(alpha)
    n_r, n_f, m1, m0 = a + b, c + d, a + c, b + d
    expected = n_r * m1 / t
    var = n_r * n_f * m1 * m0 / (t * t * (t - 1))
    chi2 = (abs(a.sum() - expected.sum()) - 0.5) ** 2 / var.sum() if var.sum() > 0 else nan
    p_value = float(chi2_dist.sf(chi2, 1)) if np.isfinite(chi2) else nan
    p_k, q_k = (a + d) / t, (b + c) / t
    var_log = ((p_k * r_k).sum() / (2 * r * r) + (p_k * s_k + q_k * r_k).sum() / (2 * r * s)
               + (q_k * s_k).sum() / (2 * s * s))
    se_delta = 2.35 * float(np.sqrt(var_log))
    category = _ets(delta, se_delta, p_value)
    return DifResult(item, n_ref, n_foc, float(alpha), float(delta), se_delta, float(chi2), p_value, category)


def _ets(delta: float, se: float, p_value: float) -> str:
    size = abs(delta)
    if not np.isfinite(p_value) or p_value >= 0.05 or size < 1.0:
        return "A"
    if size >= 1.5 and se > 0 and (size - 1.0) / se > norm.ppf(0.95):
        return "C"
    return "B"
