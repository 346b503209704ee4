"""QTI operators on variables, containers, logic and strings, evaluated from their JSON form.

Each operator is a function of its node (`{"op", "attrs", "args", "text"}`) and of the processing
under way (`Scope`: the declarations, the variables' values, and how to evaluate a sub-expression).
The arithmetic operators are `common.content.qti.arithmetic`; `common.content.qti.rp` runs them.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable, Protocol

from common.content.qti.values import (
    Container,
    QtiError,
    Single,
    Unsupported,
    Value,
    declared_value,
    is_null,
    map_value,
    parse_scalar,
)


class Scope(Protocol):
    """What an operator sees of the response processing under way."""

    qti: dict[str, Any]
    declared: dict[str, dict[str, Any]]
    values: dict[str, Value]

    def args(self, node: dict[str, Any]) -> list[Value]:
        """The node's sub-expressions, evaluated."""
        ...


Operator = Callable[[dict[str, Any], Scope], Value]


def attr(node: dict[str, Any], name: str, default: Any = None) -> Any:
    return node.get("attrs", {}).get(name, default)


def _bool(value: Value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, Single) and isinstance(value.value, bool):
        return value.value
    raise QtiError("a boolean operator got a value that is not a single boolean")


def _bag(value: Container) -> Counter:
    return Counter(value.values)


def _op_base_value(node: dict[str, Any], state: Scope) -> Value:
    base_type = attr(node, "baseType")
    value = parse_scalar(base_type, node.get("text", ""))
    if value is None:
        raise QtiError(f"baseValue: {node.get('text')!r} is not a {base_type}")
    return Single(base_type, value)


def _op_variable(node: dict[str, Any], state: Scope) -> Value:
    ident = attr(node, "identifier")
    if ident not in state.values:
        raise QtiError(f"variable: {ident!r} is not declared")
    return state.values[ident]


def _op_correct(node: dict[str, Any], state: Scope) -> Value:
    ident = attr(node, "identifier")
    decl = state.qti.get("responses", {}).get(ident)
    if decl is None:
        raise QtiError(f"correct: {ident!r} is not a response variable")
    return declared_value(decl, decl.get("correct"))


def _op_default(node: dict[str, Any], state: Scope) -> Value:
    ident = attr(node, "identifier")
    decl = state.declared.get(ident)
    if decl is None:
        raise QtiError(f"default: {ident!r} is not declared")
    return declared_value(decl, decl.get("default"))


def _op_map_response(node: dict[str, Any], state: Scope) -> Value:
    ident = attr(node, "identifier")
    decl = state.qti.get("responses", {}).get(ident)
    if decl is None:
        raise QtiError(f"mapResponse: {ident!r} is not a response variable")
    return Single("float", map_value(decl, state.values.get(ident)))


def _op_null(node: dict[str, Any], state: Scope) -> Value:
    return None


def _op_is_null(node: dict[str, Any], state: Scope) -> Value:
    (value,) = state.args(node)
    return Single("boolean", is_null(value))


def _values_equal(a: Single, b: Single) -> bool:
    x, y = a.value, b.value
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return float(x) == float(y)
    return x == y


def _op_match(node: dict[str, Any], state: Scope) -> Value:
    a, b = state.args(node)
    if is_null(a) or is_null(b):
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


def _op_member(node: dict[str, Any], state: Scope) -> Value:
    a, b = state.args(node)
    if is_null(a) or is_null(b):
        return None
    values = b.values if isinstance(b, Container) else (b.value,)
    return Single("boolean", a.value in values)


def _op_contains(node: dict[str, Any], state: Scope) -> Value:
    a, b = state.args(node)
    if is_null(a) or is_null(b):
        return None
    av = a.values if isinstance(a, Container) else (a.value,)
    bv = b.values if isinstance(b, Container) else (b.value,)
    if isinstance(a, Container) and a.cardinality == "ordered":
        n = len(bv)
        return Single("boolean", any(av[i:i + n] == bv for i in range(len(av) - n + 1)))
    need, have = Counter(bv), Counter(av)
    return Single("boolean", all(have[k] >= c for k, c in need.items()))


def _op_delete(node: dict[str, Any], state: Scope) -> Value:
    a, b = state.args(node)
    if is_null(a) or is_null(b):
        return None
    kept = tuple(v for v in b.values if v != a.value)
    return Container(b.cardinality, b.base_type, kept) if kept else None


def _op_container_size(node: dict[str, Any], state: Scope) -> Value:
    (a,) = state.args(node)
    if is_null(a):
        return Single("integer", 0)
    return Single("integer", len(a.values) if isinstance(a, Container) else 1)


def _op_index(node: dict[str, Any], state: Scope) -> Value:
    (a,) = state.args(node)
    n = attr(node, "n")
    try:
        n = int(n)
    except (TypeError, ValueError) as exc:
        raise Unsupported("index: n must be a whole number (variable references are not supported)") from exc
    if is_null(a) or not 1 <= n <= len(a.values):
        return None
    return Single(a.base_type, a.values[n - 1])


def _container_op(cardinality: str) -> Callable:
    def op(node: dict[str, Any], state: Scope) -> Value:
        values: list[Any] = []
        base_type = None
        for value in state.args(node):
            if is_null(value):
                continue
            base_type = base_type or value.base_type
            values.extend(value.values if isinstance(value, Container) else (value.value,))
        return Container(cardinality, base_type, tuple(values)) if values else None
    return op


def _op_not(node: dict[str, Any], state: Scope) -> Value:
    (a,) = state.args(node)
    value = _bool(a)
    return None if value is None else Single("boolean", not value)


def _op_and(node: dict[str, Any], state: Scope) -> Value:
    values = [_bool(v) for v in state.args(node)]
    if any(v is False for v in values):
        return Single("boolean", False)
    if any(v is None for v in values):
        return None
    return Single("boolean", True)


def _op_or(node: dict[str, Any], state: Scope) -> Value:
    values = [_bool(v) for v in state.args(node)]
    if any(v is True for v in values):
        return Single("boolean", True)
    if any(v is None for v in values):
        return None
    return Single("boolean", False)


def _op_any_n(node: dict[str, Any], state: Scope) -> Value:
    values = [_bool(v) for v in state.args(node)]
    low, high = int(attr(node, "min")), int(attr(node, "max"))
    true, null = values.count(True), values.count(None)
    false = len(values) - true - null
    if false > len(values) - low or true > high:
        return Single("boolean", False)
    if true >= low and true + null <= high:
        return Single("boolean", True)  # whatever the NULLs were
    return None

def _strings(node: dict[str, Any], state: Scope) -> list[str] | None:
    out = []
    for value in state.args(node):
        if is_null(value):
            return None
        if not isinstance(value, Single) or not isinstance(value.value, str):
            raise QtiError(f"{node['op']}: expects strings")
        out.append(value.value)
    return out


def _op_string_match(node: dict[str, Any], state: Scope) -> Value:
    values = _strings(node, state)
    if values is None:
        return None
    a, b = values
    if str(attr(node, "caseSensitive", "true")) != "true":
        a, b = a.casefold(), b.casefold()
    if str(attr(node, "substring", "false")) == "true":
        return Single("boolean", a in b)
    return Single("boolean", a == b)


def _op_substring(node: dict[str, Any], state: Scope) -> Value:
    values = _strings(node, state)
    if values is None:
        return None
    a, b = values
    if str(attr(node, "caseSensitive", "true")) != "true":
        a, b = a.casefold(), b.casefold()
    return Single("boolean", a in b)


def _op_pattern_match(node: dict[str, Any], state: Scope) -> Value:
    values = _strings(node, state)
    if values is None:
        return None
    pattern = attr(node, "pattern", "")
    try:
        return Single("boolean", re.fullmatch(pattern, values[0]) is not None)
    except re.error as exc:
        raise Unsupported(f"patternMatch: pattern {pattern!r} is not supported ({exc})") from exc


OPERATORS: dict[str, Operator] = {
    "baseValue": _op_base_value, "variable": _op_variable, "correct": _op_correct,
    "default": _op_default, "mapResponse": _op_map_response, "null": _op_null,
    "isNull": _op_is_null, "match": _op_match, "member": _op_member, "contains": _op_contains,
    "delete": _op_delete, "containerSize": _op_container_size, "index": _op_index,
    "multiple": _container_op("multiple"), "ordered": _container_op("ordered"),
    "not": _op_not, "and": _op_and, "or": _op_or, "anyN": _op_any_n,
    "stringMatch": _op_string_match, "substring": _op_substring, "patternMatch": _op_pattern_match,
}
