"""An item's variable declarations and `<responseProcessing>`, XML → the JSON form `rp` evaluates.

Response processing templates are recognised by name (`match_correct`, `map_response`, Common
Cartridge's `CC2_*`) and expanded here; their URLs are never fetched. Custom rules are compiled
operator by operator; anything `rp` cannot run is refused naming the construct. The item's
maximum score is found here too (MAXSCORE, SCORE's normalMaximum, or the best response).
"""

from __future__ import annotations

import math
import re
from typing import Any
from xml.etree.ElementTree import Element

from common.content.qti import rp
from common.content.qti.imported import ItemRefused
from common.content.qti.values import BASE_TYPES, declared_value, make_value, parse_scalar, to_json

# The standard templates, and Common Cartridge 1.3's (what LMS exports such as Canvas's use).
TEMPLATES = ("match_correct", "map_response", "map_response_point", "CC2_match", "CC2_match_basic",
             "CC2_map_response")


def _values(el: Element | None) -> list[str] | None:
    if el is None:
        return None
    return [(v.text or "").strip() for v in el.findall("value")]


def response_declaration(decl: Element) -> tuple[str, dict[str, Any]]:
    ident = decl.get("identifier")
    if not ident:
        raise ItemRefused("responseDeclaration without identifier")
    cardinality = decl.get("cardinality", "single")
    base_type = decl.get("baseType")
    if cardinality not in ("single", "multiple", "ordered"):
        raise ItemRefused(f"response {ident}: cardinality {cardinality!r} is not supported")
    if base_type not in BASE_TYPES:
        raise ItemRefused(f"response {ident}: baseType {base_type!r} is not supported")
    data: dict[str, Any] = {"cardinality": cardinality, "base_type": base_type,
                            "correct": _values(decl.find("correctResponse"))}
    mapping = decl.find("mapping")
    if mapping is not None:
        try:
            data["mapping"] = {
                "default": float(mapping.get("defaultValue", "0")),
                "lower": None if mapping.get("lowerBound") is None else float(mapping.get("lowerBound")),
                "upper": None if mapping.get("upperBound") is None else float(mapping.get("upperBound")),
                "entries": [{"key": e.get("mapKey", ""), "value": float(e.get("mappedValue", "0")),
                             "case_sensitive": e.get("caseSensitive", "true") != "false"}
                            for e in mapping.findall("mapEntry")],
            }
        except ValueError as exc:
            raise ItemRefused(f"response {ident}: mapping values must be numbers ({exc})") from exc
        for entry in data["mapping"]["entries"]:
            if parse_scalar(base_type, entry["key"]) is None:
                raise ItemRefused(f"response {ident}: mapKey {entry['key']!r} is not a {base_type}")
    if decl.find("areaMapping") is not None:
        data["area_mapping"] = True
    if data["correct"] is not None:
        for value in data["correct"]:
            if parse_scalar(base_type, value) is None:
                raise ItemRefused(f"response {ident}: correct value {value!r} is not a {base_type}")
        if cardinality == "single" and len(data["correct"]) > 1:
            raise ItemRefused(f"response {ident}: a single response has one correct value")
    return ident, data


def outcome_declaration(decl: Element) -> tuple[str, dict[str, Any]]:
    ident = decl.get("identifier")
    if not ident:
        raise ItemRefused("outcomeDeclaration without identifier")
    cardinality = decl.get("cardinality", "single")
    base_type = decl.get("baseType")
    if cardinality == "record":
        raise ItemRefused(f"outcome {ident}: record cardinality is not supported")
    data: dict[str, Any] = {"cardinality": cardinality, "base_type": base_type,
                            "default": _values(decl.find("defaultValue"))}
    for attr, key in (("normalMaximum", "normal_maximum"), ("normalMinimum", "normal_minimum")):
        if decl.get(attr) is not None:
            try:
                data[key] = float(decl.get(attr))
            except ValueError as exc:
                raise ItemRefused(f"outcome {ident}: {attr} must be a number") from exc
    return ident, data


# --- response processing -----------------------------------------------------------------------


def template_name(url: str) -> str | None:
    """`match_correct` from any of QTI's template URLs (2.0, 2.1, 2.2, 3.0, with or without .xml)."""
    last = url.strip().rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.xml$", "", last, flags=re.IGNORECASE)
    return last if last in TEMPLATES else None


def _var(ident: str) -> dict[str, Any]:
    return {"op": "variable", "attrs": {"identifier": ident}, "args": []}


def _set(ident: str, expr: dict[str, Any]) -> dict[str, Any]:
    return {"rule": "setOutcomeValue", "identifier": ident, "expr": expr}


def _float(text: str) -> dict[str, Any]:
    return {"op": "baseValue", "attrs": {"baseType": "float"}, "args": [], "text": text}


def _feedback(ident: str, right: str, wrong: str, test: dict[str, Any]) -> dict[str, Any]:
    def value(text: str) -> dict[str, Any]:
        return {"op": "baseValue", "attrs": {"baseType": "identifier"}, "args": [], "text": text}

    return {"rule": "responseCondition", "branches": [
        {"if": test, "then": [_set(ident, value(right))]}, {"else": [_set(ident, value(wrong))]}]}


def expand_template(name: str, outcomes: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The standard templates as rules (QTI 2.1 Information Model §5.3; Common Cartridge's CC2_*
    set the same SCORE, and their feedback outcomes only when the item declares them)."""
    outcomes = outcomes or {}
    matches = {"op": "match", "attrs": {}, "args": [
        _var("RESPONSE"), {"op": "correct", "attrs": {"identifier": "RESPONSE"}, "args": []}]}
    if name in ("match_correct", "CC2_match"):
        return [{"rule": "responseCondition", "branches": [
            {"if": matches, "then": [_set("SCORE", _float("1"))]},
            {"else": [_set("SCORE", _float("0"))]}]}]
    if name == "CC2_match_basic":
        if "MAXSCORE" not in outcomes:
            raise ItemRefused("template CC2_match_basic needs a MAXSCORE outcome")
        rules = [{"rule": "responseCondition", "branches": [
            {"if": matches, "then": [_set("SCORE", _var("MAXSCORE"))]}]}]
        if "FEEDBACKBASIC" in outcomes:
            rules.append(_feedback("FEEDBACKBASIC", "correct", "incorrect", matches))
        return rules
    if name in ("map_response", "CC2_map_response"):
        rules = [{"rule": "responseCondition", "branches": [
            {"if": {"op": "isNull", "attrs": {}, "args": [_var("RESPONSE")]},
             "then": [_set("SCORE", _float("0"))]},
            {"else": [_set("SCORE", {"op": "mapResponse", "attrs": {"identifier": "RESPONSE"},
                                     "args": []})]}]}]
        if name == "CC2_map_response" and "FEEDBACK" in outcomes and "MAXSCORE" in outcomes:
            full = {"op": "equal", "attrs": {"toleranceMode": "exact"},
                    "args": [_var("MAXSCORE"), _var("SCORE")]}
            rules.append(_feedback("FEEDBACK", "correct", "incorrect", full))
        return rules
    raise ItemRefused(f"response processing template {name} is not supported "
                      "(graphic items with area mappings)")


def compile_processing(el: Element, responses: dict[str, Any], outcomes: dict[str, Any]
                        ) -> tuple[list[dict[str, Any]], str | None]:
    url = el.get("template") or el.get("templateLocation")
    children = [c for c in el if isinstance(c.tag, str)]
    if children:
        return _rules(children, "responseProcessing"), None
    if not url:
        raise ItemRefused("responseProcessing is empty")
    name = template_name(url)
    if name is None:
        raise ItemRefused(f"response processing template {url!r} is not a standard template "
                          "(match_correct, map_response); templates are never fetched")
    if "RESPONSE" not in responses:
        raise ItemRefused(f"template {name} needs a response variable named RESPONSE")
    if "map_response" in name and name != "map_response_point" and responses["RESPONSE"].get("mapping") is None:
        raise ItemRefused(f"template {name} needs a mapping on RESPONSE")
    if "match" in name and responses["RESPONSE"].get("correct") is None:
        raise ItemRefused(f"template {name} needs a correctResponse on RESPONSE")
    outcomes.setdefault("SCORE", {"cardinality": "single", "base_type": "float", "default": None})
    return expand_template(name, outcomes), name


def _rules(elements: list[Element], where: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for el in elements:
        tag = el.tag
        here = f"{where}/{tag}"
        if tag == "responseCondition":
            branches = []
            for part in el:
                if part.tag in ("responseIf", "responseElseIf"):
                    kids = [k for k in part if isinstance(k.tag, str)]
                    if not kids:
                        raise ItemRefused(f"{here}/{part.tag}: needs a condition")
                    branches.append({"if": _expr(kids[0], f"{here}/{part.tag}"),
                                     "then": _rules(kids[1:], f"{here}/{part.tag}")})
                elif part.tag == "responseElse":
                    branches.append({"else": _rules([k for k in part if isinstance(k.tag, str)],
                                                    f"{here}/responseElse")})
            if not branches or "if" not in branches[0]:
                raise ItemRefused(f"{here}: must begin with responseIf")
            out.append({"rule": "responseCondition", "branches": branches})
        elif tag == "setOutcomeValue":
            kids = [k for k in el if isinstance(k.tag, str)]
            if len(kids) != 1:
                raise ItemRefused(f"{here}: needs exactly one expression")
            out.append(_set(el.get("identifier", ""), _expr(kids[0], here)))
        elif tag == "exitResponse":
            out.append({"rule": "exitResponse"})
        elif tag == "responseProcessingFragment":
            out.extend(_rules([k for k in el if isinstance(k.tag, str)], here))
        else:
            raise ItemRefused(f"{here}: the rule <{tag}> is not supported")
    return out


def _expr(el: Element, where: str) -> dict[str, Any]:
    tag = el.tag
    if tag not in rp.OPERATORS:
        raise ItemRefused(f"{where}: the operator <{tag}> is not supported")
    node: dict[str, Any] = {"op": tag, "attrs": dict(el.attrib),
                            "args": [_expr(k, f"{where}/{tag}") for k in el if isinstance(k.tag, str)]}
    if tag == "baseValue":
        node["text"] = (el.text or "").strip()
    return node


def max_score(qti: dict[str, Any], outcomes: dict[str, Any], interactions: list[Element]) -> float:
    """MAXSCORE when declared; else SCORE's normalMaximum; else what the rules give for the best
    response we can build (the correct response, the best mapped response)."""
    declared = outcomes.get("MAXSCORE")
    if declared and declared.get("default"):
        value = parse_scalar("float", declared["default"][0])
        if value is not None and value > 0:
            return float(value)
    score_decl = outcomes.get("SCORE", {})
    if score_decl.get("normal_maximum"):
        return float(score_decl["normal_maximum"])
    candidates: list[dict[str, Any]] = []
    correct = {k: to_json(declared_value(d, d.get("correct")))
               for k, d in qti["responses"].items() if d.get("correct") is not None}
    if correct:
        candidates.append(correct)
    best = {}
    limits = {el.get("responseIdentifier"): int(el.get("maxChoices") or el.get("maxAssociations") or 0)
              for el in interactions}
    for ident, decl in qti["responses"].items():
        mapping = decl.get("mapping")
        if not mapping:
            continue
        entries = sorted(mapping["entries"], key=lambda e: -e["value"])
        if decl["cardinality"] == "single":
            if entries:
                best[ident] = to_json(make_value("single", decl["base_type"], entries[0]["key"]))
        else:
            positive = [e["key"] for e in entries if e["value"] > 0]
            limit = limits.get(ident) or len(positive)
            keys = positive[:limit]
            value = make_value(decl["cardinality"], decl["base_type"], keys)
            best[ident] = to_json(value)
    if best:
        candidates.append({**correct, **best})
    scores = [rp.score(qti, c) for c in candidates]
    top = max(scores, default=0.0)
    if not math.isfinite(top) or top <= 0:
        if not _sets_score(qti["rules"]):
            raise ItemRefused("its response processing never sets SCORE (no setOutcomeValue for "
                              "SCORE), so every response would score 0")
        raise ItemRefused("the item's maximum score cannot be determined (no correct response "
                          "or mapping scores above 0; declare a MAXSCORE outcome)")
    return round(top, 6)


def _sets_score(rules: list[dict[str, Any]]) -> bool:
    for rule in rules:
        if rule["rule"] == "setOutcomeValue" and rule["identifier"] == "SCORE":
            return True
        if rule["rule"] == "responseCondition" and any(
                _sets_score(b.get("then", b.get("else", []))) for b in rule["branches"]):
            return True
    return False
