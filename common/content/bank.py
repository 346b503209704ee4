"""Item banks: items with metadata and language versions, and the contexts they share.

A bank file (JSON) — see docs/content.md §4::

    {"bank_id": "demo-grade4",
     "contexts": [{"id": "g4c-01", "kind": "passage", "direction": "reading_literacy",
                   "content_area": "literary_text",
                   "languages": {"kk": {"title": "…", "text": "…"}, "ru": {…}, "en": {…}}}],
     "items": [{"id": "g4r-001", "type": "single_choice", "points": 1, "correct": ["b"],
                "context": "g4c-01",
                "metadata": {"direction": "reading_literacy", "grade": "4",
                             "content_area": "literary_text", "difficulty": 0.3},
                "languages": {"kk": {"prompt": "…", "options": {"a": "…", "b": "…"}}, …}}]}

The key (`correct`, `value`, `tolerance`, gap keys) is language-independent; only texts differ,
and typed answers (`accepted`) are given per language. A language version may instead be a whole
item in the content form (what `items import --bank-out` writes for a QTI item). Every item is
checked in every language it has when the bank is read; errors name the item and the language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from common.domain.content_model import ContentError
from common.domain.exam import CONTEXT_KINDS, Context, context_from_dict
from common.domain.items import ItemBase, ItemType, item_from_dict

LANGUAGES = ("kk", "ru", "en")
SHIPPED_BANKS = ("grade4", "grade9", "college2", "college3")
# Fields of a bank item that are not part of the content form.
_BANK_ONLY = ("languages", "metadata", "max_uses")


class BankError(ValueError):
    """The bank is refused; the message names the item (or context) and field."""


@dataclass(frozen=True)
class BankContext:
    id: str
    kind: str
    direction: str
    content_area: str
    raw: dict[str, Any]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.raw["languages"])

    def localise(self, language: str) -> Context:
        part = self.raw["languages"][language]
        data = {"id": self.id, "kind": self.kind, **part}
        if self.raw.get("image") is not None and "image" not in part:
            data["image"] = self.raw["image"]
        return context_from_dict(data, f"contexts {self.id} [{language}]")


@dataclass(frozen=True)
class BankItem:
    id: str
    type: ItemType
    direction: str
    grade: str
    content_area: str
    difficulty: float | None
    context: str | None
    raw: dict[str, Any]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.raw["languages"])

    def localise(self, language: str, points: float | None = None) -> ItemBase:
        """The item in one language, in the content model (with its keys)."""
        data = localised_dict(self.raw, language)
        if points is not None:
            data["points"] = points
        return item_from_dict(data, f"items {self.id} [{language}]")


@dataclass(frozen=True)
class Bank:
    bank_id: str
    items: tuple[BankItem, ...]
    contexts: dict[str, BankContext]

    def item(self, item_id: str) -> BankItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def merged(self, other: "Bank") -> "Bank":
        ids = {i.id for i in self.items} & {i.id for i in other.items}
        if ids:
            raise BankError(f"banks {self.bank_id} and {other.bank_id} share item ids: {sorted(ids)[:5]}")
        return Bank(f"{self.bank_id}+{other.bank_id}", self.items + other.items,
                    {**self.contexts, **other.contexts})

    def summary(self) -> dict[str, Any]:
        by: dict[str, dict[str, int]] = {}
        for item in self.items:
            key = f"{item.direction}/{item.content_area}"
            for lang in item.languages:
                by.setdefault(key, {}).setdefault(f"{item.type.value}:{lang}", 0)
                by[key][f"{item.type.value}:{lang}"] += 1
        return {"bank_id": self.bank_id, "items": len(self.items), "contexts": len(self.contexts),
                "by_area": by}


def _texts(raw: Any, where: str) -> list[dict[str, Any]]:
    """Options given as {"a": "text", …} (order kept) or as the content form's list."""
    if isinstance(raw, dict):
        return [{"id": k, "text": v} for k, v in raw.items()]
    if isinstance(raw, list):
        return raw
    raise BankError(f"{where}: options are an object {{id: text}} or a list")


def localised_dict(entry: dict[str, Any], language: str) -> dict[str, Any]:
    """A bank entry in one language, as the content form's item dict."""
    where = f"items {entry.get('id')} [{language}]"
    languages = entry.get("languages")
    if not isinstance(languages, dict) or language not in languages:
        raise BankError(f"{where}: no {language} version")
    part = languages[language]
    if not isinstance(part, dict):
        raise BankError(f"{where}: a language version is an object")
    metadata = dict(entry.get("metadata") or {})
    if "type" in part:  # a whole item (e.g. imported from QTI)
        data = dict(part)
        data["id"] = entry["id"]
        data["metadata"] = {**(part.get("metadata") or {}), **metadata}
        if "points" in entry:
            data["points"] = entry["points"]
        return data
    data = {k: v for k, v in entry.items() if k not in _BANK_ONLY}
    data["metadata"] = metadata
    data["prompt"] = part.get("prompt", "")
    kind = entry.get("type")
    uses = entry.get("max_uses", 1)
    for key in ("options", "left", "right", "choices"):
        if key in part:
            texts = _texts(part[key], f"{where}.{key}")
            if key == "choices" or (key == "options" and kind == ItemType.ASSOCIATION.value):
                texts = [{**t, "max_uses": t.get("max_uses", uses)} for t in texts]
            data[key] = texts
    for key in ("segments", "unit", "image"):
        if key in part:
            data[key] = part[key]
    if kind == ItemType.TEXT_ENTRY.value:
        data["accepted"] = part.get("accepted", [])
    if kind == ItemType.INLINE_CHOICE.value:
        gaps = []
        texts = part.get("gaps", {})
        accepted = part.get("accepted", {})
        for gap in entry.get("gaps", []):
            g = dict(gap)
            if g["id"] in texts:
                g["options"] = _texts(texts[g["id"]], f"{where}.gaps.{g['id']}")
            if g["id"] in accepted:
                g["accepted"] = accepted[g["id"]]
            gaps.append(g)
        data["gaps"] = gaps
    return data


def parse_bank(data: Any, source: str = "bank") -> Bank:
    if not isinstance(data, dict):
        raise BankError(f"{source}: a bank is a JSON object")
    bank_id = data.get("bank_id")
    if not isinstance(bank_id, str) or not bank_id:
        raise BankError(f"{source}: bank_id: required")
    contexts: dict[str, BankContext] = {}
    for k, raw in enumerate(data.get("contexts", [])):
        where = f"{source}: contexts[{k}]"
        if not isinstance(raw, dict):
            raise BankError(f"{where}: must be an object")
        missing = [f for f in ("id", "kind", "direction", "content_area", "languages") if f not in raw]
        if missing:
            raise BankError(f"{where}: missing field {missing[0]!r}")
        if raw["kind"] not in CONTEXT_KINDS:
            raise BankError(f"{where}.kind: {raw['kind']!r} is not one of {', '.join(CONTEXT_KINDS)}")
        if raw["id"] in contexts:
            raise BankError(f"{where}.id: {raw['id']!r} is used twice")
        ctx = BankContext(raw["id"], raw["kind"], raw["direction"], raw["content_area"], raw)
        for lang in ctx.languages:
            if lang not in LANGUAGES:
                raise BankError(f"{where}.languages: unknown language {lang!r}")
            try:
                ctx.localise(lang)
            except ContentError as exc:
                raise BankError(f"{source}: {exc}") from exc
        contexts[ctx.id] = ctx
    items: list[BankItem] = []
    seen: set[str] = set()
    for k, raw in enumerate(data.get("items", [])):
        where = f"{source}: items[{k}]"
        if not isinstance(raw, dict) or "id" not in raw:
            raise BankError(f"{where}: an item is an object with an id")
        where = f"{where} ({raw['id']})"
        if raw["id"] in seen:
            raise BankError(f"{where}.id: used twice")
        seen.add(raw["id"])
        meta = raw.get("metadata")
        if not isinstance(meta, dict):
            raise BankError(f"{where}.metadata: required (direction, grade, content_area)")
        for f in ("direction", "grade", "content_area"):
            if not isinstance(meta.get(f), str) or not meta[f]:
                raise BankError(f"{where}.metadata.{f}: required")
        difficulty = meta.get("difficulty")
        if difficulty is not None and (isinstance(difficulty, bool) or not isinstance(difficulty, (int, float))
                                       or not 0 <= difficulty <= 1):
            raise BankError(f"{where}.metadata.difficulty: a number from 0 (easy) to 1 (hard)")
        languages = raw.get("languages")
        if not isinstance(languages, dict) or not languages:
            raise BankError(f"{where}.languages: at least one language version")
        context = raw.get("context")
        if context is not None:
            if context not in contexts:
                raise BankError(f"{where}.context: no context {context!r} in this bank")
            missing = set(languages) - set(contexts[context].languages)
            if missing:
                raise BankError(f"{where}.context: {context} has no {sorted(missing)[0]} version")
        try:
            kind = ItemType(raw.get("type") or next(iter(languages.values())).get("type"))
        except (ValueError, AttributeError) as exc:
            raise BankError(f"{where}.type: unknown item type {raw.get('type')!r}") from exc
        item = BankItem(raw["id"], kind, meta["direction"], str(meta["grade"]), meta["content_area"],
                        None if difficulty is None else float(difficulty), context, raw)
        for lang in languages:
            if lang not in LANGUAGES:
                raise BankError(f"{where}.languages: unknown language {lang!r}")
            try:
                item.localise(lang)
            except (ContentError, BankError) as exc:
                raise BankError(f"{source}: {exc}") from exc
        items.append(item)
    return Bank(bank_id, tuple(items), contexts)


def load_bank(path: Path | str) -> Bank:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BankError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    return parse_bank(data, str(path))


def shipped_bank(name: str) -> Bank:
    """A demo bank from `common/demo/` (grade4, grade9, college2, college3)."""
    if name not in SHIPPED_BANKS:
        raise BankError(f"no shipped bank {name!r} (have: {', '.join(SHIPPED_BANKS)})")
    text = resources.files("common.demo").joinpath(f"bank_{name}.json").read_text(encoding="utf-8")
    return parse_bank(json.loads(text), f"common/demo/bank_{name}.json")
