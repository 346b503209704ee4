"""A simulated country for the recovery study (tests/stats/test_population.py, bench/bench_population.py).

Organisations in strata (territory × type × language × size band) spread over regions. Half of
the city organisations, drawn at random within their strata, took part in a pilot year, so the
rule (§14) excludes them: a city stratum is sampled at about 12.5 % of its organisations and a
village one at 25 %, and the unweighted mean of the sample leans towards the (weaker) villages. Abilities: region + territory + type + language effects, a
school effect and the student. The sample is drawn by the campaign's own ``select``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from central_scorer.campaign.selection import band_of, select, stratum_of
from central_scorer.campaign.working_list import Organisation
from central_scorer.stats.population.design import EXEMPT, SampledOrganisation

REGIONS = ("Абай облысы", "Ақмола облысы", "Алматы қаласы", "Ұлытау облысы")
REGION_EFFECT = (-0.2, 0.0, 0.35, -0.4)
# (territory, type, language, organisations in the country, mean contingent)
STRATA = (
    ("city", "school", "kk", 46, 50), ("city", "school", "ru", 38, 55),
    ("city", "gymnasium", "kk", 6, 90), ("city", "lyceum", "ru", 6, 90),
    ("village", "school", "kk", 69, 20), ("village", "school", "ru", 41, 18),
    ("village", "gymnasium", "kk", 2, 40), ("village", "lyceum", "kk", 2, 40),
)
TYPE_EFFECT = {"school": 0.0, "gymnasium": 0.9, "lyceum": 0.8}
TERRITORY_EFFECT = {"city": 0.25, "village": -0.25}
LANGUAGE_EFFECT = {"kk": -0.05, "ru": 0.05}


@dataclass
class Country:
    organisations: list[Organisation]
    school: np.ndarray  # organisation code of every student
    theta: np.ndarray  # true ability
    exempt: np.ndarray  # §12: outside the population
    region: np.ndarray
    territory: np.ndarray
    type: np.ndarray
    language: np.ndarray

    @property
    def by_code(self) -> dict[str, Organisation]:
        return {o.code: o for o in self.organisations}

    def true_means(self, by: np.ndarray, keys) -> np.ndarray:
        inside = ~self.exempt
        return np.array([self.theta[inside & (by == k)].mean() for k in keys])


def make_country(rng: np.random.Generator, scale: int = 1, size: float = 1.0) -> Country:
    orgs: list[Organisation] = []
    school, theta, region, territory, kind, language = [], [], [], [], [], []
    row = 0
    for ter, typ, lang, count, mean in STRATA:
        for _ in range(count * scale):
            row += 1
            code = f"S{row:05d}"
            r = int(rng.integers(len(REGIONS)))
            n = max(3, int(rng.poisson(mean * size)))
            orgs.append(Organisation(row, code, code, REGIONS[r], "district", ter, typ, n, lang, ()))
            effect = (REGION_EFFECT[r] + TERRITORY_EFFECT[ter] + TYPE_EFFECT[typ] + LANGUAGE_EFFECT[lang]
                      + rng.normal(0.0, 0.35))
            theta.append(effect + rng.normal(0.0, 0.85, n))
            school += [code] * n
            region += [REGIONS[r]] * n
            territory += [ter] * n
            kind += [typ] * n
            language += [lang] * n
    n = len(school)
    return Country(orgs, np.array(school, dtype=object), np.concatenate(theta), rng.random(n) < 0.02,
                   np.array(region, dtype=object), np.array(territory, dtype=object),
                   np.array(kind, dtype=object), np.array(language, dtype=object))


def draw_sample(country: Country, seed: int, rng: np.random.Generator,
                share: str = "0.25") -> list[SampledOrganisation]:
    """The pilot year drawn (half of each city stratum, at random), then the campaign's selection,
    with each organisation's inclusion probability in its stratum."""
    listed = [replace(o, participated=(2025,)) if o.territory == "city" and rng.random() < 0.5 else o
              for o in country.organisations]
    selection = select(listed, year=2026, seed=seed, share=share)
    probability = {s.stratum: s.drawn / s.organisations for s in selection.strata if s.drawn}
    bands = selection.bands
    return [SampledOrganisation(o.code, stratum_of(o, bands), probability[stratum_of(o, bands)])
            for o in selection.selected_organisations()]


def sit(country: Country, sample: list[SampledOrganisation], rng: np.random.Generator,
        absent: float = 0.05, school_nonresponse: float = 0.03) -> np.ndarray:
    """Status of every student of the selected organisations ('' elsewhere): a few organisations
    sit nobody, 5 % of students are absent, the exempt are exempt."""
    status = np.full(len(country.school), "", dtype=object)
    chosen = {o.code for o in sample}
    silent = {c for c in sorted(chosen) if rng.random() < school_nonresponse}
    inside = np.array([c in chosen for c in country.school.tolist()])
    status[inside] = "scored"
    status[inside & (rng.random(len(status)) < absent)] = "absent"
    status[inside & np.array([c in silent for c in country.school.tolist()])] = "absent"
    status[inside & country.exempt] = EXEMPT
    return status


def responses(theta: np.ndarray, a: np.ndarray, d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp(-(theta[:, None] * a[None, :] + d[None, :])))
    return (rng.random(p.shape) < p).astype(np.float64)


__all__ = ["Country", "make_country", "draw_sample", "sit", "responses", "band_of"]


@dataclass
class Recovery:
    """What a recovery study found, per region (over the replications)."""

    regions: tuple[str, ...]
    truth: np.ndarray
    replications: int
    coverage: float  # share of 95 % intervals (all regions together) that hold the truth
    coverage_by_region: np.ndarray
    bias: np.ndarray  # weighted PV + jackknife estimate − truth, mean over replications
    baseline_bias: np.ndarray  # unweighted mean of the sample − truth
    mean_se: np.ndarray
    empirical_sd: np.ndarray


def recovery(replications: int, seed: int = 19, scale: int = 10, size: float = 0.3, items: int = 20,
             plausible: int = 5) -> Recovery:
    """Draw the sample ``replications`` times from one simulated country and estimate the region
    means each time (weights, plausible values with the latent regression, jackknife)."""
    from central_scorer.stats.population.design import build_design
    from central_scorer.stats.population.jackknife import group_means
    from central_scorer.stats.population.plausible import organisation_means, plausible_values

    rng = np.random.default_rng(seed)
    country = make_country(rng, scale, size)
    a, d = rng.uniform(0.7, 1.8, items), rng.uniform(-1.5, 1.5, items)
    keys = list(REGIONS)
    truth = country.true_means(country.region, keys)
    estimates, errors, baseline = [], [], []
    for rep in range(replications):
        sample = draw_sample(country, seed * 1000 + rep, rng)
        status = sit(country, sample, rng)
        records = np.flatnonzero(status != "")
        design, rows = build_design(sample, country.school[records], status[records])
        students = records[rows]
        right = responses(country.theta[students], a, d, rng)
        background = {"region": country.region[students], "territory": country.territory[students],
                      "type": country.type[students], "language": country.language[students],
                      "organisation_mean": organisation_means(design.psu, right)}
        pv, _ = plausible_values(right, a, d, background, design.weight, plausible, rng)
        group = np.array([keys.index(r) for r in country.region[students]])
        est = group_means(design, pv, group, len(keys)).combine()
        estimates.append(est.value)
        errors.append(est.se)
        baseline.append([pv[group == k].mean() for k in range(len(keys))])
    estimates, errors, baseline = np.array(estimates), np.array(errors), np.array(baseline)
    covered = np.abs(estimates - truth) <= 1.96 * errors
    return Recovery(tuple(keys), truth, replications, float(covered.mean()), covered.mean(axis=0),
                    estimates.mean(axis=0) - truth, baseline.mean(axis=0) - truth, errors.mean(axis=0),
                    estimates.std(axis=0, ddof=1))
