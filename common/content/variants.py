"""Parallel variants from a specification and a bank; per-student permutations.

`assemble` is deterministic: the same specification, bank and seed give the same variants, byte
for byte, and the seed is recorded in the package. For each block of the specification it draws
`count × variants` units (items, or context groups with their items) without replacement, orders
them by difficulty and deals them in a snake (1, 2, …, n, n, …, 2, 1), so the variants are
parallel in content (the same block in each) and close in difficulty; within a block the order is
drawn from the seed too. The draw does not depend on
the language, so variant 01 in Kazakh and variant 01 in Russian hold the same items.

`student_view` permutes one variant for one student where the specification allows it (items
within a section, context groups kept whole; options of every kind), returning the permutation;
`apply_permutation` rebuilds exactly the same view from the recorded permutation. Answers are
ids, never positions, so scoring needs no permutation; review does.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from common.content.bank import Bank, BankContext, BankItem
from common.content.spec import Block, Specification
from common.domain.exam import ExamContent, Section, Shuffle
from common.domain.items import ItemBase, ItemType

PERMUTATION_FORMAT = "cbt-permutation/1"


class AssemblyError(ValueError):
    """The bank cannot fill the specification; the message names the section and block."""


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _difficulty(value: float | None) -> float:
    return 0.5 if value is None else value


@dataclass(frozen=True)
class _Unit:
    """What a block draws: one item, or one context with the items it contributes."""

    items: tuple[BankItem, ...]
    context: BankContext | None
    points: tuple[float, ...]

    @property
    def difficulty(self) -> float:
        return sum(_difficulty(i.difficulty) for i in self.items) / len(self.items)


def _has(languages: tuple[str, ...], needed: set[str]) -> bool:
    return needed <= set(languages)


def _candidates(spec: Specification, section_index: int, block: Block, bank: Bank,
                needed: set[str], used: set[str]) -> list[_Unit]:
    section = spec.sections[section_index]
    units: list[_Unit] = []
    if block.kind == "items":
        for item in bank.items:
            if (item.context is None and item.id not in used and item.direction == section.direction
                    and item.content_area == block.content_area and item.type is block.type
                    and _has(item.languages, needed)):
                units.append(_Unit((item,), None, (float(block.points or 1),)))
        return units
    for ctx in bank.contexts.values():
        if (ctx.direction != section.direction or ctx.content_area != block.content_area
                or ctx.id in used or not _has(ctx.languages, needed)
                or (block.context_kind and ctx.kind != block.context_kind)):
            continue
        members = [i for i in bank.items if i.context == ctx.id and _has(i.languages, needed)]
        chosen: list[BankItem] = []
        points: list[float] = []
        for row in block.items or []:
            of_type = [i for i in members if i.type is row.type]
            if len(of_type) < row.count:
                break
            chosen.extend(of_type[:row.count])
            points.extend([row.points] * row.count)
        else:
            # keep the author's order within the group
            order = {i.id: n for n, i in enumerate(members)}
            paired = sorted(zip(chosen, points), key=lambda p: order[p[0].id])
            units.append(_Unit(tuple(i for i, _ in paired), ctx, tuple(p for _, p in paired)))
    return units


def assemble(spec: Specification, bank: Bank, languages: list[str] | tuple[str, ...],
             count: int, seed: int | str) -> tuple[list[ExamContent], dict[str, Any]]:
    """`count` parallel variants in each language; returns them and the assembly record."""
    if count < spec.min_variants:
        raise AssemblyError(f"the specification asks for at least {spec.min_variants} variants, not {count}")
    for language in languages:
        if language not in spec.languages_of_instruction:
            raise AssemblyError(f"{language!r} is not a language of instruction of {spec.spec_id} "
                                f"({', '.join(spec.languages_of_instruction)})")
    rng = _rng("assemble", spec.spec_id, spec.version, seed)
    used: set[str] = set()
    # drawn[variant][section] = list of units
    drawn: list[list[list[_Unit]]] = [[[] for _ in spec.sections] for _ in range(count)]
    for s, section in enumerate(spec.sections):
        needed = {spec.section_language(section, lang) for lang in languages}
        for b, block in enumerate(section.blocks):
            pool = _candidates(spec, s, block, bank, needed, used)
            pool.sort(key=lambda u: (u.context.id if u.context else u.items[0].id))
            want = block.count * count
            if len(pool) < want:
                what = (f"{block.type.value} items" if block.kind == "items"
                        else f"{block.context_kind or 'context'} groups with "
                             + ", ".join(f"{r.count} {r.type.value}" for r in block.items or []))
                raise AssemblyError(
                    f"sections[{s}] ({section.id}).blocks[{b}]: the bank has {len(pool)} {what} of "
                    f"{section.direction}/{block.content_area} in {'+'.join(sorted(needed))}, "
                    f"{want} are needed for {count} variants")
            picked = rng.sample(pool, want)
            picked.sort(key=lambda u: u.difficulty)  # stable: ties keep the random order
            dealt: list[list[_Unit]] = [[] for _ in range(count)]
            for n, unit in enumerate(picked):
                lap, pos = divmod(n, count)
                dealt[pos if lap % 2 == 0 else count - 1 - pos].append(unit)
                used.update(i.id for i in unit.items)
                if unit.context:
                    used.add(unit.context.id)
            for variant, units in enumerate(dealt):
                rng.shuffle(units)  # the order within a block is the seed's too, not the difficulty's
                drawn[variant][s].extend(units)
    variants: list[ExamContent] = []
    record: dict[str, Any] = {"seed": str(seed), "bank_id": bank.bank_id, "spec_id": spec.spec_id,
                              "spec_version": spec.version, "count": count, "variants": []}
    for v in range(count):
        label = f"{v + 1:02d}"
        ids = [i.id for units in drawn[v] for u in units for i in u.items]
        diffs = [_difficulty(i.difficulty) for units in drawn[v] for u in units for i in u.items]
        record["variants"].append({"variant": label, "items": ids,
                                   "mean_difficulty": round(sum(diffs) / len(diffs), 4)})
        for language in languages:
            variants.append(_build(spec, drawn[v], language, label))
    return variants, record


def _build(spec: Specification, sections: list[list[_Unit]], language: str, label: str) -> ExamContent:
    built = []
    for section, units in zip(spec.sections, sections):
        lang = spec.section_language(section, language)
        items: list[ItemBase] = []
        contexts = []
        for unit in units:
            if unit.context is not None:
                contexts.append(unit.context.localise(lang))
            for bank_item, points in zip(unit.items, unit.points):
                item = bank_item.localise(lang, points)
                meta = dict(item.metadata or {})
                meta.update(bank_id=bank_item.id, direction=bank_item.direction,
                            content_area=bank_item.content_area, grade=bank_item.grade)
                if bank_item.difficulty is not None:
                    meta["difficulty"] = bank_item.difficulty
                items.append(item.model_copy(update={"metadata": meta}))
        title = section.title.get(language)
        built.append(Section(id=section.id, direction=section.direction, title=title,
                             items=tuple(items), contexts=tuple(contexts),
                             language=None if lang == language else lang))
    return ExamContent(
        exam_id=f"{spec.spec_id}-v{spec.version}-{language}-{label}",
        title=spec.title.get(language), grade=spec.grade, language=language, variant=label,
        duration_minutes=spec.duration_minutes, sections=tuple(built),
        warnings_minutes=tuple(spec.warnings_minutes),
        reference_tables=tuple(spec.reference_tables), spec_id=spec.spec_id,
        shuffle=Shuffle(items=spec.shuffle.items, options=spec.shuffle.options))


# --- per-student permutations ------------------------------------------------------------------


def student_view(content: ExamContent, seed: str, student_key: str
                 ) -> tuple[ExamContent, dict[str, Any]]:
    """The variant as this student sees it, and the permutation that made it."""
    rng = _rng("student", seed, content.exam_id, student_key)
    perm: dict[str, Any] = {"format": PERMUTATION_FORMAT, "exam_id": content.exam_id,
                            "student": student_key, "sections": {}, "items": {}}
    for section in content.sections:
        units: list[list[ItemBase]] = []
        for item in section.items:
            if units and item.context is not None and units[-1][0].context == item.context:
                units[-1].append(item)
            else:
                units.append([item])
        if content.shuffle.items:
            rng.shuffle(units)
        perm["sections"][section.id] = [i.id for unit in units for i in unit]
        if content.shuffle.options:
            for item in section.items:
                orders = _option_orders(item, rng)
                if orders:
                    perm["items"][item.id] = orders
    return apply_permutation(content, perm), perm


def _shuffled(ids: list[str], rng: random.Random) -> list[str]:
    out = list(ids)
    rng.shuffle(out)
    return out


def _option_orders(item: Any, rng: random.Random) -> dict[str, Any]:
    kind = item.type
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.ASSOCIATION):
        return {"options": _shuffled([o.id for o in item.options], rng)}
    if kind is ItemType.GAP_MATCH:  # the permutation calls a gap-match item's choices "options"
        return {"options": _shuffled([o.id for o in item.choices], rng)}
    if kind is ItemType.ORDERING:
        ids = [o.id for o in item.options]
        order = _shuffled(ids, rng)
        for _ in range(8):  # never start from the answer
            if order != list(item.correct) or len(ids) < 2:
                break
            order = _shuffled(ids, rng)
        if order == list(item.correct) and len(ids) >= 2:
            order = order[1:] + order[:1]
        return {"options": order}
    if kind is ItemType.MATCHING:
        return {"left": _shuffled([o.id for o in item.left], rng),
                "right": _shuffled([o.id for o in item.right], rng)}
    if kind is ItemType.INLINE_CHOICE:
        return {"gaps": {g.id: _shuffled([o.id for o in g.options], rng)
                         for g in item.gaps if g.options}}
    return {}


def _reorder(options: tuple[Any, ...], order: list[str] | None) -> tuple[Any, ...]:
    if order is None:
        return options
    by_id = {o.id: o for o in options}
    if sorted(order) != sorted(by_id):
        raise ValueError("the permutation does not match the item's options")
    return tuple(by_id[i] for i in order)


def apply_permutation(content: ExamContent, perm: dict[str, Any]) -> ExamContent:
    """Rebuild a student's view from a recorded permutation (for review and for the kiosk)."""
    if perm.get("format") != PERMUTATION_FORMAT or perm.get("exam_id") != content.exam_id:
        raise ValueError("the permutation is for another variant")
    sections = []
    for section in content.sections:
        order = perm["sections"].get(section.id, [i.id for i in section.items])
        by_id = {i.id: i for i in section.items}
        if sorted(order) != sorted(by_id):
            raise ValueError(f"the permutation does not match section {section.id}")
        items = []
        for item_id in order:
            item = by_id[item_id]
            orders = perm["items"].get(item_id)
            if orders:
                changes: dict[str, Any] = {}
                if "options" in orders:
                    field = "choices" if item.type is ItemType.GAP_MATCH else "options"
                    changes[field] = _reorder(getattr(item, field), orders["options"])
                if "left" in orders:
                    changes["left"] = _reorder(item.left, orders["left"])
                    changes["right"] = _reorder(item.right, orders["right"])
                if "gaps" in orders:
                    changes["gaps"] = tuple(
                        g.model_copy(update={"options": _reorder(g.options, orders["gaps"].get(g.id))})
                        for g in item.gaps)
                item = item.model_copy(update=changes)
            items.append(item)
        sections.append(section.model_copy(update={"items": tuple(items)}))
    return content.model_copy(update={"sections": tuple(sections)})
