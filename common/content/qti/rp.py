"""QTI response processing, evaluated from its JSON form.

The importer (`common.content.qti.importer`) compiles an item's `<responseProcessing>` — a standard
template (`match_correct`, `map_response`) or custom rules — into plain JSON kept with the item
(`Item.qti`) and inside the sealed package. This module evaluates that JSON against a candidate's
responses. It is deliberately free of our other modules: `common.domain.exam.score_item` calls it.

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

Values follow QTI's model: NULL is `None`; single values are typed Python values (a `pair` is a
sorted tuple, a `directedPair` a tuple); containers are `Container`s. An empty container or an
empty string is NULL, as QTI says.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable


class QtiError(ValueError):
    """Response processing that cannot be evaluated; the message names the construct."""


class Unsupported(QtiError):
    """A QTI construct this system does not score (per-item error at import)."""


BASE_TYPES = ("identifier", "string", "integer", "float", "boolean", "pair", "directedPair",
              "point", "duration", "uri", "file")
CARDINALITIES = ("single", "multiple", "ordered", "record")
NUMERIC = ("integer", "float")


@dataclass(frozen=True)
class Container:
    cardinality: str  # multiple | ordered
    base_type: str | None
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Single:
    base_type: str | None
    value: Any


Value = Single | Container | None


# --- parsing values ------------------------------------------------------------------------


def parse_scalar(base_type: str | None, raw: Any) -> Any:
    """One value of `base_type` from QTI text or from a JSON response; `None` when unreadable."""
    if raw is None:
        return None
    if base_type in ("identifier", "string", "uri", None):
        if not isinstance(raw, str):
            return None
        return raw.strip() if base_type == "identifier" else raw
    if base_type == "integer":
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            return int(raw) if raw.is_integer() else None
        if isinstance(raw, str):
            text = raw.strip().replace("\u2212", "-").replace(" ", "")
            if re.fullmatch(r"[+-]?\d+", text):
                return int(text)
        return None
    if base_type in ("float", "duration"):
        if isinstance(raw, bool):
            return None
        if isinstance(raw, (int, float)):
            try:
                value = float(raw)
            except OverflowError:
                return None
            return value if math.isfinite(value) else None
        if isinstance(raw, str):
            text = (raw.strip().replace(",", ".").replace("\u2212", "-").replace(" ", "")
                    .replace("\u00a0", ""))
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
                return None
            value = float(text)
            return value if math.isfinite(value) else None
        return None
    if base_type == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0"):
            return raw.strip().lower() in ("true", "1")
        return None
    if base_type in ("pair", "directedPair"):
        if isinstance(raw, str):
            parts = raw.split()
        elif isinstance(raw, (list, tuple)):
            parts = list(raw)
        else:
            return None
        if len(parts) != 2 or not all(isinstance(p, str) and p.strip() for p in parts):
            return None
        parts = [p.strip() for p in parts]
        return tuple(sorted(parts)) if base_type == "pair" else tuple(parts)
    if base_type == "point":
        parts = raw.split() if isinstance(raw, str) else raw
        if not isinstance(parts, (list, tuple)) or len(parts) != 2:
            return None
        try:
            return (int(parts[0]), int(parts[1]))
        except (TypeError, ValueError):
            return None
    return None


def make_value(cardinality: str, base_type: str | None, raw: Any) -> Value:
    """A response variable's value from its JSON form (a string, a list, pairs as lists)."""
    if cardinality == "single":
        if isinstance(raw, list) and base_type not in ("pair", "directedPair", "point"):
            return None
        value = parse_scalar(base_type, raw)
        if value is None or value == "":
            return None
        return Single(base_type, value)
    if cardinality in ("multiple", "ordered"):
        if raw is None:
            return None
        if not isinstance(raw, list):
            return None
        values = []
        for element in raw:
            value = parse_scalar(base_type, element)
            if value is None:
                return None  # a malformed response is no response
            values.append(value)
        return Container(cardinality, base_type, tuple(values)) if values else None
    raise Unsupported(f"cardinality {cardinality!r} is not supported")


def declared_value(decl: dict[str, Any], raws: list[str] | None) -> Value:
    """A declaration's default or correct value from its QTI text values."""
    if raws is None:
        return None
    cardinality, base_type = decl["cardinality"], decl.get("base_type")
    if cardinality == "single":
        return make_value("single", base_type, raws[0] if raws else None)
    return make_value(cardinality, base_type, list(raws))


def to_json(value: Value) -> Any:
    """A value back as JSON (for the CLI's `correct_response`)."""
    if value is None:
        return None
    if isinstance(value, Single):
        return list(value.value) if isinstance(value.value, tuple) else value.value
    return [list(v) if isinstance(v, tuple) else v for v in value.values]


# --- evaluation ------------------------------------------------------------------------------


class _Exit(Exception):
    pass


class _State:
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


def evaluate(qti: dict[str, Any], responses: dict[str, Any]) -> dict[str, Any]:
    """Run the rules; return every outcome variable as JSON."""
    state = _State(qti, responses)
    try:
        _run(qti.get("rules", []), state)
    except _Exit:
        pass
    return {k: to_json(state.values[k]) for k in qti.get("outcomes", {}) or {"SCORE": None}}


def score(qti: dict[str, Any], responses: dict[str, Any]) -> float:
    """The item's SCORE after response processing (NULL scores 0)."""
    state = _State(qti, responses)
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


def _run(rules: list[dict[str, Any]], state: _State) -> None:
    for rule in rules:
        kind = rule.get("rule")
        if kind == "setOutcomeValue":
            ident = rule["identifier"]
            decl = state.declared.get(ident)
            if decl is None:
                raise QtiError(f"setOutcomeValue: {ident!r} is not declared")
            state.values[ident] = _coerce(_eval(rule["expr"], state), decl)
        elif kind == "responseCondition":
            for branch in rule["branches"]:
                if "else" in branch:
                    _run(branch["else"], state)
                    break
                test = _eval(branch["if"], state)
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


def _is_null(value: Value) -> bool:
    if value is None:
        return True
    if isinstance(value, Container):
        return not value.values
    return value.value == "" or value.value is None


def _num(value: Value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Single) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    raise QtiError("a numeric operator got a value that is not a single number")


def _bool(value: Value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, Single) and isinstance(value.value, bool):
        return value.value
    raise QtiError("a boolean operator got a value that is not a single boolean")


def _numeric(result: float | int, operands: list[Any]) -> Single:
    if all(isinstance(v, int) for v in operands) and isinstance(result, int):
        return Single("integer", result)
    return Single("float", float(result))


def _bag(value: Container) -> Counter:
    return Counter(value.values)


def _eval(node: dict[str, Any], state: _State) -> Value:
    op = node.get("op")
    handler = _OPS.get(op)
    if handler is None:
        raise Unsupported(f"operator {op!r} is not supported")
    return handler(node, state)


def _args(node: dict[str, Any], state: _State) -> list[Value]:
    return [_eval(a, state) for a in node.get("args", [])]


def _attr(node: dict[str, Any], name: str, default: Any = None) -> Any:
    return node.get("attrs", {}).get(name, default)


# operators


def _op_base_value(node, state):
    base_type = _attr(node, "baseType")
    value = parse_scalar(base_type, node.get("text", ""))
    if value is None:
        raise QtiError(f"baseValue: {node.get('text')!r} is not a {base_type}")
    return Single(base_type, value)


def _op_variable(node, state):
    ident = _attr(node, "identifier")
    if ident not in state.values:
        raise QtiError(f"variable: {ident!r} is not declared")
    return state.values[ident]


def _op_correct(node, state):
    ident = _attr(node, "identifier")
    decl = state.qti.get("responses", {}).get(ident)
    if decl is None:
        raise QtiError(f"correct: {ident!r} is not a response variable")
    return declared_value(decl, decl.get("correct"))


def _op_default(node, state):
    ident = _attr(node, "identifier")
    decl = state.declared.get(ident)
    if decl is None:
        raise QtiError(f"default: {ident!r} is not declared")
    return declared_value(decl, decl.get("default"))


def map_value(decl: dict[str, Any], value: Value) -> float:
    """QTI mapResponse: single → the mapped value; containers → the sum over distinct values;
    unmapped → the default; then the mapping's bounds."""
    mapping = decl.get("mapping")
    if mapping is None:
        raise QtiError("mapResponse: the response has no mapping")
    base_type = decl.get("base_type")
    default = float(mapping.get("default", 0.0))

    def lookup(v: Any) -> float:
        for entry in mapping.get("entries", []):
            key = parse_scalar(base_type, entry["key"])
            if key is None:
                continue
            if base_type == "string" and not entry.get("case_sensitive", True):
                if isinstance(v, str) and key.casefold() == v.casefold():
                    return float(entry["value"])
            elif key == v:
                return float(entry["value"])
        return default

    if value is None:
        total = default if decl["cardinality"] == "single" else 0.0
    elif isinstance(value, Single):
        total = lookup(value.value)
    else:
        total = sum(lookup(v) for v in dict.fromkeys(value.values))
    lower, upper = mapping.get("lower"), mapping.get("upper")
    if lower is not None:
        total = max(total, float(lower))
    if upper is not None:
        total = min(total, float(upper))
    return total


def _op_map_response(node, state):
    ident = _attr(node, "identifier")
    decl = state.qti.get("responses", {}).get(ident)
    if decl is None:
        raise QtiError(f"mapResponse: {ident!r} is not a response variable")
    return Single("float", map_value(decl, state.values.get(ident)))


def _op_null(node, state):
    return None


def _op_is_null(node, state):
    (value,) = _args(node, state)
    return Single("boolean", _is_null(value))


def _values_equal(a: Single, b: Single) -> bool:
    x, y = a.value, b.value
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return float(x) == float(y)
    return x == y


def _op_match(node, state):
    a, b = _args(node, state)
    if _is_null(a) or _is_null(b):
        return None
    if isinstance(a, Single) and isinstance(b, Single):
        return Single("boolean", _values_equal(a, b))
    if isinstance(a, Container) and isinstance(b, Container):
        if a.cardinality == "ordered" or b.cardinality == "ordered":
            return Single("boolean", a.values == b.values)
        return Single("boolean", _bag(a) == _bag(b))
    # QTI requires equal cardinality; a one-element container against a single value is the
    # commonest authoring slip, and reading it as the element is what delivery engines do.
    single, box = (a, b) if isinstance(a, Single) else (b, a)
    return Single("boolean", len(box.values) == 1 and box.values[0] == single.value)


def _op_member(node, state):
    a, b = _args(node, state)
    if _is_null(a) or _is_null(b):
        return None
    values = b.values if isinstance(b, Container) else (b.value,)
    return Single("boolean", a.value in values)


def _op_contains(node, state):
    a, b = _args(node, state)
    if _is_null(a) or _is_null(b):
        return None
    av = a.values if isinstance(a, Container) else (a.value,)
    bv = b.values if isinstance(b, Container) else (b.value,)
    if isinstance(a, Container) and a.cardinality == "ordered":
        n = len(bv)
        return Single("boolean", any(av[i:i + n] == bv for i in range(len(av) - n + 1)))
    need, have = Counter(bv), Counter(av)
    return Single("boolean", all(have[k] >= c for k, c in need.items()))


def _op_delete(node, state):
    a, b = _args(node, state)
    if _is_null(a) or _is_null(b):
        return None
    kept = tuple(v for v in b.values if v != a.value)
    return Container(b.cardinality, b.base_type, kept) if kept else None


def _op_container_size(node, state):
    (a,) = _args(node, state)
    if _is_null(a):
        return Single("integer", 0)
    return Single("integer", len(a.values) if isinstance(a, Container) else 1)


def _op_index(node, state):
    (a,) = _args(node, state)
    n = _attr(node, "n")
    try:
        n = int(n)
    except (TypeError, ValueError) as exc:
        raise Unsupported("index: n must be a whole number (variable references are not supported)") from exc
    if _is_null(a) or not 1 <= n <= len(a.values):
        return None
    return Single(a.base_type, a.values[n - 1])


def _container_op(cardinality: str) -> Callable:
    def op(node, state):
        values: list[Any] = []
        base_type = None
        for value in _args(node, state):
            if _is_null(value):
                continue
            base_type = base_type or value.base_type
            values.extend(value.values if isinstance(value, Container) else (value.value,))
        return Container(cardinality, base_type, tuple(values)) if values else None
    return op


def _op_not(node, state):
    (a,) = _args(node, state)
    value = _bool(a)
    return None if value is None else Single("boolean", not value)


def _op_and(node, state):
    values = [_bool(v) for v in _args(node, state)]
    if any(v is False for v in values):
        return Single("boolean", False)
    if any(v is None for v in values):
        return None
    return Single("boolean", True)


def _op_or(node, state):
    values = [_bool(v) for v in _args(node, state)]
    if any(v is True for v in values):
        return Single("boolean", True)
    if any(v is None for v in values):
        return None
    return Single("boolean", False)


def _op_any_n(node, state):
    values = [_bool(v) for v in _args(node, state)]
    low, high = int(_attr(node, "min")), int(_attr(node, "max"))
    true, null = values.count(True), values.count(None)
    false = len(values) - true - null
    if false > len(values) - low or true > high:
        return Single("boolean", False)
    if true >= low and true + null <= high:
        return Single("boolean", True)  # whatever the NULLs were
    return None


def _numbers(node, state) -> list[float | int] | None:
    out: list[float | int] = []
    for value in _args(node, state):
        if _is_null(value):
            return None
        if isinstance(value, Container):
            for v in value.values:
                if not isinstance(v, (int, float)) or isinstance(v, bool):
                    raise QtiError(f"{node['op']}: a container of non-numbers")
                out.append(v)
        else:
            n = _num(value)
            out.append(n)
    return out


def _op_sum(node, state):
    values = _numbers(node, state)
    return None if values is None else _numeric(sum(values), values)


def _op_product(node, state):
    values = _numbers(node, state)
    return None if values is None else _numeric(math.prod(values), values)


def _op_subtract(node, state):
    values = _numbers(node, state)
    return None if values is None else _numeric(values[0] - values[1], values)


def _op_divide(node, state):
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("float", values[0] / values[1])


def _op_integer_divide(node, state):
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("integer", int(values[0] // values[1]))


def _op_integer_modulus(node, state):
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("integer", int(values[0] % values[1]))


def _op_power(node, state):
    values = _numbers(node, state)
    if values is None:
        return None
    try:
        result = float(values[0]) ** float(values[1])
    except (OverflowError, ZeroDivisionError):
        return None
    if isinstance(result, complex) or not math.isfinite(result):
        return None
    return Single("float", result)


def _op_min(node, state):
    values = _numbers(node, state)
    return None if not values else _numeric(min(values), values)


def _op_max(node, state):
    values = _numbers(node, state)
    return None if not values else _numeric(max(values), values)


def _compare(fn: Callable[[float, float], bool]) -> Callable:
    def op(node, state):
        values = _numbers(node, state)
        return None if values is None else Single("boolean", fn(values[0], values[1]))
    return op


def _op_equal(node, state):
    values = _numbers(node, state)
    if values is None:
        return None
    x, y = float(values[0]), float(values[1])
    mode = _attr(node, "toleranceMode", "exact")
    if mode == "exact":
        return Single("boolean", x == y)
    parts = str(_attr(node, "tolerance", "0")).split()
    try:
        t0 = float(parts[0])
        t1 = float(parts[1]) if len(parts) > 1 else t0
    except (ValueError, IndexError) as exc:
        raise Unsupported("equal: tolerance must be numbers (variable references are not supported)") from exc
    if mode == "absolute":
        low, high = x - t0, x + t1
    elif mode == "relative":
        low, high = x * (1 - t0 / 100), x * (1 + t1 / 100)
    else:
        raise Unsupported(f"equal: toleranceMode {mode!r}")
    include_low = str(_attr(node, "includeLowerBound", "true")) == "true"
    include_high = str(_attr(node, "includeUpperBound", "true")) == "true"
    eps = 1e-12 * max(1.0, abs(low), abs(high))
    above = y >= low - eps if include_low else y > low
    below = y <= high + eps if include_high else y < high
    return Single("boolean", above and below)


def _round_half_up(x: float, places: int) -> float:
    factor = 10 ** places
    return math.floor(x * factor + 0.5) / factor


def _rounded(x: float, mode: str, figures: int) -> float:
    if mode == "decimalPlaces":
        return _round_half_up(x, figures)
    if x == 0:
        return 0.0
    places = figures - int(math.floor(math.log10(abs(x)))) - 1
    return _round_half_up(x, places)


def _op_equal_rounded(node, state):
    values = _numbers(node, state)
    if values is None:
        return None
    mode = _attr(node, "roundingMode", "significantFigures")
    try:
        figures = int(_attr(node, "figures"))
    except (TypeError, ValueError) as exc:
        raise Unsupported("equalRounded: figures must be a whole number") from exc
    a, b = (_rounded(float(v), mode, figures) for v in values[:2])
    return Single("boolean", math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12))


def _op_round(node, state):
    values = _numbers(node, state)
    return None if values is None else Single("integer", int(math.floor(values[0] + 0.5)))


def _op_truncate(node, state):
    values = _numbers(node, state)
    return None if values is None else Single("integer", int(values[0]))


def _op_round_to(node, state):
    values = _numbers(node, state)
    if values is None:
        return None
    mode = _attr(node, "roundingMode", "significantFigures")
    return Single("float", _rounded(float(values[0]), mode, int(_attr(node, "figures"))))


_MATH: dict[str, Callable[[float], float]] = {
    "abs": abs, "signum": lambda x: float((x > 0) - (x < 0)), "floor": math.floor,
    "ceil": math.ceil, "sqrt": math.sqrt, "exp": math.exp, "ln": math.log, "log": math.log10,
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
}


def _op_math_operator(node, state):
    name = _attr(node, "name")
    fn = _MATH.get(name)
    if fn is None:
        raise Unsupported(f"mathOperator {name!r} is not supported")
    values = _numbers(node, state)
    if values is None:
        return None
    try:
        result = float(fn(float(values[0])))
    except (ValueError, OverflowError):
        return None
    return Single("float", result) if math.isfinite(result) else None


def _strings(node, state) -> list[str] | None:
    out = []
    for value in _args(node, state):
        if _is_null(value):
            return None
        if not isinstance(value, Single) or not isinstance(value.value, str):
            raise QtiError(f"{node['op']}: expects strings")
        out.append(value.value)
    return out


def _op_string_match(node, state):
    values = _strings(node, state)
    if values is None:
        return None
    a, b = values
    if str(_attr(node, "caseSensitive", "true")) != "true":
        a, b = a.casefold(), b.casefold()
    if str(_attr(node, "substring", "false")) == "true":
        return Single("boolean", a in b)
    return Single("boolean", a == b)


def _op_substring(node, state):
    values = _strings(node, state)
    if values is None:
        return None
    a, b = values
    if str(_attr(node, "caseSensitive", "true")) != "true":
        a, b = a.casefold(), b.casefold()
    return Single("boolean", a in b)


def _op_pattern_match(node, state):
    values = _strings(node, state)
    if values is None:
        return None
    pattern = _attr(node, "pattern", "")
    try:
        return Single("boolean", re.fullmatch(pattern, values[0]) is not None)
    except re.error as exc:
        raise Unsupported(f"patternMatch: pattern {pattern!r} is not supported ({exc})") from exc


_OPS: dict[str, Callable[[dict[str, Any], _State], Value]] = {
    "baseValue": _op_base_value, "variable": _op_variable, "correct": _op_correct,
    "default": _op_default, "mapResponse": _op_map_response, "null": _op_null,
    "isNull": _op_is_null, "match": _op_match, "member": _op_member, "contains": _op_contains,
    "delete": _op_delete, "containerSize": _op_container_size, "index": _op_index,
    "multiple": _container_op("multiple"), "ordered": _container_op("ordered"),
    "not": _op_not, "and": _op_and, "or": _op_or, "anyN": _op_any_n,
    "sum": _op_sum, "product": _op_product, "subtract": _op_subtract, "divide": _op_divide,
    "integerDivide": _op_integer_divide, "integerModulus": _op_integer_modulus,
    "power": _op_power, "min": _op_min, "max": _op_max,
    "gt": _compare(lambda a, b: a > b), "gte": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b), "lte": _compare(lambda a, b: a <= b),
    "equal": _op_equal, "equalRounded": _op_equal_rounded, "round": _op_round,
    "truncate": _op_truncate, "roundTo": _op_round_to, "mathOperator": _op_math_operator,
    "stringMatch": _op_string_match, "substring": _op_substring, "patternMatch": _op_pattern_match,
}
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
        if op == "mathOperator" and node["attrs"]["name"] not in _MATH:
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
