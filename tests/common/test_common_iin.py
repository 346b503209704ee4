"""IIN (ЖСН / ИИН) rules: birth date, century digit, and the two-pass check digit."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.domain import iin
from common.domain.iin import InvalidIIN

W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def reference_check(first11: str) -> int | None:
    """The published rule, written out separately from the module under test."""
    first = sum(int(c) * w for c, w in zip(first11, W1)) % 11
    if first != 10:
        return first
    second = sum(int(c) * w for c, w in zip(first11, W2)) % 11
    return None if second == 10 else second


def with_check(first11: str) -> str:
    digit = reference_check(first11)
    assert digit is not None, first11
    return first11 + str(digit)


# A girl born 14 March 2015: 150314, 6 (2000s, female), serial 0123.
# Check: 1*1+5*2+0*3+3*4+1*5+4*6+6*7+0*8+1*9+2*10+3*11 = 156 = 14*11 + 2.
AIGERIM = "150314601232"


def test_make_builds_the_hand_computed_number():
    assert iin.make(dt.date(2015, 3, 14), female=True, serial=123) == AIGERIM
    assert iin.validate(AIGERIM) == AIGERIM


@pytest.mark.parametrize(
    ("born", "female", "seventh"),
    [
        (dt.date(1899, 12, 31), False, "1"),
        (dt.date(1899, 12, 31), True, "2"),
        (dt.date(1957, 8, 30), False, "3"),
        (dt.date(1957, 8, 30), True, "4"),
        (dt.date(2016, 2, 29), False, "5"),
        (dt.date(2016, 2, 29), True, "6"),
    ],
)
def test_make_encodes_century_and_sex_and_the_date_reads_back(born, female, seventh):
    number = next(n for s in range(100) if (n := iin.make(born, female, s)) is not None)
    assert number[6] == seventh
    assert number[:6] == born.strftime("%y%m%d")
    assert iin.validate(number) == number
    assert iin.birth_date(number) == born


def test_validate_strips_spaces_a_clerk_types():
    assert iin.validate(" 150314 601232 ") == AIGERIM
    assert iin.validate("1503 1460 1232") == AIGERIM


VALID_SAMPLES = [
    iin.make(dt.date(2015, 3, 14), True, 123),
    iin.make(dt.date(2016, 11, 2), False, 4077),
    iin.make(dt.date(2009, 1, 31), True, 9),
    iin.make(dt.date(1984, 12, 16), False, 2718),
]


def first_pass(number: str) -> int:
    return sum(int(c) * w for c, w in zip(number[:11], W1)) % 11


def second_pass(number: str) -> int:
    return sum(int(c) * w for c, w in zip(number[:11], W2)) % 11


def single_digit_changes(number: str) -> list[str]:
    return [
        number[:position] + digit + number[position + 1 :]
        for position in range(12)
        for digit in "0123456789"
        if digit != number[position]
    ]


def _date_ok(number: str) -> bool:
    try:
        iin.birth_date(number)
    except InvalidIIN:
        return False
    return True


@pytest.mark.parametrize("valid", VALID_SAMPLES)
def test_every_single_digit_change_is_refused_but_for_the_national_rules_blind_spots(valid: str):
    """The national rule has two blind spots, and nothing else gets through:

    1. digit 11 carries weight 11 ≡ 0 (mod 11) in the first pass, so while the first pass decides,
       any digit 11 gives the same check digit;
    2. a typo that sends the first pass to 10 hands over to the second pass, which gives the old
       check digit about one time in eleven.
    A change to the check digit itself, or one that keeps the first pass deciding, is always refused.
    """
    assert valid is not None and iin.validate(valid) == valid
    assert first_pass(valid) != 10  # these samples are decided by the first pass
    accepted = set()
    for typo in single_digit_changes(valid):
        try:
            iin.validate(typo)
        except InvalidIIN:
            continue
        accepted.add(typo)
    blind_spots = {
        typo
        for typo in single_digit_changes(valid)
        if _date_ok(typo)
        and typo[11] == valid[11]
        and (typo[10] != valid[10] or (first_pass(typo) == 10 and second_pass(typo) == int(typo[11])))
    }
    assert accepted == blind_spots
    assert all(typo[11] == valid[11] for typo in accepted)
    changed_1_to_10 = [t for t in accepted if t[10] == valid[10]]
    assert all(first_pass(t) == 10 for t in changed_1_to_10)
    assert len(changed_1_to_10) <= 3  # of the 90 possible changes to digits 1-10


def test_a_known_blind_spot_of_the_national_rule():
    """Recorded so nobody relies on the check digit alone: 150314601232 -> 150314601532 (digit 10
    from 2 to 5) takes the first pass to 10, and the second pass gives 2 again."""
    typo = "150314601532"
    assert first_pass(typo) == 10 and second_pass(typo) == 2
    assert iin.validate(typo) == typo


def test_digit_11_is_not_protected_while_the_first_pass_decides():
    first11 = AIGERIM[:11]
    for digit in "0124567893":
        if digit == first11[10]:
            continue
        typo = first11[:10] + digit + AIGERIM[11]
        assert first_pass(typo) == first_pass(AIGERIM)
        assert iin.validate(typo) == typo


def _first11_where_first_pass_gives_10() -> str:
    for serial in range(10000):
        first11 = f"1503146{serial:04d}"
        first = sum(int(c) * w for c, w in zip(first11, W1)) % 11
        second = sum(int(c) * w for c, w in zip(first11, W2)) % 11
        if first == 10 and second != 10:
            return first11
    raise AssertionError("no serial takes the second pass")


def test_the_second_weight_set_decides_when_the_first_gives_10():
    first11 = _first11_where_first_pass_gives_10()
    second = sum(int(c) * w for c, w in zip(first11, W2)) % 11
    assert iin.check_digit(first11) == second
    serial = int(first11[7:])
    made = iin.make(dt.date(2015, 3, 14), True, serial)
    assert made == first11 + str(second)
    assert iin.validate(made) == made
    # The first-pass value is 10, which is not a digit: no other last digit is accepted.
    for digit in "0123456789":
        if digit != str(second):
            with pytest.raises(InvalidIIN, match="check digit"):
                iin.validate(first11 + digit)


def test_when_both_passes_give_10_the_number_is_never_issued():
    for serial in range(10000):
        first11 = f"1503146{serial:04d}"
        if reference_check(first11) is None:
            break
    else:
        raise AssertionError("no serial has both passes at 10")
    assert iin.check_digit(first11) is None
    assert iin.make(dt.date(2015, 3, 14), True, serial) is None
    for digit in "0123456789":
        with pytest.raises(InvalidIIN, match="check digit"):
            iin.validate(first11 + digit)


@pytest.mark.parametrize(
    "first11",
    [
        "1502306" + "0123",  # 30 February
        "1513016" + "0123",  # month 13
        "1500006" + "0123",  # month 00
        "1503006" + "0123",  # day 00
        "1504316" + "0123",  # 31 April
        "0002293" + "0123",  # 29 February 1900: 1900 was not a leap year
        "1502296" + "0123",  # 29 February 2015
    ],
)
def test_an_impossible_birth_date_is_refused_even_with_a_right_check_digit(first11):
    with pytest.raises(InvalidIIN, match="birth date"):
        iin.validate(with_check(first11))


def test_29_february_2000_is_a_real_birthday():
    number = with_check("0002295" + "0042")
    assert iin.birth_date(number) == dt.date(2000, 2, 29)
    assert iin.validate(number) == number


@pytest.mark.parametrize("seventh", ["0", "7", "8", "9"])
def test_a_century_digit_outside_1_to_6_is_refused(seventh):
    number = with_check("150314" + seventh + "0123")
    with pytest.raises(InvalidIIN, match="digit 7"):
        iin.validate(number)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "15031460123",  # 11 digits
        "1503146012322",  # 13 digits
        "15031460123X",
        "150314-01232",
        "15031460123.",
        "１５０３１４６０１２３２",  # full-width digits
        "١50314601232",  # an Arabic-Indic 1 in front (str.isdigit says yes, int() reads it)
        "15031460123²",  # superscript two (str.isdigit says yes, int() refuses it)
    ],
)
def test_wrong_length_or_non_digits_are_refused(text):
    with pytest.raises(InvalidIIN, match="12 digits"):
        iin.validate(text)


@given(
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=99_999),
)
def test_whatever_make_returns_validates(born, female, serial):
    number = iin.make(born, female, serial)
    if number is None:  # only when neither weight set gives a digit
        assert reference_check(number_prefix(born, female, serial)) is None
        return
    assert number[:11] == number_prefix(born, female, serial)
    assert iin.validate(number) == number
    assert iin.birth_date(number) == born
    assert int(number[6]) % 2 == (0 if female else 1)
    assert number[7:11] == f"{serial % 10000:04d}"
    assert int(number[11]) == reference_check(number[:11])


def number_prefix(born: dt.date, female: bool, serial: int) -> str:
    century = 1 if born.year < 1900 else 3 if born.year < 2000 else 5
    return f"{born:%y%m%d}{century + female}{serial % 10000:04d}"
