"""Primary and complementary suppression: no withheld cell comes back by subtraction."""

from __future__ import annotations

import random

import pytest

from central_scorer.reports.suppression import (
    MIN_GROUP, TOTAL, TableError, bounds, relations, suppress)


def one_way(groups: dict[str, int]) -> dict[tuple, int]:
    return {**{(k,): n for k, n in groups.items()}, (TOTAL,): sum(groups.values())}


def two_way(cells: dict[tuple[str, str], int]) -> dict[tuple, int]:
    out: dict[tuple, int] = dict(cells)
    for (a, b), n in cells.items():
        out[(a, TOTAL)] = out.get((a, TOTAL), 0) + n
        out[(TOTAL, b)] = out.get((TOTAL, b), 0) + n
        out[(TOTAL, TOTAL)] = out.get((TOTAL, TOTAL), 0) + n
    return out


def test_one_small_group_takes_a_complement():
    table = one_way({"kk": 12, "ru": 3, "mixed": 40})
    s = suppress(table)
    assert s.primary == {("ru",)}
    assert s.secondary == {("kk",)}  # the smallest other group, so 15 students are pooled
    assert (TOTAL,) not in s


def test_two_small_groups_are_pooled_up_to_the_threshold():
    # 3 + 4 = 7 pooled would be a group of 7 known by subtraction: a third cell joins them
    s = suppress(one_way({"a": 3, "b": 4, "c": 25, "d": 30}))
    assert s.primary == {("a",), ("b",)} and s.secondary == {("c",)}


def test_a_small_total_hides_the_table():
    s = suppress(one_way({"a": 3, "b": 4}))
    assert s.suppressed == {("a",), ("b",), (TOTAL,)}


def test_nothing_small_nothing_hidden():
    assert not suppress(one_way({"a": 10, "b": 11})).suppressed


def test_a_table_that_does_not_add_up_is_refused():
    with pytest.raises(TableError, match="not additive"):
        suppress({("a",): 12, ("b",): 11, (TOTAL,): 24})


def test_a_bridge_in_a_two_way_table_is_caught_by_the_audit():
    """Rows and columns each with two hidden cells can still give one cell away when the hidden
    cells form two cycles joined by a bridge; the linear-programming audit finds it."""
    rng = random.Random(4)
    for _ in range(40):
        cells = {(f"r{i}", f"c{j}"): rng.choice([0, 2, 5, 12, 30, 80])
                 for i in range(rng.randint(2, 5)) for j in range(rng.randint(2, 4))}
        cells = {k: n for k, n in cells.items() if n}
        table = two_way(cells)
        s = suppress(table)
        assert {k for k, n in table.items() if 0 < n < MIN_GROUP} <= s.suppressed
        for key, (low, high) in bounds(table, s.suppressed).items():
            assert high - low >= 1, (key, low, high, table)
        for rel in relations(table):
            gone = [p for p in rel.parts if p in s]
            if rel.total not in s and gone:
                assert len(gone) >= 2 and sum(table[p] for p in gone) >= MIN_GROUP


def test_bounds_recover_a_single_suppression():
    """The attack itself: one hidden cell in a table with its total is pinned down."""
    table = one_way({"kk": 12, "ru": 3})
    assert bounds(table, {("ru",)}) == {("ru",): (pytest.approx(3), pytest.approx(3))}
