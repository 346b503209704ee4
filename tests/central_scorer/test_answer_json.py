"""The ingest writes each stored answer's JSON text itself for the common shapes (a string, a list
of strings): it must be the text `json.dumps(answer, ensure_ascii=False)` writes."""

from __future__ import annotations

import json

from central_scorer.ingest.bundles import _answer_json

ANSWERS = ["a", "", "480", "тест", 'quote " backslash \\ tab \t newline \n', "\u2028\u0000\x7f", "😀",
           ["a", "b"], [], ["тест", "\n"], ["a", 1], [None], [["a", "b"]], 1, 1.0, -0.0, 1e300, True, None,
           {"g1": "e", "g2": ["a"]}, {}]


def test_an_answer_is_written_as_json_dumps_writes_it():
    for answer in ANSWERS:
        assert _answer_json(answer) == json.dumps(answer, ensure_ascii=False), answer
