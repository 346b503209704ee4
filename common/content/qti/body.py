"""An item's body, XML → our item's JSON form (`common.domain.items`): text, pictures, interactions.

Markup becomes plain Unicode text (paragraphs, line breaks, superscripts, simple MathML); pictures
are read from the package, never fetched; each supported interaction becomes one of our item types
(docs/content.md §7), and inline interactions in running text become gaps.
"""

from __future__ import annotations

import base64
import posixpath
import re
from typing import Any, Callable
from xml.etree.ElementTree import Element

from common.content.qti.imported import ImportedItem, ItemRefused
from common.content.qti.source import MAX_MEDIA_BYTES, FileRefused, Source, resolve
from common.content.qti.values import parse_scalar
from common.domain.items import GapRef

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
MEDIA_BY_EXTENSION = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                      ".svg": "image/svg+xml"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
              "pre", "table", "tr", "thead", "tbody", "tfoot", "caption", "dl", "dt", "dd",
              "figure", "figcaption", "section", "article", "hr"}
SKIP_TAGS = {"rubricBlock", "feedbackBlock", "feedbackInline", "modalFeedback", "templateBlock",
             "templateInline", "infoControl", "stylesheet", "script", "style"}
SUPERSCRIPT = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
SUBSCRIPT = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")


class Media:
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


def _flatten(el: Element, on: Callable[[Element], list[Segment] | None], media: Media,
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


def _choices(interaction: Element, tag: str, media: Media) -> list[dict[str, Any]]:
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


def item_json(found: ImportedItem, body: Element, interactions: list[Element],
                  qti: dict[str, Any], media: Media) -> dict[str, Any]:
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


def _inline_item(found: ImportedItem, body: Element, inline: list[Element], media: Media,
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
                values = [parse_scalar("float", k) for k in keys]
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
