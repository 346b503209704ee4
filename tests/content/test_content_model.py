"""The content model is strict: what the old hand-written parser coerced is refused, naming the field;
its JSON Schema for bank authors is generated from the same declaration and shipped."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from common.content.bank import BankError, parse_bank
from common.domain.content_model import ANSWER_KEY, ContentError
from common.domain.exam import KEY_FIELDS, content_from_dict, content_to_dict, json_schema
from common.domain.items import ITEM_MODELS, ItemType, item_from_dict

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "exam-content.schema.json"

CONTENT: dict[str, Any] = {
    "exam_id": "M-1", "title": "Қатаң модель", "grade": "4", "language": "kk", "variant": "01",
    "duration_minutes": 40,
    "sections": [{
        "id": "s", "direction": "mathematical_literacy", "title": "Математика",
        "items": [
            {"id": "sc", "type": "single_choice", "prompt": "2 + 2 = ?", "points": 1,
             "options": [{"id": "a", "text": "3"}, {"id": "b", "text": "4"}], "correct": ["b"]},
            {"id": "nu", "type": "numeric", "prompt": "7 : 2 = ?", "value": 3.5, "tolerance": 0.01},
            {"id": "te", "type": "text_entry", "prompt": "Елорда?", "accepted": ["Астана"]},
        ],
    }],
}


def _edited(path: str, value: Any) -> dict[str, Any]:
    """CONTENT with `value` at `path` ("sections/0/items/2/prompt"); `...` deletes instead."""
    data = copy.deepcopy(CONTENT)
    *parents, last = path.split("/")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(ContentError) as refused:
        content_from_dict(data)
    return str(refused.value)


def test_a_list_prompt_is_refused_with_the_field_named():
    """The old parser showed this to students as "['not', 'a', 'string']"."""
    message = _refused(_edited("sections/0/items/2/prompt", ["not", "a", "string"]))
    assert message == "sections[0].items[2].prompt: must be a string, not ['not', 'a', 'string']"


@pytest.mark.parametrize(("path", "value", "message"), [
    # a number where a string is required (the old parser wrote str(4))
    ("grade", 4, "grade: must be a string, not 4"),
    ("sections/0/items/0/options/1/text", 4, "sections[0].items[0].options[1].text: must be a string, not 4"),
    ("sections/0/title", 7, "sections[0].title: must be a string, not 7"),
    # a string where a number is required (the old parser wrote int("40"), float("3.5"))
    ("duration_minutes", "40", "duration_minutes: must be a whole number, not '40'"),
    ("sections/0/items/1/value", "3.5", "sections[0].items[1].value: must be a number, not '3.5'"),
    # true/false is not a number, a number is not true/false (the old parser wrote bool(1))
    ("sections/0/items/0/points", True, "sections[0].items[0].points: must be a number ≥ 0, not True"),
    ("sections/0/items/2/case_sensitive", 1, "sections[0].items[2].case_sensitive: must be true or false, not 1"),
    ("shuffle", {"items": "yes"}, "shuffle.items: must be true or false, not 'yes'"),
    # a string where a list is required (the old parser read "ab" as ["a", "b"])
    ("sections/0/items/0/correct", "b", "sections[0].items[0].correct: must be a list of strings, not 'b'"),
    ("warnings_minutes", "10", "warnings_minutes: must be a list of whole numbers, not '10'"),
    ("sections/0/items/0/options", "ab", "sections[0].items[0].options: must be a list of options, not 'ab'"),
    # an unknown item type, a missing one
    ("sections/0/items/1/type", "essay", "sections[0].items[1].type: unknown item type 'essay'"),
    ("sections/0/items/1/type", ..., "sections[0].items[1]: missing field 'type'"),
    # an unknown field, at every level (the old parser dropped it silently)
    ("sections/0/items/0/colour", "red", "sections[0].items[0].colour: unknown field of a single_choice item"),
    ("sections/0/items/0/options/0/hint", "x", "sections[0].items[0].options[0].hint: unknown field"),
    ("sections/0/items/1/options", [{"id": "a", "text": "3"}],
     "sections[0].items[1].options: unknown field of a numeric item"),
    ("sections/0/notes", "x", "sections[0].notes: unknown field"),
    ("instructions", "x", "instructions: unknown field"),
])
def test_former_coercions_are_refused_with_the_field_named(path, value, message):
    assert message in _refused(_edited(path, value))


def test_every_problem_is_named_not_only_the_first():
    data = _edited("grade", 4)
    data["sections"][0]["items"][2]["prompt"] = ["x"]
    message = _refused(data)
    assert "grade: must be a string" in message and "sections[0].items[2].prompt: must be a string" in message


def test_a_bank_names_the_item_and_language_of_a_coerced_field():
    bank = {"bank_id": "b", "items": [{
        "id": "g4m-001", "type": "single_choice", "points": 1, "correct": ["b"],
        "metadata": {"direction": "mathematical_literacy", "grade": "4", "content_area": "numbers"},
        "languages": {"kk": {"prompt": ["екі", "қосу", "екі"], "options": {"a": "3", "b": "4"}}}}]}
    with pytest.raises(BankError, match=r"items g4m-001 \[kk\]\.prompt: must be a string"):
        parse_bank(bank)


def test_one_item_alone_names_where_it_came_from():
    with pytest.raises(ContentError, match=r"^item q7\.prompt: must be a string, not 3$"):
        item_from_dict({"id": "q7", "type": "text_entry", "prompt": 3, "accepted": ["x"]}, "item q7")


def test_the_strict_model_still_reads_json_numbers_and_round_trips():
    content = content_from_dict(json.loads(json.dumps(CONTENT)))
    assert content.item("sc").points == 1.0 and isinstance(content.item("sc").points, float)
    assert content.items[0].type is ItemType.SINGLE_CHOICE
    assert content_from_dict(content_to_dict(content, with_keys=True)) == content


def test_answer_keys_are_declared_on_the_model_and_left_out_of_the_public_view():
    flagged = {name for model in ITEM_MODELS for name, info in model.model_fields.items()
               if (info.json_schema_extra or {}).get(ANSWER_KEY)}
    assert flagged <= KEY_FIELDS
    assert KEY_FIELDS == {"correct", "value", "tolerance", "tolerance_mode", "accepted", "case_sensitive",
                          "keep_yo", "scoring", "qti", "metadata", "shuffle"}
    public = json.dumps(content_to_dict(content_from_dict(CONTENT), with_keys=False), ensure_ascii=False)
    assert "Астана" not in public and '"correct"' not in public and "3.5" not in public


def test_the_shipped_json_schema_is_the_models():
    shipped = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate: make content-schema"


def test_the_json_schema_tells_authors_the_types_and_the_keys():
    schema = json_schema()
    mapping = schema["$defs"]["Section"]["properties"]["items"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == {t.value for t in ItemType}
    numeric = schema["$defs"]["NumericItem"]
    assert numeric["additionalProperties"] is False
    assert numeric["properties"]["value"][ANSWER_KEY] is True
    assert ANSWER_KEY not in numeric["properties"]["unit"]
    assert schema["$defs"]["SingleChoiceItem"]["properties"]["prompt"]["type"] == "string"
