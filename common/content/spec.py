"""Test specifications (§16): the number of tasks, their content and form, and the time — as data.

A specification is a JSON file validated against a schema (the pydantic model below; its JSON
Schema is shipped as `common/specs/specification.schema.json` for other tools). A wrong file is
refused with every problem named by its field path, e.g.
`sections[1].blocks[0].count: Input should be greater than or equal to 1`.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from common.domain.exam import REFERENCE_TABLES
from common.domain.items import ItemType

LANGUAGES = ("kk", "ru", "en")
SHIPPED = ("grade4", "grade9", "college2", "college3")
DIRECTIONS = ("reading_literacy", "mathematical_literacy", "science_literacy",
              "general_education", "general_professional", "special")

Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,39}$")]
Language = Literal["kk", "ru", "en"]


class SpecError(ValueError):
    """The specification is refused; `problems` lists each as 'field.path: message'."""

    def __init__(self, problems: list[str], source: str = "specification"):
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return getattr(self, language)


class ItemRow(_Strict):
    """Items of one type taken from a context group."""

    type: ItemType
    count: int = Field(ge=1, le=50)
    points: float = Field(gt=0, le=100)


class Block(_Strict):
    """A run of tasks of one content area: stand-alone items of one type, or context groups (a
    passage, table or picture with its items)."""

    kind: Literal["items", "context"]
    content_area: Ident
    count: int = Field(ge=1, le=100)
    type: ItemType | None = None
    points: float | None = Field(default=None, gt=0, le=100)
    items: list[ItemRow] | None = None
    context_kind: Literal["passage", "table", "picture"] | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Block":
        if self.kind == "items":
            if self.type is None or self.points is None:
                raise ValueError("an items block states its type and points")
            if self.items is not None or self.context_kind is not None:
                raise ValueError("an items block has no items list or context_kind")
        else:
            if not self.items:
                raise ValueError("a context block lists the items each group contributes")
            if self.type is not None or self.points is not None:
                raise ValueError("a context block sets type and points per row of items")
        return self

    @property
    def rows(self) -> list[ItemRow]:
        if self.kind == "items":
            assert self.type is not None and self.points is not None
            return [ItemRow(type=self.type, count=self.count, points=self.points)]
        return [ItemRow(type=r.type, count=r.count * self.count, points=r.points) for r in self.items or []]


class SectionSpec(_Strict):
    id: Ident
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]
    title: Localised
    language: Literal["instruction", "kk", "ru", "en"] = "instruction"
    subject: Localised | None = None
    blocks: list[Block] = Field(min_length=1)


class Shuffle(_Strict):
    items: bool = False
    options: bool = True


class Specification(_Strict):
    spec_id: Ident
    version: int = Field(ge=1)
    level: Literal["grade4", "grade9", "college2", "college3"]
    grade: str = Field(min_length=1, max_length=10)
    title: Localised
    description: Localised | None = None
    qualification: Localised | None = None
    languages_of_instruction: list[Language] = Field(min_length=1)
    duration_minutes: int = Field(ge=10, le=300)
    warnings_minutes: list[int] = Field(default=[10, 5])
    reference_tables: list[Literal[REFERENCE_TABLES]] = Field(default=[])  # type: ignore[valid-type]
    calculator: Literal[False] = False  # §20: no calculator, ever
    shuffle: Shuffle = Shuffle()
    min_variants: int = Field(default=2, ge=1, le=26)
    sections: list[SectionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules(self) -> "Specification":
        problems = []
        if len(set(self.languages_of_instruction)) != len(self.languages_of_instruction):
            problems.append("languages_of_instruction: a language is listed twice")
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            problems.append("sections: section ids must be unique")
        for i, minutes in enumerate(self.warnings_minutes):
            if not 0 < minutes < self.duration_minutes:
                problems.append(f"warnings_minutes[{i}]: must be between 0 and duration_minutes")
        if sorted(set(self.warnings_minutes), reverse=True) != self.warnings_minutes:
            problems.append("warnings_minutes: distinct, from the largest to the smallest")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- what the specification adds up to -------------------------------------------------

    def section_language(self, section: SectionSpec, instruction: str) -> str:
        return instruction if section.language == "instruction" else section.language

    def totals(self) -> dict[str, Any]:
        by_type: Counter[str] = Counter()
        by_area: Counter[str] = Counter()
        sections = []
        points = 0.0
        for section in self.sections:
            s_items = 0
            s_points = 0.0
            for block in section.blocks:
                for row in block.rows:
                    by_type[row.type.value] += row.count
                    by_area[f"{section.direction}/{block.content_area}"] += row.count
                    s_items += row.count
                    s_points += row.count * row.points
            sections.append({"id": section.id, "direction": section.direction,
                             "language": section.language, "items": s_items, "points": s_points})
            points += s_points
        return {
            "spec_id": self.spec_id, "version": self.version, "level": self.level,
            "items": sum(by_type.values()), "points": points,
            "duration_minutes": self.duration_minutes,
            "languages_of_instruction": list(self.languages_of_instruction),
            "reference_tables": list(self.reference_tables),
            "by_type": dict(sorted(by_type.items())), "by_content_area": dict(sorted(by_area.items())),
            "sections": sections,
        }


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "literal[")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_spec(data: Any, source: str = "specification") -> Specification:
    """Validate a specification; refuse it naming each wrong field."""
    if not isinstance(data, dict):
        raise SpecError(["(top level): a specification is a JSON object"], source)
    try:
        return Specification.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            message = err["msg"].removeprefix("Value error, ")
            if not err["loc"] and err["type"] == "value_error":
                problems.extend(message.split("; "))  # the whole-file rules name their fields
            else:
                problems.append(f"{_path(tuple(err['loc']))}: {message}")
        raise SpecError(problems, source) from None


def load_spec(path: Path | str) -> Specification:
    """Read a specification file (JSON). Bad JSON names the line and column."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"], str(path)) from None
    except UnicodeDecodeError as exc:
        raise SpecError([f"not UTF-8 text (byte {exc.start})"], str(path)) from None
    except RecursionError:
        raise SpecError(["nested too deeply to be a specification"], str(path)) from None
    except OSError as exc:
        raise SpecError([f"cannot read the file ({exc.strerror})"], str(path)) from None
    return parse_spec(data, str(path))


def shipped_spec(name: str) -> Specification:
    """One of the specifications shipped in `common/specs/` (grade4, grade9, college2, college3)."""
    if name not in SHIPPED:
        raise SpecError([f"no shipped specification {name!r} (have: {', '.join(SHIPPED)})"])
    text = resources.files("common.specs").joinpath(f"{name}.json").read_text(encoding="utf-8")
    return parse_spec(json.loads(text), f"common/specs/{name}.json")


def json_schema() -> dict[str, Any]:
    schema = Specification.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
