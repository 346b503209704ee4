"""Classical item analysis: proportion right, corrected point-biserial, distractors, Cronbach's alpha
with alpha-if-deleted, omitted and not-reached rates, and flags for items outside set bounds.

Each student's cell of an item has a status: answered, omitted (left blank, with a later item
answered), not reached (blank, and so is everything after it) or not presented (not in the variant).
Omitted and not reached score 0, as the official scoring does; not presented is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

ANSWERED, OMITTED, NOT_REACHED, NOT_PRESENTED = 0, 1, 2, 3

FLAGS = ("p_low", "p_high", "rpbis_low", "omit_high", "not_reached_high", "distractor_positive",
         "distractor_unused", "alpha_if_deleted")


@dataclass(frozen=True)
class ItemInfo:
    id: str
    max_points: float = 1.0
    options: tuple[str, ...] = ()  # choice items: option ids in their printed order
    key: tuple[str, ...] = ()  # the right options


@dataclass(frozen=True)
class FlagBounds:
    """Where an item is flagged for review (every bound configurable)."""

    p_min: float = 0.10  # too hard
    p_max: float = 0.95  # too easy
    rpbis_min: float = 0.15  # discriminates too little (or the wrong way)
    omit_max: float = 0.10
    not_reached_max: float = 0.10
    distractor_rpbis_max: float = 0.05  # a wrong option chosen by the stronger students
    distractor_min_share: float = 0.01  # a wrong option (almost) nobody chooses
    alpha_gain_max: float = 0.0  # alpha would rise by more than this without the item

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlagBounds:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown flag bounds: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**{k: float(v) for k, v in data.items()})


@dataclass
class ScoredResponses:
    """What item analysis needs of a group of students who sat the same items.

    ``scores[i, j]``: points (NaN where not presented); ``status[i, j]``: one of the statuses above;
    ``chosen[item_id]``: (students × options) booleans, which options each student selected.
    """

    items: tuple[ItemInfo, ...]
    scores: np.ndarray
    status: np.ndarray
    chosen: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, j = self.scores.shape
        if j != len(self.items) or self.status.shape != (n, j):
            raise ValueError("scores and status must be (students, items)")

    @property
    def n_students(self) -> int:
        return self.scores.shape[0]


@dataclass(frozen=True)
class OptionStats:
    option: str
    is_key: bool
    share: float  # of the students presented the item
    rpbis: float  # choosing this option vs. the rest score (NaN when nobody or everybody chose it)


@dataclass(frozen=True)
class ItemStats:
    id: str
    n: int  # students presented the item
    p: float  # mean score / max points
    rpbis: float  # corrected point-biserial: item score vs. total without the item
    omitted: float
    not_reached: float
    alpha_if_deleted: float
    options: tuple[OptionStats, ...]
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "n": self.n, "p": _num(self.p), "rpbis": _num(self.rpbis),
                "omitted": self.omitted, "not_reached": self.not_reached,
                "alpha_if_deleted": _num(self.alpha_if_deleted),
                "options": [{"option": o.option, "key": o.is_key, "share": o.share, "rpbis": _num(o.rpbis)}
                            for o in self.options],
                "flags": list(self.flags)}


@dataclass(frozen=True)
class TestStats:
    n_students: int
    n_items: int
    alpha: float
    mean: float  # total points
    sd: float
    max_points: float
    items: tuple[ItemStats, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"n_students": self.n_students, "n_items": self.n_items, "alpha": _num(self.alpha),
                "mean": _num(self.mean), "sd": _num(self.sd), "max_points": self.max_points,
                "items": [i.as_dict() for i in self.items]}

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(i for i in self.items if i.flags)


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3:
        return float("nan")
    sx, sy = x.std(), y.std()
    if sx == 0 or sy == 0:
        return float("nan")
    return float(((x - x.mean()) * (y - y.mean())).mean() / (sx * sy))


def cronbach_alpha(scores: np.ndarray) -> float:
    """Alpha over the students who were presented every item (rows without NaN)."""
    complete = scores[~np.isnan(scores).any(axis=1)]
    k = complete.shape[1]
    if k < 2 or complete.shape[0] < 2:
        return float("nan")
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var))


def analyse_items(data: ScoredResponses, bounds: FlagBounds | None = None) -> TestStats:
    bounds = bounds or FlagBounds()
    scores = data.scores
    presented = ~np.isnan(scores)
    filled = np.where(presented, scores, 0.0)
    totals = filled.sum(axis=1)
    alpha = cronbach_alpha(scores)
    complete = presented.all(axis=1)
    items: list[ItemStats] = []
    for j, info in enumerate(data.items):
        rows = presented[:, j]
        n = int(rows.sum())
        item_scores = filled[rows, j]
        rest = totals[rows] - item_scores
        status = data.status[rows, j]
        p = float(item_scores.mean() / info.max_points) if n else float("nan")
        rpbis = _corr(item_scores, rest)
        omitted = float((status == OMITTED).mean()) if n else 0.0
        not_reached = float((status == NOT_REACHED).mean()) if n else 0.0
        others = np.delete(scores[complete], j, axis=1)
        alpha_without = cronbach_alpha(others) if others.shape[1] >= 2 else float("nan")
        options: list[OptionStats] = []
        chosen = data.chosen.get(info.id)
        if chosen is not None and info.options:
            picked = chosen[rows]
            for k, option in enumerate(info.options):
                column = picked[:, k].astype(np.float64)
                options.append(OptionStats(option, option in info.key, float(column.mean()) if n else 0.0,
                                           _corr(column, rest)))
        flags = _flags(bounds, p, rpbis, omitted, not_reached, alpha, alpha_without, options)
        items.append(ItemStats(info.id, n, p, rpbis, omitted, not_reached, alpha_without,
                               tuple(options), flags))
    max_points = float(sum(i.max_points for i in data.items))
    return TestStats(n_students=data.n_students, n_items=len(data.items), alpha=alpha,
                     mean=float(totals.mean()) if len(totals) else float("nan"),
                     sd=float(totals.std(ddof=1)) if len(totals) > 1 else float("nan"),
                     max_points=max_points, items=tuple(items))


def _flags(b: FlagBounds, p: float, rpbis: float, omitted: float, not_reached: float, alpha: float,
           alpha_without: float, options: list[OptionStats]) -> tuple[str, ...]:
    flags = []
    if np.isfinite(p) and p < b.p_min:
        flags.append("p_low")
    if np.isfinite(p) and p > b.p_max:
        flags.append("p_high")
    if not np.isfinite(rpbis) or rpbis < b.rpbis_min:
        flags.append("rpbis_low")
    if omitted > b.omit_max:
        flags.append("omit_high")
    if not_reached > b.not_reached_max:
        flags.append("not_reached_high")
    wrong = [o for o in options if not o.is_key]
    if any(np.isfinite(o.rpbis) and o.rpbis > b.distractor_rpbis_max for o in wrong):
        flags.append("distractor_positive")
    if any(o.share < b.distractor_min_share for o in wrong):
        flags.append("distractor_unused")
    if np.isfinite(alpha) and np.isfinite(alpha_without) and alpha_without - alpha > b.alpha_gain_max:
        flags.append("alpha_if_deleted")
    return tuple(flags)


def response_status(answered: np.ndarray, presented: np.ndarray) -> np.ndarray:
    """Statuses from which items have an answer, the items in the order the student met them.

    A blank item is "not reached" when no later presented item was answered, else "omitted".
    """
    status = np.full(answered.shape, NOT_PRESENTED, dtype=np.int8)
    answered = answered & presented
    # index of the last answered item in each row (−1 when none)
    cols = np.arange(answered.shape[1])
    last = np.where(answered.any(axis=1), np.where(answered, cols, -1).max(axis=1), -1)
    blank = presented & ~answered
    status[presented & answered] = ANSWERED
    status[blank & (cols[None, :] < last[:, None])] = OMITTED
    status[blank & (cols[None, :] > last[:, None])] = NOT_REACHED
    return status
