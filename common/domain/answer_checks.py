"""Whether an answer is one the item could have been given: the shape its type takes
(docs/content.md §1, "the answer the kiosk sends"), option ids the item has, and text lengths.

The room refuses an answer that is not (a clear 422, before anything is stored), and the centre
refuses an attempt that carries one, on its own, never the whole bundle. An answer can then never
be deeper than three levels (a list of pairs), nor bigger than a few kilobytes: one student can no
longer seal into the room's bundle something the centre cannot read.

Only the shape is checked, never whether the answer is right: a wrong answer is a valid answer.
`None` is always valid (the student cleared the item).
"""

from __future__ import annotations

import math
from typing import Any, Callable

from common.domain.items import ItemBase, ItemType

# An item as the room holds it (the model) or as the kiosk got it (its public JSON form).
AnyItem = ItemBase | dict[str, Any]

MAX_TEXT_ANSWER = 200  # characters of a typed answer when the item sets no max_length
MAX_TEXT_LIMIT = 2000  # an item's own max_length is honoured up to this
MAX_NUMBER_TEXT = 40  # characters of a typed number ("1 000 000,5")


class AnswerInvalid(ValueError):
    """The answer does not fit its item; the message names the item and what is wrong."""

    def __init__(self, item_id: str, problem: str):
        super().__init__(f"item {item_id}: {problem}")
        self.item_id = item_id
        self.problem = problem


def check_answer(item: AnyItem, answer: Any) -> None:
    """Refuse (`AnswerInvalid`) an answer whose shape, ids or length the item does not allow."""
    if answer is None:
        return
    try:
        kind = _KINDS.get(_get(item, "type"))
    except TypeError:  # not even hashable
        kind = None
    if kind is None:
        raise AnswerInvalid(str(_get(item, "id")), "the item's type is unknown")
    problem = _CHECKS[kind](item, answer)
    if problem:
        raise AnswerInvalid(str(_get(item, "id")), problem)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


# The ids of an item's options, remembered per options tuple (a content's items are immutable):
# building the set for every answer was most of the centre's check of a bundle (issue 20).
_ID_SETS: dict[int, tuple[Any, frozenset[str]]] = {}
_ID_SETS_MAX = 20_000


def _ids(options: Any) -> frozenset[str]:
    hit = _ID_SETS.get(id(options))
    if hit is not None and hit[0] is options:
        return hit[1]
    ids = frozenset(_get(o, "id") for o in options or ())
    if isinstance(options, tuple):  # a list may change: not remembered
        if len(_ID_SETS) >= _ID_SETS_MAX:
            _ID_SETS.clear()
        _ID_SETS[id(options)] = (options, ids)  # the tuple is held: its id is not reused
    return ids


def _one_of(value: Any, ids: set[str], what: str) -> str | None:
    if not isinstance(value, str):
        return f"{what} must be an id (a string), not {type(value).__name__}"
    if value not in ids:
        return f"{value[:40]!r} is not one of its {what}s"
    return None


def _id_list(value: Any, ids: set[str], what: str) -> str | None:
    if not isinstance(value, list):
        return f"the answer must be a list of {what} ids, not {type(value).__name__}"
    if len(value) > len(ids):
        return f"{len(value)} {what}s given, the item has {len(ids)}"
    for v in value:
        problem = _one_of(v, ids, what)
        if problem:
            return problem
    if len(set(value)) != len(value):
        return f"an {what} is given twice"
    return None


def _pairs(value: Any, left: set[str], right: set[str], most: int) -> str | None:
    if not isinstance(value, list):
        return f"the answer must be a list of [id, id] pairs, not {type(value).__name__}"
    if len(value) > most:
        return f"{len(value)} pairs given, the item allows at most {most}"
    for pair in value:
        if not isinstance(pair, list) or len(pair) != 2:
            return "each pair must be [id, id]"
        problem = _one_of(pair[0], left, "option") or _one_of(pair[1], right, "option")
        if problem:
            return problem
    return None


def _typed(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return f"a typed answer must be a string, not {type(value).__name__}"
    if len(value) > limit:
        return f"a typed answer of {len(value)} characters, at most {limit} are allowed"
    return None


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return "a number must be typed, not true/false"
    if isinstance(value, int):
        return None if abs(value) < 10**40 else "the number is too long"
    if isinstance(value, float):
        return None if math.isfinite(value) else "the number is not finite"
    return _typed(value, MAX_NUMBER_TEXT)


def _text_limit(item: AnyItem) -> int:
    own = _get(item, "max_length")
    return min(own, MAX_TEXT_LIMIT) if isinstance(own, int) and own > 0 else MAX_TEXT_ANSWER


def _gaps(value: Any, gap_ids: set[str]) -> str | None:
    if not isinstance(value, dict):
        return f"the answer must map gap ids to answers, not {type(value).__name__}"
    for gap in value:
        if gap not in gap_ids:
            return f"{gap[:40]!r} is not one of its gaps"
    return None


def _inline(item: AnyItem, value: Any) -> str | None:
    gaps = {_get(g, "id"): g for g in _get(item, "gaps") or ()}
    problem = _gaps(value, set(gaps))
    if problem:
        return problem
    for gap_id, given in value.items():
        gap = gaps[gap_id]
        if given is None:
            continue
        if _get(gap, "options"):
            problem = _one_of(given, _ids(_get(gap, "options")), "option")
        elif _get(gap, "input") == "numeric":
            problem = _number(given)
        else:  # the kiosk's box takes twice the expected length
            expected = _get(gap, "expected_length")
            longest = 2 * expected if isinstance(expected, int) else 0
            problem = _typed(given, min(max(longest, MAX_TEXT_ANSWER), MAX_TEXT_LIMIT))
        if problem:
            return f"gap {gap_id}: {problem}"
    return None


def _gap_match(item: AnyItem, value: Any) -> str | None:
    problem = _gaps(value, _ids(_get(item, "gaps")))
    if problem:
        return problem
    choices = _ids(_get(item, "choices"))
    for gap_id, given in value.items():
        problem = None if given is None else _one_of(given, choices, "choice")
        if problem:
            return f"gap {gap_id}: {problem}"
    return None


def _matching(item: AnyItem, value: Any) -> str | None:
    left, right = _ids(_get(item, "left")), _ids(_get(item, "right"))
    return _pairs(value, left, right, len(left) * len(right))


def _association(item: AnyItem, value: Any) -> str | None:
    ids = _ids(_get(item, "options"))
    return _pairs(value, ids, ids, len(ids) * len(ids))


_KINDS: dict[Any, ItemType] = {**{k: k for k in ItemType}, **{k.value: k for k in ItemType}}

_CHECKS: dict[ItemType, Callable[[Any, Any], str | None]] = {
    ItemType.SINGLE_CHOICE: lambda item, v: _one_of(v, _ids(_get(item, "options")), "option"),
    ItemType.MULTIPLE_CHOICE: lambda item, v: _id_list(v, _ids(_get(item, "options")), "option"),
    ItemType.ORDERING: lambda item, v: _id_list(v, _ids(_get(item, "options")), "option"),
    ItemType.NUMERIC: lambda item, v: _number(v),
    ItemType.TEXT_ENTRY: lambda item, v: _typed(v, _text_limit(item)),
    ItemType.MATCHING: _matching,
    ItemType.ASSOCIATION: _association,
    ItemType.INLINE_CHOICE: _inline,
    ItemType.GAP_MATCH: _gap_match,
}
