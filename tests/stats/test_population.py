"""Population estimates (issue 19): weights from the design, the jackknife against samplics, and
the recovery study of a simulated country (docs/statistics.md, "Population estimates")."""

from __future__ import annotations

import numpy as np
import pytest

from central_scorer.stats.population.design import DesignError, SampledOrganisation, build_design
from central_scorer.stats.population.jackknife import group_means
from central_scorer.stats.population.simulate import draw_sample, make_country, recovery, sit


def test_weights_follow_the_design_step_by_step() -> None:
    # stratum A: 4 organisations, 2 drawn (π = 1/2), one of them sat nobody; stratum B: π = 1/3
    sample = [SampledOrganisation("a1", "city/school/kk/1-20", 0.5),
              SampledOrganisation("a2", "city/school/kk/1-20", 0.5),
              SampledOrganisation("b1", "village/school/kk/1-20", 1 / 3),
              SampledOrganisation("b2", "village/school/kk/1-20", 1 / 3)]
    # a1: 10 students, one exempt (§12, out of the population), two absent, seven scored
    org = ["a1"] * 10 + ["a2"] * 5 + ["b1"] * 4 + ["b2"] * 6
    status = (["exempt", "absent", "voided"] + ["scored"] * 7 + ["absent"] * 5
              + ["scored"] * 4 + ["scored"] * 5 + ["absent"])
    design, rows = build_design(sample, org, status)
    assert len(rows) == 7 + 4 + 5 and all(status[r] == "scored" for r in rows)
    a1 = design.weight[:7]
    assert np.allclose(a1, 2 * 2 * 9 / 7)  # base 2, ×2 for a2 that sat nobody, ×9/7 for the absent
    assert np.allclose(design.weight[7:11], 3.0)  # b1: everyone sat
    assert np.allclose(design.weight[11:], 3 * 6 / 5)
    # the weights add up to the population the sample stands for: a1 stands for 4 organisations
    assert design.weight[:7].sum() == pytest.approx(4 * 9)
    assert design.weight[7:].sum() == pytest.approx(3 * (4 + 6))
    # stratum A has one responding organisation: its variance stratum is joined to B
    assert len(design.strata) == 1 and design.n_psu == 3


def test_a_result_outside_the_selection_is_refused() -> None:
    with pytest.raises(DesignError, match="not in the selection"):
        build_design([SampledOrganisation("a1", "s", 0.5)], ["zz"], ["scored"])


def _one_sample(seed: int = 3):
    rng = np.random.default_rng(seed)
    country = make_country(rng, scale=4, size=0.5)
    sample = draw_sample(country, seed, rng)
    status = sit(country, sample, rng)
    records = np.flatnonzero(status != "")
    design, rows = build_design(sample, country.school[records], status[records])
    return country, design, records[rows]


def test_jackknife_agrees_with_samplics() -> None:
    """The same design and weights, the replicates built independently by samplics (JKn, its own
    coefficients (n_h − 1)/n_h, no finite population correction): SEs within 1 %."""
    samplics = pytest.importorskip("samplics", reason="samplics is in the test extras (pip install samplics)")
    from samplics.utils.types import PopParam, RepMethod

    country, design, students = _one_sample()
    design.fpc[:] = 1.0  # samplics has no finite population correction: compare like with like
    y = country.theta[students]
    regions = sorted(set(country.region[students].tolist()))
    group = np.array([regions.index(r) for r in country.region[students]])
    national = group_means(design, y, np.zeros(len(y), dtype=np.int64), 1).combine()
    by_region = group_means(design, y, group, len(regions)).combine()

    # samplics builds its replicates in blocks and needs the rows ordered by stratum and PSU
    # (given in another order it silently mixes PSUs up: the SE came out 24 % low)
    order = np.lexsort((design.psu, design.psu_stratum[design.psu]))
    y, group, weight = y[order], group[order], design.weight[order]
    maker = samplics.ReplicateWeight(RepMethod.jackknife, strat=True)
    with _quiet():
        table = maker.replicate(weight, design.psu[order], design.psu_stratum[design.psu[order]])
        columns = [c for c in table.columns if c.startswith("_jk_wgt_")]
        estimator = samplics.ReplicateEstimator(RepMethod.jackknife, PopParam.mean)
        theirs = estimator.estimate(y, weight, table[columns].to_numpy(),
                                    rep_coefs=np.array(maker.rep_coefs), conservative=True)
        domains = samplics.ReplicateEstimator(RepMethod.jackknife, PopParam.mean).estimate(
            y, weight, table[columns].to_numpy(), rep_coefs=np.array(maker.rep_coefs),
            conservative=True, domain=group)
    assert len(columns) == design.n_psu
    assert national.value[0] == pytest.approx(theirs.point_est, rel=1e-9)
    assert national.se[0] == pytest.approx(theirs.stderror, rel=0.01)
    for k in range(len(regions)):
        assert by_region.value[k] == pytest.approx(domains.point_est[k], rel=1e-9)
        assert by_region.se[k] == pytest.approx(domains.stderror[k], rel=0.01)
    print(f"\nJK SE national: ours {national.se[0]:.6f}, samplics {theirs.stderror:.6f}")


def _quiet():
    import contextlib
    import warnings

    @contextlib.contextmanager
    def quiet():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    return quiet()


def test_difference_between_regions_from_the_same_replicates() -> None:
    country, design, students = _one_sample()
    regions = sorted(set(country.region[students].tolist()))
    group = np.array([regions.index(r) for r in country.region[students]])
    rep = group_means(design, country.theta[students], group, len(regions))
    each = rep.combine()
    diff = rep.difference(0, 1).combine()
    assert diff.value[0] == pytest.approx(each.value[0] - each.value[1])
    # regions share strata, so not independent, but the difference's SE is of the same order
    independent = np.hypot(each.se[0], each.se[1])
    assert 0.6 * independent < diff.se[0] < 1.4 * independent


def test_recovery_study() -> None:
    """200 samples of one simulated country (the campaign's own selection, a pilot year excluding half
    of the cities, 5 % of students absent, 3 % of organisations sitting nobody, 2 % exempt): the 95 %
    intervals from plausible values + jackknife hold the true region means 93–97 % of the time, and
    the unweighted sample mean (the baseline) misses them in one direction."""
    found = recovery(200)
    print(f"\ncoverage {found.coverage:.3f} by region {np.round(found.coverage_by_region, 3)}; "
          f"bias {np.round(found.bias, 3)}; baseline bias {np.round(found.baseline_bias, 3)}; "
          f"mean SE {np.round(found.mean_se, 3)}; empirical SD {np.round(found.empirical_sd, 3)}")
    assert 0.93 <= found.coverage <= 0.97
    assert np.all(np.abs(found.bias) < 0.25 * found.mean_se)
    # the baseline: the cities are under-sampled (pilot exclusions), so it leans to the villages
    assert np.all(found.baseline_bias < -0.8 * found.mean_se)
    assert np.all(np.abs(found.mean_se / found.empirical_sd - 1) < 0.2)
