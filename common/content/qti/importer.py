"""QTI 2.1 / 2.2 / 3.0 items and content packages → our item model, with their own scoring.

`import_paths(paths)` reads XML files, folders and `.zip` packages (with or without
`imsmanifest.xml`) and returns one `ImportedItem` per item: the QTI facts (interaction,
cardinality, base type, correct response, maximum score), the item in our model (`Item`, which
keeps the compiled response processing in `Item.qti`), and the errors that stopped it. An item
with an unsupported construct gets a clear error naming it; the other items still import.

QTI 3.0 names (`qti-choice-interaction`, `response-identifier`) are read as their QTI 2 names
(`choiceInteraction`, `responseIdentifier`), so one reader serves all three versions. Response
processing templates are recognised by name (`match_correct`, `map_response`) and expanded here;
their URLs are never fetched.
"""

from __future__ import annotations

import base64
import math
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from xml.etree.ElementTree import Element

from common.content.qti import rp
from common.content.qti.source import (
    MAX_MEDIA_BYTES,
    FileRefused,
    Source,
    SourceError,
    resolve,
)
from common.domain.content_model import ContentError
from common.domain.items import GapRef, item_from_dict

NAMESPACES = {
    "http://www.imsglobal.org/xsd/imsqti_v2p0": "2.0",
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
    "http://www.imsglobal.org/xsd/imsqtiasi_v3p0": "3.0",
}
XML_NS = "{http://www.w3.org/XML/1998/namespace}"

BLOCK_INTERACTIONS = ("choiceInteraction", "orderInteraction", "matchInteraction",
                      "associateInteraction", "gapMatchInteraction")
INLINE_INTERACTIONS = ("inlineChoiceInteraction", "textEntryInteraction")
OTHER_INTERACTIONS = (
    "extendedTextInteraction", "hottextInteraction", "hotspotInteraction", "selectPointInteraction",
    "graphicOrderInteraction", "graphicAssociateInteraction", "graphicGapMatchInteraction",
    "positionObjectInteraction", "sliderInteraction", "mediaInteraction", "uploadInteraction",
    "drawingInteraction", "customInteraction", "portableCustomInteraction", "endAttemptInteraction",
)
INTERACTIONS = BLOCK_INTERACTIONS + INLINE_INTERACTIONS + OTHER_INTERACTIONS
# The standard templates, and Common Cartridge 1.3's (what LMS exports such as Canvas's use).
TEMPLATES = ("match_correct", "map_response", "map_response_point", "CC2_match", "CC2_match_basic",
             "CC2_map_response")
MEDIA_BY_EXTENSION = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                      ".svg": "image/svg+xml"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
              "pre", "table", "tr", "thead", "tbody", "tfoot", "caption", "dl", "dt", "dd",
              "figure", "figcaption", "section", "article", "hr"}
SKIP_TAGS = {"rubricBlock", "feedbackBlock", "feedbackInline", "modalFeedback", "templateBlock",
             "templateInline", "infoControl", "stylesheet", "script", "style"}
SUPERSCRIPT = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
SUBSCRIPT = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")


class ItemRefused(Exception):
    """This item cannot be imported; collects every reason."""


@dataclass
class ImportedItem:
    file: str
    identifier: str | None
    version: str | None = None
    title: str | None = None
    language: str | None = None
    interactions: list[str] = field(default_factory=list)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    primary: str | None = None
    max_score: float | None = None
    template: str | None = None
    errors: list[str] = field(default_factory=list)
    item: Any = None  # a common.domain.items item once imported
    item_json: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.item is not None

    def summary(self) -> dict[str, Any]:
        """The object `central-scorer items import --json` prints."""
        primary = self.responses.get(self.primary or "", {})
        correct: Any = None
        if self.primary and primary:
            correct = rp.to_json(rp.declared_value(primary, primary.get("correct")))
        elif self.responses:
            correct = {k: rp.to_json(rp.declared_value(d, d.get("correct")))
                       for k, d in self.responses.items()}
        return {
            "identifier": self.identifier,
            "interaction": self.interactions[0] if self.interactions else None,
            "cardinality": primary.get("cardinality") if primary else None,
            "base_type": primary.get("base_type") if primary else None,
            "correct_response": correct,
            "max_score": self.max_score,
            "errors": list(self.errors),
            "file": self.file,
            "version": self.version,
            "title": self.title,
            "language": self.language,
            "interactions": list(self.interactions),
            "type": self.item.type.value if self.item is not None else None,
            "response_processing": self.template or ("custom" if self.responses else None),
        }


# --- reading the input -------------------------------------------------------------------------


def import_paths(paths: list[Path]) -> list[ImportedItem]:
    out: list[ImportedItem] = []
    for path in paths:
        out.extend(import_path(Path(path)))
    return out


def import_path(path: Path) -> list[ImportedItem]:
    """Every item in one file, folder or package. A refused package gives one entry whose
    errors say why (and whose identifier is None)."""
    try:
        source = Source.open(path)
    except SourceError as exc:
        return [ImportedItem(file=str(path), identifier=None, errors=[str(exc)])]
    with source:
        manifest = next((n for n in source.names if n.lower() == "imsmanifest.xml"), None)
        if manifest is None:
            manifest = next((n for n in source.names if n.lower().endswith("/imsmanifest.xml")), None)
        if manifest is not None:
            return _from_manifest(source, manifest)
        out = []
        for name in source.walk_xml():
            found = _import_file(source, name, expect_item=False)
            if found is not None:
                out.append(found)
        return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _normalise(root: Element) -> str | None:
    """Strip namespaces and read QTI 3.0 names as QTI 2 names, in place; return the version."""
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    version = NAMESPACES.get(ns)
    v3 = version == "3.0" or _local(root.tag).startswith("qti-")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el.tag)
        if v3 and name.startswith("qti-"):
            name = _camel(name[4:])
        el.tag = name
        attrs = {}
        for key, value in el.attrib.items():
            if key.startswith(XML_NS):
                attrs[key[len(XML_NS):]] = value
                continue
            local = _local(key)
            attrs[_camel(local) if v3 and "-" in local and not local.startswith("data-") else local] = value
        el.attrib.clear()
        el.attrib.update(attrs)
    return version or ("3.0" if v3 else None)


def _from_manifest(source: Source, manifest: str) -> list[ImportedItem]:
    try:
        root = source.xml(manifest)
    except FileRefused as exc:
        return [ImportedItem(file=manifest, identifier=None, errors=[str(exc)])]
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    _normalise(root)
    if root.tag != "manifest":
        return [ImportedItem(file=manifest, identifier=None,
                             errors=[f"{manifest}: the root is <{root.tag}>, not <manifest>"])]
    del ns
    out: list[ImportedItem] = []
    base = root.get("base", "")
    seen: set[str] = set()
    for resources in root.iter("resources"):
        rbase = resources.get("base", "")
        for res in resources.findall("resource"):
            kind = (res.get("type") or "").lower()
            href = res.get("href") or next((f.get("href") for f in res.findall("file")), None)
            ident = res.get("identifier")
            if kind.startswith("imsqti_xmlv1") or kind.startswith("imsqti_item_xmlv1"):
                out.append(ImportedItem(
                    file=href or manifest, identifier=ident,
                    errors=[f"resource {ident}: QTI 1.x ({res.get('type')}) is not supported; "
                            "export the items as QTI 2.1, 2.2 or 3.0"]))
                continue
            if not (kind.startswith("imsqti_item_xmlv") or kind.startswith("imsqti_apipitem")):
                continue  # tests, sections, stylesheets, pictures, metadata
            if not href:
                out.append(ImportedItem(file=manifest, identifier=ident,
                                        errors=[f"resource {ident}: no href"]))
                continue
            rel = posixpath.join(base, res.get("base", rbase), href) if (base or rbase or res.get("base")) else href
            name = resolve(manifest, rel)
            if name is None:
                out.append(ImportedItem(file=href, identifier=ident, errors=[
                    f"resource {ident}: href {href!r} points outside the package: refused"]))
                continue
            if name in seen:
                continue
            seen.add(name)
            found = _import_file(source, name, expect_item=True)
            if found is not None:
                out.append(found)
    if not out:
        out.append(ImportedItem(file=manifest, identifier=None,
                                errors=[f"{manifest}: lists no QTI item resources"]))
    return out


def _import_file(source: Source, name: str, *, expect_item: bool) -> ImportedItem | None:
    try:
        root = source.xml(name)
    except FileRefused as exc:
        return ImportedItem(file=name, identifier=None, errors=[str(exc)])
    if _local(root.tag) == "questestinterop":
        return ImportedItem(file=name, identifier=None, errors=[
            f"{name}: QTI 1.x (questestinterop) is not supported; export as QTI 2.1, 2.2 or 3.0"])
    version = _normalise(root)
    if root.tag != "assessmentItem":
        if expect_item:
            return ImportedItem(file=name, identifier=None,
                                errors=[f"{name}: the root is <{root.tag}>, not an assessment item"])
        return None
    return _import_item(root, version, source, name)


# --- one item ----------------------------------------------------------------------------------


def _import_item(root: Element, version: str | None, source: Source, name: str) -> ImportedItem:
    found = ImportedItem(file=name, identifier=root.get("identifier"), version=version,
                         title=root.get("title"), language=root.get("lang"))
    errors = found.errors
    if not found.identifier:
        errors.append(f"{name}: the item has no identifier")
    elif len(found.identifier) > 64:
        errors.append(f"identifier {found.identifier[:20]}…: longer than 64 characters")
    if version is None:
        errors.append(f"{name}: not in a QTI 2.1, 2.2 or 3.0 namespace")
    if root.find("templateDeclaration") is not None or root.find("templateProcessing") is not None:
        errors.append("templateProcessing (cloned items with random values) is not supported")

    refused: set[str] = set()
    for decl in root.findall("responseDeclaration"):
        try:
            ident, data = _response_declaration(decl)
            found.responses[ident] = data
        except ItemRefused as exc:
            errors.append(str(exc))
            refused.add(decl.get("identifier") or "")
    outcomes: dict[str, dict[str, Any]] = {}
    for decl in root.findall("outcomeDeclaration"):
        try:
            ident, data = _outcome_declaration(decl)
            outcomes[ident] = data
        except ItemRefused as exc:
            errors.append(str(exc))

    body = root.find("itemBody")
    if body is None:
        errors.append("the item has no itemBody")
        return found
    interactions = [el for el in body.iter() if el.tag in INTERACTIONS]
    found.interactions = [el.tag for el in interactions]
    for el in interactions:
        if el.tag in OTHER_INTERACTIONS:
            errors.append(f"{el.tag} is not supported (supported: "
                          f"{', '.join(BLOCK_INTERACTIONS + INLINE_INTERACTIONS)})")
    if not interactions:
        errors.append("the item has no interaction")
    for el in interactions:
        rid = el.get("responseIdentifier")
        if el.tag in ("endAttemptInteraction",):
            continue
        if not rid:
            errors.append(f"{el.tag}: no responseIdentifier")
        elif rid not in found.responses and rid not in refused:
            errors.append(f"{el.tag}: response {rid!r} is not declared")
    rids = [el.get("responseIdentifier") for el in interactions]
    if len(set(rids)) != len(rids):
        errors.append("two interactions share one response variable")
    found.primary = rids[0] if len(rids) == 1 else None

    processing = root.find("responseProcessing")
    rules: list[dict[str, Any]] = []
    if processing is None:
        errors.append("no responseProcessing: the item cannot be scored automatically")
    else:
        try:
            rules, found.template = _compile_processing(processing, found.responses, outcomes)
        except (ItemRefused, rp.QtiError) as exc:
            errors.append(str(exc))
    if errors:
        return found

    qti = {"version": version, "identifier": found.identifier, "responses": found.responses,
           "outcomes": outcomes, "rules": rules, "template": found.template,
           "response": found.primary}
    try:
        rp.check(qti)
        found.max_score = _max_score(qti, outcomes, interactions)
        qti["max_score"] = found.max_score
        media = _Media(source, name)
        data = _to_item_json(found, body, interactions, qti, media)
        errors.extend(media.errors)
        if not errors:
            found.item_json = data
            found.item = item_from_dict(data, f"item {found.identifier}")
    except (ItemRefused, rp.QtiError, ContentError) as exc:
        errors.append(str(exc))
    return found


def _values(el: Element | None) -> list[str] | None:
    if el is None:
        return None
    return [(v.text or "").strip() for v in el.findall("value")]


def _response_declaration(decl: Element) -> tuple[str, dict[str, Any]]:
    ident = decl.get("identifier")
    if not ident:
        raise ItemRefused("responseDeclaration without identifier")
    cardinality = decl.get("cardinality", "single")
    base_type = decl.get("baseType")
    if cardinality not in ("single", "multiple", "ordered"):
        raise ItemRefused(f"response {ident}: cardinality {cardinality!r} is not supported")
    if base_type not in rp.BASE_TYPES:
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
            if rp.parse_scalar(base_type, entry["key"]) is None:
                raise ItemRefused(f"response {ident}: mapKey {entry['key']!r} is not a {base_type}")
    if decl.find("areaMapping") is not None:
        data["area_mapping"] = True
    if data["correct"] is not None:
        for value in data["correct"]:
            if rp.parse_scalar(base_type, value) is None:
                raise ItemRefused(f"response {ident}: correct value {value!r} is not a {base_type}")
        if cardinality == "single" and len(data["correct"]) > 1:
            raise ItemRefused(f"response {ident}: a single response has one correct value")
    return ident, data


def _outcome_declaration(decl: Element) -> tuple[str, dict[str, Any]]:
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


def _compile_processing(el: Element, responses: dict[str, Any], outcomes: dict[str, Any]
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


def _max_score(qti: dict[str, Any], outcomes: dict[str, Any], interactions: list[Element]) -> float:
    """MAXSCORE when declared; else SCORE's normalMaximum; else what the rules give for the best
    response we can build (the correct response, the best mapped response)."""
    declared = outcomes.get("MAXSCORE")
    if declared and declared.get("default"):
        value = rp.parse_scalar("float", declared["default"][0])
        if value is not None and value > 0:
            return float(value)
    score_decl = outcomes.get("SCORE", {})
    if score_decl.get("normal_maximum"):
        return float(score_decl["normal_maximum"])
    candidates: list[dict[str, Any]] = []
    correct = {k: rp.to_json(rp.declared_value(d, d.get("correct")))
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
                best[ident] = rp.to_json(rp.make_value("single", decl["base_type"], entries[0]["key"]))
        else:
            positive = [e["key"] for e in entries if e["value"] > 0]
            limit = limits.get(ident) or len(positive)
            keys = positive[:limit]
            value = rp.make_value(decl["cardinality"], decl["base_type"], keys)
            best[ident] = rp.to_json(value)
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


# --- the item body as our model ------------------------------------------------------------------


class _Media:
    """Pictures referenced by an item, read from the package (never fetched)."""

    def __init__(self, source: Source, item_file: str):
        self.source = source
        self.item_file = item_file
        self.errors: list[str] = []

    def picture(self, el: Element) -> dict[str, Any] | None:
        src = el.get("src") if el.tag == "img" else el.get("data")
        if not src:
            return None
        if "://" in src or src.startswith("data:"):
            self.errors.append(f"picture {src[:60]!r}: external or inline pictures are not imported "
                               "(put the file in the package)")
            return None
        name = resolve(self.item_file, src)
        if name is None:
            self.errors.append(f"picture {src!r} points outside the package: refused")
            return None
        media_type = MEDIA_BY_EXTENSION.get(posixpath.splitext(name)[1].lower())
        if media_type is None:
            self.errors.append(f"picture {src!r}: only PNG, JPEG and SVG pictures are supported")
            return None
        if not self.source.exists(name):
            self.errors.append(f"picture {src!r} is not in the package")
            return None
        try:
            data = self.source.read(name, MAX_MEDIA_BYTES)
        except FileRefused as exc:
            self.errors.append(str(exc))
            return None
        out: dict[str, Any] = {"media_type": media_type, "data": base64.b64encode(data).decode(),
                               "alt": el.get("alt") or (el.text or "").strip()}
        for attr in ("width", "height"):
            value = el.get(attr)
            if value and value.isdigit():
                out[attr] = int(value)
        return out


Segment = str | GapRef


def _flatten(el: Element, on: Callable[[Element], list[Segment] | None], media: _Media,
             pictures: list[dict[str, Any]]) -> list[Segment]:
    """An element's content as text segments; `on` may replace a child element (gaps)."""
    out: list[Segment] = []

    def text(t: str | None) -> None:
        if t:
            out.append(re.sub(r"\s+", " ", t))  # source line breaks are white space, as in HTML

    def walk(node: Element) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                text(child.tail)
                continue
            replaced = on(child)
            if replaced is not None:
                out.extend(replaced)
            elif child.tag in SKIP_TAGS:
                pass
            elif child.tag == "br":
                out.append("\n")
            elif child.tag in ("img", "object"):
                picture = media.picture(child)
                if picture is not None:
                    pictures.append(picture)
            elif child.tag == "math":
                out.append(_math_text(child))
            elif child.tag in BLOCK_TAGS:
                out.append("\n\n")
                text(child.text)
                walk(child)
                out.append("\n\n")
            elif child.tag in ("td", "th"):
                text(child.text)
                walk(child)
                out.append(" | ")
            elif child.tag == "sup":
                out.append("".join(child.itertext()).translate(SUPERSCRIPT))
            elif child.tag == "sub":
                out.append("".join(child.itertext()).translate(SUBSCRIPT))
            else:
                text(child.text)
                walk(child)
            text(child.tail)

    text(el.text)
    walk(el)
    return _tidy(out)


def _tidy(parts: list[Segment]) -> list[Segment]:
    """Collapse white space, keep our line and paragraph breaks, keep one space beside a gap."""
    merged: list[Segment] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    out: list[Segment] = []
    for part in merged:
        if isinstance(part, str):
            text = re.sub(r"[ ]*\|[ ]*(?=\n|$)", "", part)  # the separator after a row's last cell
            text = re.sub(r"[ ]*\n[ \n]*", lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", text)
            text = re.sub(r" {2,}", " ", text)
            out.append(text)
        else:
            out.append(part)
    while out and isinstance(out[0], str) and not out[0].strip():
        out.pop(0)
    while out and isinstance(out[-1], str) and not out[-1].strip():
        out.pop()
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return [p for p in out if not (isinstance(p, str) and p == "")]


def _math_text(el: Element) -> str:
    tag = el.tag
    kids = [k for k in el if isinstance(k.tag, str)]
    if tag in ("mn", "mi", "mo", "mtext", "ms"):
        return (el.text or "").strip()
    if tag == "msup" and len(kids) == 2:
        return _math_text(kids[0]) + _math_text(kids[1]).translate(SUPERSCRIPT)
    if tag == "msub" and len(kids) == 2:
        return _math_text(kids[0]) + _math_text(kids[1]).translate(SUBSCRIPT)
    if tag == "mfrac" and len(kids) == 2:
        return f"{_math_text(kids[0])}/{_math_text(kids[1])}"
    if tag == "msqrt":
        return "√(" + "".join(_math_text(k) for k in kids) + ")"
    if tag in ("annotation", "annotation-xml"):
        return ""
    if tag == "semantics" and kids:
        return _math_text(kids[0])
    return "".join(_math_text(k) for k in kids) or (el.text or "").strip()


def _plain(segments: list[Segment]) -> str:
    return "".join(s if isinstance(s, str) else "____" for s in segments).strip()


def _choices(interaction: Element, tag: str, media: _Media) -> list[dict[str, Any]]:
    out = []
    for choice in interaction.iter(tag):
        pictures: list[dict[str, Any]] = []
        text = _plain(_flatten(choice, lambda e: None, media, pictures))
        entry: dict[str, Any] = {"id": choice.get("identifier", ""), "text": text}
        if pictures:
            entry["image"] = pictures[0]
        if tag in ("simpleAssociableChoice", "gapText"):
            entry["max_uses"] = int(choice.get("matchMax", "1") or 0)
        out.append(entry)
    return out


def _to_item_json(found: ImportedItem, body: Element, interactions: list[Element],
                  qti: dict[str, Any], media: _Media) -> dict[str, Any]:
    kinds = {el.tag for el in interactions}
    block = [el for el in interactions if el.tag in BLOCK_INTERACTIONS]
    inline = [el for el in interactions if el.tag in INLINE_INTERACTIONS]
    if block and inline or len(block) > 1:
        raise ItemRefused(f"an item with several interactions of different kinds ({', '.join(sorted(kinds))}) "
                          "is not supported")
    pictures: list[dict[str, Any]] = []
    meta = {"source": "qti", "qti_version": found.version, "qti_identifier": found.identifier,
            "file": found.file}
    if found.title:
        meta["title"] = found.title
    if found.language:
        meta["language"] = found.language
    data: dict[str, Any] = {"id": found.identifier, "points": qti["max_score"], "qti": qti,
                            "metadata": meta}

    if block:
        (interaction,) = block
        rid = interaction.get("responseIdentifier")
        decl = found.responses[rid]
        stem = _plain(_flatten(body, lambda e: [] if e is interaction else None, media, pictures))
        own = interaction.find("prompt")
        own_text = _plain(_flatten(own, lambda e: None, media, pictures)) if own is not None else ""
        data["prompt"] = "\n\n".join(t for t in (stem, own_text) if t)
        correct = decl.get("correct") or []
        tag = interaction.tag
        if tag == "choiceInteraction":
            _expect(decl, rid, ("single", "multiple"), ("identifier",))
            data["type"] = "single_choice" if decl["cardinality"] == "single" else "multiple_choice"
            data["options"] = _choices(interaction, "simpleChoice", media)
            data["correct"] = correct
            if decl["cardinality"] == "multiple":
                data["max_choices"] = int(interaction.get("maxChoices", "0") or 0)
                data["min_choices"] = int(interaction.get("minChoices", "0") or 0)
        elif tag == "orderInteraction":
            _expect(decl, rid, ("ordered",), ("identifier",))
            data["type"] = "ordering"
            data["options"] = _choices(interaction, "simpleChoice", media)
            data["correct"] = correct if len(correct) == len(data["options"]) else []
        elif tag == "matchInteraction":
            _expect(decl, rid, ("multiple", "single"), ("directedPair",))
            sets = interaction.findall("simpleMatchSet")
            if len(sets) != 2:
                raise ItemRefused("matchInteraction needs exactly two simpleMatchSets")
            data["type"] = "matching"
            data["left"] = [{"id": c["id"], "text": c["text"], **({"image": c["image"]} if "image" in c else {})}
                            for c in _choices(sets[0], "simpleAssociableChoice", media)]
            data["right"] = [{"id": c["id"], "text": c["text"], **({"image": c["image"]} if "image" in c else {})}
                             for c in _choices(sets[1], "simpleAssociableChoice", media)]
            data["max_per_left"] = _match_max(sets[0])
            data["max_per_right"] = _match_max(sets[1])
            data["correct"] = [v.split() for v in correct]
        elif tag == "associateInteraction":
            _expect(decl, rid, ("multiple", "single"), ("pair",))
            data["type"] = "association"
            data["options"] = _choices(interaction, "simpleAssociableChoice", media)
            data["max_associations"] = int(interaction.get("maxAssociations", "1") or 0)
            data["correct"] = [v.split() for v in correct]
        elif tag == "gapMatchInteraction":
            _expect(decl, rid, ("multiple", "single"), ("directedPair",))
            if interaction.find(".//gapImg") is not None:
                raise ItemRefused("gapMatchInteraction with gapImg (picture choices) is not supported")
            data["type"] = "gap_match"
            data["choices"] = _choices(interaction, "gapText", media)
            gaps: list[dict[str, Any]] = []

            def on_gap(e: Element) -> list[Segment] | None:
                if e.tag == "gap":
                    gaps.append({"id": e.get("identifier", "")})
                    return [GapRef(gap=e.get("identifier", ""))]
                if e.tag in ("gapText", "gapImg", "prompt"):
                    return []
                return None

            segments = _flatten(interaction, on_gap, media, pictures)
            data["segments"] = [s if isinstance(s, str) else {"gap": s.gap} for s in segments]
            data["gaps"] = gaps
            data["correct"] = {v.split()[1]: v.split()[0] for v in correct if len(v.split()) == 2}
    else:
        data.update(_inline_item(found, body, inline, media, pictures))
    if len(pictures) > 1:
        raise ItemRefused("more than one picture in the item body is not supported")
    if pictures:
        data["image"] = pictures[0]
    return data


def _match_max(match_set: Element) -> int:
    values = [int(c.get("matchMax", "1") or 0) for c in match_set.iter("simpleAssociableChoice")]
    if not values:
        return 1
    return 0 if 0 in values else max(values)


def _expect(decl: dict[str, Any], rid: str, cardinalities: tuple[str, ...],
            base_types: tuple[str, ...]) -> None:
    if decl["cardinality"] not in cardinalities or decl["base_type"] not in base_types:
        raise ItemRefused(f"response {rid}: {decl['cardinality']} {decl['base_type']} does not fit "
                          f"the interaction (expected {'/'.join(cardinalities)} {'/'.join(base_types)})")


def _inline_item(found: ImportedItem, body: Element, inline: list[Element], media: _Media,
                 pictures: list[dict[str, Any]]) -> dict[str, Any]:
    gaps: list[dict[str, Any]] = []

    def on(e: Element) -> list[Segment] | None:
        if e.tag not in INLINE_INTERACTIONS:
            return None
        rid = e.get("responseIdentifier", "")
        decl = found.responses[rid]
        if decl["cardinality"] != "single":
            raise ItemRefused(f"{e.tag} {rid}: only single-cardinality responses are supported")
        correct = decl.get("correct") or []
        if e.tag == "inlineChoiceInteraction":
            _expect(decl, rid, ("single",), ("identifier",))
            options = [{"id": c.get("identifier", ""), "text": _plain(_flatten(c, lambda x: None, media, []))}
                       for c in e.iter("inlineChoice")]
            gap: dict[str, Any] = {"id": rid, "options": options}
            if correct:
                gap["correct"] = correct[0]
        else:
            _expect(decl, rid, ("single",), ("string", "integer", "float"))
            numeric = decl["base_type"] in ("integer", "float")
            gap = {"id": rid, "input": "numeric" if numeric else "text"}
            if e.get("expectedLength", "").isdigit():
                gap["expected_length"] = int(e.get("expectedLength"))
            keys = list(correct)
            for entry in (decl.get("mapping") or {}).get("entries", []):
                if entry["value"] > 0 and entry["key"] not in keys:
                    keys.append(entry["key"])
            if numeric:
                values = [rp.parse_scalar("float", k) for k in keys]
                values = [v for v in values if v is not None]
                if values:
                    gap["value"] = values[0]
            elif keys:
                gap["accepted"] = keys
        gaps.append(gap)
        return [GapRef(gap=rid)]

    segments = _flatten(body, on, media, pictures)
    if len(gaps) == 1 and "options" not in gaps[0]:
        # one typed answer: a text or numeric item; the gap stays visible in the prompt
        gap = gaps[0]
        prompt_parts = list(segments)
        if prompt_parts and isinstance(prompt_parts[-1], GapRef):
            prompt_parts.pop()
        out: dict[str, Any] = {"prompt": _plain(prompt_parts)}
        if gap["input"] == "numeric":
            out.update(type="numeric", value=gap.get("value"), tolerance=0.0)
        else:
            out.update(type="text_entry", accepted=gap.get("accepted", []))
            if "expected_length" in gap:
                out["max_length"] = max(gap["expected_length"] * 4, 20)
        return out
    return {"type": "inline_choice", "prompt": "",
            "segments": [s if isinstance(s, str) else {"gap": s.gap} for s in segments],
            "gaps": gaps}
