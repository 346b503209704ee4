"""Exam content and its scoring: plain data, shared by the room (provisional score shown on the
screen, §24) and the centre (the authoritative score, computed again from raw responses).

The content travels to kiosks without its answer keys (`public_view`).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any


class ContentError(ValueError):
    """Exam content is malformed; the message names the field."""


class ItemType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMERIC = "numeric"


@dataclass(frozen=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    prompt: str
    points: float
    options: tuple[Option, ...] = ()
    # The key: choice ids for choice items; value and tolerance for numeric items.
    correct: tuple[str, ...] = ()
    value: float | None = None
    tolerance: float = 0.0


@dataclass(frozen=True)
class Section:
    id: str
    direction: str  # reading_literacy | mathematical_literacy | science_literacy | ...
    title: str
    items: tuple[Item, ...]
    passage: str | None = None


@dataclass(frozen=True)
class ExamContent:
    exam_id: str
    title: str
    grade: str
    language: str
    variant: str
    duration_minutes: int
    sections: tuple[Section, ...]
    warnings_minutes: tuple[int, ...] = field(default=(10, 5))

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def score_item(item: Item, answer: Any) -> float:
    """Points for one answer. An unanswered item scores 0; a malformed answer scores 0."""
    if answer is None:
        return 0.0
    if item.type is ItemType.SINGLE_CHOICE:
        return item.points if answer in item.correct else 0.0
    if item.type is ItemType.MULTIPLE_CHOICE:
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            return 0.0
        chosen = set(answer)
        right = set(item.correct)
        # Partial credit: each right choice earns a share, each wrong choice takes one back.
        share = (len(chosen & right) - len(chosen - right)) / len(right)
        return round(max(0.0, share) * item.points, 4)
    if item.type is ItemType.NUMERIC:
        number = parse_number(answer)
        if number is None or item.value is None:
            return 0.0
        return item.points if abs(number - item.value) <= item.tolerance + 1e-9 else 0.0
    raise ContentError(f"unknown item type {item.type}")


def parse_number(answer: Any) -> float | None:
    """Read a typed number the way a student writes it: '3,5', ' 3.5 ', '−2'."""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        try:
            return float(answer) if math.isfinite(answer) else None
        except OverflowError:  # an int past float range, e.g. 10**400 from JSON
            return None
    if not isinstance(answer, str):
        return None
    text = answer.strip().replace(",", ".").replace("\u2212", "-").replace(" ", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def score_attempt(content: ExamContent, answers: dict[str, Any]) -> float:
    """Total points; answers to unknown items are ignored (never trusted, never counted)."""
    return round(sum(score_item(item, answers.get(item.id)) for item in content.items), 4)


def latest_answers(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer each item holds now, from a log of changes: the one with the highest seq."""
    latest: dict[str, tuple[int, Any]] = {}
    for change in changes:
        item = change["item_id"]
        if item not in latest or change["seq"] > latest[item][0]:
            latest[item] = (change["seq"], change["answer"])
    return {item: value for item, (_, value) in latest.items()}


# --- JSON form -------------------------------------------------------------------------------


def content_from_dict(data: dict[str, Any]) -> ExamContent:
    try:
        sections = tuple(_section(s, i) for i, s in enumerate(data["sections"]))
        content = ExamContent(
            exam_id=str(data["exam_id"]),
            title=str(data["title"]),
            grade=str(data["grade"]),
            language=str(data["language"]),
            variant=str(data["variant"]),
            duration_minutes=int(data["duration_minutes"]),
            sections=sections,
            warnings_minutes=tuple(int(m) for m in data.get("warnings_minutes", (10, 5))),
        )
    except ContentError:
        raise
    except KeyError as exc:
        raise ContentError(f"missing field {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise ContentError(f"malformed content: {exc}") from exc
    ids = [item.id for item in content.items]
    if len(ids) != len(set(ids)):
        raise ContentError("item ids must be unique")
    return content


def _section(data: dict[str, Any], index: int) -> Section:
    where = f"sections[{index}]"
    try:
        items = tuple(_item(it, f"{where}.items[{j}]") for j, it in enumerate(data["items"]))
        return Section(
            id=str(data["id"]),
            direction=str(data["direction"]),
            title=str(data["title"]),
            items=items,
            passage=data.get("passage"),
        )
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc


def _item(data: dict[str, Any], where: str) -> Item:
    try:
        kind = ItemType(data["type"])
    except KeyError as exc:
        raise ContentError(f"{where}: missing field 'type'") from exc
    except ValueError as exc:
        raise ContentError(f"{where}.type: unknown item type {data['type']!r}") from exc
    # Errors name the item, not only its section: "sections[0]: missing field 'id'" misleads.
    try:
        options = tuple(Option(str(o["id"]), str(o["text"])) for o in data.get("options", ()))
        item = Item(
            id=str(data["id"]),
            type=kind,
            prompt=str(data["prompt"]),
            points=_number(data, "points", 1, where),
            options=options,
            correct=tuple(str(c) for c in data.get("correct", ())),
            value=None if data.get("value") is None else _number(data, "value", None, where),
            tolerance=_number(data, "tolerance", 0.0, where),
        )
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc
    option_ids = {o.id for o in options}
    if kind is not ItemType.NUMERIC:
        if not options:
            raise ContentError(f"{where}.options: a choice item needs options")
        if not item.correct or not set(item.correct) <= option_ids:
            raise ContentError(f"{where}.correct: must name one or more of its options")
        if kind is ItemType.SINGLE_CHOICE and len(item.correct) != 1:
            raise ContentError(f"{where}.correct: a single-choice item has exactly one key")
    elif item.value is None:
        raise ContentError(f"{where}.value: a numeric item needs its value")
    return item


def _number(data: dict[str, Any], key: str, default: Any, where: str) -> float:
    try:
        return float(data.get(key, default))
    except (TypeError, ValueError) as exc:
        raise ContentError(f"{where}.{key}: must be a number, not {data.get(key)!r}") from exc


def content_to_dict(content: ExamContent, *, with_keys: bool) -> dict[str, Any]:
    """The JSON form; without keys it is what a kiosk may see."""

    def item_dict(item: Item) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": item.id,
            "type": item.type.value,
            "prompt": item.prompt,
            "points": item.points,
        }
        if item.options:
            out["options"] = [{"id": o.id, "text": o.text} for o in item.options]
        if with_keys:
            if item.correct:
                out["correct"] = list(item.correct)
            if item.value is not None:
                out["value"] = item.value
                out["tolerance"] = item.tolerance
        return out

    return {
        "exam_id": content.exam_id,
        "title": content.title,
        "grade": content.grade,
        "language": content.language,
        "variant": content.variant,
        "duration_minutes": content.duration_minutes,
        "warnings_minutes": list(content.warnings_minutes),
        "sections": [
            {
                "id": s.id,
                "direction": s.direction,
                "title": s.title,
                **({"passage": s.passage} if s.passage else {}),
                "items": [item_dict(i) for i in s.items],
            }
            for s in content.sections
        ],
    }
