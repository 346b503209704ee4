"""The items of a test, one model per item type (docs/content.md §1–2), told apart by `type`.

Each model declares the item's public fields (what the kiosk renders), its answer keys
(`answer_key(...)`: never in the public view) and the rules a valid item keeps; the discriminated
union `Item` reads any of them from its JSON form. An item imported from QTI carries its own
response processing in `qti` and its key inside it, so its native key fields may be empty.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter, ValidationError, model_validator

from common.content.qti import rp
from common.content.qti.values import QtiError
from common.domain.answers import normalise_text
from common.domain.content_model import (
    ContentModel,
    answer_key,
    array_of,
    content_error,
    is_empty,
    is_none,
    json_form,
    needs,
    refusal,
    says,
    shown,
)


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
ITEM_TAGS = frozenset(t.value for t in ItemType)
MEDIA_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
MAX_ITEM_ID = 64  # the protocol's limit on an answer's item id


# --- the value types fields use ----------------------------------------------------------------


def _item_id_refused(value: Any) -> str:
    if isinstance(value, str):
        return f"1 to {MAX_ITEM_ID} characters"
    return f"must be a string, not {shown(value)}"


def _scoring_rule(value: Any) -> Any:
    if isinstance(value, Scoring):
        return value
    if isinstance(value, str) and value in Scoring.__members__.values():
        return Scoring(value)
    raise refusal("", f"{shown(value)} is not partial or all_or_nothing")


def _runnable(qti: dict[str, Any]) -> dict[str, Any]:
    try:
        rp.check(qti)
    except QtiError as exc:
        raise refusal("", str(exc)) from None
    return qti


def _pair(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return tuple(value)
    raise refusal("", f"a pair is [id, id], not {shown(value)}")


def _unique_ids(options: tuple[Option, ...]) -> tuple[Option, ...]:
    ids = [o.id for o in options]
    if len(ids) != len(set(ids)):
        raise refusal("", "option ids must be unique")
    return options


ItemId = Annotated[str, Field(min_length=1, max_length=MAX_ITEM_ID), says(_item_id_refused)]
Count = Annotated[int, Field(ge=0), says(lambda v: f"must be a whole number ≥ 0, not {shown(v)}")]
Points = Annotated[float, Field(ge=0, allow_inf_nan=False),
                   says(lambda v: f"must be a number ≥ 0, not {shown(v)}")]
Number = Annotated[float, Field(allow_inf_nan=False)]
Tolerance = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Strings = Annotated[tuple[str, ...], array_of("strings")]
Pair = Annotated[tuple[str, str], BeforeValidator(_pair)]
Pairs = Annotated[tuple[Pair, ...], array_of("[id, id] pairs")]
ScoringRule = Annotated[Scoring, BeforeValidator(_scoring_rule)]
QtiProcessing = Annotated[dict[str, Any], AfterValidator(_runnable)]
MediaType = Annotated[Literal[MEDIA_TYPES],  # type: ignore[valid-type]
                      says(lambda v: f"{shown(v)} is not one of {', '.join(MEDIA_TYPES)}")]


class Picture(ContentModel):
    """A picture travelling inside the package (base64); the kiosk never fetches anything."""

    media_type: MediaType
    data: str
    alt: str = ""
    width: int | None = Field(None, exclude_if=is_none)
    height: int | None = Field(None, exclude_if=is_none)


class Option(ContentModel):
    """An answer option, a side of a matching item, or a gap-match choice."""

    id: str
    text: str
    image: Picture | None = Field(None, exclude_if=is_none)
    max_uses: Count | None = Field(None, exclude_if=is_none)  # gap_match choices, association options


Options = Annotated[tuple[Option, ...], array_of("options"), AfterValidator(_unique_ids)]


class GapRef(ContentModel):
    """A gap's place in the running text: `{"gap": "g1"}`."""

    gap: str


Segments = Annotated[tuple[Annotated[str | GapRef, says('a segment is a string or {"gap": id}')], ...],
                     array_of('strings and {"gap": id} objects')]


class InlineGap(ContentModel):
    """A gap of an inline_choice item: a drop-down (`options`) or a box to type into (`input`)."""

    id: str
    options: Options = Field((), exclude_if=is_empty)
    input: Annotated[Literal["text", "numeric"], says('must be "text" or "numeric"')] | None = Field(
        None, exclude_if=is_none)
    expected_length: Count | None = Field(None, exclude_if=is_none)
    correct: str | None = answer_key(None, exclude_if=is_none)  # a drop-down's option id
    accepted: Strings = answer_key((), exclude_if=is_empty)  # a text box's answers
    value: Number | None = answer_key(None, exclude_if=is_none)  # a numeric box's value
    tolerance: Tolerance = answer_key(0.0)  # absolute; in the JSON only beside its value

    def _dumped(self, data: dict[str, Any]) -> None:
        if self.value is None:
            data.pop("tolerance", None)

    @model_validator(mode="after")
    def _one_kind(self) -> InlineGap:
        if self.options and self.input is not None:
            raise refusal("", "a gap has options or an input, not both")
        if not self.options and self.input is None:
            raise refusal("", 'a gap needs options, or input "text" or "numeric"')
        return self


class DropGap(ContentModel):
    """A gap of a gap_match item: the student drops one of the item's choices into it."""

    id: str


# --- the item types --------------------------------------------------------------------------


class ItemBase(ContentModel):
    """The fields every item has."""

    id: ItemId
    type: ItemType
    prompt: str
    points: Points = 1.0  # the most the item can earn
    context: str | None = Field(None, exclude_if=is_none)  # the id of a context of its section
    image: Picture | None = Field(None, exclude_if=is_none)
    scoring: ScoringRule | None = answer_key(None, exclude_if=is_none)  # None: the type's default
    # an imported QTI item's declarations and response processing (JSON form, see qti.rp)
    qti: QtiProcessing | None = answer_key(None, exclude_if=is_none)
    metadata: dict[str, Any] | None = answer_key(None, exclude_if=is_none)

    @property
    def rule(self) -> Scoring:
        return self.scoring or DEFAULT_SCORING[self.type]

    @property
    def keyed(self) -> bool:
        """A native item carries its key; a QTI item carries it inside its response processing."""
        return self.qti is None


class _OptionItem(ItemBase):
    """Options to choose or arrange, and the option ids that are right (in order, for ordering)."""

    needs_options: ClassVar[str] = "a choice item needs options"
    options: Options
    correct: Strings = answer_key((), exclude_if=is_empty)

    @model_validator(mode="before")
    @classmethod
    def _has_options(cls, data: Any) -> Any:
        needs(data, ("options",), cls.needs_options)
        return data

    @model_validator(mode="after")
    def _key_names_options(self) -> _OptionItem:
        if (self.keyed or self.correct) and (
                not self.correct or not set(self.correct) <= {o.id for o in self.options}):
            raise refusal("correct", "must name one or more of its options")
        return self


class SingleChoiceItem(_OptionItem):
    type: Literal[ItemType.SINGLE_CHOICE]

    @model_validator(mode="after")
    def _one_key(self) -> SingleChoiceItem:
        if self.correct and len(self.correct) != 1:
            raise refusal("correct", "a single-choice item has exactly one key")
        return self


class MultipleChoiceItem(_OptionItem):
    type: Literal[ItemType.MULTIPLE_CHOICE]
    min_choices: Count = Field(0, exclude_if=is_empty)  # 0: no limit
    max_choices: Count = Field(0, exclude_if=is_empty)


class OrderingItem(_OptionItem):
    """Every option, arranged; the key lists every option once, first = top."""

    type: Literal[ItemType.ORDERING]
    needs_options: ClassVar[str] = "an ordering item needs options"

    @model_validator(mode="after")
    def _key_is_an_order(self) -> OrderingItem:
        if self.correct and sorted(self.correct) != sorted(o.id for o in self.options):
            raise refusal("correct", "an ordering key lists every option once")
        return self


class NumericItem(ItemBase):
    type: Literal[ItemType.NUMERIC]
    unit: str | None = Field(None, exclude_if=is_none)  # shown after the box, e.g. "см"
    value: Number | None = answer_key(None, exclude_if=is_none)
    tolerance: Tolerance = answer_key(0.0)  # in the JSON only beside its value
    tolerance_mode: Annotated[Literal["absolute", "relative"], says("absolute or relative")] = answer_key(
        "absolute", exclude_if=lambda mode: mode == "absolute")

    def _dumped(self, data: dict[str, Any]) -> None:
        if self.value is None:
            data.pop("tolerance", None)

    @model_validator(mode="after")
    def _has_value(self) -> NumericItem:
        if self.keyed and self.value is None:
            raise refusal("value", "a numeric item needs its value")
        return self


class TextEntryItem(ItemBase):
    type: Literal[ItemType.TEXT_ENTRY]
    max_length: Count | None = Field(None, exclude_if=is_none)  # characters
    accepted: Strings = answer_key(())
    case_sensitive: bool = answer_key(False, exclude_if=is_empty)
    keep_yo: bool = answer_key(False, exclude_if=is_empty)

    @model_validator(mode="after")
    def _has_answers(self) -> TextEntryItem:
        if self.keyed and not any(normalise_text(a) for a in self.accepted):
            raise refusal("accepted", "a text item needs at least one accepted answer")
        return self


class MatchingItem(ItemBase):
    """Lines from `left` to `right`; the key is the [left id, right id] pairs."""

    type: Literal[ItemType.MATCHING]
    left: Options
    right: Options
    max_per_left: Count = 1  # 0: no limit
    max_per_right: Count = 1
    correct: Pairs = answer_key(())

    @model_validator(mode="before")
    @classmethod
    def _has_sides(cls, data: Any) -> Any:
        needs(data, ("left", "right"), "a matching item needs both sides")
        return data

    @model_validator(mode="after")
    def _pairs_join_sides(self) -> MatchingItem:
        if self.keyed and not self.correct:
            raise refusal("correct", "a matching item needs its pairs")
        lids, rids = {o.id for o in self.left}, {o.id for o in self.right}
        for k, (a, b) in enumerate(self.correct):
            if a not in lids or b not in rids:
                raise refusal(f"correct[{k}]", f"[{a!r}, {b!r}] is not [left id, right id]")
        return self


class AssociationItem(ItemBase):
    """Unordered pairs of options; the key is the pairs."""

    type: Literal[ItemType.ASSOCIATION]
    options: Options
    max_associations: Count = 0  # 0: no limit
    correct: Pairs = answer_key(())

    @model_validator(mode="before")
    @classmethod
    def _has_options(cls, data: Any) -> Any:
        needs(data, ("options",), "an association item needs options")
        return data

    @model_validator(mode="after")
    def _pairs_join_options(self) -> AssociationItem:
        if self.keyed and not self.correct:
            raise refusal("correct", "an association item needs its pairs")
        ids = {o.id for o in self.options}
        for k, (a, b) in enumerate(self.correct):
            if a not in ids or b not in ids or a == b:
                raise refusal(f"correct[{k}]", f"[{a!r}, {b!r}] must pair two different options")
        return self


class _RunningTextItem(ItemBase):
    """Running text (`segments`) with gaps, each placed exactly once."""

    segments: Segments

    @model_validator(mode="before")
    @classmethod
    def _has_gaps(cls, data: Any) -> Any:
        needs(data, ("gaps",), "needs at least one gap")
        return data

    @model_validator(mode="after")
    def _gaps_placed(self) -> _RunningTextItem:
        gap_ids = [g.id for g in self.gaps]  # type: ignore[attr-defined]
        if len(gap_ids) != len(set(gap_ids)):
            raise refusal("gaps", "gap ids must be unique")
        placed = [s.gap for s in self.segments if isinstance(s, GapRef)]
        if sorted(placed) != sorted(gap_ids):
            raise refusal("segments", "every gap must appear exactly once in the text")
        return self


class InlineChoiceItem(_RunningTextItem):
    type: Literal[ItemType.INLINE_CHOICE]
    gaps: Annotated[tuple[InlineGap, ...], array_of("gaps")]
    case_sensitive: bool = answer_key(False, exclude_if=is_empty)  # for the text gaps
    keep_yo: bool = answer_key(False, exclude_if=is_empty)

    @model_validator(mode="after")
    def _gaps_keyed(self) -> InlineChoiceItem:
        if not self.keyed:
            return self
        for k, gap in enumerate(self.gaps):
            if gap.options and gap.correct not in {o.id for o in gap.options}:
                raise refusal(f"gaps[{k}].correct", "must name one of the gap's options")
            if gap.input == "text" and not gap.accepted:
                raise refusal(f"gaps[{k}].accepted", "a text gap needs accepted answers")
            if gap.input == "numeric" and gap.value is None:
                raise refusal(f"gaps[{k}].value", "a numeric gap needs its value")
        return self


class GapMatchItem(_RunningTextItem):
    """Choices dropped into gaps; the key maps each gap id to a choice id."""

    type: Literal[ItemType.GAP_MATCH]
    gaps: Annotated[tuple[DropGap, ...], array_of("gaps")]
    choices: Options
    correct: Annotated[dict[str, str], says(lambda v: f"must map gap ids to choice ids, not {shown(v)}")] = (
        answer_key(default_factory=dict))

    @model_validator(mode="before")
    @classmethod
    def _has_choices(cls, data: Any) -> Any:
        needs(data, ("choices",), "a gap-match item needs choices")
        return data

    @model_validator(mode="after")
    def _key_maps_gaps(self) -> GapMatchItem:
        if self.keyed and not self.correct:
            raise refusal("correct", "must map gap ids to choice ids")
        gids, cids = {g.id for g in self.gaps}, {c.id for c in self.choices}
        for gap, choice in self.correct.items():
            if gap not in gids or choice not in cids:
                raise refusal(f"correct.{gap}", f"{choice!r} must map a gap to one of the choices")
        return self


ITEM_MODELS = (SingleChoiceItem, MultipleChoiceItem, NumericItem, TextEntryItem, MatchingItem,
               OrderingItem, InlineChoiceItem, GapMatchItem, AssociationItem)
Item = Annotated[Union[ITEM_MODELS], Field(discriminator="type")]  # type: ignore[valid-type]
_ITEM: TypeAdapter[Any] = TypeAdapter(Item)


def item_from_dict(data: Any, where: str = "item") -> ItemBase:
    """One item from its JSON form; a `ContentError` names `where` and the field."""
    try:
        return _ITEM.validate_python(data)
    except ValidationError as exc:
        raise content_error(exc, where, ITEM_TAGS) from None


def item_to_dict(item: ItemBase, *, with_keys: bool) -> dict[str, Any]:
    """One item's JSON form (docs/content.md); without keys it is what a kiosk may see."""
    return json_form(item, with_keys=with_keys)
