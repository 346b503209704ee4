"""Exam content and scoring (`common/domain/exam.py`): the rules the room and the centre share."""

from __future__ import annotations

import copy
import json
import math
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.demo.roster import demo_content_json
from common.domain.answers import parse_number
from common.domain.content_model import ContentError
from common.domain.exam import ExamContent, content_from_dict, content_to_dict
from common.domain.scoring import latest_answers, score_attempt, score_item

CONTENT: dict[str, Any] = {
    "exam_id": "G4-KK-2026",
    "title": "Оқу, математика және жаратылыстану сауаттылығы",
    "grade": "4",
    "language": "kk",
    "variant": "А",
    "duration_minutes": 80,
    "warnings_minutes": [10, 5],
    "sections": [
        {
            "id": "reading",
            "direction": "reading_literacy",
            "title": "Оқу сауаттылығы",
            "passage": "Көктемде Нұрлан атасымен бірге ауылға барды. Алма ағаштары гүлдеп тұрды.",
            "items": [
                {
                    "id": "r1",
                    "type": "single_choice",
                    "prompt": "Нұрлан кіммен бірге ауылға барды?",
                    "points": 1,
                    "options": [
                        {"id": "a", "text": "әкесімен"},
                        {"id": "b", "text": "атасымен"},
                        {"id": "c", "text": "досымен"},
                        {"id": "d", "text": "жалғыз"},
                    ],
                    "correct": ["b"],
                },
                {
                    "id": "m1",
                    "type": "multiple_choice",
                    "prompt": "Мәтінде қандай ағаштар мен мезгіл аталады? Екеуін таңда.",
                    "points": 2,
                    "options": [
                        {"id": "a", "text": "алма ағашы"},
                        {"id": "b", "text": "қайың"},
                        {"id": "c", "text": "көктем"},
                        {"id": "d", "text": "күз"},
                        {"id": "e", "text": "терек"},
                    ],
                    "correct": ["a", "c"],
                },
            ],
        },
        {
            "id": "maths",
            "direction": "mathematical_literacy",
            "title": "Математикалық сауаттылық",
            "items": [
                {
                    "id": "n1",
                    "type": "numeric",
                    "prompt": "7 кг алманы 2 себетке тең бөлді. Бір себетте неше кг?",
                    "points": 1,
                    "value": 3.5,
                    "tolerance": 0.05,
                },
                {
                    "id": "n2",
                    "type": "numeric",
                    "prompt": "Таңертең −5 °C еді, түсте 3 градусқа жылыды. Түсте неше градус?",
                    "points": 1,
                    "value": -2,
                },
                {
                    "id": "n3",
                    "type": "numeric",
                    "prompt": "Себетте неше алма қалды?",
                    "points": 1,
                    "value": 1,
                },
                {
                    "id": "m3",
                    "type": "multiple_choice",
                    "prompt": "Жұп сандарды таңда.",
                    "points": 1,
                    "options": [
                        {"id": "a", "text": "2"},
                        {"id": "b", "text": "4"},
                        {"id": "c", "text": "6"},
                        {"id": "d", "text": "7"},
                    ],
                    "correct": ["a", "b", "c"],
                },
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def content() -> ExamContent:
    return content_from_dict(copy.deepcopy(CONTENT))


# --- single choice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "points"),
    [("b", 1.0), ("a", 0.0), ("B", 0.0), (None, 0.0), (["b"], 0.0), ("", 0.0), (1, 0.0)],
)
def test_single_choice(content, answer, points):
    assert score_item(content.item("r1"), answer) == points


# --- multiple choice: partial credit -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        (["a", "c"], 2.0),  # both right
        (["c", "a"], 2.0),  # order does not matter
        (["a"], 1.0),  # half the keys: half the points
        (["a", "a"], 1.0),  # a repeated pick counts once
        (["a", "c", "d"], 1.0),  # a wrong pick takes one share back
        (["a", "d"], 0.0),
        (["a", "d", "e"], 0.0),  # never below 0
        (["b", "d", "e"], 0.0),
        (["a", "b", "c", "d", "e"], 0.0),  # ticking everything is not a strategy
        (["a", "c", "z"], 1.0),  # an id that is not an option counts as a wrong pick
        ([], 0.0),
        (None, 0.0),
        ("a", 0.0),  # not a list
        (["a", 3], 0.0),  # not all strings
        ({"a": True}, 0.0),
    ],
)
def test_multiple_choice_partial_credit(content, answer, points):
    assert score_item(content.item("m1"), answer) == points


def test_multiple_choice_thirds_are_rounded_to_four_places(content):
    item = content.item("m3")
    assert score_item(item, ["a", "b"]) == 0.6667
    assert score_item(item, ["a"]) == 0.3333
    assert score_item(item, ["a", "b", "d"]) == 0.3333
    assert score_item(item, ["a", "b", "c"]) == 1.0


@given(st.lists(st.sampled_from("abcdez"), max_size=8))
def test_multiple_choice_stays_between_0_and_the_items_points(answer):
    item = content_from_dict(copy.deepcopy(CONTENT)).item("m1")
    score = score_item(item, answer)
    assert 0.0 <= score <= item.points
    assert score == item.points or set(answer) != {"a", "c"}


# --- numeric -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["3.5", "3,5", " 3.5 ", "3,5 ", "\t3.5\n", "3.50", 3.5, 3.54, "3.46", "3.55", 7 / 2],
)
def test_numeric_accepts_the_ways_a_student_writes_the_answer(content, answer):
    assert score_item(content.item("n1"), answer) == 1.0


@pytest.mark.parametrize("answer", ["3.56", "3.44", "35", "3", "3.5.0", "3,5,0", "три жарым", "", " "])
def test_numeric_outside_tolerance_or_unreadable_scores_0(content, answer):
    assert score_item(content.item("n1"), answer) == 0.0


@pytest.mark.parametrize("answer", ["−2", "-2", " −2 ", "-2,0", -2, -2.0])
def test_numeric_minus_sign_as_typed_or_pasted(content, answer):
    assert score_item(content.item("n2"), answer) == 1.0


@pytest.mark.parametrize(
    "answer",
    [
        float("nan"), float("inf"), float("-inf"), "nan", "NaN", "inf", "-Infinity",
        None, True, False, [1], {"value": 1}, "1e400",
        pytest.param(10**400, id="10**400"), pytest.param(-(10**400), id="-10**400"),
    ],
)
def test_numeric_refuses_non_numbers_as_0(content, answer):
    # n3's key is 1: True == 1 in Python, and must not score.
    assert score_item(content.item("n3"), answer) == 0.0


def test_numeric_key_itself_scores(content):
    assert score_item(content.item("n3"), 1) == 1.0
    assert score_item(content.item("n3"), "1") == 1.0


@pytest.mark.parametrize(
    ("text", "number"),
    [("3,5", 3.5), (" 3.5 ", 3.5), ("−2", -2.0), ("1 000", 1000.0), ("0,25", 0.25), (4, 4.0)],
)
def test_parse_number(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "value",
    [None, True, False, "nan", float("nan"), "inf", "", [], pytest.param(10**400, id="10**400")],
)
def test_parse_number_refuses(value):
    assert parse_number(value) is None


# --- whole attempts ----------------------------------------------------------------------------


def test_score_attempt_adds_items_and_ignores_unknown_ones(content):
    answers = {
        "r1": "b",  # 1
        "m1": ["a"],  # 1
        "n1": "3,5",  # 1
        "n2": "−2",  # 1
        "n3": True,  # 0
        "m3": ["a", "b"],  # 0.6667
        "extra": "b",
        "r1 ": "b",
        "__proto__": 100,
    }
    assert score_attempt(content, answers) == 4.6667
    assert score_attempt(content, {"not-an-item": 10**6}) == 0.0
    assert score_attempt(content, {}) == 0.0
    assert content.max_score == 7.0


def test_full_marks_equal_max_score(content):
    answers = {"r1": "b", "m1": ["a", "c"], "n1": 3.5, "n2": -2, "n3": 1, "m3": ["a", "b", "c"]}
    assert score_attempt(content, answers) == content.max_score


def test_latest_answers_takes_the_highest_seq_whatever_the_order():
    changes = [
        {"seq": 5, "item_id": "r1", "answer": "b"},
        {"seq": 1, "item_id": "r1", "answer": "a"},
        {"seq": 9, "item_id": "n1", "answer": None},  # cleared last
        {"seq": 3, "item_id": "n1", "answer": "3,5"},
        {"seq": 2, "item_id": "m1", "answer": ["a"]},
        {"seq": 4, "item_id": "m1", "answer": ["a", "c"]},
    ]
    expected = {"r1": "b", "n1": None, "m1": ["a", "c"]}
    assert latest_answers(changes) == expected
    rng = random.Random(2026)
    for _ in range(20):
        shuffled = changes[:]
        rng.shuffle(shuffled)
        assert latest_answers(shuffled) == expected
    assert latest_answers([]) == {}


@given(
    st.lists(
        st.tuples(st.sampled_from(["r1", "m1", "n1"]), st.integers(0, 10**6), st.text(max_size=3)),
        unique_by=lambda t: t[1],
    ),
    st.randoms(use_true_random=False),
)
def test_latest_answers_is_order_independent(entries, rnd):
    changes = [{"item_id": i, "seq": s, "answer": a} for i, s, a in entries]
    shuffled = changes[:]
    rnd.shuffle(shuffled)
    result = latest_answers(shuffled)
    assert result == latest_answers(changes)
    for item in {i for i, _, _ in entries}:
        top = max((e for e in entries if e[0] == item), key=lambda e: e[1])
        assert result[item] == top[2]


# --- the JSON form -----------------------------------------------------------------------------


def _broken(edit) -> dict[str, Any]:
    data = copy.deepcopy(CONTENT)
    edit(data)
    return data


def _set(path: str, value: Any):
    def edit(data):
        target = data
        keys = path.split("/")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[keys[-1]] = value

    return edit


def _delete(path: str):
    def edit(data):
        target = data
        keys = path.split("/")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[keys[-1]]

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set("sections/0/items/1/correct", ["a", "z"]), "sections[0].items[1].correct: must name"),
        (_set("sections/0/items/1/correct", []), "sections[0].items[1].correct: must name"),
        (_set("sections/0/items/0/correct", ["a", "b"]), "sections[0].items[0].correct: a single-choice"),
        (_delete("sections/0/items/1/options"), "sections[0].items[1].options: a choice item needs"),
        (_delete("sections/1/items/0/value"), "sections[1].items[0].value: a numeric item needs"),
        (_set("sections/1/items/2/type", "essay"), "sections[1].items[2].type: unknown item type 'essay'"),
        (_delete("sections/1/items/3/prompt"), "sections[1].items[3]: missing field 'prompt'"),
        (_delete("sections/1/items/1/id"), "sections[1].items[1]: missing field 'id'"),
        (_delete("sections/0/items/0/type"), "sections[0].items[0]: missing field 'type'"),
        (_set("sections/0/items/1/points", "екі"), "sections[0].items[1].points: must be a number"),
        (_set("sections/1/items/0/tolerance", "±0.1"), "sections[1].items[0].tolerance: must be a number"),
        (_set("sections/1/items/0/value", "үш"), "sections[1].items[0].value: must be a number"),
        (_delete("sections/1/direction"), "sections[1]: missing field 'direction'"),
        (_delete("sections/0/items"), "sections[0]: missing field 'items'"),
        (_delete("exam_id"), "missing field 'exam_id'"),
        (_delete("sections"), "missing field 'sections'"),
        (_set("sections/1/items/3/id", "r1"), "item ids must be unique"),
    ],
)
def test_content_errors_name_the_field_path(edit, message):
    with pytest.raises(ContentError) as refused:
        content_from_dict(_broken(edit))
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "edit", [_set("duration_minutes", "сексен"), _set("warnings_minutes", [10, None])]
)
def test_malformed_top_level_values_are_content_errors(edit):
    with pytest.raises(ContentError):
        content_from_dict(_broken(edit))


def test_round_trip_with_keys_gives_equal_content(content):
    data = content_to_dict(content, with_keys=True)
    again = content_from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again == content
    assert content_to_dict(again, with_keys=True) == data


def test_the_demo_content_round_trips():
    demo = content_from_dict(json.loads(demo_content_json()))
    assert content_from_dict(content_to_dict(demo, with_keys=True)) == demo


def _keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


@pytest.mark.parametrize("source", ["inline", "demo"])
def test_public_view_carries_no_key_anywhere(source):
    content = (
        content_from_dict(copy.deepcopy(CONTENT))
        if source == "inline"
        else content_from_dict(json.loads(demo_content_json()))
    )
    public = json.loads(json.dumps(content_to_dict(content, with_keys=False)))
    keys = _keys_anywhere(public)
    assert not keys & {"correct", "value", "tolerance"}
    # ... while it still carries everything the kiosk shows.
    assert {"prompt", "options", "points", "passage"} <= keys
    with_keys = _keys_anywhere(content_to_dict(content, with_keys=True))
    assert "correct" in with_keys and "value" in with_keys


def test_public_view_does_not_leak_numeric_values_by_position(content):
    public = content_to_dict(content, with_keys=False)
    numeric = [i for s in public["sections"] for i in s["items"] if i["type"] == "numeric"]
    assert numeric and all(set(i) == {"id", "type", "prompt", "points"} for i in numeric)


def test_max_score_and_item_lookup(content):
    assert [i.id for i in content.items] == ["r1", "m1", "n1", "n2", "n3", "m3"]
    with pytest.raises(KeyError):
        content.item("missing")
    assert math.isclose(content.max_score, 7.0)
