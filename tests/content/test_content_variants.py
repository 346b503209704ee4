"""Item banks, parallel variants from a specification, per-student permutations, and the scripted
student's answers to every item type."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter

import pytest

from common.canonical import canonical_bytes
from common.content.bank import BankError, parse_bank, shipped_bank
from common.content.payload import ExamPayload, payload_from_dict
from common.content.spec import SHIPPED, shipped_spec
from common.content.variants import AssemblyError, apply_permutation, assemble, student_view
from common.domain.exam import Shuffle, content_from_dict, content_to_dict
from common.domain.items import ItemType
from common.domain.scoring import score_attempt, score_item
from exam_client.engine.headless import choose


@pytest.fixture(scope="module")
def assembled():
    return {name: assemble(shipped_spec(name), shipped_bank(name), ["kk", "ru"], 2, 2026)
            for name in SHIPPED}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_banks_hold_every_item_in_kk_ru_and_en(name):
    bank = shipped_bank(name)
    for item in bank.items:
        if item.content_area.startswith("text_"):  # grade 9 reading: one language by design
            assert len(item.languages) == 1 and item.content_area == f"text_{item.languages[0]}"
        else:
            assert set(item.languages) == {"kk", "ru", "en"}, item.id
        assert item.grade == shipped_spec(name).grade


def test_the_demo_banks_use_every_item_type():
    types = {i.type for name in SHIPPED for i in shipped_bank(name).items}
    assert types == set(ItemType)


@pytest.mark.parametrize("name", SHIPPED)
def test_full_length_parallel_variants_for_each_specification(assembled, name):
    spec = shipped_spec(name)
    variants, record = assembled[name]
    assert [(v.language, v.variant) for v in variants] == [("kk", "01"), ("ru", "01"), ("kk", "02"), ("ru", "02")]
    totals = spec.totals()
    for v in variants:
        assert len(v.items) == totals["items"]
        assert v.max_score == totals["points"]
        assert [s.id for s in v.sections] == [s.id for s in spec.sections]
        assert v.duration_minutes == spec.duration_minutes and v.spec_id == name
        # every block filled with items of its type and content area
        for section, spec_section in zip(v.sections, spec.sections):
            got = Counter((i.metadata["content_area"], i.type.value) for i in section.items)
            want: Counter = Counter()
            for block in spec_section.blocks:
                for row in block.rows:
                    want[(block.content_area, row.type.value)] += row.count
            assert got == want
            expected_language = None if spec_section.language in ("instruction", v.language) else spec_section.language
            assert section.language == expected_language
    # parallel: no item shared between variant 01 and 02; kk and ru of one variant hold the same items
    ids = {(v.language, v.variant): [i.id for i in v.items] for v in variants}
    assert not set(ids[("kk", "01")]) & set(ids[("kk", "02")])
    assert ids[("kk", "01")] == ids[("ru", "01")] and ids[("kk", "02")] == ids[("ru", "02")]
    # close in difficulty (snake dealing): within 0.1 of each other
    means = [v["mean_difficulty"] for v in record["variants"]]
    assert max(means) - min(means) <= 0.1


def test_grade9_reading_sections_are_in_their_own_language(assembled):
    variants, _ = assembled["grade9"]
    kk = variants[0]
    langs = {s.id: s.language for s in kk.sections}
    assert langs == {"math": None, "science": None, "reading_kk": None, "reading_ru": "ru", "reading_en": "en"}
    en = next(s for s in kk.sections if s.id == "reading_en")
    assert en.contexts[0].text.isascii() or "The" in en.contexts[0].text
    assert kk.reference_tables == ("periodic_table", "solubility_table")


def test_context_groups_arrive_whole_and_consecutive(assembled):
    variants, _ = assembled["grade4"]
    reading = variants[0].sections[0]
    assert [c.kind for c in reading.contexts] == ["passage", "passage"]
    groups = [i.context for i in reading.items if i.context]
    assert groups == sorted(groups, key=groups.index)  # consecutive
    assert Counter(groups) == Counter({reading.contexts[0].id: 4, reading.contexts[1].id: 3})


def test_assembly_is_deterministic_from_its_seed():
    spec, bank = shipped_spec("grade4"), shipped_bank("grade4")
    a, rec_a = assemble(spec, bank, ["kk"], 2, "seed-1")
    b, rec_b = assemble(spec, bank, ["kk"], 2, "seed-1")
    c, _ = assemble(spec, bank, ["kk"], 2, "seed-2")
    dump = lambda vs: canonical_bytes([content_to_dict(v, with_keys=True) for v in vs])  # noqa: E731
    assert dump(a) == dump(b) and rec_a == rec_b
    assert rec_a["seed"] == "seed-1"
    assert dump(a) != dump(c)


def test_a_bank_too_small_is_named_by_section_and_block():
    spec = shipped_spec("grade4")
    with pytest.raises(AssemblyError, match=r"sections\[0\] \(reading\)\.blocks\[0\]: the bank has 2 "
                                            r"passage groups with 3 single_choice, 1 multiple_choice"):
        assemble(spec, shipped_bank("grade4"), ["kk"], 3, 1)
    with pytest.raises(AssemblyError, match="'en' is not a language of instruction"):
        assemble(spec, shipped_bank("grade4"), ["en"], 2, 1)
    with pytest.raises(AssemblyError, match="at least 2 variants"):
        assemble(spec, shipped_bank("grade4"), ["kk"], 1, 1)


def test_bank_errors_name_the_item_and_language():
    bank = json.loads(json.dumps({"bank_id": "b", "items": [
        {"id": "x1", "type": "single_choice", "correct": ["z"],
         "metadata": {"direction": "mathematical_literacy", "grade": "4", "content_area": "n"},
         "languages": {"kk": {"prompt": "?", "options": {"a": "1", "b": "2"}}}}]}))
    with pytest.raises(BankError, match=r"items x1 \[kk\]\.correct: must name one or more of its options"):
        parse_bank(bank)
    broken = copy.deepcopy(bank)
    broken["items"][0]["correct"] = ["a"]
    broken["items"][0]["metadata"]["difficulty"] = 7
    with pytest.raises(BankError, match=r"items\[0\] \(x1\)\.metadata\.difficulty"):
        parse_bank(broken)
    broken["items"][0]["metadata"]["difficulty"] = 0.5
    broken["items"][0]["context"] = "ghost"
    with pytest.raises(BankError, match="no context 'ghost'"):
        parse_bank(broken)


# --- per-student permutations ------------------------------------------------------------------


def test_student_views_are_deterministic_recorded_and_rebuildable(assembled):
    variants, _ = assembled["college2"]  # the specification shuffles items and options
    content = variants[0]
    view, perm = student_view(content, "s33d", "12345678")
    again, perm_again = student_view(content, "s33d", "12345678")
    other, _ = student_view(content, "s33d", "87654321")
    assert perm == perm_again and view == again
    assert apply_permutation(content, json.loads(json.dumps(perm))) == view
    assert [i.id for i in view.items] != [i.id for i in other.items]
    assert sorted(i.id for i in view.items) == sorted(i.id for i in content.items)
    for item in view.items:
        original = content.item(item.id)
        assert sorted(o.id for o in getattr(item, "options", ())) == sorted(o.id for o in getattr(original, "options", ()))
    with pytest.raises(ValueError):
        apply_permutation(variants[2], perm)


def test_shuffles_keep_context_groups_together_and_ordering_never_starts_solved(assembled):
    variants, _ = assembled["grade9"]
    content = variants[0]
    content = content.model_copy(update={"shuffle": Shuffle(items=True, options=content.shuffle.options)})
    for key in range(40):
        view, _ = student_view(content, "seed", f"student-{key}")
        for section in view.sections:
            groups = [i.context for i in section.items if i.context]
            assert groups == sorted(groups, key=groups.index)
        for item in view.items:
            if item.type is ItemType.ORDERING:
                assert [o.id for o in item.options] != list(item.correct)


def test_scores_do_not_depend_on_the_permutation(assembled):
    variants, _ = assembled["grade4"]
    content = variants[0]
    view, _ = student_view(content, "seed", "student-1")
    rng = random.Random(5)
    public = content_to_dict(view, with_keys=False)
    answers = {i["id"]: choose(i, rng) for s in public["sections"] for i in s["items"]}
    assert score_attempt(view, answers) == score_attempt(content, answers)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_scripted_student_answers_every_item_plausibly(assembled, name):
    variants, _ = assembled[name]
    for content in variants:
        public = json.loads(json.dumps(content_to_dict(content, with_keys=False)))
        rng = random.Random(name)
        for section in public["sections"]:
            for item in section["items"]:
                answer = choose(item, rng)
                assert answer is not None
                score = score_item(content.item(item["id"]), answer)
                assert 0.0 <= score <= item["points"]


def test_a_scripted_student_scores_something_over_many_sittings(assembled):
    variants, _ = assembled["grade4"]
    content = variants[0]
    public = content_to_dict(content, with_keys=False)
    totals = []
    for seed in range(30):
        rng = random.Random(seed)
        answers = {i["id"]: choose(i, rng) for s in public["sections"] for i in s["items"]}
        totals.append(score_attempt(content, answers))
    assert 0 < sum(totals) / len(totals) < content.max_score


def test_payload_round_trip_and_variant_assignment(assembled):
    variants, record = assembled["grade4"]
    payload = ExamPayload(tuple(variants), shipped_spec("grade4").model_dump(mode="json"), "abc", record)
    again = payload_from_dict(json.loads(canonical_bytes(payload.to_dict())))
    assert again == payload and again.specification == payload.specification
    assert again.languages == ["kk", "ru"]
    by_seat = [payload.assign("kk", "x", seat=n).variant for n in (1, 2, 3, 4, 5)]
    assert by_seat[:2] in (["01", "02"], ["02", "01"]) and by_seat == by_seat[:2] * 2 + by_seat[:1]
    other_seed = ExamPayload(payload.variants, None, "another seed", record)
    firsts = {ExamPayload(payload.variants, None, f"seed {n}", record).assign("kk", "x", seat=1).variant
              for n in range(12)}
    assert firsts == {"01", "02"}  # the seed decides where the dealing starts
    assert other_seed.assign("kk", "x", seat=2).variant != other_seed.assign("kk", "x", seat=1).variant
    by_hash = Counter(payload.assign("ru", f"{n:08d}").variant for n in range(200))
    assert set(by_hash) == {"01", "02"} and min(by_hash.values()) > 60
    view, perm = payload.for_student("ru", "00000007")
    assert perm["exam_id"] == payload.assign("ru", "00000007").exam_id and view.language == "ru"
    assert content_from_dict(payload.to_dict()) == variants[0]  # the centre's content_json reads
