"""QTI's arithmetic: sums, products, comparisons, equality with tolerance, rounding, mathOperator.

Operators as in `common.content.qti.operators`: functions of their node and the processing's
`Scope`. NULL in gives NULL out, as QTI says; a value that is not a number is an error.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from common.content.qti.operators import Operator, Scope, attr
from common.content.qti.values import Container, QtiError, Single, Unsupported, Value, is_null


def _num(value: Value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Single) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    raise QtiError("a numeric operator got a value that is not a single number")


def _numeric(result: float | int, operands: list[Any]) -> Single:
    if all(isinstance(v, int) for v in operands) and isinstance(result, int):
        return Single("integer", result)
    return Single("float", float(result))


def _numbers(node: dict[str, Any], state: Scope) -> list[float | int] | None:
    out: list[float | int] = []
    for value in state.args(node):
        if is_null(value):
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


def _op_sum(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if values is None else _numeric(sum(values), values)


def _op_product(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if values is None else _numeric(math.prod(values), values)


def _op_subtract(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if values is None else _numeric(values[0] - values[1], values)


def _op_divide(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("float", values[0] / values[1])


def _op_integer_divide(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("integer", int(values[0] // values[1]))


def _op_integer_modulus(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None or values[1] == 0:
        return None
    return Single("integer", int(values[0] % values[1]))


def _op_power(node: dict[str, Any], state: Scope) -> Value:
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


def _op_min(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if not values else _numeric(min(values), values)


def _op_max(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if not values else _numeric(max(values), values)


def _compare(fn: Callable[[float, float], bool]) -> Callable:
    def op(node: dict[str, Any], state: Scope) -> Value:
        values = _numbers(node, state)
        return None if values is None else Single("boolean", fn(values[0], values[1]))
    return op


def _op_equal(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None:
        return None
    x, y = float(values[0]), float(values[1])
    mode = attr(node, "toleranceMode", "exact")
    if mode == "exact":
        return Single("boolean", x == y)
    parts = str(attr(node, "tolerance", "0")).split()
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
    include_low = str(attr(node, "includeLowerBound", "true")) == "true"
    include_high = str(attr(node, "includeUpperBound", "true")) == "true"
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


def _op_equal_rounded(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None:
        return None
    mode = attr(node, "roundingMode", "significantFigures")
    try:
        figures = int(attr(node, "figures"))
    except (TypeError, ValueError) as exc:
        raise Unsupported("equalRounded: figures must be a whole number") from exc
    a, b = (_rounded(float(v), mode, figures) for v in values[:2])
    return Single("boolean", math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12))


def _op_round(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if values is None else Single("integer", int(math.floor(values[0] + 0.5)))


def _op_truncate(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    return None if values is None else Single("integer", int(values[0]))


def _op_round_to(node: dict[str, Any], state: Scope) -> Value:
    values = _numbers(node, state)
    if values is None:
        return None
    mode = attr(node, "roundingMode", "significantFigures")
    return Single("float", _rounded(float(values[0]), mode, int(attr(node, "figures"))))


MATH_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "abs": abs, "signum": lambda x: float((x > 0) - (x < 0)), "floor": math.floor,
    "ceil": math.ceil, "sqrt": math.sqrt, "exp": math.exp, "ln": math.log, "log": math.log10,
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
}


def _op_math_operator(node: dict[str, Any], state: Scope) -> Value:
    name = attr(node, "name")
    fn = MATH_FUNCTIONS.get(name)
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


OPERATORS: dict[str, Operator] = {
    "sum": _op_sum, "product": _op_product, "subtract": _op_subtract, "divide": _op_divide,
    "integerDivide": _op_integer_divide, "integerModulus": _op_integer_modulus,
    "power": _op_power, "min": _op_min, "max": _op_max,
    "gt": _compare(lambda a, b: a > b), "gte": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b), "lte": _compare(lambda a, b: a <= b),
    "equal": _op_equal, "equalRounded": _op_equal_rounded, "round": _op_round,
    "truncate": _op_truncate, "roundTo": _op_round_to, "mathOperator": _op_math_operator,
}
