"""`SeenAnswers`: the ingest checks and scores each distinct (item, answer) once per bundle; what it
remembers must be what the checks and the scorer say of every answer, asked in any order."""

from __future__ import annotations

import json

from central_scorer.scores.seen_answers import SeenAnswers
from central_scorer.scores.store import score_attempt_rows
from common.demo.roster import demo_content_json
from common.domain.answer_checks import AnswerInvalid, check_answer
from common.domain.exam import content_from_dict
from common.domain.scoring import score_item
from tests.content.test_content_items import CONTENT as EVERY_TYPE

# Equal as dict keys but not the same answer (1, 1.0, True), a string and its number, lists of
# strings in two orders and of other things, an option given twice, pairs, gaps, nothing at all.
ANSWERS = [1, 1.0, True, "1", "480", 480, 480.0, False, 0, "", None, "a", "b", "zz", ["a"], ["a", "a"],
           ["a", "b"], ["b", "a"], ["b", "a", "c"], ["a", "b", "c"], ["c", "a", "b"], [1], [True], [], {},
           {"x": 1}, [["a", "b"]], [["L1", "R1"], ["L2", "R2"]], {"g1": "e", "g2": "w"}, "x" * 5000]


def _problem(item, answer):
    try:
        check_answer(item, answer)
    except AnswerInvalid as exc:
        return str(exc)[:300]
    return None


def test_an_answer_met_before_gets_what_the_checks_and_the_scorer_say():
    contents = [content_from_dict(json.loads(demo_content_json())), content_from_dict(EVERY_TYPE)]
    seen = SeenAnswers()
    for order in (ANSWERS, ANSWERS[::-1], ANSWERS):  # asked first, then from what was kept
        for item in (item for content in contents for item in content.items):
            for answer in order:
                assert seen.problem(item, answer) == _problem(item, answer), (item.id, answer)
                points = seen.points(item, answer)
                assert points == score_item(item, answer) and type(points) is type(score_item(item, answer))


def test_an_attempt_scored_with_it_is_scored_as_without():
    content = content_from_dict(json.loads(demo_content_json()))
    seen = SeenAnswers()
    items = content.items
    attempts = [{item.id: ANSWERS[(n * 7 + i) % len(ANSWERS)] for i, item in enumerate(items) if (n + i) % 5}
                for n in range(40)]
    for answers in attempts + attempts:
        assert score_attempt_rows(content, answers, seen) == score_attempt_rows(content, answers)
    assert list(seen.items(content)) == [item.id for item in items]
    assert [item for _, item in seen.shown(content)] == list(items)


def test_an_entry_naming_its_item_by_anything_but_a_string_refuses_that_attempt_only():
    """A compromised room's log with an item id that is a list or a dict (unhashable) is a refusal
    of that attempt with its reason, not an exception that fails the whole bundle."""
    from central_scorer.ingest.bundles import answers_refusal

    content = content_from_dict(json.loads(demo_content_json()))
    first = content.items[0].id
    for item_id in ([first], {"id": first}, 7, None):
        entry = {"seq": 1, "client_ts": 1.0, "item_id": item_id, "answer": "a"}
        assert "not a (seq, item of this test" in answers_refusal(content, [entry], SeenAnswers())
