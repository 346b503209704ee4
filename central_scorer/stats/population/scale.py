"""The reporting scale of a direction and grade, its proficiency levels and the link of each year to
the base year (docs/statistics.md, "Scale, levels, trends").

The base year's calibration fixes the scale: its abilities θ (weighted, plausible values pooled)
have mean ``mean`` and SD ``sd``, and a scale score is ``500 + 100·(θ − mean)/sd``. The levels'
cut scores are data set by the centre (``cuts``: ascending scale scores; a student is at level k
when k cuts are at or below their score). Another year is calibrated on its own and put on the base
θ by Stocking–Lord through the items it shares with the base year; the linking error is the
jackknife over those common items of the shift it gives the year's mean, in scale points.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from common.durable import write_durably
from central_scorer.stats.linking import Link, LinkingError, stocking_lord

CENTRE = 500.0
SPREAD = 100.0
DEFAULT_CUTS = (400.0, 475.0, 550.0, 625.0)


class ScaleError(ValueError):
    """The scale cannot be made or used as asked (the message says why)."""


@dataclass
class Scale:
    grade: str
    direction: str
    base_year: int
    mean: float  # of θ in the base year (weighted, plausible values pooled)
    sd: float
    items: dict[str, tuple[float, float]] = field(default_factory=dict)  # base calibration: id → (a, b)
    cuts: tuple[float, ...] = DEFAULT_CUTS

    def score(self, theta: np.ndarray) -> np.ndarray:
        return CENTRE + SPREAD * (np.asarray(theta) - self.mean) / self.sd

    def level(self, score: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.asarray(self.cuts), score, side="right")

    @property
    def n_levels(self) -> int:
        return len(self.cuts) + 1

    def to_dict(self) -> dict:
        out = asdict(self)
        out["items"] = {k: list(v) for k, v in self.items.items()}
        out["cuts"] = list(self.cuts)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> Scale:
        return cls(str(d["grade"]), d["direction"], int(d["base_year"]), float(d["mean"]), float(d["sd"]),
                   {k: (float(a), float(b)) for k, (a, b) in d["items"].items()}, tuple(float(c) for c in d["cuts"]))


def parse_cuts(text: str) -> tuple[float, ...]:
    try:
        cuts = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise ScaleError(f"cut scores {text!r}: give increasing numbers, e.g. 400,475,550,625") from None
    if not cuts or list(cuts) != sorted(set(cuts)):
        raise ScaleError(f"cut scores {text!r}: give increasing numbers, e.g. 400,475,550,625")
    return cuts


def scale_path(root: Path, grade: str, direction: str) -> Path:
    return root / "population" / f"scale-{grade}-{direction}.json"


def save_scale(root: Path, scale: Scale) -> Path:
    path = scale_path(root, scale.grade, scale.direction)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_durably(path, (json.dumps(scale.to_dict(), ensure_ascii=False, indent=2) + "\n").encode())
    return path


def load_scale(root: Path, grade: str, direction: str) -> Scale | None:
    path = scale_path(root, grade, direction)
    return Scale.from_dict(json.loads(path.read_text("utf-8"))) if path.exists() else None


@dataclass(frozen=True)
class YearLink:
    link: Link
    error: float  # linking error of the year's mean, in scale points
    common: int


def link_year(scale: Scale, items: dict[str, tuple[float, float]], year_mean_theta: float = 0.0) -> YearLink:
    """Put a year's own calibration on the base θ (Stocking–Lord) with its linking error."""
    try:
        link = stocking_lord(scale.items, items)
    except LinkingError as exc:
        raise ScaleError(f"the year cannot be linked to {scale.base_year}: {exc}") from None
    common = link.common
    if len(common) < 3:
        raise ScaleError(f"{len(common)} items in common with {scale.base_year}: at least 3 are needed")
    shifts = []
    for dropped in common:
        rest = {k: v for k, v in items.items() if k != dropped}
        base = {k: v for k, v in scale.items.items() if k != dropped}
        again = stocking_lord(base, rest)
        shifts.append(again.A * year_mean_theta + again.B)
    shifts = np.array(shifts)
    n = len(shifts)
    error_theta = float(np.sqrt((n - 1) / n * np.sum((shifts - shifts.mean()) ** 2)))
    return YearLink(link, SPREAD * error_theta / scale.sd, len(common))
