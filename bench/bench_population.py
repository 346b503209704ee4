"""Population estimates (`central_scorer.stats.population`) at national size, and the recovery study
with more replications than the test runs. Not a test. From the repository root::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_population.py [--quick] [--students 300000]
        [--items 60] [--replications 400] [--json PATH]

Rows:

* ``population-estimates``: design weights, 5 plausible values (latent regression on region,
  territory, type, language and the organisation's mean) and the jackknife (one replicate per
  responding organisation, from organisation totals) of the national mean, the region means and
  the percentages at the four levels, for N students × 60 items in ~1,750 organisations. Baseline in
  the same run: one unweighted mean over the same matrix (``np.nanmean``). Target: ≤ 60 s.
* ``population-recovery``: the recovery study of tests/stats/test_population.py with more
  replications: coverage of the 95 % intervals (target 93–97 %), bias, and the unweighted baseline's bias.

``--quick``: 30,000 students and 60 replications.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402  (puts the repository root on sys.path)

from central_scorer.stats.population.design import SampledOrganisation, build_design  # noqa: E402
from central_scorer.stats.population.jackknife import group_means, shares  # noqa: E402
from central_scorer.stats.population.plausible import organisation_means, plausible_values  # noqa: E402
from central_scorer.stats.population.simulate import recovery, responses  # noqa: E402

REGIONS = 17
CUTS = np.array([-0.8, -0.2, 0.4, 1.0])


def national_data(students: int, items: int, rng: np.random.Generator):
    """~170 students per organisation, 40 strata, 17 regions; 5 % absent, 2 % exempt."""
    n_org = max(40, students // 170)
    stratum = rng.integers(0, 40, n_org)
    region = rng.integers(0, REGIONS, n_org)
    probability = rng.choice([0.125, 0.25, 0.5], size=40)[stratum]
    size = rng.multinomial(int(students / 0.93), np.full(n_org, 1 / n_org))
    size = np.maximum(size, 5)
    sample = [SampledOrganisation(f"O{k:05d}", f"s/{stratum[k]}/x/y", float(probability[k])) for k in range(n_org)]
    org = np.repeat(np.arange(n_org), size)
    status = np.where(rng.random(len(org)) < 0.05, "absent", "scored").astype(object)
    status[rng.random(len(org)) < 0.02] = "exempt"
    theta = (0.3 * (region - REGIONS / 2) / REGIONS + rng.normal(0, 0.35, n_org))[org] + rng.normal(0, 0.85, len(org))
    a, d = rng.uniform(0.6, 2.0, items), rng.uniform(-2, 2, items)
    return sample, org, status, theta, region, stratum, a, d


def estimates(students: int, items: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    sample, org, status, theta, region, stratum, a, d = national_data(students, items, rng)
    codes = np.array([s.code for s in sample], dtype=object)
    scored = np.flatnonzero(status == "scored")
    right = responses(theta[scored], a, d, rng)
    right[:, items // 2:][rng.random((len(scored), items - items // 2)) < 0.3] = np.nan  # two booklets' worth
    t0 = time.perf_counter()
    baseline = float(np.nanmean(right))
    t_base = time.perf_counter() - t0

    started = time.perf_counter()
    design, rows = build_design(sample, codes[org], status)
    t_weights = time.perf_counter() - started
    students_org = org[rows]
    background = {"region": region[students_org].astype(str).astype(object),
                  "stratum": stratum[students_org].astype(str).astype(object),
                  "organisation_mean": organisation_means(design.psu, right)}
    pv, model = plausible_values(right, a, d, background, design.weight, 5, rng)
    t_pv = time.perf_counter() - started - t_weights
    group = region[students_org]
    national = group_means(design, pv, np.zeros(len(pv), dtype=np.int64), 1).combine()
    regions = group_means(design, pv, group, REGIONS).combine()
    levels = [s.combine() for s in shares(design, np.searchsorted(CUTS, pv), group, REGIONS, len(CUTS) + 1)]
    total = time.perf_counter() - started
    return {"students": int(len(scored)), "items": items, "organisations": design.n_psu,
            "replicates": design.n_psu, "strata": len(design.strata), "seconds": total, "weights_s": t_weights,
            "pv_s": t_pv, "jk_s": total - t_weights - t_pv, "baseline_s": t_base, "baseline_value": baseline,
            "em_iterations": model.iterations, "national_mean": float(national.value[0]),
            "national_se": float(national.se[0]), "region_se_median": float(np.median(regions.se)),
            "level_se_median": float(np.median([s.se for s in levels])), "peak_mb": benchlib.peak_rss_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--students", type=int)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--replications", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    students = args.students or (30_000 if args.quick else 300_000)
    replications = args.replications or (60 if args.quick else 400)
    load = os.getloadavg()[0]

    e = estimates(students, args.items, args.seed)
    print(f"population estimates, {e['students']:,} students × {e['items']} items, {e['organisations']} organisations "
          f"({e['replicates']} jackknife replicates, {e['strata']} variance strata): {e['seconds']:.1f} s "
          f"(weights {e['weights_s']:.2f} s, 5 PVs {e['pv_s']:.1f} s [{e['em_iterations']} EM iterations], "
          f"JK tables {e['jk_s']:.2f} s); baseline unweighted mean {e['baseline_s'] * 1000:.1f} ms; "
          f"peak {e['peak_mb']:.0f} MB; load {load:.1f}")
    started = time.perf_counter()
    r = recovery(replications)
    r_s = time.perf_counter() - started
    print(f"recovery, {replications} replications: coverage {r.coverage:.3f} "
          f"(by region {np.round(r.coverage_by_region, 3).tolist()}), bias {np.round(r.bias, 3).tolist()}, "
          f"baseline bias {np.round(r.baseline_bias, 3).tolist()}, mean SE {np.round(r.mean_se, 3).tolist()}, "
          f"empirical SD {np.round(r.empirical_sd, 3).tolist()}; {r_s:.0f} s")
    rows = [{
        "id": "population-estimates", "what": "population estimates: weights, 5 PVs, jackknife tables",
        "workload": f"{e['students']:,} students × {e['items']} items, {e['organisations']} organisations, 17 regions × 5 levels",
        "figure": f"{e['seconds']:.1f} s ({e['replicates']} replicates), peak {e['peak_mb']:.0f} MB",
        "target": "≤ 60 s with ≥ 80 replicates", "met": e["seconds"] <= 60 and e["replicates"] >= 80,
        "baseline": f"one unweighted mean of the same matrix: {e['baseline_s'] * 1000:.1f} ms",
        "ratio": benchlib.ratio(e["seconds"], e["baseline_s"]),
        "notes": [f"weights {e['weights_s']:.2f} s, PVs {e['pv_s']:.1f} s, JK {e['jk_s']:.2f} s; load {load:.1f}"],
        "data": e,
    }, {
        "id": "population-recovery", "what": "recovery study: 95 % intervals from PVs + jackknife",
        "workload": f"{replications} samples of one simulated country (4 regions, 2,100 organisations)",
        "figure": f"coverage {r.coverage:.3f}; |bias| ≤ {np.abs(r.bias).max():.3f} θ",
        "target": "coverage 0.93–0.97", "met": 0.93 <= r.coverage <= 0.97,
        "baseline": f"unweighted sample mean: bias {np.round(r.baseline_bias, 3).tolist()} θ",
        "ratio": "—", "notes": [f"mean SE / empirical SD {np.round(r.mean_se / r.empirical_sd, 2).tolist()}; {r_s:.0f} s"],
        "data": {"coverage": r.coverage, "replications": replications},
    }]
    benchlib.write_rows(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
