"""Classical item analysis: figures checked by hand, and flags raised by items built to be bad."""

from __future__ import annotations

import numpy as np
import pytest

from central_scorer.stats.items import (
    ANSWERED,
    NOT_PRESENTED,
    NOT_REACHED,
    OMITTED,
    FlagBounds,
    ItemInfo,
    ScoredResponses,
    analyse_items,
    cronbach_alpha,
    response_status,
)


def plain(scores: list[list[float]], max_points: list[float] | None = None) -> ScoredResponses:
    arr = np.array(scores, dtype=float)
    items = tuple(ItemInfo(f"i{j + 1}", (max_points or [1.0] * arr.shape[1])[j]) for j in range(arr.shape[1]))
    status = np.where(np.isnan(arr), NOT_PRESENTED, ANSWERED).astype(np.int8)
    return ScoredResponses(items, arr, status)


def test_alpha_by_hand() -> None:
    # item variances 1/4, 1/3, 1/4; totals 3, 2, 1, 0 with variance 5/3 → α = 3/2 · (1 − (5/6)/(5/3)) = 0.75
    scores = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)
    assert cronbach_alpha(scores) == pytest.approx(0.75)
    # rows with an item not presented are left out of alpha
    with_gap = np.vstack([scores, [[np.nan, 1, 1]]])
    assert cronbach_alpha(with_gap) == pytest.approx(0.75)


def test_p_rpbis_and_alpha_if_deleted() -> None:
    rows = [[1, 1, 1, 2], [1, 1, 0, 2], [1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0]]
    stats = analyse_items(plain(rows, [1, 1, 1, 2]))
    arr = np.array(rows, dtype=float)
    assert stats.n_students == 6 and stats.max_points == 5
    assert stats.mean == pytest.approx(arr.sum(axis=1).mean())
    for j, item in enumerate(stats.items):
        assert item.n == 6
        assert item.p == pytest.approx(arr[:, j].mean() / [1, 1, 1, 2][j])
        rest = arr.sum(axis=1) - arr[:, j]
        assert item.rpbis == pytest.approx(np.corrcoef(arr[:, j], rest)[0, 1])
        assert item.alpha_if_deleted == pytest.approx(cronbach_alpha(np.delete(arr, j, axis=1)))
    assert stats.alpha == pytest.approx(cronbach_alpha(arr))


def test_status_omitted_and_not_reached() -> None:
    answered = np.array([[True, False, True, False, False],
                         [False, False, False, False, False],
                         [True, True, True, True, True]])
    presented = np.array([[True, True, True, True, True],
                          [True, True, True, True, True],
                          [True, False, True, True, True]])
    status = response_status(answered, presented)
    assert status[0].tolist() == [ANSWERED, OMITTED, ANSWERED, NOT_REACHED, NOT_REACHED]
    assert status[1].tolist() == [NOT_REACHED] * 5
    assert status[2].tolist() == [ANSWERED, NOT_PRESENTED, ANSWERED, ANSWERED, ANSWERED]


def simulated_test(rng: np.random.Generator, n: int = 3000) -> tuple[ScoredResponses, np.ndarray]:
    """Eight good items, one item that works backwards, one far too easy, one often skipped, and a
    choice item whose wrong option 'c' attracts the strong and whose option 'd' nobody takes."""
    theta = rng.standard_normal(n)
    b = np.linspace(-1.2, 1.2, 8)
    good = (rng.random((n, 8)) < 1 / (1 + np.exp(-(1.5 * theta[:, None] - b)))).astype(float)
    backwards = (rng.random(n) < 1 / (1 + np.exp(1.2 * theta))).astype(float)
    easy = (rng.random(n) < 0.985).astype(float)
    skipped = (rng.random(n) < 1 / (1 + np.exp(-theta))).astype(float)
    # choice item: key 'b' for the able; 'c' chosen by the able who miss; 'a' by the rest
    p_key = 1 / (1 + np.exp(-(theta - 0.3)))
    key = rng.random(n) < p_key
    choice = np.where(key, "b", np.where(theta > 0.5, "c", "a"))
    choice_score = key.astype(float)
    scores = np.column_stack([good, backwards, easy, skipped, choice_score])
    status = np.full(scores.shape, ANSWERED, dtype=np.int8)
    omit = rng.random(n) < 0.2
    scores[omit, 10] = 0.0
    status[omit, 10] = OMITTED
    late = rng.random(n) < 0.02
    status[late, 11] = NOT_REACHED
    scores[late, 11] = 0.0
    items = tuple(ItemInfo(f"g{j + 1}") for j in range(8)) + (
        ItemInfo("backwards"), ItemInfo("easy"), ItemInfo("skipped"),
        ItemInfo("choice", 1.0, ("a", "b", "c", "d"), ("b",)))
    chosen = np.column_stack([choice == o for o in ("a", "b", "c", "d")])
    chosen[late] = False
    return ScoredResponses(items, scores, status, {"choice": chosen}), theta


def test_flags_find_the_bad_items() -> None:
    data, _ = simulated_test(np.random.default_rng(7))
    stats = analyse_items(data)
    by_id = {i.id: i for i in stats.items}
    for j in range(8):
        assert by_id[f"g{j + 1}"].flags == (), by_id[f"g{j + 1}"]
        assert by_id[f"g{j + 1}"].rpbis > 0.3
    assert "rpbis_low" in by_id["backwards"].flags and by_id["backwards"].rpbis < 0
    assert "alpha_if_deleted" in by_id["backwards"].flags
    assert by_id["backwards"].alpha_if_deleted > stats.alpha
    assert "p_high" in by_id["easy"].flags
    assert "omit_high" in by_id["skipped"].flags and by_id["skipped"].omitted == pytest.approx(0.2, abs=0.03)
    choice = by_id["choice"]
    assert "distractor_positive" in choice.flags and "distractor_unused" in choice.flags
    options = {o.option: o for o in choice.options}
    assert options["b"].is_key and options["b"].rpbis > 0.3
    assert options["c"].rpbis > 0.05 and options["a"].rpbis < 0
    assert options["d"].share == 0 and np.isnan(options["d"].rpbis)
    assert sum(o.share for o in choice.options) == pytest.approx(1 - choice.not_reached)
    assert {i.id for i in stats.flagged} == {"backwards", "easy", "skipped", "choice"}
    assert stats.as_dict()["items"][8]["flags"] == list(by_id["backwards"].flags)


def test_bounds_are_configurable() -> None:
    data, _ = simulated_test(np.random.default_rng(7))
    lenient = FlagBounds(p_max=0.99, omit_max=0.5, distractor_min_share=0.0, distractor_rpbis_max=1.0)
    by_id = {i.id: i for i in analyse_items(data, lenient).items}
    assert "p_high" not in by_id["easy"].flags  # (it is still flagged for not discriminating)
    assert by_id["skipped"].flags == () and by_id["choice"].flags == ()
    strict = FlagBounds.from_dict({"not_reached_max": 0.001})
    assert "not_reached_high" in {i.id: i for i in analyse_items(data, strict).items}["choice"].flags
    with pytest.raises(ValueError, match="unknown flag bounds: p_lo"):
        FlagBounds.from_dict({"p_lo": 0.2})
