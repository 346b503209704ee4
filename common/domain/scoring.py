"""Exam content and its scoring: plain data, shared by the room (provisional score shown on the
screen, §24) and the centre (the authoritative score, computed again from raw responses).

The content travels to kiosks without its answer keys (`content_to_dict(..., with_keys=False)`).
The JSON shapes of every item type and of every answer are the contract in `docs/content.md`.

There is one scoring engine, `score_item`: native items are scored by their type's rule
(dichotomous or partial credit, as the item says); items imported from QTI are scored by their own
response processing (`common.content.qti.rp`), so an imported item scores exactly as its author
wrote it.
"""

from __future__ import annotations

import enum
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from common.content.qti import rp as qti_rp


class ContentError(ValueError):
    """Exam content is malformed; the message names the field."""


class ItemType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMERIC = "numeric"
    TEXT_ENTRY = "text_entry"
    MATCHING = "matching"
    ORDERING = "ordering"
    INLINE_CHOICE = "inline_choice"
    GAP_MATCH = "gap_match"
    ASSOCIATION = "association"


class Scoring(enum.StrEnum):
    PARTIAL = "partial"
    ALL_OR_NOTHING = "all_or_nothing"


# The rule each type uses when the item does not say.
DEFAULT_SCORING: dict[ItemType, Scoring] = {
    ItemType.SINGLE_CHOICE: Scoring.ALL_OR_NOTHING,
    ItemType.MULTIPLE_CHOICE: Scoring.PARTIAL,
    ItemType.NUMERIC: Scoring.ALL_OR_NOTHING,
    ItemType.TEXT_ENTRY: Scoring.ALL_OR_NOTHING,
    ItemType.MATCHING: Scoring.PARTIAL,
    ItemType.ORDERING: Scoring.ALL_OR_NOTHING,
    ItemType.INLINE_CHOICE: Scoring.PARTIAL,
    ItemType.GAP_MATCH: Scoring.PARTIAL,
    ItemType.ASSOCIATION: Scoring.PARTIAL,
}

CONTEXT_KINDS = ("passage", "table", "picture")
MEDIA_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
REFERENCE_TABLES = ("periodic_table", "solubility_table")
MAX_ITEM_ID = 64  # the protocol's limit on an answer's item id

# Fields that tell the right answer: never in the public view (a test checks every one).
KEY_FIELDS = frozenset({"correct", "value", "tolerance", "tolerance_mode", "accepted",
                        "case_sensitive", "keep_yo", "scoring", "qti", "metadata", "shuffle"})


@dataclass(frozen=True)
class Picture:
    media_type: str
    data: str  # base64
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    image: Picture | None = None
    max_uses: int | None = None  # gap_match choices and association options only


@dataclass(frozen=True)
class Gap:
    """A gap in running text: a drop-down (options), a typed box (input), or a drop target."""

    id: str
    options: tuple[Option, ...] = ()
    input: str | None = None  # "text" | "numeric" for typed gaps of inline_choice
    expected_length: int | None = None
    # keys
    correct: str | None = None
    accepted: tuple[str, ...] = ()
    value: float | None = None
    tolerance: float = 0.0


@dataclass(frozen=True)
class GapRef:
    """A gap's place in `segments`."""

    gap: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Context:
    """A passage, table or picture shared by several consecutive items."""

    id: str
    kind: str
    title: str | None = None
    text: str | None = None
    table: Table | None = None
    image: Picture | None = None


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    prompt: str
    points: float
    options: tuple[Option, ...] = ()
    # The key: choice ids for choice and ordering items; value and tolerance for numeric items.
    correct: tuple[str, ...] = ()
    value: float | None = None
    tolerance: float = 0.0
    context: str | None = None
    image: Picture | None = None
    scoring: Scoring | None = None  # None: the type's default
    # multiple_choice
    min_choices: int = 0
    max_choices: int = 0
    # numeric / text_entry
    unit: str | None = None
    max_length: int | None = None
    tolerance_mode: str = "absolute"
    accepted: tuple[str, ...] = ()
    case_sensitive: bool = False
    keep_yo: bool = False
    # matching (left/right), association (options), gap_match (choices in `options`)
    left: tuple[Option, ...] = ()
    right: tuple[Option, ...] = ()
    max_per_left: int = 1
    max_per_right: int = 1
    max_associations: int = 0
    # keyed pairs: matching (left, right), association (a, b), gap_match (gap, choice)
    pairs: tuple[tuple[str, str], ...] = ()
    # inline_choice / gap_match
    segments: tuple[str | GapRef, ...] = ()
    gaps: tuple[Gap, ...] = ()
    # an imported QTI item's declarations and response processing (JSON form, see qti.rp)
    qti: dict[str, Any] | None = field(default=None, hash=False)
    metadata: dict[str, Any] | None = field(default=None, hash=False)

    @property
    def rule(self) -> Scoring:
        return self.scoring or DEFAULT_SCORING[self.type]


@dataclass(frozen=True)
class Section:
    id: str
    direction: str  # reading_literacy | mathematical_literacy | science_literacy | ...
    title: str
    items: tuple[Item, ...]
    passage: str | None = None
    contexts: tuple[Context, ...] = ()
    language: str | None = None  # only when it differs from the test's language

    def context(self, context_id: str) -> Context:
        for ctx in self.contexts:
            if ctx.id == context_id:
                return ctx
        raise KeyError(context_id)


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
    reference_tables: tuple[str, ...] = ()
    spec_id: str | None = None
    shuffle_items: bool = False
    shuffle_options: bool = False

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


# --- scoring ---------------------------------------------------------------------------------


def score_item(item: Item, answer: Any) -> float:
    """Points for one answer. An unanswered item scores 0; a malformed answer scores 0."""
    if item.qti is not None:
        return _score_qti(item, answer)
    if answer is None:
        return 0.0
    kind = item.type
    if kind is ItemType.SINGLE_CHOICE:
        return item.points if isinstance(answer, str) and answer in item.correct else 0.0
    if kind is ItemType.MULTIPLE_CHOICE:
        chosen = _str_list(answer)
        if chosen is None:
            return 0.0
        return _share(item, set(chosen), set(item.correct))
    if kind is ItemType.NUMERIC:
        return item.points if _number_matches(answer, item.value, item.tolerance,
                                              item.tolerance_mode) else 0.0
    if kind is ItemType.TEXT_ENTRY:
        return item.points if _text_matches(answer, item.accepted, item.case_sensitive,
                                            item.keep_yo) else 0.0
    if kind is ItemType.MATCHING:
        given = _pairs(answer, directed=True)
        return 0.0 if given is None else _share(item, given, set(item.pairs))
    if kind is ItemType.ASSOCIATION:
        given = _pairs(answer, directed=False)
        key = {frozenset(p) for p in item.pairs}
        return 0.0 if given is None else _share(item, given, key)
    if kind is ItemType.ORDERING:
        order = _str_list(answer)
        if order is None:
            return 0.0
        if item.rule is Scoring.ALL_OR_NOTHING:
            return item.points if order == list(item.correct) else 0.0
        placed = sum(1 for a, b in zip(order, item.correct) if a == b)
        return round(item.points * placed / len(item.correct), 4)
    if kind is ItemType.INLINE_CHOICE:
        if not isinstance(answer, dict):
            return 0.0
        right = sum(1 for gap in item.gaps if _gap_right(gap, answer.get(gap.id), item))
        return _gap_share(item, right, len(item.gaps))
    if kind is ItemType.GAP_MATCH:
        if not isinstance(answer, dict):
            return 0.0
        key = dict(item.pairs)
        right = sum(1 for gap_id, choice in key.items() if answer.get(gap_id) == choice)
        return _gap_share(item, right, len(key))
    raise ContentError(f"unknown item type {item.type}")


def _share(item: Item, given: set[Any], key: set[Any]) -> float:
    if item.rule is Scoring.ALL_OR_NOTHING:
        return item.points if given == key else 0.0
    # Partial credit: each right element earns a share, each wrong one takes one back.
    share = (len(given & key) - len(given - key)) / len(key)
    return round(max(0.0, share) * item.points, 4)


def _gap_share(item: Item, right: int, total: int) -> float:
    if total == 0:
        return 0.0
    if item.rule is Scoring.ALL_OR_NOTHING:
        return item.points if right == total else 0.0
    return round(item.points * right / total, 4)


def _gap_right(gap: Gap, answer: Any, item: Item) -> bool:
    if answer is None:
        return False
    if gap.options:
        return isinstance(answer, str) and answer == gap.correct
    if gap.input == "numeric":
        return _number_matches(answer, gap.value, gap.tolerance, "absolute")
    return _text_matches(answer, gap.accepted, item.case_sensitive, item.keep_yo)


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


def _text_matches(answer: Any, accepted: tuple[str, ...], case_sensitive: bool,
                  keep_yo: bool) -> bool:
    if not isinstance(answer, str):
        return False
    typed = normalise_text(answer, case_sensitive=case_sensitive, keep_yo=keep_yo)
    return bool(typed) and any(
        typed == normalise_text(a, case_sensitive=case_sensitive, keep_yo=keep_yo)
        for a in accepted)


def normalise_text(text: str, *, case_sensitive: bool = False, keep_yo: bool = False) -> str:
    """A typed answer as it is compared: NFKC, trimmed, inner spaces collapsed, case-folded
    (unless case-sensitive), ё read as е (unless kept), a trailing full stop or ! dropped."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    text = text.rstrip(".!").rstrip()
    if not case_sensitive:
        text = text.casefold()
    if not keep_yo:
        text = text.replace("ё", "е").replace("Ё", "Е")
    return text


def parse_number(answer: Any) -> float | None:
    """Read a typed number the way a student writes it: '3,5', ' 3.5 ', '−2'."""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        try:
            return float(answer) if math.isfinite(answer) else None
        except OverflowError:  # an int past float range, e.g. 10**400 from JSON
            return None
    if not isinstance(answer, str):
        return None
    text = (answer.strip().replace(",", ".").replace("\u2212", "-")
            .replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _score_qti(item: Item, answer: Any) -> float:
    assert item.qti is not None
    responses = qti_responses(item, answer)
    raw = qti_rp.score(item.qti, responses)
    maximum = float(item.qti.get("max_score") or 0.0)
    if maximum > 0 and not math.isclose(maximum, item.points):
        raw = raw * item.points / maximum  # the specification weighs the item differently
    return round(raw, 4)


def score_qti_responses(item: Item, responses: dict[str, Any]) -> float:
    """An imported item's score for QTI response values given directly (the CLI's form:
    a string for single, a list for multiple/ordered, ["A", "B"] for pairs)."""
    if item.qti is None:
        raise ContentError(f"item {item.id} was not imported from QTI")
    return round(qti_rp.score(item.qti, responses), 4)


def qti_responses(item: Item, answer: Any) -> dict[str, Any]:
    """The kiosk's answer (docs/content.md) as the QTI response variables of the item."""
    assert item.qti is not None
    declared = item.qti.get("responses", {})
    if item.type is ItemType.INLINE_CHOICE:
        if not isinstance(answer, dict):
            return {}
        return {gap.id: answer.get(gap.id) for gap in item.gaps if gap.id in declared}
    response = item.qti.get("response")
    if response is None:
        return {}
    if item.type is ItemType.GAP_MATCH:
        if not isinstance(answer, dict):
            return {response: None}
        # QTI's gapMatch pairs are [choice, gap]
        return {response: [[choice, gap] for gap, choice in answer.items()]}
    return {response: answer}


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
    """Read the keyed (or public) JSON form. A package payload (with `variants`) gives its first
    variant, so a centre that stores the whole payload still reads one test from it."""
    if isinstance(data, dict) and isinstance(data.get("variants"), list) and "sections" not in data:
        if not data["variants"]:
            raise ContentError("variants: the payload holds no variant")
        data = data["variants"][0]
    if not isinstance(data, dict):
        raise ContentError("content must be a JSON object")
    try:
        sections = tuple(_section(s, i) for i, s in enumerate(_list(data, "sections", "")))
        shuffle = data.get("shuffle") or {}
        if not isinstance(shuffle, dict):
            raise ContentError("shuffle: must be an object")
        content = ExamContent(
            exam_id=str(data["exam_id"]),
            title=str(data["title"]),
            grade=str(data["grade"]),
            language=str(data["language"]),
            variant=str(data["variant"]),
            duration_minutes=int(data["duration_minutes"]),
            sections=sections,
            warnings_minutes=tuple(int(m) for m in data.get("warnings_minutes", (10, 5))),
            reference_tables=tuple(str(t) for t in data.get("reference_tables", ())),
            spec_id=None if data.get("spec_id") is None else str(data["spec_id"]),
            shuffle_items=bool(shuffle.get("items", False)),
            shuffle_options=bool(shuffle.get("options", False)),
        )
    except ContentError:
        raise
    except KeyError as exc:
        raise ContentError(f"missing field {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise ContentError(f"malformed content: {exc}") from exc
    for table in content.reference_tables:
        if table not in REFERENCE_TABLES:
            raise ContentError(f"reference_tables: unknown table {table!r} "
                               f"(allowed: {', '.join(REFERENCE_TABLES)})")
    ids = [item.id for item in content.items]
    if len(ids) != len(set(ids)):
        raise ContentError("item ids must be unique")
    return content


def item_from_dict(data: dict[str, Any], where: str = "item") -> Item:
    """One item from its JSON form (keyed or public); errors name `where` and the field."""
    return _item(data, where)


def context_from_dict(data: dict[str, Any], where: str = "context") -> Context:
    """One shared passage, table or picture from its JSON form."""
    return _context(data, where)


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise ContentError(f"{where}{'.' if where else ''}{key}: must be a list")
    return value


def _section(data: dict[str, Any], index: int) -> Section:
    where = f"sections[{index}]"
    if not isinstance(data, dict):
        raise ContentError(f"{where}: must be an object")
    try:
        contexts = tuple(_context(c, f"{where}.contexts[{j}]")
                         for j, c in enumerate(data.get("contexts", ())))
        items = tuple(_item(it, f"{where}.items[{j}]") for j, it in enumerate(_list(data, "items", where)))
        section = Section(
            id=str(data["id"]),
            direction=str(data["direction"]),
            title=str(data["title"]),
            items=items,
            passage=data.get("passage"),
            contexts=contexts,
            language=None if data.get("language") is None else str(data["language"]),
        )
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc
    known = {c.id for c in contexts}
    if len(known) != len(contexts):
        raise ContentError(f"{where}.contexts: context ids must be unique")
    seen_done: set[str] = set()
    previous: str | None = None
    for j, item in enumerate(items):
        if item.context is not None and item.context not in known:
            raise ContentError(f"{where}.items[{j}].context: no context {item.context!r} in this section")
        if item.context != previous:
            if item.context in seen_done:
                raise ContentError(f"{where}.items[{j}].context: the items of context "
                                   f"{item.context!r} must be consecutive")
            if previous is not None:
                seen_done.add(previous)
            previous = item.context
    return section


def _picture(data: Any, where: str) -> Picture | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a picture is an object with media_type and data")
    try:
        picture = Picture(media_type=str(data["media_type"]), data=str(data["data"]),
                          alt=str(data.get("alt", "")),
                          width=None if data.get("width") is None else int(data["width"]),
                          height=None if data.get("height") is None else int(data["height"]))
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc
    if picture.media_type not in MEDIA_TYPES:
        raise ContentError(f"{where}.media_type: {picture.media_type!r} is not one of "
                           f"{', '.join(MEDIA_TYPES)}")
    return picture


def _context(data: dict[str, Any], where: str) -> Context:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: must be an object")
    try:
        kind = str(data["kind"])
        table = None
        if data.get("table") is not None:
            t = data["table"]
            table = Table(header=tuple(str(h) for h in t.get("header", ())),
                          rows=tuple(tuple(str(c) for c in row) for row in t["rows"]))
        ctx = Context(id=str(data["id"]), kind=kind,
                      title=None if data.get("title") is None else str(data["title"]),
                      text=None if data.get("text") is None else str(data["text"]),
                      table=table, image=_picture(data.get("image"), f"{where}.image"))
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc
    except (TypeError, AttributeError) as exc:
        raise ContentError(f"{where}: malformed context ({exc})") from exc
    if kind not in CONTEXT_KINDS:
        raise ContentError(f"{where}.kind: {kind!r} is not one of {', '.join(CONTEXT_KINDS)}")
    if kind == "passage" and not ctx.text:
        raise ContentError(f"{where}.text: a passage needs its text")
    if kind == "table" and (ctx.table is None or not ctx.table.rows):
        raise ContentError(f"{where}.table: a table context needs rows")
    if kind == "picture" and ctx.image is None:
        raise ContentError(f"{where}.image: a picture context needs its image")
    return ctx


def _options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: must be a list")
    out = []
    for k, o in enumerate(raw):
        if not isinstance(o, dict):
            raise ContentError(f"{where}[{k}]: an option is an object with id and text")
        try:
            max_uses = o.get("max_uses")
            out.append(Option(str(o["id"]), str(o["text"]), _picture(o.get("image"), f"{where}[{k}].image"),
                              None if max_uses is None else int(max_uses)))
        except KeyError as exc:
            raise ContentError(f"{where}[{k}]: missing field {exc.args[0]!r}") from exc
    ids = [o.id for o in out]
    if len(ids) != len(set(ids)):
        raise ContentError(f"{where}: option ids must be unique")
    return tuple(out)


def _segments(raw: Any, where: str) -> tuple[str | GapRef, ...]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: must be a list of strings and {{\"gap\": id}} objects")
    out: list[str | GapRef] = []
    for k, seg in enumerate(raw):
        if isinstance(seg, str):
            out.append(seg)
        elif isinstance(seg, dict) and isinstance(seg.get("gap"), str):
            out.append(GapRef(seg["gap"]))
        else:
            raise ContentError(f"{where}[{k}]: a segment is a string or {{\"gap\": id}}")
    return tuple(out)


def _gap(data: Any, where: str) -> Gap:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a gap is an object with an id")
    try:
        gap_id = str(data["id"])
    except KeyError as exc:
        raise ContentError(f"{where}: missing field 'id'") from exc
    options = _options(data["options"], f"{where}.options") if "options" in data else ()
    accepted = data.get("accepted", ())
    if isinstance(accepted, str) or not isinstance(accepted, (list, tuple)):
        raise ContentError(f"{where}.accepted: must be a list of strings")
    gap = Gap(
        id=gap_id, options=options,
        input=None if data.get("input") is None else str(data["input"]),
        expected_length=None if data.get("expected_length") is None else int(data["expected_length"]),
        correct=None if data.get("correct") is None else str(data["correct"]),
        accepted=tuple(str(a) for a in accepted),
        value=None if data.get("value") is None else _number(data, "value", None, where),
        tolerance=_number(data, "tolerance", 0.0, where),
    )
    if gap.options and gap.input is not None:
        raise ContentError(f"{where}: a gap has options or an input, not both")
    if not gap.options and gap.input not in ("text", "numeric"):
        raise ContentError(f"{where}: a gap needs options, or input \"text\" or \"numeric\"")
    return gap


def _pair_list(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in raw):
        raise ContentError(f"{where}: must be a list of [id, id] pairs")
    return tuple((str(a), str(b)) for a, b in raw)


def _int(data: dict[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContentError(f"{where}.{key}: must be a whole number ≥ 0, not {value!r}")
    return value


def _item(data: dict[str, Any], where: str) -> Item:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: must be an object")
    try:
        kind = ItemType(data["type"])
    except KeyError as exc:
        raise ContentError(f"{where}: missing field 'type'") from exc
    except ValueError as exc:
        raise ContentError(f"{where}.type: unknown item type {data['type']!r}") from exc
    # Errors name the item, not only its section: "sections[0]: missing field 'id'" misleads.
    try:
        item_id = str(data["id"])
        prompt = str(data["prompt"])
    except KeyError as exc:
        raise ContentError(f"{where}: missing field {exc.args[0]!r}") from exc
    if not item_id or len(item_id) > MAX_ITEM_ID:
        raise ContentError(f"{where}.id: 1 to {MAX_ITEM_ID} characters")
    scoring = data.get("scoring")
    try:
        scoring = None if scoring is None else Scoring(scoring)
    except ValueError as exc:
        raise ContentError(f"{where}.scoring: {scoring!r} is not partial or all_or_nothing") from exc
    correct_raw = data.get("correct", ())
    qti = data.get("qti")
    if qti is not None:
        try:
            qti_rp.check(qti)
        except qti_rp.QtiError as exc:
            raise ContentError(f"{where}.qti: {exc}") from exc
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ContentError(f"{where}.metadata: must be an object")
    common: dict[str, Any] = dict(
        id=item_id, type=kind, prompt=prompt,
        points=_number(data, "points", 1, where),
        context=None if data.get("context") is None else str(data["context"]),
        image=_picture(data.get("image"), f"{where}.image"),
        scoring=scoring, qti=qti, metadata=metadata,
    )
    if common["points"] < 0 or not math.isfinite(common["points"]):
        raise ContentError(f"{where}.points: must be a number ≥ 0")
    keyed = qti is None  # a QTI item carries its key inside its response processing

    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.ORDERING):
        if "options" not in data or not data["options"]:
            what = "an ordering item" if kind is ItemType.ORDERING else "a choice item"
            raise ContentError(f"{where}.options: {what} needs options")
        options = _options(data["options"], f"{where}.options")
        if isinstance(correct_raw, str) or not isinstance(correct_raw, (list, tuple)):
            raise ContentError(f"{where}.correct: must be a list of option ids")
        correct = tuple(str(c) for c in correct_raw)
        item = Item(**common, options=options, correct=correct,
                    min_choices=_int(data, "min_choices", 0, where),
                    max_choices=_int(data, "max_choices", 0, where))
        option_ids = {o.id for o in options}
        if keyed or correct:
            if not correct or not set(correct) <= option_ids:
                raise ContentError(f"{where}.correct: must name one or more of its options")
            if kind is ItemType.SINGLE_CHOICE and len(correct) != 1:
                raise ContentError(f"{where}.correct: a single-choice item has exactly one key")
            if kind is ItemType.ORDERING and sorted(correct) != sorted(option_ids):
                raise ContentError(f"{where}.correct: an ordering key lists every option once")
        return item

    if kind is ItemType.NUMERIC:
        item = Item(**common,
                    value=None if data.get("value") is None else _number(data, "value", None, where),
                    tolerance=_number(data, "tolerance", 0.0, where),
                    tolerance_mode=str(data.get("tolerance_mode", "absolute")),
                    unit=None if data.get("unit") is None else str(data["unit"]))
        if item.tolerance_mode not in ("absolute", "relative"):
            raise ContentError(f"{where}.tolerance_mode: absolute or relative")
        if item.tolerance < 0:
            raise ContentError(f"{where}.tolerance: must be ≥ 0")
        if keyed and item.value is None:
            raise ContentError(f"{where}.value: a numeric item needs its value")
        return item

    if kind is ItemType.TEXT_ENTRY:
        accepted = data.get("accepted", ())
        if isinstance(accepted, str) or not isinstance(accepted, (list, tuple)):
            raise ContentError(f"{where}.accepted: must be a list of strings")
        item = Item(**common, accepted=tuple(str(a) for a in accepted),
                    case_sensitive=bool(data.get("case_sensitive", False)),
                    keep_yo=bool(data.get("keep_yo", False)),
                    max_length=None if data.get("max_length") is None else _int(data, "max_length", 0, where))
        if keyed and not any(normalise_text(a) for a in item.accepted):
            raise ContentError(f"{where}.accepted: a text item needs at least one accepted answer")
        return item

    if kind is ItemType.MATCHING:
        for side in ("left", "right"):
            if not data.get(side):
                raise ContentError(f"{where}.{side}: a matching item needs both sides")
        left = _options(data["left"], f"{where}.left")
        right = _options(data["right"], f"{where}.right")
        pairs = _pair_list(correct_raw, f"{where}.correct") if (keyed or correct_raw) else ()
        item = Item(**common, left=left, right=right, pairs=pairs,
                    max_per_left=_int(data, "max_per_left", 1, where),
                    max_per_right=_int(data, "max_per_right", 1, where))
        lids, rids = {o.id for o in left}, {o.id for o in right}
        if keyed and not pairs:
            raise ContentError(f"{where}.correct: a matching item needs its pairs")
        for k, (a, b) in enumerate(pairs):
            if a not in lids or b not in rids:
                raise ContentError(f"{where}.correct[{k}]: [{a!r}, {b!r}] is not [left id, right id]")
        return item

    if kind is ItemType.ASSOCIATION:
        if not data.get("options"):
            raise ContentError(f"{where}.options: an association item needs options")
        options = _options(data["options"], f"{where}.options")
        pairs = _pair_list(correct_raw, f"{where}.correct") if (keyed or correct_raw) else ()
        item = Item(**common, options=options, pairs=pairs,
                    max_associations=_int(data, "max_associations", 0, where))
        ids = {o.id for o in options}
        if keyed and not pairs:
            raise ContentError(f"{where}.correct: an association item needs its pairs")
        for k, (a, b) in enumerate(pairs):
            if a not in ids or b not in ids or a == b:
                raise ContentError(f"{where}.correct[{k}]: [{a!r}, {b!r}] must pair two different options")
        return item

    # inline_choice and gap_match: running text with gaps
    segments = _segments(data.get("segments"), f"{where}.segments")
    gaps_raw = data.get("gaps")
    if not isinstance(gaps_raw, list) or not gaps_raw:
        raise ContentError(f"{where}.gaps: needs at least one gap")
    if kind is ItemType.INLINE_CHOICE:
        gaps = tuple(_gap(g, f"{where}.gaps[{k}]") for k, g in enumerate(gaps_raw))
        item = Item(**common, segments=segments, gaps=gaps,
                    case_sensitive=bool(data.get("case_sensitive", False)),
                    keep_yo=bool(data.get("keep_yo", False)))
        for k, gap in enumerate(gaps):
            if not keyed:
                continue
            if gap.options and gap.correct not in {o.id for o in gap.options}:
                raise ContentError(f"{where}.gaps[{k}].correct: must name one of the gap's options")
            if gap.input == "text" and not gap.accepted:
                raise ContentError(f"{where}.gaps[{k}].accepted: a text gap needs accepted answers")
            if gap.input == "numeric" and gap.value is None:
                raise ContentError(f"{where}.gaps[{k}].value: a numeric gap needs its value")
    else:
        gaps = []
        for k, g in enumerate(gaps_raw):
            if not isinstance(g, dict) or "id" not in g:
                raise ContentError(f"{where}.gaps[{k}]: a gap is an object with an id")
            gaps.append(Gap(id=str(g["id"])))
        if "choices" not in data or not data["choices"]:
            raise ContentError(f"{where}.choices: a gap-match item needs choices")
        choices = _options(data["choices"], f"{where}.choices")
        if keyed or correct_raw:
            if not isinstance(correct_raw, dict) or not correct_raw:
                raise ContentError(f"{where}.correct: must map gap ids to choice ids")
        pairs = tuple((str(g), str(c)) for g, c in (correct_raw or {}).items())
        item = Item(**common, segments=segments, gaps=tuple(gaps), options=choices, pairs=pairs)
        gids, cids = {g.id for g in gaps}, {c.id for c in choices}
        for g, c in pairs:
            if g not in gids or c not in cids:
                raise ContentError(f"{where}.correct.{g}: {c!r} must map a gap to one of the choices")
    gap_ids = [g.id for g in item.gaps]
    if len(gap_ids) != len(set(gap_ids)):
        raise ContentError(f"{where}.gaps: gap ids must be unique")
    placed = [s.gap for s in item.segments if isinstance(s, GapRef)]
    if sorted(placed) != sorted(gap_ids):
        raise ContentError(f"{where}.segments: every gap must appear exactly once in the text")
    return item


def _number(data: dict[str, Any], key: str, default: Any, where: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool):
        raise ContentError(f"{where}.{key}: must be a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ContentError(f"{where}.{key}: must be a number, not {value!r}") from exc


def _picture_dict(p: Picture) -> dict[str, Any]:
    out: dict[str, Any] = {"media_type": p.media_type, "data": p.data, "alt": p.alt}
    if p.width is not None:
        out["width"] = p.width
    if p.height is not None:
        out["height"] = p.height
    return out


def _option_dict(o: Option) -> dict[str, Any]:
    out: dict[str, Any] = {"id": o.id, "text": o.text}
    if o.image is not None:
        out["image"] = _picture_dict(o.image)
    if o.max_uses is not None:
        out["max_uses"] = o.max_uses
    return out


def _context_dict(c: Context) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "kind": c.kind}
    if c.title is not None:
        out["title"] = c.title
    if c.text is not None:
        out["text"] = c.text
    if c.table is not None:
        out["table"] = {"header": list(c.table.header), "rows": [list(r) for r in c.table.rows]}
    if c.image is not None:
        out["image"] = _picture_dict(c.image)
    return out


def item_to_dict(item: Item, *, with_keys: bool) -> dict[str, Any]:
    """One item's JSON form (docs/content.md); without keys it is what a kiosk may see."""
    out: dict[str, Any] = {
        "id": item.id,
        "type": item.type.value,
        "prompt": item.prompt,
        "points": item.points,
    }
    if item.context is not None:
        out["context"] = item.context
    if item.image is not None:
        out["image"] = _picture_dict(item.image)
    kind = item.type
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.ORDERING):
        out["options"] = [_option_dict(o) for o in item.options]
        if item.min_choices:
            out["min_choices"] = item.min_choices
        if item.max_choices:
            out["max_choices"] = item.max_choices
    elif kind is ItemType.NUMERIC:
        if item.unit is not None:
            out["unit"] = item.unit
    elif kind is ItemType.TEXT_ENTRY:
        if item.max_length is not None:
            out["max_length"] = item.max_length
    elif kind is ItemType.MATCHING:
        out["left"] = [_option_dict(o) for o in item.left]
        out["right"] = [_option_dict(o) for o in item.right]
        out["max_per_left"] = item.max_per_left
        out["max_per_right"] = item.max_per_right
    elif kind is ItemType.ASSOCIATION:
        out["options"] = [_option_dict(o) for o in item.options]
        out["max_associations"] = item.max_associations
    elif kind in (ItemType.INLINE_CHOICE, ItemType.GAP_MATCH):
        out["segments"] = [s if isinstance(s, str) else {"gap": s.gap} for s in item.segments]
        gaps = []
        for gap in item.gaps:
            g: dict[str, Any] = {"id": gap.id}
            if gap.options:
                g["options"] = [_option_dict(o) for o in gap.options]
            if gap.input is not None:
                g["input"] = gap.input
            if gap.expected_length is not None:
                g["expected_length"] = gap.expected_length
            if with_keys:
                if gap.correct is not None:
                    g["correct"] = gap.correct
                if gap.accepted:
                    g["accepted"] = list(gap.accepted)
                if gap.value is not None:
                    g["value"] = gap.value
                    g["tolerance"] = gap.tolerance
            gaps.append(g)
        out["gaps"] = gaps
        if kind is ItemType.GAP_MATCH:
            out["choices"] = [_option_dict(o) for o in item.options]
    if with_keys:
        if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.ORDERING):
            if item.correct:
                out["correct"] = list(item.correct)
        elif kind is ItemType.NUMERIC:
            if item.value is not None:
                out["value"] = item.value
                out["tolerance"] = item.tolerance
            if item.tolerance_mode != "absolute":
                out["tolerance_mode"] = item.tolerance_mode
        elif kind is ItemType.TEXT_ENTRY:
            out["accepted"] = list(item.accepted)
        elif kind in (ItemType.MATCHING, ItemType.ASSOCIATION):
            out["correct"] = [list(p) for p in item.pairs]
        elif kind is ItemType.GAP_MATCH:
            out["correct"] = {g: c for g, c in item.pairs}
        if kind in (ItemType.TEXT_ENTRY, ItemType.INLINE_CHOICE):
            if item.case_sensitive:
                out["case_sensitive"] = True
            if item.keep_yo:
                out["keep_yo"] = True
        if item.scoring is not None:
            out["scoring"] = item.scoring.value
        if item.qti is not None:
            out["qti"] = item.qti
        if item.metadata is not None:
            out["metadata"] = item.metadata
    return out


def content_to_dict(content: ExamContent, *, with_keys: bool) -> dict[str, Any]:
    """The JSON form; without keys it is what a kiosk may see."""

    def section_dict(s: Section) -> dict[str, Any]:
        out: dict[str, Any] = {"id": s.id, "direction": s.direction, "title": s.title}
        if s.language is not None:
            out["language"] = s.language
        if s.passage:
            out["passage"] = s.passage
        if s.contexts:
            out["contexts"] = [_context_dict(c) for c in s.contexts]
        out["items"] = [item_to_dict(i, with_keys=with_keys) for i in s.items]
        return out

    out: dict[str, Any] = {
        "exam_id": content.exam_id,
        "title": content.title,
        "grade": content.grade,
        "language": content.language,
        "variant": content.variant,
        "duration_minutes": content.duration_minutes,
        "warnings_minutes": list(content.warnings_minutes),
        "reference_tables": list(content.reference_tables),
        "sections": [section_dict(s) for s in content.sections],
    }
    if content.spec_id is not None:
        out["spec_id"] = content.spec_id
    if with_keys and (content.shuffle_items or content.shuffle_options):
        out["shuffle"] = {"items": content.shuffle_items, "options": content.shuffle_options}
    return out
