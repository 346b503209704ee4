"""The stratified random selection of organisations (§14), reproducible from the list and a seed.

The rule, step by step (docs/campaign.md says the same for readers of the published selection):

1. **Strata.** Every organisation falls in one stratum: territory × type × language of
   instruction × contingent band (bands by the number of students in the tested grade; default
   edges 20, 60, 120 give ``1-20``, ``21-60``, ``61-120``, ``121+``).
2. **Exclusions.** An organisation that took part in an earlier year (any year in
   ``participated`` before the campaign's year) is excluded; the rest of its stratum is eligible.
3. **National total.** ``target = round(share × eligible)`` over the whole list, rounding halves up,
   computed exactly (the share is a decimal fraction, never a binary float).
4. **Allocation (largest remainder / Hamilton).** Each stratum gets ``floor(share × eligible)``;
   the seats still missing to reach the target go one each to the strata with the largest
   fractional remainders; equal remainders are ordered by lot: by SHA-256 of ``"{seed}:{stratum}"``.
5. **Draw.** In each stratum the eligible codes are sorted, and a partial Fisher–Yates shuffle picks
   the stratum's number, driven by ``random.Random(k)`` where ``k`` is the first 8 bytes (big-endian)
   of SHA-256 of ``"{seed}:{stratum}"``. Only ``Random.random()`` is used, the one part of Python's
   generator whose sequence Python promises to keep across versions.

Same list (in any row order) + same seed, share, year and bands = the same selection, byte for byte.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from central_scorer.campaign.working_list import ListProblem, Organisation, WorkingListInvalid

DEFAULT_SHARE = "0.25"
DEFAULT_BANDS = (20, 60, 120)
RULE = "largest-remainder (Hamilton); ties by lot sha256(seed:stratum); draw: Fisher-Yates on random.Random(sha256(seed:stratum))"


class SelectionError(ValueError):
    """The selection's parameters are wrong (share, bands, year)."""


def parse_share(text: str | float) -> Fraction:
    try:
        share = Fraction(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        raise SelectionError(f"share {text!r} is not a number (e.g. 0.25)") from None
    if not 0 < share <= 1:
        raise SelectionError(f"share {text} must be more than 0 and at most 1")
    return share


def parse_bands(text: str | Sequence[int]) -> tuple[int, ...]:
    try:
        edges = tuple(int(x) for x in (text.split(",") if isinstance(text, str) else text))
    except ValueError:
        raise SelectionError(f"bands {text!r}: give increasing whole numbers, e.g. 20,60,120") from None
    if any(e < 1 for e in edges) or list(edges) != sorted(set(edges)):
        raise SelectionError(f"bands {text!r}: give increasing whole numbers, e.g. 20,60,120")
    return edges


def band_of(contingent: int, edges: Sequence[int]) -> str:
    low = 1
    for edge in edges:
        if contingent <= edge:
            return f"{low}-{edge}"
        low = edge + 1
    return f"{low}+"


def stratum_of(org: Organisation, edges: Sequence[int]) -> str:
    return "/".join((org.territory, org.type, org.language, band_of(org.contingent, edges)))


def _stratum_order(stratum: str) -> tuple[str, str, str, int]:
    territory, kind, language, band = stratum.split("/")
    return territory, kind, language, int(band.split("-")[0].rstrip("+"))


def _digest(seed: int, stratum: str) -> bytes:
    return hashlib.sha256(f"{seed}:{stratum}".encode()).digest()


def _round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)).__floor__())


def _format_fraction(value: Fraction) -> str:
    """An exact quota for the table: up to 4 decimals, as the share gives them."""
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):.4f}"
    return text.rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Stratum:
    stratum: str
    territory: str
    type: str
    language: str
    band: str
    organisations: int
    excluded: int
    eligible: int
    quota: str
    drawn: int
    selected: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"stratum": self.stratum, "territory": self.territory, "type": self.type,
                "language": self.language, "band": self.band, "organisations": self.organisations,
                "excluded": self.excluded, "eligible": self.eligible, "quota": self.quota,
                "drawn": self.drawn, "selected": list(self.selected)}


@dataclass(frozen=True)
class Selection:
    year: int
    share: Fraction
    seed: int
    bands: tuple[int, ...]
    organisations: int
    excluded: int
    eligible: int
    target: int
    selected: tuple[str, ...]
    strata: tuple[Stratum, ...]
    by_code: dict[str, Organisation] = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "share": _format_fraction(self.share),
            "seed": self.seed,
            "bands": list(self.bands),
            "rule": RULE,
            "organisations": self.organisations,
            "excluded": self.excluded,
            "eligible": self.eligible,
            "target": self.target,
            "selected": list(self.selected),
            "strata": [s.as_dict() for s in self.strata],
        }

    def selected_organisations(self) -> list[Organisation]:
        return [self.by_code[c] for c in self.selected]


def select(organisations: Sequence[Organisation], *, year: int, seed: int,
           share: Fraction | str = DEFAULT_SHARE, bands: Sequence[int] = DEFAULT_BANDS) -> Selection:
    """Draw the organisations that take part in ``year``'s monitoring (the rule is in the module doc)."""
    share = share if isinstance(share, Fraction) else parse_share(share)
    edges = parse_bands(bands)
    if not 2000 <= year <= 2100:
        raise SelectionError(f"year {year} is out of range")
    late = [ListProblem(o.row, "participated", f"{y} is not before the campaign year {year}")
            for o in organisations for y in o.participated if y >= year]
    if late:
        raise WorkingListInvalid(late)

    members: dict[str, list[Organisation]] = {}
    for org in sorted(organisations, key=lambda o: o.code):
        members.setdefault(stratum_of(org, edges), []).append(org)

    eligible = {k: [o.code for o in orgs if not o.participated] for k, orgs in members.items()}
    total_eligible = sum(len(v) for v in eligible.values())
    target = _round_half_up(share * total_eligible)
    quotas = {k: share * len(v) for k, v in eligible.items()}
    drawn = {k: int(q.__floor__()) for k, q in quotas.items()}
    missing = target - sum(drawn.values())
    order = sorted(quotas, key=lambda k: (-(quotas[k] - drawn[k]), _digest(seed, k)))
    for k in order[:missing]:
        drawn[k] += 1

    strata = []
    selected: list[str] = []
    for key in sorted(members, key=_stratum_order):
        codes = list(eligible[key])  # already in code order
        picked = _draw(codes, drawn[key], random.Random(int.from_bytes(_digest(seed, key)[:8], "big")))
        selected.extend(picked)
        territory, kind, language, band = key.split("/")
        strata.append(Stratum(
            stratum=key, territory=territory, type=kind, language=language, band=band,
            organisations=len(members[key]), excluded=len(members[key]) - len(codes),
            eligible=len(codes), quota=_format_fraction(quotas[key]), drawn=len(picked),
            selected=tuple(sorted(picked))))
    return Selection(
        year=year, share=share, seed=seed, bands=edges, organisations=len(organisations),
        excluded=len(organisations) - total_eligible, eligible=total_eligible, target=target,
        selected=tuple(sorted(selected)), strata=tuple(strata),
        by_code={o.code: o for o in organisations})


def _draw(codes: list[str], k: int, rng: random.Random) -> list[str]:
    """The first ``k`` places of a Fisher–Yates shuffle of ``codes`` (only ``rng.random()`` used)."""
    pool = list(codes)
    for i in range(k):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]
