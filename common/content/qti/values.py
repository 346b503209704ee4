"""QTI values: NULL, single values and containers, read from QTI text or from a JSON response.

Values follow QTI's model: NULL is `None`; single values are typed Python values (a `pair` is a
sorted tuple, a `directedPair` a tuple); containers are `Container`s. An empty container or an
empty string is NULL, as QTI says. A response declaration's mapping (`mapResponse`) is read here
too. Nothing here imports our other modules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any


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



def is_null(value: Value) -> bool:
    if value is None:
        return True
    if isinstance(value, Container):
        return not value.values
    return value.value == "" or value.value is None


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
