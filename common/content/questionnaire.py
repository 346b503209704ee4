"""The §25 questionnaires as data, like the test specifications: one JSON file each in
`common/specs/` (``survey-<respondent>-<level>.json``), a schema checked on load, every text in
kk, ru and en, a school and a college version for students and for teachers (педагогтер).

A new questionnaire is a new file with a new id (never an edited one: the centre aggregates by
id, and a changed question under an old id would mix two questions' answers).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

LANGS = ("kk", "ru", "en")
RESPONDENTS = ("student", "teacher")
LEVELS = ("school", "college")


class QuestionnaireError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    text: Text


class Point(_Strict):
    value: int = Field(ge=1, le=9)
    text: Text


class Questionnaire(_Strict):
    format: Literal["cbt-questionnaire/1"]
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{2,31}$")
    respondent: Literal["student", "teacher"]
    level: Literal["school", "college"]
    questions: tuple[Question, ...] = Field(min_length=1, max_length=40)
    scale: tuple[Point, ...] = Field(min_length=2, max_length=9)

    @field_validator("questions")
    @classmethod
    def _unique(cls, questions: tuple[Question, ...]) -> tuple[Question, ...]:
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        return questions

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.scale)

    def for_kiosk(self) -> list[dict[str, Any]]:
        """The questions as the kiosk shows them: each with its text and the scale, kk/ru/en."""
        scale = [{"value": p.value, "text": p.text.model_dump()} for p in self.scale]
        return [{"id": q.id, "text": q.text.model_dump(), "scale": scale} for q in self.questions]


def parse_questionnaire(data: Any, where: str = "questionnaire") -> Questionnaire:
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise QuestionnaireError(f"{where}: {field}: {first['msg']}") from None


@lru_cache(maxsize=None)
def shipped(respondent: str, level: str) -> Questionnaire:
    """The questionnaire shipped for students or teachers of a school or a college."""
    if respondent not in RESPONDENTS or level not in LEVELS:
        raise QuestionnaireError(f"no questionnaire for {respondent!r} at {level!r}")
    name = f"survey-{respondent}-{level}.json"
    text = resources.files("common.specs").joinpath(name).read_text(encoding="utf-8")
    return parse_questionnaire(json.loads(text), f"common/specs/{name}")


def all_shipped() -> list[Questionnaire]:
    return [shipped(r, lv) for r in RESPONDENTS for lv in LEVELS]


def by_id(questionnaire_id: str) -> Questionnaire:
    for q in all_shipped():
        if q.id == questionnaire_id:
            return q
    raise QuestionnaireError(f"no questionnaire {questionnaire_id!r}")


def level_of_grade(grade: str) -> str:
    """A school's grades (4, 9) or a college's years (college-2, college-3)."""
    return "college" if str(grade).startswith("college") else "school"
