"""Small-cell suppression for published tables: primary (groups under `MIN_GROUP`) and
complementary (secondary), so that no suppressed cell can be recovered by subtraction.

A table is given as its published cells: a count per cell, keyed by a tuple with one value per
dimension, `TOTAL` standing for "all values of this dimension" (a margin). Cells not given are
empty (known to be zero) and are not published. Every margin given must equal the sum of the cells
it adds up (the table must be additive; `TableError` otherwise), because those sums are exactly
what an outsider can subtract:

    region × language, with the region totals, the language totals and the grand total:
    {("Абай", "kk"): 40, ("Абай", "ru"): 4, ("Абай", TOTAL): 44, (TOTAL, "kk"): ..., (TOTAL, TOTAL): ...}

The rules, applied until nothing changes:

1. primary: a cell with 0 < count < `min_group` is suppressed;
2. complementary: in every additive relation (a margin and the cells it adds up), the suppressed
   members are either none, or at least two — and, when the margin itself is published, the
   suppressed cells together hold at least `min_group` students (else their pooled count and
   mean, known by subtraction, would describe a small group). A relation that breaks this gets its
   smallest published member (not the margin, while there is another) suppressed too.
3. audit: for tables of more than one dimension, relations can be combined; every suppressed
   cell's count is bounded by linear programming over all published relations (HiGHS through
   scipy) and a cell whose bounds meet is given another complement, until none does.

Means, sums and other figures of a cell follow its count: a suppressed cell publishes none of them,
and because they add up over the same relations, the same pattern protects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping, Sequence

MIN_GROUP = 10
TOTAL = "*"  # the value of a dimension in a margin: all values of that dimension

Key = tuple[Hashable, ...]


class TableError(ValueError):
    """The table cannot be protected as given (not additive, keys of different lengths)."""


@dataclass(frozen=True)
class Suppression:
    """Which cells of a table are withheld, and why."""

    primary: frozenset[Key]
    secondary: frozenset[Key]

    @property
    def suppressed(self) -> frozenset[Key]:
        return self.primary | self.secondary

    def __contains__(self, key: object) -> bool:
        return key in self.primary or key in self.secondary

    def reason(self, key: Key) -> str | None:
        return "primary" if key in self.primary else "secondary" if key in self.secondary else None


@dataclass(frozen=True)
class Relation:
    """A published margin and the published cells it adds up: total = sum(parts)."""

    total: Key
    parts: tuple[Key, ...]


def relations(counts: Mapping[Key, int]) -> list[Relation]:
    """Every additive relation among the published cells (checked: each margin is the sum)."""
    keys = list(counts)
    if not keys:
        return []
    width = len(keys[0])
    if any(len(k) != width for k in keys):
        raise TableError("every cell's key needs one value per dimension")
    # index: (key with dimension d blanked, d) -> published cells with a real value at d
    children: dict[tuple[Key, int], list[Key]] = {}
    for key in keys:
        for d, value in enumerate(key):
            if value != TOTAL:
                children.setdefault((key[:d] + (None,) + key[d + 1:], d), []).append(key)
    out = []
    for key in keys:
        for d, value in enumerate(key):
            if value != TOTAL:
                continue
            parts = children.get((key[:d] + (None,) + key[d + 1:], d), [])
            if not parts:
                continue
            if sum(counts[p] for p in parts) != counts[key]:
                raise TableError(f"margin {key!r} is {counts[key]}, but its cells add up to "
                                 f"{sum(counts[p] for p in parts)}: the table is not additive")
            out.append(Relation(key, tuple(sorted(parts, key=repr))))
    return out


def suppress(counts: Mapping[Key, int], min_group: int = MIN_GROUP, audit: bool = True,
             also: Iterable[Key] = ()) -> Suppression:
    """The cells of `counts` to withhold (see the module's rules); `also`: cells withheld as primary
    for another reason (e.g. too few organisations behind them)."""
    if any(n < 0 for n in counts.values()):
        raise TableError("a count cannot be negative")
    rels = relations(counts)
    primary = {k for k, n in counts.items() if 0 < n < min_group} | (set(also) & set(counts))
    hidden = set(primary)
    order = {k: i for i, k in enumerate(sorted(counts, key=repr))}

    def smallest(candidates: Iterable[Key]) -> Key | None:
        pool = [k for k in candidates if k not in hidden and counts[k] > 0]
        return min(pool, key=lambda k: (counts[k], order[k])) if pool else None

    def fix_relations() -> None:
        changed = True
        while changed:
            changed = False
            for rel in rels:
                shown_total = rel.total not in hidden
                gone = [k for k in rel.parts if k in hidden]
                if not gone and shown_total:
                    continue
                if shown_total:
                    safe = len(gone) >= 2 and sum(counts[k] for k in gone) >= min_group
                else:  # a hidden margin whose parts are all shown is their sum
                    safe = bool(gone) or not rel.parts
                if safe:
                    continue
                pick = smallest(rel.parts) or smallest((rel.total,))
                if pick is None:
                    continue  # everything in it is hidden already
                hidden.add(pick)
                changed = True

    fix_relations()
    if audit and rels and len(next(iter(counts))) > 1:
        for _ in range(len(counts)):
            exposed = _exposed(counts, rels, hidden)
            if not exposed:
                break
            grown = False
            for key in exposed:
                for rel in rels:
                    members = (rel.total, *rel.parts)
                    if key in members:
                        pick = smallest(rel.parts) or smallest(members)
                        if pick is not None:
                            hidden.add(pick)
                            grown = True
                            break
                if grown:
                    break
            if not grown:
                raise TableError(f"cells {sorted(exposed, key=repr)[:3]} cannot be protected")
            fix_relations()
    return Suppression(frozenset(primary), frozenset(hidden - primary))


def bounds(counts: Mapping[Key, int], hidden: Iterable[Key],
           rels: Sequence[Relation] | None = None) -> dict[Key, tuple[float, float]]:
    """What an outsider can learn of each hidden cell's count from the published ones: its least
    and greatest value over all solutions of the published relations (every hidden cell ≥ 1)."""
    import numpy as np
    from scipy.optimize import linprog

    rels = relations(counts) if rels is None else rels
    hidden = sorted(set(hidden), key=repr)
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs = [], []
    for rel in rels:
        row = np.zeros(len(hidden))
        value = 0.0
        for key, sign in ((rel.total, 1.0), *((p, -1.0) for p in rel.parts)):
            if key in index:
                row[index[key]] += sign
            else:
                value -= sign * counts[key]
        if row.any():
            rows.append(row)
            rhs.append(value)
    out: dict[Key, tuple[float, float]] = {}
    if not hidden:
        return out
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    for key, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(1, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(1, None), method="highs")
        top = float("inf") if high.status == 3 else -high.fun
        out[key] = (low.fun if low.status == 0 else 1.0, top)
    return out


def _exposed(counts: Mapping[Key, int], rels: Sequence[Relation], hidden: set[Key]) -> list[Key]:
    """Hidden cells an outsider can pin down exactly by combining published relations."""
    return [k for k, (low, high) in bounds(counts, hidden, rels).items() if high - low < 1 - 1e-9]
