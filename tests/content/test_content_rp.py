"""The QTI response-processing evaluator (`common/content/qti/rp.py`), operator by operator, built
from the XML a QTI author writes (so the compiler and the evaluator are tested together)."""

from __future__ import annotations

import pytest

from common.content.qti import rp, values
from common.content.qti.compiler import _rules  # noqa: PLC2701
from common.content.qti.source import parse_xml

DECLS = {
    "responses": {
        "R": {"cardinality": "single", "base_type": "identifier", "correct": ["A"]},
        "M": {"cardinality": "multiple", "base_type": "identifier", "correct": ["A", "B"],
              "mapping": {"default": 0.5, "lower": None, "upper": None,
                          "entries": [{"key": "A", "value": 2, "case_sensitive": True},
                                      {"key": "B", "value": -1, "case_sensitive": True}]}},
        "O": {"cardinality": "ordered", "base_type": "identifier", "correct": ["A", "B", "C"]},
        "F": {"cardinality": "single", "base_type": "float", "correct": ["10"]},
        "I": {"cardinality": "single", "base_type": "integer", "correct": ["7"]},
        "S": {"cardinality": "single", "base_type": "string", "correct": ["Astana"],
              "mapping": {"default": 0, "lower": None, "upper": None,
                          "entries": [{"key": "astana", "value": 1, "case_sensitive": False}]}},
        "P": {"cardinality": "multiple", "base_type": "pair", "correct": ["A B"]},
        "D": {"cardinality": "multiple", "base_type": "directedPair", "correct": ["A B"]},
    },
    "outcomes": {"SCORE": {"cardinality": "single", "base_type": "float", "default": None}},
}


def evaluate(expr_xml: str, responses: dict) -> object:
    """SCORE := 1 if the expression is true, 0 if false, -1 if NULL; numbers are set directly."""
    xml = (f'<r xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1">'
           f'<setOutcomeValue identifier="SCORE">{expr_xml}</setOutcomeValue></r>')
    root = parse_xml(xml.encode(), "test")
    for el in root.iter():
        el.tag = el.tag.rsplit("}", 1)[-1]
    rules = _rules(list(root), "test")
    state = rp.Processing({**DECLS, "rules": rules}, responses)
    value = state.eval(rules[0]["expr"])
    if value is None:
        return None
    if isinstance(value, values.Container):
        return list(value.values)
    return value.value


def bv(base_type: str, text: str) -> str:
    return f'<baseValue baseType="{base_type}">{text}</baseValue>'


def var(name: str) -> str:
    return f'<variable identifier="{name}"/>'


@pytest.mark.parametrize(("expr", "responses", "result"), [
    # match: bags for multiple, sequences for ordered, unordered pairs, NULL propagates
    (f"<match>{var('M')}<correct identifier=\"M\"/></match>", {"M": ["B", "A"]}, True),
    (f"<match>{var('M')}<correct identifier=\"M\"/></match>", {"M": ["A", "B", "B"]}, False),
    (f"<match>{var('O')}<correct identifier=\"O\"/></match>", {"O": ["A", "C", "B"]}, False),
    (f"<match>{var('P')}<correct identifier=\"P\"/></match>", {"P": [["B", "A"]]}, True),
    (f"<match>{var('D')}<correct identifier=\"D\"/></match>", {"D": [["B", "A"]]}, False),
    (f"<match>{var('R')}<correct identifier=\"R\"/></match>", {}, None),
    # isNull: NULL, empty container, empty string
    (f"<isNull>{var('M')}</isNull>", {"M": []}, True),
    (f"<isNull>{var('S')}</isNull>", {"S": ""}, True),
    (f"<isNull>{var('S')}</isNull>", {"S": "x"}, False),
    # member / contains / delete / containerSize / index
    (f"<member>{bv('identifier', 'B')}{var('M')}</member>", {"M": ["A", "B"]}, True),
    (f"<contains>{var('O')}<ordered>{bv('identifier', 'B')}{bv('identifier', 'C')}</ordered></contains>",
     {"O": ["A", "B", "C"]}, True),
    (f"<contains>{var('O')}<ordered>{bv('identifier', 'C')}{bv('identifier', 'B')}</ordered></contains>",
     {"O": ["A", "B", "C"]}, False),
    (f"<contains>{var('M')}<multiple>{bv('identifier', 'B')}{bv('identifier', 'A')}</multiple></contains>",
     {"M": ["A", "B", "C"]}, True),
    (f"<containerSize><delete>{bv('identifier', 'A')}{var('M')}</delete></containerSize>",
     {"M": ["A", "B", "A"]}, 1),
    (f"<containerSize>{var('M')}</containerSize>", {}, 0),
    (f'<index n="2">{var("O")}</index>', {"O": ["A", "B", "C"]}, "B"),
    (f'<index n="9">{var("O")}</index>', {"O": ["A", "B", "C"]}, None),
    # logic with NULL: and/or/not/anyN
    (f"<and><match>{var('R')}{bv('identifier', 'A')}</match><isNull>{var('F')}</isNull></and>", {"R": "A"}, True),
    (f"<and><match>{var('R')}{bv('identifier', 'A')}</match><match>{var('F')}{bv('float', '1')}</match></and>",
     {"R": "A"}, None),
    (f"<and><match>{var('R')}{bv('identifier', 'B')}</match><match>{var('F')}{bv('float', '1')}</match></and>",
     {"R": "A"}, False),
    (f"<or><match>{var('R')}{bv('identifier', 'A')}</match><match>{var('F')}{bv('float', '1')}</match></or>",
     {"R": "A"}, True),
    (f"<not><match>{var('R')}{bv('identifier', 'A')}</match></not>", {"R": "A"}, False),
    (f'<anyN min="1" max="2">{bv("boolean", "true")}{bv("boolean", "false")}{bv("boolean", "true")}</anyN>', {}, True),
    (f'<anyN min="1" max="1">{bv("boolean", "true")}{bv("boolean", "true")}</anyN>', {}, False),
    # arithmetic and comparison
    (f"<sum>{bv('integer', '2')}{bv('integer', '3')}</sum>", {}, 5),
    (f"<sum>{bv('integer', '2')}{bv('float', '0.5')}</sum>", {}, 2.5),
    (f"<product>{bv('integer', '2')}{bv('float', '1.5')}</product>", {}, 3.0),
    (f"<subtract>{bv('integer', '2')}{bv('integer', '5')}</subtract>", {}, -3),
    (f"<divide>{bv('integer', '1')}{bv('integer', '4')}</divide>", {}, 0.25),
    (f"<divide>{bv('integer', '1')}{bv('integer', '0')}</divide>", {}, None),
    (f"<integerDivide>{bv('integer', '7')}{bv('integer', '2')}</integerDivide>", {}, 3),
    (f"<integerModulus>{bv('integer', '7')}{bv('integer', '2')}</integerModulus>", {}, 1),
    (f"<power>{bv('integer', '2')}{bv('integer', '10')}</power>", {}, 1024.0),
    (f"<max>{bv('integer', '2')}{bv('integer', '9')}</max>", {}, 9),
    (f"<min>{bv('float', '2.5')}{bv('integer', '9')}</min>", {}, 2.5),
    (f"<gt>{var('I')}{bv('integer', '5')}</gt>", {"I": "7"}, True),
    (f"<gte>{var('I')}{bv('integer', '7')}</gte>", {"I": 7}, True),
    (f"<lt>{var('I')}{bv('integer', '7')}</lt>", {"I": 7}, False),
    (f"<lte>{var('I')}{bv('integer', '7')}</lte>", {"I": "7"}, True),
    (f"<gt>{var('I')}{bv('integer', '5')}</gt>", {"I": "7.5"}, None),  # not an integer: no response
    (f"<sum>{var('F')}{bv('integer', '1')}</sum>", {}, None),
    # equal with tolerance modes and bounds
    (f'<equal toleranceMode="exact">{var("F")}{bv("float", "10")}</equal>', {"F": "10.0"}, True),
    (f'<equal toleranceMode="absolute" tolerance="0.5">{bv("float", "10")}{var("F")}</equal>', {"F": "10.5"}, True),
    (f'<equal toleranceMode="absolute" tolerance="0.5" includeUpperBound="false">{bv("float", "10")}{var("F")}</equal>',
     {"F": "10.5"}, False),
    (f'<equal toleranceMode="absolute" tolerance="0 1">{bv("float", "10")}{var("F")}</equal>', {"F": "9.9"}, False),
    (f'<equal toleranceMode="relative" tolerance="10">{bv("float", "10")}{var("F")}</equal>', {"F": "10.99"}, True),
    (f'<equal toleranceMode="relative" tolerance="10">{bv("float", "10")}{var("F")}</equal>', {"F": "11.01"}, False),
    (f'<equalRounded roundingMode="significantFigures" figures="3">{bv("float", "3.14159")}{var("F")}</equalRounded>',
     {"F": "3.14"}, True),
    (f'<equalRounded roundingMode="decimalPlaces" figures="1">{bv("float", "2.45")}{var("F")}</equalRounded>',
     {"F": "2.5"}, True),
    (f"<round>{bv('float', '2.5')}</round>", {}, 3),
    (f"<round>{bv('float', '-2.5')}</round>", {}, -2),
    (f"<truncate>{bv('float', '-2.7')}</truncate>", {}, -2),
    (f'<mathOperator name="sqrt">{bv("float", "16")}</mathOperator>', {}, 4.0),
    # strings
    (f'<stringMatch caseSensitive="false">{var("S")}{bv("string", "ASTANA")}</stringMatch>', {"S": "astana"}, True),
    (f'<stringMatch caseSensitive="true">{var("S")}{bv("string", "ASTANA")}</stringMatch>', {"S": "astana"}, False),
    (f'<substring caseSensitive="false">{bv("string", "ast")}{var("S")}</substring>', {"S": "Astana"}, True),
    (f'<patternMatch pattern="[0-9]{{3}}-[0-9]{{2}}">{var("S")}</patternMatch>', {"S": "123-45"}, True),
    (f'<patternMatch pattern="[0-9]{{3}}">{var("S")}</patternMatch>', {"S": "1234"}, False),
    # mapResponse: default for unmapped values, each distinct value once, case-insensitive keys
    ('<mapResponse identifier="M"/>', {"M": ["A", "C"]}, 2.5),
    ('<mapResponse identifier="M"/>', {"M": ["A", "A", "B"]}, 1.0),
    ('<mapResponse identifier="M"/>', {}, 0.0),
    ('<mapResponse identifier="S"/>', {"S": "ASTANA"}, 1.0),
    ('<null/>', {}, None),
    (f'<default identifier="SCORE"/>', {}, None),
])
def test_operator(expr, responses, result):
    got = evaluate(expr, responses)
    if isinstance(result, float) and got is not None:
        assert got == pytest.approx(result)
    else:
        assert got == result


def test_map_response_bounds():
    decl = {"cardinality": "multiple", "base_type": "identifier",
            "mapping": {"default": -1, "lower": 0, "upper": 1.5,
                        "entries": [{"key": "A", "value": 1}, {"key": "B", "value": 1}]}}
    assert values.map_value(decl, values.make_value("multiple", "identifier", ["A", "B"])) == 1.5
    assert values.map_value(decl, values.make_value("multiple", "identifier", ["X", "Y"])) == 0.0
    assert values.map_value(decl, values.make_value("multiple", "identifier", ["A", "X"])) == 0.0


def test_exit_response_stops_processing():
    qti = {**DECLS, "rules": [
        {"rule": "setOutcomeValue", "identifier": "SCORE",
         "expr": {"op": "baseValue", "attrs": {"baseType": "float"}, "text": "2"}},
        {"rule": "exitResponse"},
        {"rule": "setOutcomeValue", "identifier": "SCORE",
         "expr": {"op": "baseValue", "attrs": {"baseType": "float"}, "text": "5"}}]}
    assert rp.score(qti, {}) == 2.0
    assert rp.evaluate(qti, {}) == {"SCORE": 2.0}


@pytest.mark.parametrize(("raw", "message"), [
    ({"rules": [{"rule": "lookupOutcomeValue"}]}, "rule 'lookupOutcomeValue' is not supported"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "SCORE", "expr": {"op": "random"}}]},
     "operator 'random' is not supported"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "NOPE",
                 "expr": {"op": "null", "args": []}}]}, "sets an undeclared outcome 'NOPE'"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "SCORE",
                 "expr": {"op": "match", "args": [{"op": "null"}]}}]}, "match takes 2 sub-expressions"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "SCORE",
                 "expr": {"op": "variable", "attrs": {"identifier": "GHOST"}}}]}, "undeclared variable 'GHOST'"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "SCORE",
                 "expr": {"op": "mapResponse", "attrs": {"identifier": "R"}}}]}, "which has no mapping"),
    ({"rules": [{"rule": "setOutcomeValue", "identifier": "SCORE",
                 "expr": {"op": "baseValue", "attrs": {"baseType": "integer"}, "text": "two"}}]},
     "'two' is not a integer"),
])
def test_check_refuses_what_it_cannot_run(raw, message):
    with pytest.raises(values.QtiError, match=message):
        rp.check({**DECLS, **raw})


@pytest.mark.parametrize(("base_type", "raw", "value"), [
    ("identifier", " A ", "A"), ("integer", "−7", -7), ("integer", 7.0, 7), ("integer", True, None),
    ("float", "1 000,5", 1000.5), ("float", "nan", None), ("float", "1e400", None), ("boolean", "true", True),
    ("pair", "B A", ("A", "B")), ("pair", ["B", "A"], ("A", "B")), ("directedPair", ["B", "A"], ("B", "A")),
    ("directedPair", ["B"], None), ("point", "3 4", (3, 4)), ("identifier", 5, None),
])
def test_values_are_read_by_base_type(base_type, raw, value):
    assert values.parse_scalar(base_type, raw) == value
