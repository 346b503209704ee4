"""Mantel–Haenszel DIF by language, and linking of separately calibrated variants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from central_scorer.cli.main import main
from central_scorer.stats.dif import mantel_haenszel
from central_scorer.stats.irt.calibration import calibrate
from central_scorer.stats.linking import LinkingError, mean_sigma, parameters_of, stocking_lord
from central_scorer.stats.responses import write_responses_csv
from central_scorer.stats.simulate import simulate


def test_mh_by_hand() -> None:
    """Two strata, reference right/wrong 8/2 and 6/4, focal 5/5 and 3/7."""
    right, focal, score = [], [], []
    for stratum, (a, b, c, d) in enumerate([(8, 2, 5, 5), (6, 4, 3, 7)]):
        for value, group, count in ((1, False, a), (0, False, b), (1, True, c), (0, True, d)):
            right += [value] * count
            focal += [group] * count
            score += [stratum] * count
    (res,) = mantel_haenszel(np.array(right, float)[:, None], np.array(focal), ["x"], matching=np.array(score))
    # α = Σ(AD/T) / Σ(BC/T) = (8·5/20 + 6·7/20) / (2·5/20 + 4·3/20) = 4.1 / 1.1
    assert res.alpha_mh == pytest.approx(4.1 / 1.1)
    assert res.delta_mh == pytest.approx(-2.35 * np.log(4.1 / 1.1))
    # χ² = (|ΣA − ΣE| − ½)² / ΣV with E = n_R m_1 / T, V = n_R n_F m_1 m_0 / (T² (T − 1))
    e = 10 * 13 / 20 + 10 * 9 / 20
    v = 10 * 10 * 13 * 7 / (400 * 19) + 10 * 10 * 9 * 11 / (400 * 19)
    assert res.chi2 == pytest.approx((abs(14 - e) - 0.5) ** 2 / v)
    assert res.n_reference == 20 and res.n_focal == 20


def test_mh_finds_the_item_that_favours_one_language() -> None:
    rng = np.random.default_rng(4)
    n, n_items = 6000, 20
    a = np.full(n_items, 1.2)
    b = np.linspace(-1.5, 1.5, n_items)
    theta = rng.standard_normal(n)
    focal = rng.random(n) < 0.5  # e.g. the Russian-medium students
    theta[focal] -= 0.3  # a real difference in ability is not DIF
    d = np.tile(-a * b, (n, 1))
    d[focal, 5] -= 1.0  # item 6 is harder in the focal group's language: DIF
    p = 1 / (1 + np.exp(-(theta[:, None] * a + d)))
    right = (rng.random(p.shape) < p).astype(float)
    right[rng.random(p.shape) < 0.05] = np.nan  # some items not presented
    results = mantel_haenszel(right, focal, [f"i{j + 1}" for j in range(n_items)])
    by_id = {r.id: r for r in results}
    # harder for the focal group, so it favours the reference group: Δ ≈ −2.35 · 1.0
    assert by_id["i6"].category == "C" and by_id["i6"].delta_mh == pytest.approx(-2.35, abs=0.4)
    others = [r for r in results if r.id != "i6"]
    assert all(r.category in ("A", "B") for r in others)
    assert sum(r.category == "A" for r in others) >= 17
    print("Δ_MH:", {r.id: round(r.delta_mh, 2) for r in results})


def test_mh_with_one_group_only() -> None:
    (res,) = mantel_haenszel(np.array([[1.0], [0.0]]), np.array([False, False]), ["x"])
    assert res.category == "" and res.n_focal == 0


def item_parameters(rng: np.random.Generator, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.8, 1.8, n_items), rng.uniform(-1.8, 1.8, n_items)


def test_linking_recovers_the_scale_transformation() -> None:
    """The new variant's students are abler (mean 0.5, SD 1.2 on the base scale); each calibration
    sets its own population to N(0, 1), so the same common items get different parameters."""
    rng = np.random.default_rng(8)
    a, b = item_parameters(rng, 30)
    base_items, new_items = list(range(0, 20)), list(range(10, 30))  # items 10..19 are common
    ids = [f"i{j:02d}" for j in range(30)]
    theta_base = rng.standard_normal(12_000)
    theta_new = 0.5 + 1.2 * rng.standard_normal(12_000)
    base = calibrate(simulate(a[base_items], -a[base_items] * b[base_items], theta_base, rng,
                              item_ids=[ids[j] for j in base_items]), "2pl")
    # the new calibration's scale: θ* = (θ − 0.5) / 1.2, so θ_base = 1.2 θ* + 0.5
    new = calibrate(simulate(a[new_items], -a[new_items] * b[new_items], theta_new, rng,
                             item_ids=[ids[j] for j in new_items]), "2pl")
    for method in (mean_sigma, stocking_lord):
        link = method(parameters_of(base), parameters_of(new))
        print(f"{link.method}: A {link.A:.3f} (1.2), B {link.B:.3f} (0.5)")
        assert link.common == tuple(ids[10:20])
        assert link.A == pytest.approx(1.2, abs=0.08)
        assert link.B == pytest.approx(0.5, abs=0.08)
        linked = link.items(parameters_of(new))
        unique_b = np.array([linked[ids[j]][1] for j in range(20, 30)])
        assert np.sqrt(np.mean((unique_b - b[20:30]) ** 2)) < 0.15  # on the base scale now
        assert link.theta(0.0) == pytest.approx(link.B)
    with pytest.raises(LinkingError, match="1 common item"):
        mean_sigma({"x": (1.0, 0.0), "y": (1.0, 1.0)}, {"x": (1.0, 0.2), "z": (1.0, 0.0)})


def test_link_cli(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(3)
    a, b = item_parameters(rng, 12)
    ids = [f"q{j}" for j in range(12)]
    for name, cols, theta in (("base", range(0, 8), rng.standard_normal(4000)),
                              ("new", range(4, 12), 0.4 + rng.standard_normal(4000))):
        cols = list(cols)
        write_responses_csv(simulate(a[cols], -a[cols] * b[cols], theta, rng, item_ids=[ids[j] for j in cols]),
                            tmp_path / f"{name}.csv")
        assert main(["calibrate", str(tmp_path / f"{name}.csv"), "--json"]) == 0
        (tmp_path / f"{name}.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["link", str(tmp_path / "base.json"), str(tmp_path / "new.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "stocking_lord" and out["common"] == ids[4:8]
    assert out["B"] == pytest.approx(0.4, abs=0.12)
    assert [i["id"] for i in out["items"]] == ids[4:12]
