"""QTI response processing, evaluated from its JSON form.

The importer's compiler (`common.content.qti.compiler`) turns an item's `<responseProcessing>` — a
standard template (`match_correct`, `map_response`) or custom rules — into plain JSON kept with the
item (its `qti` field) and inside the sealed package. This module evaluates that JSON against a
candidate's responses. It and the modules it uses (`values`, `operators`, `arithmetic`) are free of our other
modules: `common.domain.scoring` calls it and `common.domain.items` checks an item's form with it.

The JSON form::

    {"responses": {"RESPONSE": {"cardinality": "single", "base_type": "identifier",
                                "correct": ["B"], "mapping": {"default": 0, "lower": null,
                                "upper": null, "entries": [{"key": "B", "value": 1,
                                "case_sensitive": true}]}}},
     "outcomes": {"SCORE": {"cardinality": "single", "base_type": "float", "default": ["0"]}},
     "rules": [RULE, ...], "response": "RESPONSE", "max_score": 1.0}

    RULE := {"rule": "setOutcomeValue", "identifier": "SCORE", "expr": EXPR}
          | {"rule": "responseCondition", "branches": [{"if": EXPR, "then": [RULE...]}, ...,
                                                       {"else": [RULE...]}]}
          | {"rule": "exitResponse"}
    EXPR := {"op": "<QTI operator name>", "attrs": {...}, "args": [EXPR...], "text": "..."}

Values, operators and arithmetic are `common.content.qti.values`, `.operators` and `.arithmetic`.
"""

from __future__ import annotations

from typing import Any

from common.content.qti import arithmetic, operators
from common.content.qti.values import (
    BASE_TYPES,
    NUMERIC,
    Container,
    QtiError,
    Single,
    Unsupported,
    Value,
    declared_value,
    make_value,
    parse_scalar,
    to_json,
)

_OPS: dict[str, operators.Operator] = {**operators.OPERATORS, **arithmetic.OPERATORS}


class _Exit(Exception):
    pass


class Processing:
    """One run of an item's response processing: its declarations and its variables' values
    (a `Scope` for the operators)."""

    def __init__(self, qti: dict[str, Any], responses: dict[str, Any]):
        self.qti = qti
        self.declared: dict[str, dict[str, Any]] = {**qti.get("outcomes", {}), **qti.get("responses", {})}
        self.values: dict[str, Value] = {}
        for ident, decl in qti.get("responses", {}).items():
            self.values[ident] = make_value(decl["cardinality"], decl.get("base_type"),
                                            responses.get(ident))
        for ident, decl in qti.get("outcomes", {}).items():
            default = declared_value(decl, decl.get("default"))
            if default is None and decl["cardinality"] == "single" and decl.get("base_type") in NUMERIC:
                default = Single(decl["base_type"], 0 if decl["base_type"] == "integer" else 0.0)
            self.values[ident] = default
        if "SCORE" not in self.values:
            self.values["SCORE"] = Single("float", 0.0)
            self.declared.setdefault("SCORE", {"cardinality": "single", "base_type": "float"})

    def eval(self, node: dict[str, Any]) -> Value:
        """One expression's value."""
        op = node.get("op")
        handler = _OPS.get(op)
        if handler is None:
            raise Unsupported(f"operator {op!r} is not supported")
        return handler(node, self)

    def args(self, node: dict[str, Any]) -> list[Value]:
        return [self.eval(a) for a in node.get("args", [])]


def evaluate(qti: dict[str, Any], responses: dict[str, Any]) -> dict[str, Any]:
    """Run the rules; return every outcome variable as JSON."""
    state = Processing(qti, responses)
    try:
        _run(qti.get("rules", []), state)
    except _Exit:
        pass
    return {k: to_json(state.values[k]) for k in qti.get("outcomes", {}) or {"SCORE": None}}


def score(qti: dict[str, Any], responses: dict[str, Any]) -> float:
    """The item's SCORE after response processing (NULL scores 0)."""
    state = Processing(qti, responses)
    try:
        _run(qti.get("rules", []), state)
    except _Exit:
        pass
    value = state.values.get("SCORE")
    if value is None:
        return 0.0
    if not isinstance(value, Single) or not isinstance(value.value, (int, float)):
        raise QtiError("SCORE is not a single number")
    return float(value.value)


def _run(rules: list[dict[str, Any]], state: Processing) -> None:
    for rule in rules:
        kind = rule.get("rule")
        if kind == "setOutcomeValue":
            ident = rule["identifier"]
            decl = state.declared.get(ident)
            if decl is None:
                raise QtiError(f"setOutcomeValue: {ident!r} is not declared")
            state.values[ident] = _coerce(state.eval(rule["expr"]), decl)
        elif kind == "responseCondition":
            for branch in rule["branches"]:
                if "else" in branch:
                    _run(branch["else"], state)
                    break
                test = state.eval(branch["if"])
                if _truth(test):
                    _run(branch["then"], state)
                    break
        elif kind == "exitResponse":
            raise _Exit
        else:
            raise Unsupported(f"rule {kind!r} is not supported")


def _coerce(value: Value, decl: dict[str, Any]) -> Value:
    if value is None:
        return None
    base_type = decl.get("base_type")
    if isinstance(value, Single):
        v = value.value
        if base_type == "float" and isinstance(v, (int, float)) and not isinstance(v, bool):
            return Single("float", float(v))
        if base_type == "integer" and isinstance(v, float):
            return Single("integer", int(v))  # QTI truncates a float set into an integer
        return Single(base_type or value.base_type, v)
    return Container(decl["cardinality"] if decl["cardinality"] != "single" else value.cardinality,
                     base_type or value.base_type, value.values)


def _truth(value: Value) -> bool:
    return isinstance(value, Single) and value.value is True



OPERATORS = frozenset(_OPS)
RULES = frozenset({"setOutcomeValue", "responseCondition", "exitResponse"})

# How many sub-expressions each operator takes: (min, max); None = no upper limit.
ARITY: dict[str, tuple[int, int | None]] = {
    "baseValue": (0, 0), "variable": (0, 0), "correct": (0, 0), "default": (0, 0),
    "mapResponse": (0, 0), "null": (0, 0), "isNull": (1, 1), "match": (2, 2), "member": (2, 2),
    "contains": (2, 2), "delete": (2, 2), "containerSize": (1, 1), "index": (1, 1),
    "multiple": (0, None), "ordered": (0, None), "not": (1, 1), "and": (1, None),
    "or": (1, None), "anyN": (1, None), "sum": (1, None), "product": (1, None),
    "subtract": (2, 2), "divide": (2, 2), "integerDivide": (2, 2), "integerModulus": (2, 2),
    "power": (2, 2), "min": (1, None), "max": (1, None), "gt": (2, 2), "gte": (2, 2),
    "lt": (2, 2), "lte": (2, 2), "equal": (2, 2), "equalRounded": (2, 2), "round": (1, 1),
    "truncate": (1, 1), "roundTo": (1, 1), "mathOperator": (1, 1), "stringMatch": (2, 2),
    "substring": (2, 2), "patternMatch": (1, 1),
}
# Attributes an operator cannot work without.
REQUIRED_ATTRS: dict[str, tuple[str, ...]] = {
    "baseValue": ("baseType",), "variable": ("identifier",), "correct": ("identifier",),
    "default": ("identifier",), "mapResponse": ("identifier",), "anyN": ("min", "max"),
    "index": ("n",), "equalRounded": ("figures",), "roundTo": ("figures",),
    "mathOperator": ("name",), "patternMatch": ("pattern",),
}


def check(qti: dict[str, Any]) -> None:
    """Refuse a JSON form this evaluator cannot run: unknown rules and operators, wrong arity,
    undeclared variables. Raises `QtiError` naming the construct."""
    if not isinstance(qti, dict):
        raise QtiError("qti: must be an object")
    responses = qti.get("responses", {})
    outcomes = qti.get("outcomes", {})
    if not isinstance(responses, dict) or not isinstance(outcomes, dict):
        raise QtiError("qti: responses and outcomes must be objects")
    for ident, decl in {**responses, **outcomes}.items():
        if not isinstance(decl, dict) or decl.get("cardinality") not in ("single", "multiple", "ordered"):
            raise QtiError(f"qti: variable {ident!r} has an unsupported cardinality")
        if decl.get("base_type") is not None and decl["base_type"] not in BASE_TYPES:
            raise QtiError(f"qti: variable {ident!r} has an unknown baseType")
    names = set(responses) | set(outcomes) | {"SCORE"}

    def expr(node: Any, where: str) -> None:
        if not isinstance(node, dict) or node.get("op") not in OPERATORS:
            op = node.get("op") if isinstance(node, dict) else node
            raise Unsupported(f"{where}: operator {op!r} is not supported")
        op = node["op"]
        args = node.get("args", [])
        low, high = ARITY[op]
        if len(args) < low or (high is not None and len(args) > high):
            raise QtiError(f"{where}: {op} takes {low}{'' if high == low else '+'} sub-expressions")
        for attr in REQUIRED_ATTRS.get(op, ()):
            if attr not in node.get("attrs", {}):
                raise QtiError(f"{where}: {op} needs the attribute {attr}")
        if op in ("variable", "default") and node["attrs"]["identifier"] not in names:
            raise QtiError(f"{where}: {op} names an undeclared variable {node['attrs']['identifier']!r}")
        if op in ("correct", "mapResponse") and node["attrs"]["identifier"] not in responses:
            raise QtiError(f"{where}: {op} names {node['attrs']['identifier']!r}, not a response variable")
        if op == "mapResponse" and responses[node["attrs"]["identifier"]].get("mapping") is None:
            raise QtiError(f"{where}: mapResponse on {node['attrs']['identifier']!r}, which has no mapping")
        if op == "mathOperator" and node["attrs"]["name"] not in arithmetic.MATH_FUNCTIONS:
            raise Unsupported(f"{where}: mathOperator {node['attrs']['name']!r} is not supported")
        if op == "baseValue" and parse_scalar(node["attrs"]["baseType"], node.get("text", "")) is None:
            raise QtiError(f"{where}: baseValue {node.get('text')!r} is not a {node['attrs']['baseType']}")
        for k, a in enumerate(args):
            expr(a, f"{where}/{a.get('op') if isinstance(a, dict) else '?'}[{k}]")

    def rules(items: Any, where: str) -> None:
        if not isinstance(items, list):
            raise QtiError(f"{where}: rules must be a list")
        for k, rule in enumerate(items):
            kind = rule.get("rule") if isinstance(rule, dict) else None
            here = f"{where}/{kind}[{k}]"
            if kind == "setOutcomeValue":
                if rule.get("identifier") not in names:
                    raise QtiError(f"{here}: sets an undeclared outcome {rule.get('identifier')!r}")
                expr(rule.get("expr"), here)
            elif kind == "responseCondition":
                branches = rule.get("branches")
                if not isinstance(branches, list) or not branches:
                    raise QtiError(f"{here}: needs responseIf")
                for b, branch in enumerate(branches):
                    if "else" in branch:
                        rules(branch["else"], f"{here}/responseElse")
                    else:
                        expr(branch.get("if"), f"{here}/branch[{b}]")
                        rules(branch.get("then"), f"{here}/branch[{b}]")
            elif kind == "exitResponse":
                pass
            else:
                raise Unsupported(f"{here}: rule {kind!r} is not supported")

    rules(qti.get("rules", []), "responseProcessing")
