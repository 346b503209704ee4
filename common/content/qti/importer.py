"""QTI 2.1 / 2.2 / 3.0 items and content packages → our item model, with their own scoring.

`import_paths(paths)` reads XML files, folders and `.zip` packages (with or without
`imsmanifest.xml`) and returns one `ImportedItem` per item: the QTI facts (interaction,
cardinality, base type, correct response, maximum score), the item in our model
(`common.domain.items`, which keeps the compiled response processing in `qti`), and the errors
that stopped it. An item with an unsupported construct gets a clear error naming it; the other
items still import.

QTI 3.0 names (`qti-choice-interaction`, `response-identifier`) are read as their QTI 2 names
(`choiceInteraction`, `responseIdentifier`), so one reader serves all three versions. The
declarations and response processing are compiled by `compiler` (templates recognised by name,
never fetched), the body by `body`; `rp` checks and runs the result.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from common.content.qti import rp
from common.content.qti.body import (
    BLOCK_INTERACTIONS,
    INLINE_INTERACTIONS,
    INTERACTIONS,
    OTHER_INTERACTIONS,
    Media,
    item_json,
)
from common.content.qti.compiler import (
    compile_processing,
    max_score,
    outcome_declaration,
    response_declaration,
)
from common.content.qti.imported import ImportedItem, ItemRefused
from common.content.qti.source import FileRefused, Source, SourceError, resolve
from common.content.qti.values import QtiError
from common.domain.content_model import ContentError
from common.domain.items import item_from_dict

NAMESPACES = {
    "http://www.imsglobal.org/xsd/imsqti_v2p0": "2.0",
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
    "http://www.imsglobal.org/xsd/imsqtiasi_v3p0": "3.0",
}
XML_NS = "{http://www.w3.org/XML/1998/namespace}"


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
            ident, data = response_declaration(decl)
            found.responses[ident] = data
        except ItemRefused as exc:
            errors.append(str(exc))
            refused.add(decl.get("identifier") or "")
    outcomes: dict[str, dict[str, Any]] = {}
    for decl in root.findall("outcomeDeclaration"):
        try:
            ident, data = outcome_declaration(decl)
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
            rules, found.template = compile_processing(processing, found.responses, outcomes)
        except (ItemRefused, QtiError) as exc:
            errors.append(str(exc))
    if errors:
        return found

    qti = {"version": version, "identifier": found.identifier, "responses": found.responses,
           "outcomes": outcomes, "rules": rules, "template": found.template,
           "response": found.primary}
    try:
        rp.check(qti)
        found.max_score = max_score(qti, outcomes, interactions)
        qti["max_score"] = found.max_score
        media = Media(source, name)
        data = item_json(found, body, interactions, qti, media)
        errors.extend(media.errors)
        if not errors:
            found.item_json = data
            found.item = item_from_dict(data, f"item {found.identifier}")
    except (ItemRefused, QtiError, ContentError) as exc:
        errors.append(str(exc))
    return found
