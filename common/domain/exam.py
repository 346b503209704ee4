"""A test as the kiosk sits it: sections of items, the contexts they share, time and reference tables.

Declared once as strict pydantic models (`common.domain.content_model`), so the JSON form that
`docs/content.md` documents, its validation, its JSON Schema (`json_schema()`, shipped as
`docs/schemas/exam-content.schema.json` for bank authors) and both views come from one place.
The content travels to kiosks without its answer keys (`content_to_dict(..., with_keys=False)`);
the keyed view stays inside the encrypted package and at the centre. Scoring is
`common.domain.scoring`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from common.domain.content_model import (
    ContentError,
    ContentModel,
    answer_key,
    answer_key_fields,
    array_of,
    content_error,
    is_empty,
    is_none,
    json_form,
    refusal,
)
from common.domain.items import (
    ITEM_MODELS,
    ITEM_TAGS,
    DropGap,
    GapRef,
    InlineGap,
    Item,
    ItemBase,
    Option,
    Picture,
)

CONTEXT_KINDS = ("passage", "table", "picture")
REFERENCE_TABLES = ("periodic_table", "solubility_table")


def _known_tables(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        for table in value:
            if table not in REFERENCE_TABLES:
                raise refusal("", f"unknown table {table!r} (allowed: {', '.join(REFERENCE_TABLES)})")
        return tuple(value)
    return value


ReferenceTables = Annotated[tuple[Literal[REFERENCE_TABLES], ...],  # type: ignore[valid-type]
                            BeforeValidator(_known_tables)]


class Table(ContentModel):
    header: Annotated[tuple[str, ...], array_of("strings")] = ()
    rows: Annotated[tuple[Annotated[tuple[str, ...], array_of("strings")], ...], array_of("rows")]


class Context(ContentModel):
    """A passage, table or picture shared by several consecutive items of a section."""

    id: str
    kind: Literal[CONTEXT_KINDS]  # type: ignore[valid-type]
    title: str | None = Field(None, exclude_if=is_none)
    text: str | None = Field(None, exclude_if=is_none)  # a passage's text; a caption otherwise
    table: Table | None = Field(None, exclude_if=is_none)
    image: Picture | None = Field(None, exclude_if=is_none)

    @model_validator(mode="after")
    def _has_its_matter(self) -> Context:
        if self.kind == "passage" and not self.text:
            raise refusal("text", "a passage needs its text")
        if self.kind == "table" and (self.table is None or not self.table.rows):
            raise refusal("table", "a table context needs rows")
        if self.kind == "picture" and self.image is None:
            raise refusal("image", "a picture context needs its image")
        return self


class Section(ContentModel):
    id: str
    direction: str  # reading_literacy | mathematical_literacy | science_literacy | ...
    title: str
    language: str | None = Field(None, exclude_if=is_none)  # only when it differs from the test's
    passage: str | None = Field(None, exclude_if=is_empty)  # legacy: one text beside every item
    contexts: Annotated[tuple[Context, ...], array_of("contexts")] = Field((), exclude_if=is_empty)
    items: Annotated[tuple[Item, ...], array_of("items")]

    @model_validator(mode="after")
    def _contexts_hold_together(self) -> Section:
        known = {c.id for c in self.contexts}
        if len(known) != len(self.contexts):
            raise refusal("contexts", "context ids must be unique")
        seen_done: set[str] = set()
        previous: str | None = None
        for j, item in enumerate(self.items):
            if item.context is not None and item.context not in known:
                raise refusal(f"items[{j}].context", f"no context {item.context!r} in this section")
            if item.context != previous:
                if item.context in seen_done:
                    raise refusal(f"items[{j}].context",
                                  f"the items of context {item.context!r} must be consecutive")
                if previous is not None:
                    seen_done.add(previous)
                previous = item.context
        return self

    def context(self, context_id: str) -> Context:
        for ctx in self.contexts:
            if ctx.id == context_id:
                return ctx
        raise KeyError(context_id)


class Shuffle(ContentModel):
    """What the room may permute per student (`common.content.variants.student_view`)."""

    items: bool = False  # items within a section; a context group moves whole
    options: bool = False  # options, left/right columns, gap choices


def _no_shuffle(shuffle: Shuffle) -> bool:
    return not (shuffle.items or shuffle.options)


class ExamContent(ContentModel):
    """One variant of a test in one language (docs/content.md §1)."""

    exam_id: str
    title: str
    grade: str
    language: str  # of instruction
    variant: str
    duration_minutes: int
    warnings_minutes: Annotated[tuple[int, ...], array_of("whole numbers")] = (10, 5)
    reference_tables: ReferenceTables = ()
    sections: Annotated[tuple[Section, ...], array_of("sections")]
    spec_id: str | None = Field(None, exclude_if=is_none)
    shuffle: Shuffle = answer_key(Shuffle(), exclude_if=_no_shuffle)

    @model_validator(mode="after")
    def _item_ids_unique(self) -> ExamContent:
        ids = [item.id for section in self.sections for item in section.items]
        if len(ids) != len(set(ids)):
            raise refusal("", "item ids must be unique")
        return self

    @property
    def items(self) -> tuple[ItemBase, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items)

    def item(self, item_id: str) -> ItemBase:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


_MODELS = (*ITEM_MODELS, Picture, Option, GapRef, InlineGap, DropGap, Table, Context, Section, Shuffle,
           ExamContent)
# Fields that tell the right answer: never in the public view (a test checks every one).
KEY_FIELDS = frozenset().union(*(answer_key_fields(model) for model in _MODELS))


def content_from_dict(data: Any) -> ExamContent:
    """Read the keyed JSON form. A package payload (with `variants`) gives its first variant, so
    a centre that stores the whole payload still reads one test from it."""
    if isinstance(data, dict) and isinstance(data.get("variants"), list) and "sections" not in data:
        if not data["variants"]:
            raise ContentError("variants: the payload holds no variant")
        data = data["variants"][0]
    if not isinstance(data, dict):
        raise ContentError("content must be a JSON object")
    try:
        return ExamContent.model_validate(data)
    except ValidationError as exc:
        raise content_error(exc, "", ITEM_TAGS) from None


def context_from_dict(data: Any, where: str = "context") -> Context:
    """One shared passage, table or picture from its JSON form."""
    try:
        return Context.model_validate(data)
    except ValidationError as exc:
        raise content_error(exc, where, ITEM_TAGS) from None


def content_to_dict(content: ExamContent, *, with_keys: bool) -> dict[str, Any]:
    """The JSON form; without keys it is what a kiosk may see."""
    return json_form(content, with_keys=with_keys)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the keyed content form, for bank authors and their tools; fields that
    tell the right answer carry `"x-answer-key": true`."""
    schema = ExamContent.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Exam content (keyed form, docs/content.md)"
    return schema
