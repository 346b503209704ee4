"""IIN (ЖСН / ИИН): Kazakhstan's 12-digit individual identification number.

Digits 1-6 are the birth date YYMMDD, digit 7 the century and sex (1-2: 1800s, 3-4: 1900s,
5-6: 2000s), digit 12 a check digit over the first eleven with weights 1..11, or, when that gives
10, with weights 3..11,1,2; when both give 10 the number is never issued.
"""

from __future__ import annotations

import datetime as dt

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


class InvalidIIN(ValueError):
    """The IIN is malformed; the message says why."""


def check_digit(first11: str) -> int | None:
    digits = [int(c) for c in first11]
    for weights in (_W1, _W2):
        value = sum(d * w for d, w in zip(digits, weights)) % 11
        if value != 10:
            return value
    return None


def birth_date(iin: str) -> dt.date:
    century = _CENTURY.get(iin[6])
    if century is None:
        raise InvalidIIN(f"digit 7 must be 1-6 (century and sex), not {iin[6]}")
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError as exc:
        raise InvalidIIN(f"digits 1-6 are not a valid birth date ({iin[0:6]})") from exc


def validate(iin: str) -> str:
    """Return the IIN stripped of spaces, or raise InvalidIIN saying what is wrong."""
    iin = iin.strip().replace(" ", "")
    # isascii: str.isdigit() also accepts '²' and Arabic-Indic digits, which int() reads or chokes on.
    if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
        raise InvalidIIN("must be exactly 12 digits")
    birth_date(iin)
    expected = check_digit(iin[:11])
    if expected is None or expected != int(iin[11]):
        raise InvalidIIN("check digit does not match")
    return iin


def make(born: dt.date, female: bool, serial: int) -> str | None:
    """Build a valid IIN (for sample data); None when this serial gives no valid check digit."""
    base = 1800 if born.year < 1900 else 1900 if born.year < 2000 else 2000
    sex = {1800: 1, 1900: 3, 2000: 5}[base] + (1 if female else 0)
    first11 = f"{born:%y%m%d}{sex}{serial % 10000:04d}"
    digit = check_digit(first11)
    return None if digit is None else first11 + str(digit)
