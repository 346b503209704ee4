"""Answers met before in one bundle: each (item, answer) checked and scored once.

A bundle of a thousand attempts at one test holds ~66,000 answers but few distinct ones per item
(an option id, two of them, a typed number). The answer checks (common/domain/answer_checks.py)
and the scorer are pure functions of the item and the answer, and were together half of the
ingest's CPU on PostgreSQL (issue 20): the ingest asks each of them once per distinct pair and
remembers what it said.

Only answers that cannot be told apart by anything but their value are remembered: a string, or a
list of strings (``1`` and ``1.0`` and ``True`` are equal keys in a dict but not the same answer to
a check, so a number, a dict or anything else is checked and scored every time).
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

from common.domain.answer_checks import AnswerInvalid, check_answer
from common.domain.exam import ExamContent
from common.domain.items import ItemBase
from common.domain.scoring import score_item

_UNKEYED = object()


def answer_key(answer: Any) -> Hashable:
    """A key two answers share only when they are the same string or the same list of strings
    (None is its own key); `_UNKEYED` for any other answer."""
    if answer is None or type(answer) is str:
        return answer
    if type(answer) is list and all(type(v) is str for v in answer):
        return tuple(answer)
    return _UNKEYED


def shown_items(content: ExamContent) -> list[tuple[str, ItemBase]]:
    """(direction, item) of every item of the content, in the order shown."""
    return [(section.direction, item) for section in content.sections for item in section.items]


def _problem(item: ItemBase, answer: Any) -> str | None:
    try:
        check_answer(item, answer)
    except AnswerInvalid as exc:
        return str(exc)[:300]
    return None


class SeenAnswers:
    """What the checks and the scorer said of the answers seen so far, and each content's items.
    Keyed by the objects' ids: keep one for as long as the contents it was asked about (one
    ingest), never longer."""

    def __init__(self) -> None:
        self._problems: dict[tuple[int, Hashable], str | None] = {}
        self._points: dict[tuple[int, Hashable], float] = {}
        self._items: dict[int, dict[str, ItemBase]] = {}
        self._shown: dict[int, list[tuple[str, ItemBase]]] = {}

    def items(self, content: ExamContent) -> dict[str, ItemBase]:
        """The content's items by id."""
        items = self._items.get(id(content))
        if items is None:
            items = self._items[id(content)] = {item.id: item for item in content.items}
        return items

    def shown(self, content: ExamContent) -> list[tuple[str, ItemBase]]:
        """(direction, item) of every item of the content, in the order shown."""
        shown = self._shown.get(id(content))
        if shown is None:
            shown = self._shown[id(content)] = shown_items(content)
        return shown

    def problem(self, item: ItemBase, answer: Any) -> str | None:
        """Why the item could not have been given this answer (the check's message), or None."""
        return _remembered(self._problems, _problem, item, answer)

    def points(self, item: ItemBase, answer: Any) -> float:
        """`score_item(item, answer)`."""
        return _remembered(self._points, score_item, item, answer)


def _remembered(said: dict[tuple[int, Hashable], Any], ask: Callable[[ItemBase, Any], Any],
                item: ItemBase, answer: Any) -> Any:
    """`ask(item, answer)`, asked once per item and answer that `answer_key` can tell apart."""
    key = answer if type(answer) is str else answer_key(answer)  # most answers: no call
    if key is _UNKEYED:
        return ask(item, answer)
    try:
        return said[id(item), key]
    except KeyError:
        got = said[id(item), key] = ask(item, answer)
        return got
