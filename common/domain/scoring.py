"""Scoring: shared by the room (provisional score shown on the screen, §24) and the centre (the
authoritative score, computed again from raw responses).

There is one scoring engine, `score_item`: native items are scored by their type's rule
(dichotomous or partial credit, as the item says); items imported from QTI are scored by their own
response processing (`common.content.qti.rp`), so an imported item scores exactly as its author
wrote it.

Ingest scores every attempt of the country, so each item's key is read once into a scorer (a
closure over plain values) and kept while the item lives; an attempt is then a loop of calls,
never a walk over the model's attributes. The content model is immutable, so a scorer cannot go
stale.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Callable

from common.content.qti import rp
from common.domain.answers import normalise_text, parse_number
from common.domain.content_model import ContentError
from common.domain.exam import ExamContent
from common.domain.items import GapMatchItem, InlineChoiceItem, InlineGap, ItemBase, ItemType, Scoring

Scorer = Callable[[Any], float]


def score_item(item: ItemBase, answer: Any) -> float:
    """Points for one answer. An unanswered item scores 0; a malformed answer scores 0."""
    return _scorer(item)(answer)


def score_attempt(content: ExamContent, answers: dict[str, Any]) -> float:
    """Total points; answers to unknown items are ignored (never trusted, never counted)."""
    get = answers.get
    return round(sum(score(get(item_id)) for item_id, score in _plan(content)), 4)


def latest_answers(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer each item holds now, from a log of changes: the one with the highest seq."""
    latest: dict[str, tuple[int, Any]] = {}
    for change in changes:
        item = change["item_id"]
        if item not in latest or change["seq"] > latest[item][0]:
            latest[item] = (change["seq"], change["answer"])
    return {item: value for item, (_, value) in latest.items()}


def score_qti_responses(item: ItemBase, responses: dict[str, Any]) -> float:
    """An imported item's score for QTI response values given directly (the CLI's form:
    a string for single, a list for multiple/ordered, ["A", "B"] for pairs)."""
    if item.qti is None:
        raise ContentError(f"item {item.id} was not imported from QTI")
    return round(rp.score(item.qti, responses), 4)


def qti_responses(item: ItemBase, answer: Any) -> dict[str, Any]:
    """The kiosk's answer (docs/content.md) as the QTI response variables of the item."""
    assert item.qti is not None
    return _qti_bridge(item)(answer)


# --- scorers, one per item, read once --------------------------------------------------------

_SCORERS: dict[int, Scorer] = {}
_PLANS: dict[int, tuple[tuple[str, Scorer], ...]] = {}


def _kept_while_alive(cache: dict[int, Any], owner: object, value: Any) -> Any:
    # Keyed by id: the models are immutable but hold dicts, so they cannot be hashed. The entry
    # goes when its owner does, before the id can be reused. A value must not refer to its owner.
    cache[id(owner)] = value
    weakref.finalize(owner, cache.pop, id(owner), None).atexit = False
    return value


def _scorer(item: ItemBase) -> Scorer:
    scorer = _SCORERS.get(id(item))
    if scorer is None:
        scorer = _kept_while_alive(_SCORERS, item, _compile(item))
    return scorer


def _plan(content: ExamContent) -> tuple[tuple[str, Scorer], ...]:
    plan = _PLANS.get(id(content))
    if plan is None:
        plan = _kept_while_alive(_PLANS, content, tuple((item.id, _scorer(item)) for item in content.items))
    return plan


def _compile(item: ItemBase) -> Scorer:
    if item.qti is not None:
        return _qti_scorer(item)
    build = _NATIVE.get(item.type)
    if build is None:
        raise ContentError(f"unknown item type {item.type}")
    return build(item)


def _single_choice(item: Any) -> Scorer:
    points, correct = item.points, item.correct

    def score(answer: Any) -> float:
        return points if isinstance(answer, str) and answer in correct else 0.0
    return score


def _multiple_choice(item: Any) -> Scorer:
    share = _share(item.rule, item.points, set(item.correct))

    def score(answer: Any) -> float:
        chosen = _str_list(answer)
        return 0.0 if chosen is None else share(set(chosen))
    return score


def _numeric(item: Any) -> Scorer:
    points, value, tolerance, mode = item.points, item.value, item.tolerance, item.tolerance_mode

    def score(answer: Any) -> float:
        return points if _number_matches(answer, value, tolerance, mode) else 0.0
    return score


def _text_entry(item: Any) -> Scorer:
    points, matches = item.points, _text_matcher(item.accepted, item.case_sensitive, item.keep_yo)

    def score(answer: Any) -> float:
        return points if matches(answer) else 0.0
    return score


def _matching(item: Any) -> Scorer:
    share = _share(item.rule, item.points, set(item.correct))

    def score(answer: Any) -> float:
        given = _pairs(answer, directed=True)
        return 0.0 if given is None else share(given)
    return score


def _association(item: Any) -> Scorer:
    share = _share(item.rule, item.points, {frozenset(p) for p in item.correct})

    def score(answer: Any) -> float:
        given = _pairs(answer, directed=False)
        return 0.0 if given is None else share(given)
    return score


def _ordering(item: Any) -> Scorer:
    points, correct = item.points, list(item.correct)
    all_or_nothing = item.rule is Scoring.ALL_OR_NOTHING

    def score(answer: Any) -> float:
        order = _str_list(answer)
        if order is None:
            return 0.0
        if all_or_nothing:
            return points if order == correct else 0.0
        placed = sum(1 for a, b in zip(order, correct) if a == b)
        return round(points * placed / len(correct), 4)
    return score


def _inline_choice(item: Any) -> Scorer:
    gaps = tuple((gap.id, _gap_matcher(gap, item)) for gap in item.gaps)
    share = _gap_share(item.rule, item.points, len(gaps))

    def score(answer: Any) -> float:
        if not isinstance(answer, dict):
            return 0.0
        return share(sum(1 for gap_id, right in gaps if right(answer.get(gap_id))))
    return score


def _gap_match(item: Any) -> Scorer:
    key = tuple(item.correct.items())
    share = _gap_share(item.rule, item.points, len(key))

    def score(answer: Any) -> float:
        if not isinstance(answer, dict):
            return 0.0
        return share(sum(1 for gap_id, choice in key if answer.get(gap_id) == choice))
    return score


_NATIVE: dict[ItemType, Callable[[Any], Scorer]] = {
    ItemType.SINGLE_CHOICE: _single_choice, ItemType.MULTIPLE_CHOICE: _multiple_choice,
    ItemType.NUMERIC: _numeric, ItemType.TEXT_ENTRY: _text_entry, ItemType.MATCHING: _matching,
    ItemType.ASSOCIATION: _association, ItemType.ORDERING: _ordering,
    ItemType.INLINE_CHOICE: _inline_choice, ItemType.GAP_MATCH: _gap_match,
}


def _share(rule: Scoring, points: float, key: set[Any]) -> Callable[[set[Any]], float]:
    if rule is Scoring.ALL_OR_NOTHING:
        return lambda given: points if given == key else 0.0

    def partial(given: set[Any]) -> float:
        # Partial credit: each right element earns a share, each wrong one takes one back.
        share = (len(given & key) - len(given - key)) / len(key)
        return round(max(0.0, share) * points, 4)
    return partial


def _gap_share(rule: Scoring, points: float, total: int) -> Callable[[int], float]:
    if total == 0:
        return lambda right: 0.0
    if rule is Scoring.ALL_OR_NOTHING:
        return lambda right: points if right == total else 0.0
    return lambda right: round(points * right / total, 4)


def _gap_matcher(gap: InlineGap, item: InlineChoiceItem) -> Callable[[Any], bool]:
    if gap.options:
        correct = gap.correct
        return lambda answer: isinstance(answer, str) and answer == correct
    if gap.input == "numeric":
        value, tolerance = gap.value, gap.tolerance
        return lambda answer: answer is not None and _number_matches(answer, value, tolerance, "absolute")
    matches = _text_matcher(gap.accepted, item.case_sensitive, item.keep_yo)
    return lambda answer: answer is not None and matches(answer)


def _str_list(answer: Any) -> list[str] | None:
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        return None
    return answer


def _pairs(answer: Any, *, directed: bool) -> set[Any] | None:
    if not isinstance(answer, list):
        return None
    out: set[Any] = set()
    for pair in answer:
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)):
            return None
        out.add(tuple(pair) if directed else frozenset(pair))
    return out


def _number_matches(answer: Any, value: float | None, tolerance: float, mode: str) -> bool:
    number = parse_number(answer)
    if number is None or value is None:
        return False
    allowed = tolerance * abs(value) if mode == "relative" else tolerance
    return abs(number - value) <= allowed + 1e-9


def _text_matcher(accepted: tuple[str, ...], case_sensitive: bool, keep_yo: bool) -> Callable[[Any], bool]:
    keys = frozenset(normalise_text(a, case_sensitive=case_sensitive, keep_yo=keep_yo) for a in accepted)

    def matches(answer: Any) -> bool:
        if not isinstance(answer, str):
            return False
        typed = normalise_text(answer, case_sensitive=case_sensitive, keep_yo=keep_yo)
        return bool(typed) and typed in keys
    return matches


# --- items imported from QTI: scored by their own response processing ----------------------------


def _qti_bridge(item: ItemBase) -> Callable[[Any], dict[str, Any]]:
    """How the kiosk's answer becomes the item's QTI response variables."""
    assert item.qti is not None
    declared = item.qti.get("responses", {})
    if isinstance(item, InlineChoiceItem):
        gap_ids = tuple(gap.id for gap in item.gaps if gap.id in declared)
        return lambda answer: ({gap_id: answer.get(gap_id) for gap_id in gap_ids}
                               if isinstance(answer, dict) else {})
    response = item.qti.get("response")
    if response is None:
        return lambda answer: {}
    if isinstance(item, GapMatchItem):
        # QTI's gapMatch pairs are [choice, gap]
        return lambda answer: ({response: [[choice, gap] for gap, choice in answer.items()]}
                               if isinstance(answer, dict) else {response: None})
    return lambda answer: {response: answer}


def _qti_scorer(item: ItemBase) -> Scorer:
    qti, points, responses = item.qti, item.points, _qti_bridge(item)
    assert qti is not None
    maximum = float(qti.get("max_score") or 0.0)
    # the specification may weigh the item differently from its author
    rescale = maximum > 0 and not math.isclose(maximum, points)

    def score(answer: Any) -> float:
        raw = rp.score(qti, responses(answer))
        if rescale:
            raw = raw * points / maximum
        return round(raw, 4)
    return score
