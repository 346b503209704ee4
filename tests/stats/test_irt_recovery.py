"""Parameter recovery on data simulated from known item parameters; bias and RMSE are reported.

Run with ``-s`` to see the figures; each test asserts bounds on them.
"""

from __future__ import annotations

import numpy as np
import pytest

from central_scorer.stats.irt.abilities import abilities
from central_scorer.stats.irt.calibration import calibrate
from central_scorer.stats.irt.model import CalibrationError
from central_scorer.stats.responses import ResponseMatrix
from central_scorer.stats.simulate import booklets, simulate


def report(name: str, estimate: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    bias = float(np.mean(estimate - truth))
    rmse = float(np.sqrt(np.mean((estimate - truth) ** 2)))
    print(f"{name}: bias {bias:+.4f}, RMSE {rmse:.4f}")
    return bias, rmse


@pytest.fixture(scope="module")
def truth():
    rng = np.random.default_rng(2026)
    n_items = 20
    a = rng.uniform(0.7, 2.0, n_items)
    b = np.linspace(-2.0, 2.0, n_items)
    return a, b, rng


def test_rasch_recovery() -> None:
    rng = np.random.default_rng(11)
    b = np.linspace(-2.0, 2.0, 25)
    theta = rng.standard_normal(20_000)
    fit = calibrate(simulate(np.ones_like(b), -b, theta, rng), "rasch")
    assert fit.converged
    bias, rmse = report("rasch b", fit.b, b)
    assert abs(bias) < 0.02 and rmse < 0.04
    se = np.array([i.se_b for i in fit.items])
    z = (fit.b - b) / se
    print(f"rasch mean z² {np.mean(z * z):.2f}")
    assert 0.4 < np.mean(z * z) < 2.0  # the standard errors fit the errors


def test_2pl_recovery(truth) -> None:
    a, b, rng = truth
    theta = rng.standard_normal(20_000)
    fit = calibrate(simulate(a, -a * b, theta, rng), "2pl")
    assert fit.converged
    bias_a, rmse_a = report("2pl a", fit.a, a)
    bias_b, rmse_b = report("2pl b", fit.b, b)
    assert abs(bias_a) < 0.03 and rmse_a < 0.06
    assert abs(bias_b) < 0.03 and rmse_b < 0.05
    z = np.concatenate([(fit.a - a) / [i.se_a for i in fit.items], (fit.b - b) / [i.se_b for i in fit.items]])
    print(f"2pl mean z² {np.mean(z * z):.2f}")
    assert 0.4 < np.mean(z * z) < 2.0


def test_1pl_recovers_the_latent_spread() -> None:
    """A Rasch population with SD 1.5 is a 1PL with common slope 1.5 on N(0, 1)."""
    rng = np.random.default_rng(5)
    b = np.linspace(-1.5, 1.5, 15)
    theta = 1.5 * rng.standard_normal(20_000)
    fit = calibrate(simulate(np.ones_like(b), -b, theta, rng), "1pl")
    print(f"1pl common slope {fit.items[0].a:.4f} (true 1.5)")
    assert fit.items[0].a == pytest.approx(1.5, abs=0.05)
    # difficulties on the θ/1.5 scale
    bias, rmse = report("1pl b", fit.b, b / 1.5)
    assert abs(bias) < 0.03 and rmse < 0.05
    # the Rasch model with the variance fixed at 1 fits worse on these data
    assert calibrate(simulate(np.ones_like(b), -b, theta, rng), "rasch").loglik < fit.loglik


def test_2pl_with_variants_sharing_common_items(truth) -> None:
    """Two variants with 6 common items: each student sees 13 of 20 items; the rest are not presented
    and leave the likelihood. One concurrent calibration puts both on one scale."""
    a, b, rng = truth
    theta = rng.standard_normal(20_000)
    mask = booklets(len(theta), len(a), n_forms=2, common=6, rng=rng)
    data = simulate(a, -a * b, theta, rng, presented=mask)
    assert (data.values == -1).sum() > 0
    fit = calibrate(data, "2pl")
    assert fit.converged
    assert [i.n for i in fit.items[:6]] == [len(theta)] * 6
    assert max(i.n for i in fit.items[6:]) < 0.6 * len(theta)
    bias_a, rmse_a = report("2pl (variants) a", fit.a, a)
    bias_b, rmse_b = report("2pl (variants) b", fit.b, b)
    assert abs(bias_a) < 0.04 and rmse_a < 0.08
    assert abs(bias_b) < 0.04 and rmse_b < 0.07


def test_standard_errors_match_the_spread_over_replications() -> None:
    rng = np.random.default_rng(99)
    a = np.array([0.8, 1.0, 1.2, 1.5, 0.9, 1.3, 1.1, 1.7])
    b = np.array([-1.5, -1.0, -0.5, 0.0, 0.3, 0.7, 1.0, 1.5])
    estimates, ses = [], []
    for _ in range(40):
        fit = calibrate(simulate(a, -a * b, rng.standard_normal(800), rng), "2pl")
        estimates.append(np.concatenate([fit.a, fit.b]))
        ses.append(np.concatenate([[i.se_a for i in fit.items], [i.se_b for i in fit.items]]))
    spread = np.std(estimates, axis=0, ddof=1)
    mean_se = np.mean(ses, axis=0)
    ratio = mean_se / spread
    print("SE / empirical SD:", np.round(ratio, 2))
    assert 0.7 < np.median(ratio) < 1.4


def test_abilities(truth) -> None:
    a, b, rng = truth
    theta = rng.standard_normal(6_000)
    data = simulate(a, -a * b, theta, rng)
    fit = calibrate(data, "2pl")
    ab = abilities(data, fit.a, fit.d)
    bias_eap, rmse_eap = report("EAP θ", ab.eap, theta)
    bias_wle, rmse_wle = report("WLE θ", ab.wle, theta)
    assert abs(bias_eap) < 0.03 and abs(bias_wle) < 0.03
    # the posterior SD is the EAP's error; the WLE's standard error is its error
    assert rmse_eap == pytest.approx(np.sqrt(np.mean(ab.eap_sd ** 2)), rel=0.1)
    assert rmse_wle == pytest.approx(np.sqrt(np.mean(ab.wle_se ** 2)), rel=0.15)
    # EAP shrinks towards 0, WLE does not
    assert np.std(ab.eap) < np.std(theta) < np.std(ab.wle) + 0.1
    # every pattern has a finite WLE, all right and all wrong included
    extremes = ResponseMatrix.from_array(np.array([[1.0] * 20, [0.0] * 20]))
    wle = abilities(extremes, fit.a, fit.d).wle
    assert np.all(np.isfinite(wle)) and wle[0] > 2 and wle[1] < -2


def test_rasch_wle_solves_warms_equation() -> None:
    b = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    data = ResponseMatrix.from_array(np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0]], dtype=float))
    wle = abilities(data, np.ones(5), -b).wle
    for theta, right in zip(wle, (2, 4)):
        p = 1 / (1 + np.exp(-(theta - b)))
        info = np.sum(p * (1 - p))
        j = np.sum(p * (1 - p) * (1 - 2 * p))
        assert right - p.sum() + j / (2 * info) == pytest.approx(0, abs=1e-8)


def test_unidentified_items_are_named() -> None:
    data = ResponseMatrix.from_array(np.array([[1, 0, np.nan], [1, 1, np.nan], [1, 0, np.nan]]),
                                     ["easy", "ok", "unseen"])
    with pytest.raises(CalibrationError, match=r"easy \(everybody right\).*unseen \(never presented\)"):
        calibrate(data, "rasch")
    with pytest.raises(ValueError, match="unknown model"):
        calibrate(data, "3pl")
