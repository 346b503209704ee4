"""Design weights of the monitoring's sample and its jackknife structure (docs/statistics.md).

The sample (§14) is a stratified sample of organisations drawn without replacement with probability
``π_h = drawn_h / eligible_h`` in stratum ``h``; every student of the tested grade in a selected
organisation is tested (a one-stage cluster sample). So a student's weight is built in three steps:

1. **base**: ``1 / π_h`` of the student's organisation;
2. **organisation non-response**: the selected organisations of a stratum that sat nobody are
   represented by those of the same stratum that did (their weights scaled by the ratio of selected
   to responding base weights); a stratum where nobody responded is carried by the strata that share
   its territory, type and language (then territory and type, territory, everything);
3. **student non-response**: within an organisation, the students of the population (the roster
   less the exempt of §12: home schooling, sanatorium) who have no score (absent, voided) are
   represented by those who have one: weight × population / scored.

The jackknife (JKn) drops one responding organisation at a time; a stratum with a single
responding organisation is joined to a neighbour (same territory, type and language first) so
that every variance stratum has at least two.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

# §12: not part of the tested population at all (also campaign.store.EXEMPT_REASONS)
EXEMPT = "exempt"
SCORED = "scored"


class DesignError(ValueError):
    """The sample cannot be weighted as given (the message says why)."""


@dataclass(frozen=True)
class SampledOrganisation:
    code: str
    stratum: str  # territory/type/language/band, as the selection names it
    probability: float  # inclusion probability within its stratum


@dataclass
class Design:
    """The respondents' weights and the jackknife's units, row for row with the scored students."""

    weight: np.ndarray  # final weight of each scored student
    psu: np.ndarray  # index of the student's organisation among the responding ones
    psu_stratum: np.ndarray  # variance stratum of each responding organisation
    fpc: np.ndarray  # 1 − π of each variance stratum (a one-stage cluster sample)
    psu_codes: list[str]
    strata: list[str]  # variance strata's names (joined strata with "+")

    @property
    def n_psu(self) -> int:
        return len(self.psu_codes)


def _coarser(stratum: str) -> list[str]:
    parts = stratum.split("/")
    return ["/".join(parts[:k]) for k in range(len(parts) - 1, -1, -1)]


def build_design(sample: Sequence[SampledOrganisation], organisation: Sequence[str],
                 status: Sequence[str]) -> tuple[Design, np.ndarray]:
    """Weights from the selection and every student record of the selected organisations.

    ``organisation`` and ``status`` (scored | absent | voided | exempt) run over the student records;
    returns the design (rows = the scored records, in their order) and the index of those records."""
    by_code = {o.code: o for o in sample}
    organisation = np.asarray(organisation, dtype=object)
    status = np.asarray(status, dtype=object)
    unknown = sorted({c for c in organisation.tolist() if c not in by_code})
    if unknown:
        raise DesignError(f"results of organisations not in the selection: {', '.join(unknown[:5])}")
    in_population = defaultdict(int)
    scored = defaultdict(int)
    for code, st in zip(organisation.tolist(), status.tolist()):
        if st != EXEMPT:
            in_population[code] += 1
        if st == SCORED:
            scored[code] += 1

    base = {o.code: 1.0 / o.probability for o in sample}
    members: dict[str, list[str]] = defaultdict(list)
    for o in sample:
        if not 0 < o.probability <= 1:
            raise DesignError(f"organisation {o.code}: inclusion probability {o.probability} is not in (0, 1]")
        members[o.stratum].append(o.code)
    school_weight: dict[str, float] = {}
    empty: list[str] = []
    for stratum, codes in members.items():
        responding = [c for c in codes if scored[c] > 0]
        if not responding:
            empty.append(stratum)
            continue
        factor = sum(base[c] for c in codes) / sum(base[c] for c in responding)
        for c in responding:
            school_weight[c] = base[c] * factor
    for stratum in empty:  # carried by the nearest strata that responded
        lost = sum(base[c] for c in members[stratum])
        for prefix in _coarser(stratum):
            carriers = [c for s, codes in members.items() if s != stratum and (s + "/").startswith(prefix)
                        for c in codes if c in school_weight]
            if carriers:
                total = sum(school_weight[c] for c in carriers)
                for c in carriers:
                    school_weight[c] *= 1 + lost / total
                break
        else:
            raise DesignError("no selected organisation has a scored student")

    names, fpc, stratum_of = _variance_strata(sorted(school_weight), by_code)
    psu_codes = sorted(school_weight, key=lambda c: (stratum_of[c], c))  # each variance stratum together
    psu_index = {c: i for i, c in enumerate(psu_codes)}
    psu_stratum = np.array([stratum_of[c] for c in psu_codes], dtype=np.int64)
    rows = np.flatnonzero(status == SCORED)
    weight = np.array([school_weight[c] * in_population[c] / scored[c] for c in organisation[rows]])
    psu = np.array([psu_index[c] for c in organisation[rows]], dtype=np.int64)
    return Design(weight, psu, psu_stratum, fpc, psu_codes, names), rows


def _variance_strata(psu_codes: list[str], by_code: dict[str, SampledOrganisation]):
    """Strata with one responding organisation joined to a neighbour (nearest key first)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for c in psu_codes:
        groups[by_code[c].stratum].append(c)
    changed = True
    while changed and len(groups) > 1:
        changed = False
        for name in sorted(groups):
            if len(groups[name]) >= 2:
                continue
            first = name.split("+")[0]
            others = [g for g in groups if g != name]
            partner = max(others, key=lambda g: (_shared(first, g.split("+")[0]), -len(groups[g]), g))
            groups[partner + "+" + name] = groups.pop(partner) + groups.pop(name)
            changed = True
            break
    names = sorted(groups)
    stratum_of = {c: k for k, n in enumerate(names) for c in groups[n]}
    fpc = np.array([1.0 - float(np.mean([by_code[c].probability for c in groups[n]])) for n in names])
    return names, fpc, stratum_of


def _shared(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        n += 1
    return n
