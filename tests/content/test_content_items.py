"""The item model (`common/domain/exam.py`): every item type's public shape (the kiosk's contract in
docs/content.md), its answer, its scoring rule, and the errors that name the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from common.domain.answers import normalise_text
from common.domain.content_model import ContentError
from common.domain.exam import KEY_FIELDS, content_from_dict, content_to_dict
from common.domain.scoring import score_attempt, score_item

PNG = "iVBORw0KGgo="  # the data is opaque to the model; only its media type is checked

ITEMS: list[dict[str, Any]] = [
    {"id": "sc", "type": "single_choice", "prompt": "Қай қала – елорда?", "points": 1, "context": "ctx-city",
     "options": [{"id": "a", "text": "Алматы"}, {"id": "b", "text": "Астана"}], "correct": ["b"]},
    {"id": "mc", "type": "multiple_choice", "prompt": "Жұп сандар?", "points": 2, "max_choices": 3,
     "options": [{"id": "a", "text": "2"}, {"id": "b", "text": "5"}, {"id": "c", "text": "8"},
                 {"id": "d", "text": "9"}], "correct": ["a", "c"], "context": "ctx-city"},
    {"id": "mc2", "type": "multiple_choice", "prompt": "All or nothing", "points": 2, "scoring": "all_or_nothing",
     "options": [{"id": "a", "text": "2"}, {"id": "b", "text": "5"}, {"id": "c", "text": "8"}],
     "correct": ["a", "c"]},
    {"id": "nu", "type": "numeric", "prompt": "7 : 2 = ?", "points": 1, "value": 3.5, "tolerance": 0.01,
     "unit": "кг"},
    {"id": "nr", "type": "numeric", "prompt": "Relative", "points": 1, "value": 200, "tolerance": 0.05,
     "tolerance_mode": "relative"},
    {"id": "te", "type": "text_entry", "prompt": "Елорда?", "points": 1, "accepted": ["Астана", "Нұр-Сұлтан"],
     "max_length": 40},
    {"id": "tyo", "type": "text_entry", "prompt": "Ёлка", "points": 1, "accepted": ["ёлка"]},
    {"id": "ma", "type": "matching", "prompt": "Сәйкестендір", "points": 3,
     "left": [{"id": "L1", "text": "түйе"}, {"id": "L2", "text": "балық"}, {"id": "L3", "text": "бүркіт"}],
     "right": [{"id": "R1", "text": "шөл"}, {"id": "R2", "text": "өзен"}, {"id": "R3", "text": "тау"},
               {"id": "R4", "text": "мұз"}],
     "correct": [["L1", "R1"], ["L2", "R2"], ["L3", "R3"]]},
    {"id": "or", "type": "ordering", "prompt": "Өсу ретімен", "points": 2,
     "options": [{"id": "a", "text": "305"}, {"id": "b", "text": "53"}, {"id": "c", "text": "350"}],
     "correct": ["b", "a", "c"]},
    {"id": "orp", "type": "ordering", "prompt": "Partial order", "points": 3, "scoring": "partial",
     "options": [{"id": "a", "text": "1"}, {"id": "b", "text": "2"}, {"id": "c", "text": "3"}],
     "correct": ["a", "b", "c"]},
    {"id": "ic", "type": "inline_choice", "prompt": "Толықтыр", "points": 3,
     "segments": ["Күн ", {"gap": "g1"}, " шығады, ", {"gap": "g2"}, " батады; ", {"gap": "g3"}, " сағат."],
     "gaps": [{"id": "g1", "options": [{"id": "e", "text": "шығыстан"}, {"id": "w", "text": "батыстан"}],
               "correct": "e"},
              {"id": "g2", "input": "text", "accepted": ["батыста"]},
              {"id": "g3", "input": "numeric", "value": 24, "expected_length": 3}]},
    {"id": "gm", "type": "gap_match", "prompt": "Орнына қой", "points": 2,
     "segments": ["Қыста ", {"gap": "G1"}, " жауады, көктемде ", {"gap": "G2"}, " ериді."],
     "gaps": [{"id": "G1"}, {"id": "G2"}],
     "choices": [{"id": "W1", "text": "қар", "max_uses": 1}, {"id": "W2", "text": "мұз", "max_uses": 1},
                 {"id": "W3", "text": "жапырақ", "max_uses": 1}],
     "correct": {"G1": "W1", "G2": "W2"}},
    {"id": "as", "type": "association", "prompt": "Жұпта", "points": 2, "max_associations": 2,
     "options": [{"id": "A", "text": "үлкен", "max_uses": 1}, {"id": "B", "text": "зор", "max_uses": 1},
                 {"id": "C", "text": "жылдам", "max_uses": 1}, {"id": "D", "text": "тез", "max_uses": 1}],
     "correct": [["A", "B"], ["C", "D"]]},
]

CONTENT: dict[str, Any] = {
    "exam_id": "T-1", "title": "Барлық түрлер", "grade": "4", "language": "kk", "variant": "01",
    "duration_minutes": 40, "warnings_minutes": [10, 5], "reference_tables": ["periodic_table"],
    "sections": [{
        "id": "all", "direction": "reading_literacy", "title": "Бәрі",
        "contexts": [{"id": "ctx-city", "kind": "table", "title": "Қалалар",
                      "table": {"header": ["Қала", "Халқы"], "rows": [["Астана", "1,4 млн"]]},
                      "image": {"media_type": "image/png", "data": PNG, "alt": "карта"}}],
        "items": ITEMS,
    }],
}

# The public fields of each type, exactly (docs/content.md §1); optional ones set in ITEMS included.
PUBLIC_FIELDS = {
    "sc": {"id", "type", "prompt", "points", "context", "options"},
    "mc": {"id", "type", "prompt", "points", "context", "options", "max_choices"},
    "mc2": {"id", "type", "prompt", "points", "options"},
    "nu": {"id", "type", "prompt", "points", "unit"},
    "nr": {"id", "type", "prompt", "points"},
    "te": {"id", "type", "prompt", "points", "max_length"},
    "tyo": {"id", "type", "prompt", "points"},
    "ma": {"id", "type", "prompt", "points", "left", "right", "max_per_left", "max_per_right"},
    "or": {"id", "type", "prompt", "points", "options"},
    "orp": {"id", "type", "prompt", "points", "options"},
    "ic": {"id", "type", "prompt", "points", "segments", "gaps"},
    "gm": {"id", "type", "prompt", "points", "segments", "gaps", "choices"},
    "as": {"id", "type", "prompt", "points", "options", "max_associations"},
}


@pytest.fixture(scope="module")
def content():
    return content_from_dict(copy.deepcopy(CONTENT))


def _public_items(content) -> dict[str, dict[str, Any]]:
    public = json.loads(json.dumps(content_to_dict(content, with_keys=False)))
    return {i["id"]: i for s in public["sections"] for i in s["items"]}


@pytest.mark.parametrize("item_id", sorted(PUBLIC_FIELDS))
def test_public_view_of_each_type_has_exactly_the_documented_fields(content, item_id):
    assert set(_public_items(content)[item_id]) == PUBLIC_FIELDS[item_id]


def _keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


def test_public_view_holds_no_key_of_any_type_anywhere(content):
    public = content_to_dict(content, with_keys=False)
    assert not _keys_anywhere(public) & KEY_FIELDS
    keyed = _keys_anywhere(content_to_dict(content, with_keys=True))
    assert {"correct", "accepted", "value", "tolerance", "scoring"} <= keyed
    # the answers themselves are nowhere in the public text either
    text = json.dumps(public, ensure_ascii=False)
    assert '"батыста"' not in text and "Нұр-Сұлтан" not in text


def test_public_shapes_the_kiosk_renders(content):
    items = _public_items(content)
    assert items["ic"]["segments"] == ["Күн ", {"gap": "g1"}, " шығады, ", {"gap": "g2"}, " батады; ",
                                       {"gap": "g3"}, " сағат."]
    assert items["ic"]["gaps"] == [
        {"id": "g1", "options": [{"id": "e", "text": "шығыстан"}, {"id": "w", "text": "батыстан"}]},
        {"id": "g2", "input": "text"}, {"id": "g3", "input": "numeric", "expected_length": 3}]
    assert items["gm"]["gaps"] == [{"id": "G1"}, {"id": "G2"}]
    assert items["gm"]["choices"][0] == {"id": "W1", "text": "қар", "max_uses": 1}
    assert items["ma"]["max_per_left"] == 1 and items["ma"]["max_per_right"] == 1
    assert items["as"]["options"][0] == {"id": "A", "text": "үлкен", "max_uses": 1}
    public = content_to_dict(content, with_keys=False)
    assert public["reference_tables"] == ["periodic_table"]
    ctx = public["sections"][0]["contexts"][0]
    assert ctx["kind"] == "table" and ctx["table"]["rows"] == [["Астана", "1,4 млн"]]
    assert ctx["image"] == {"media_type": "image/png", "data": PNG, "alt": "карта"}


def test_keyed_round_trip_is_exact(content):
    data = content_to_dict(content, with_keys=True)
    again = content_from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again == content
    assert content_to_dict(again, with_keys=True) == data


SCORES = [
    ("sc", "b", 1.0), ("sc", "a", 0.0), ("sc", ["b"], 0.0), ("sc", {"b": 1}, 0.0),
    ("mc", ["a", "c"], 2.0), ("mc", ["c"], 1.0), ("mc", ["a", "c", "d"], 1.0), ("mc", ["b", "d"], 0.0),
    ("mc2", ["a", "c"], 2.0), ("mc2", ["a"], 0.0), ("mc2", ["a", "c", "b"], 0.0),
    ("nu", "3,5", 1.0), ("nu", "3.509", 1.0), ("nu", "3.52", 0.0), ("nu", "үш", 0.0),
    ("nr", "209", 1.0), ("nr", "190", 1.0), ("nr", "211", 0.0),
    ("te", "астана", 1.0), ("te", "  Астана. ", 1.0), ("te", "НҰР-СҰЛТАН", 1.0), ("te", "Алматы", 0.0),
    ("te", "", 0.0), ("te", 5, 0.0), ("tyo", "ЕЛКА", 1.0), ("tyo", "Ёлка", 1.0),
    ("ma", [["L1", "R1"], ["L2", "R2"], ["L3", "R3"]], 3.0),
    ("ma", [["L1", "R1"], ["L2", "R2"]], 2.0),
    ("ma", [["L1", "R1"], ["L2", "R4"]], 0.0),  # one right, one wrong: nothing
    ("ma", [["R1", "L1"]], 0.0),  # directed: right to left is wrong
    ("ma", [["L1", "R1"], ["L1", "R1"]], 1.0),  # a repeated pair counts once
    ("ma", [["L1"]], 0.0), ("ma", "L1 R1", 0.0),
    ("or", ["b", "a", "c"], 2.0), ("or", ["a", "b", "c"], 0.0), ("or", ["b", "a"], 0.0),
    ("orp", ["a", "c", "b"], 1.0), ("orp", ["a", "b", "c"], 3.0), ("orp", ["c", "a", "b"], 0.0),
    ("ic", {"g1": "e", "g2": "Батыста", "g3": "24"}, 3.0),
    ("ic", {"g1": "e", "g3": " 24,0 "}, 2.0), ("ic", {"g1": "w", "g2": "шығыста"}, 0.0),
    ("ic", {"g2": "батыста"}, 1.0), ("ic", ["e"], 0.0),
    ("gm", {"G1": "W1", "G2": "W2"}, 2.0), ("gm", {"G1": "W1", "G2": "W3"}, 1.0),
    ("gm", {"G1": "W2", "G2": "W1"}, 0.0), ("gm", [["W1", "G1"]], 0.0),
    ("as", [["A", "B"], ["C", "D"]], 2.0), ("as", [["B", "A"], ["D", "C"]], 2.0),
    ("as", [["A", "B"]], 1.0), ("as", [["A", "B"], ["A", "C"]], 0.0), ("as", [["A", "B", "C"]], 0.0),
]


@pytest.mark.parametrize(("item_id", "answer", "points"), SCORES)
def test_each_type_scores_by_its_rule(content, item_id, answer, points):
    assert score_item(content.item(item_id), answer) == points


@pytest.mark.parametrize("item_id", sorted(PUBLIC_FIELDS))
def test_unanswered_scores_zero_and_no_answer_exceeds_the_points(content, item_id):
    item = content.item(item_id)
    assert score_item(item, None) == 0.0
    for _, answer, _ in (s for s in SCORES if s[0] == item_id):
        assert 0.0 <= score_item(item, answer) <= item.points


def test_attempt_total_over_every_type(content):
    answers = {"sc": "b", "mc": ["a", "c"], "nu": "3.5", "te": "Астана", "ma": [["L1", "R1"]],
               "or": ["b", "a", "c"], "ic": {"g1": "e"}, "gm": {"G1": "W1"}, "as": [["A", "B"]],
               "unknown": "ignored"}
    assert score_attempt(content, answers) == 1 + 2 + 1 + 1 + 1 + 2 + 1 + 1 + 1


@pytest.mark.parametrize(("text", "normal"), [
    ("  Астана  ", "астана"), ("Астана.", "астана"), ("ЁЛКА", "елка"), ("a\u00a0 b", "a b"),
    ("ＡＢＣ", "abc"),  # full-width letters (NFKC)
])
def test_text_normalisation(text, normal):
    assert normalise_text(text) == normal


def _broken(item_id: str, edit) -> dict[str, Any]:
    data = copy.deepcopy(CONTENT)
    for item in data["sections"][0]["items"]:
        if item["id"] == item_id:
            edit(item)
    return data


def _where(item_id: str) -> str:
    return f"sections[0].items[{[i['id'] for i in ITEMS].index(item_id)}]"


@pytest.mark.parametrize(("item_id", "edit", "message"), [
    ("ma", lambda i: i.update(correct=[["L1", "R9"]]), ".correct[0]: ['L1', 'R9'] is not [left id, right id]"),
    ("ma", lambda i: i.pop("right"), ".right: a matching item needs both sides"),
    ("ma", lambda i: i.update(correct="L1-R1"), ".correct: must be a list of [id, id] pairs"),
    ("or", lambda i: i.update(correct=["a", "b"]), ".correct: an ordering key lists every option once"),
    ("ic", lambda i: i["gaps"][0].update(correct="x"), ".gaps[0].correct: must name one of the gap's options"),
    ("ic", lambda i: i["gaps"][1].pop("accepted"), ".gaps[1].accepted: a text gap needs accepted answers"),
    ("ic", lambda i: i["gaps"][2].pop("value"), ".gaps[2].value: a numeric gap needs its value"),
    ("ic", lambda i: i["segments"].pop(1), ".segments: every gap must appear exactly once"),
    ("ic", lambda i: i["gaps"][1].pop("input"), ".gaps[1]: a gap needs options, or input"),
    ("gm", lambda i: i.update(correct={"G1": "W9"}), ".correct.G1: 'W9' must map a gap to one of the choices"),
    ("gm", lambda i: i.pop("choices"), ".choices: a gap-match item needs choices"),
    ("as", lambda i: i.update(correct=[["A", "A"]]), ".correct[0]: ['A', 'A'] must pair two different options"),
    ("te", lambda i: i.update(accepted=[]), ".accepted: a text item needs at least one accepted answer"),
    ("te", lambda i: i.update(accepted="Астана"), ".accepted: must be a list of strings"),
    ("nr", lambda i: i.update(tolerance_mode="percent"), ".tolerance_mode: absolute or relative"),
    ("mc", lambda i: i.update(scoring="generous"), ".scoring: 'generous' is not partial or all_or_nothing"),
    ("sc", lambda i: i.update(context="nowhere"), ".context: no context 'nowhere' in this section"),
    ("sc", lambda i: i.update(id="x" * 65), ".id: 1 to 64 characters"),
    ("sc", lambda i: i.update(image={"media_type": "image/gif", "data": PNG}), ".image.media_type: 'image/gif'"),
    ("sc", lambda i: i.update(points=-1), ".points: must be a number ≥ 0"),
    ("mc", lambda i: i.update(max_choices=-2), ".max_choices: must be a whole number ≥ 0"),
])
def test_errors_name_the_item_and_field(item_id, edit, message):
    with pytest.raises(ContentError) as refused:
        content_from_dict(_broken(item_id, edit))
    assert f"{_where(item_id)}{message}" in str(refused.value)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["sections"][0]["contexts"][0].update(kind="video"), "contexts[0].kind: 'video' is not one of"),
    (lambda d: d["sections"][0]["contexts"][0].pop("table"), "contexts[0].table: a table context needs rows"),
    (lambda d: d["sections"][0]["contexts"].append({"id": "p", "kind": "passage"}),
     "contexts[1].text: a passage needs its text"),
    (lambda d: d.update(reference_tables=["calculator"]), "reference_tables: unknown table 'calculator'"),
    # the items of one context are consecutive: one between them breaks the group
    (lambda d: d["sections"][0]["items"].insert(1, d["sections"][0]["items"].pop(4)),
     "the items of context 'ctx-city' must be consecutive"),
])
def test_context_and_test_level_errors(edit, message):
    data = copy.deepcopy(CONTENT)
    edit(data)
    with pytest.raises(ContentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        content_from_dict(data)


def test_a_payload_dict_reads_as_its_first_variant(content):
    """The centre may store the whole package payload in packages.content_json."""
    first = content_to_dict(content, with_keys=True)
    second = dict(first, exam_id="T-2", variant="02")
    payload = {"format": "cbt-exam-payload/2", "variants": [first, second]}
    assert content_from_dict(payload) == content
    with pytest.raises(ContentError, match="no variant"):
        content_from_dict({"variants": []})
