"""The stratified selection (§14): shares per stratum, the national total, exclusions, determinism."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central_scorer.campaign.selection import SelectionError, band_of, select
from central_scorer.campaign.working_list import Organisation, WorkingListInvalid, parse_working_list

DATA = Path(__file__).resolve().parent.parent / "data" / "working_lists"


def org(code: str, territory="city", kind="school", language="kk", contingent=30,
        participated=(), row=2) -> Organisation:
    return Organisation(row=row, code=code, name=f"Мектеп {code}", region="Абай облысы",
                        district="Аягөз ауданы", territory=territory, type=kind,
                        contingent=contingent, language=language, participated=tuple(participated))


def national() -> list[Organisation]:
    return parse_working_list((DATA / "national_sample.csv").read_bytes())


def half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2))


def check_invariants(orgs, selection, share: Fraction) -> None:
    by_code = {o.code: o for o in orgs}
    assert selection.target == half_up(share * selection.eligible)
    assert len(selection.selected) == selection.target == sum(s.drawn for s in selection.strata)
    assert selection.eligible + selection.excluded == len(orgs)
    assert all(not by_code[c].participated for c in selection.selected), "an earlier participant drawn"
    assert len(set(selection.selected)) == len(selection.selected)
    for s in selection.strata:
        assert s.eligible + s.excluded == s.organisations
        assert 0 <= s.drawn <= s.eligible
        assert abs(s.drawn - share * s.eligible) < 1, s  # Hamilton: never a whole seat off its quota
        assert len(s.selected) == s.drawn


def test_national_sample_at_a_quarter():
    orgs = national()
    selection = select(orgs, year=2026, seed=7)
    check_invariants(orgs, selection, Fraction(1, 4))
    assert (selection.organisations, selection.excluded, selection.eligible) == (160, 70, 90)
    assert selection.target == 23  # 90 / 4 = 22.5, halves round up
    table = selection.as_dict()["strata"][0]
    assert set(table) >= {"stratum", "eligible", "excluded", "drawn"}


@pytest.mark.parametrize("share", ["0.1", "0.25", "0.3", "0.5", "1"])
def test_other_shares_keep_the_national_total(share):
    orgs = national()
    selection = select(orgs, year=2026, seed=11, share=share)
    check_invariants(orgs, selection, Fraction(share))


def test_share_one_takes_every_eligible_organisation():
    orgs = national()
    selection = select(orgs, year=2026, seed=1, share="1")
    assert set(selection.selected) == {o.code for o in orgs if not o.participated}


def test_same_list_and_seed_give_the_same_bytes_whatever_the_row_order():
    orgs = national()
    first = json.dumps(select(orgs, year=2026, seed=99).as_dict(), ensure_ascii=False).encode()
    shuffled = list(orgs)
    random.Random(5).shuffle(shuffled)
    again = json.dumps(select(shuffled, year=2026, seed=99).as_dict(), ensure_ascii=False).encode()
    assert first == again


def test_another_seed_draws_another_selection_with_the_same_table():
    orgs = national()
    a, b = select(orgs, year=2026, seed=1), select(orgs, year=2026, seed=2)
    assert a.selected != b.selected
    assert a.target == b.target
    assert [s.eligible for s in a.strata] == [s.eligible for s in b.strata]


def test_hamilton_gives_the_leftover_seat_to_the_largest_remainder():
    # Quotas at 0.25: A 6 → 1.5, B 3 → 0.75, C 1 → 0.25; total 2.5 → 3 (half up).
    # Floors 1, 0, 0 leave 2 seats: B (0.75) first, then A (0.5); C (0.25) gets none.
    orgs = ([org(f"A{i}", contingent=30) for i in range(6)]
            + [org(f"B{i}", kind="lyceum") for i in range(3)]
            + [org("C0", kind="gymnasium")])
    selection = select(orgs, year=2026, seed=3)
    drawn = {s.type: s.drawn for s in selection.strata}
    assert drawn == {"school": 2, "lyceum": 1, "gymnasium": 0}
    assert {s.type: s.quota for s in selection.strata} == {"school": "1.5", "lyceum": "0.75",
                                                           "gymnasium": "0.25"}


def test_equal_remainders_are_settled_by_the_seeds_lot_and_always_the_same_way():
    # Four strata of two at 0.25: quotas 0.5 each, total 2 → two strata get one, two get none.
    orgs = [org(f"{k}{i}", kind=k) for k in ("school", "lyceum", "gymnasium", "school-lyceum")
            for i in range(2)]
    winners = {}
    for seed in range(12):
        selection = select(orgs, year=2026, seed=seed)
        assert selection.target == 2 and sum(s.drawn for s in selection.strata) == 2
        winners[seed] = tuple(s.type for s in selection.strata if s.drawn)
        assert select(orgs, year=2026, seed=seed).selected == selection.selected
    assert len(set(winners.values())) > 1, "the lot never changes with the seed"


def test_awkward_lists_empty_strata_strata_of_one_and_all_excluded():
    orgs = [
        org("E1", kind="lyceum", participated=[2024]),  # a stratum whose only member took part
        org("E2", kind="lyceum", participated=[2023]),
        org("S1", kind="gymnasium", language="ru"),  # a stratum of one
        org("V1", territory="village", contingent=5),
        org("V2", territory="village", contingent=7),
    ]
    selection = select(orgs, year=2026, seed=4)
    rows = {s.stratum: s for s in selection.strata}
    assert rows["city/lyceum/kk/21-60"].eligible == 0
    assert rows["city/lyceum/kk/21-60"].excluded == 2
    assert rows["city/lyceum/kk/21-60"].drawn == 0
    assert rows["city/gymnasium/ru/21-60"].organisations == 1
    assert selection.target == 1  # 3 × 0.25 = 0.75 → 1
    check_invariants(orgs, selection, Fraction(1, 4))

    everyone_took_part = [org(f"X{i}", participated=[2025]) for i in range(4)]
    none = select(everyone_took_part, year=2026, seed=4)
    assert (none.target, none.selected, none.eligible, none.excluded) == (0, (), 0, 4)
    assert [s.drawn for s in none.strata] == [0]



def test_a_single_organisation_rounds_by_the_documented_rule():
    alone = select([org("ONLY")], year=2026, seed=4)
    assert (alone.target, alone.selected) == (0, ())  # 0.25 rounds down: a list of one draws none
    two = [org("A"), org("B")]
    assert select(two, year=2026, seed=4).target == 1  # 0.5 rounds up


def test_empty_list_selects_nothing():
    selection = select([], year=2026, seed=1)
    assert (selection.target, selection.selected, selection.strata) == (0, (), ())


def test_a_participation_year_not_before_the_campaign_is_refused_with_its_row():
    with pytest.raises(WorkingListInvalid) as exc:
        select([org("A", participated=[2026], row=7)], year=2026, seed=1)
    assert (exc.value.problems[0].row, exc.value.problems[0].field) == (7, "participated")


@pytest.mark.parametrize("share", ["0", "-0.1", "1.5", "quarter", "nan"])
def test_bad_shares_are_refused(share):
    with pytest.raises(SelectionError):
        select([org("A")], year=2026, seed=1, share=share)


@pytest.mark.parametrize("bands", ["60,20", "0,10", "a,b", "20,20"])
def test_bad_bands_are_refused(bands):
    with pytest.raises(SelectionError):
        select([org("A")], year=2026, seed=1, bands=bands)


def test_contingent_bands():
    edges = (20, 60, 120)
    assert [band_of(n, edges) for n in (1, 20, 21, 60, 61, 120, 121, 900)] == [
        "1-20", "1-20", "21-60", "21-60", "61-120", "61-120", "121+", "121+"]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3)), min_size=1, max_size=8),
    share=st.sampled_from(["0.05", "0.2", "0.25", "0.33", "0.5", "0.75", "1"]),
    seed=st.integers(0, 2**40),
)
def test_invariants_hold_for_any_list(sizes, share, seed):
    kinds = ("school", "lyceum", "gymnasium", "school-gymnasium", "school-lyceum", "college")
    orgs = []
    for index, (eligible, excluded) in enumerate(sizes):
        kind = kinds[index % len(kinds)]
        language = ("kk", "ru")[index // len(kinds)]
        orgs += [org(f"{index}-{i}", kind=kind, language=language) for i in range(eligible)]
        orgs += [org(f"{index}-x{i}", kind=kind, language=language, participated=[2020])
                 for i in range(excluded)]
    check_invariants(orgs, select(orgs, year=2026, seed=seed, share=share), Fraction(share))
