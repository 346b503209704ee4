"""Kazakhstan working days for the three-working-day deadline (§27).

The dates below were derived from what `holidays.country_holidays("KZ")` returns for 2026 and 2027
(checked first, so a change in that library's data fails here and not in a deadline test) and from
the calendar: Nauryz 21-23 March 2026 falls Sat-Mon, so its Saturday and Sunday move to Tue 24 and
Wed 25; 8 March 2026 is a Sunday, moved to Mon 9; 2 January 2027 is a Saturday, moved to Mon 4.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.domain.calendar import add_working_days, is_working_day

D = dt.date


def test_the_holiday_data_these_tests_rely_on():
    kz = holidays.country_holidays("KZ", years=[2026, 2027])
    relied_on = [
        D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 7),
        D(2026, 3, 8), D(2026, 3, 9),
        D(2026, 3, 21), D(2026, 3, 22), D(2026, 3, 23), D(2026, 3, 24), D(2026, 3, 25),
        D(2026, 5, 1), D(2026, 5, 7), D(2026, 5, 9), D(2026, 5, 11),
        D(2026, 12, 16),
        D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 4), D(2027, 1, 7),
        D(2027, 3, 21), D(2027, 3, 22), D(2027, 3, 23), D(2027, 3, 24),
        D(2027, 12, 16),
    ]
    missing = [d for d in relied_on if d not in kz]
    assert missing == []
    # Independence Day is one day since 2022 (17 December is no longer a holiday).
    assert D(2026, 12, 17) not in kz
    assert D(2026, 3, 26) not in kz


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 16)),  # Friday -> Monday
        (D(2026, 2, 13), 3, D(2026, 2, 18)),
        (D(2026, 2, 14), 1, D(2026, 2, 16)),  # from a Saturday
        (D(2026, 2, 15), 1, D(2026, 2, 16)),  # from a Sunday
        (D(2026, 2, 11), 3, D(2026, 2, 16)),  # Wednesday over the weekend
        (D(2026, 2, 16), 5, D(2026, 2, 23)),  # a full week
        (D(2026, 2, 14), 0, D(2026, 2, 14)),  # zero days: the start itself
    ],
)
def test_weekends_are_not_working_days(start, days, due):
    assert add_working_days(start, days) == due


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Nauryz 2026: Mon 23 and the days moved from the weekend, Tue 24 and Wed 25, are off.
        (D(2026, 3, 20), 1, D(2026, 3, 26)),
        (D(2026, 3, 20), 3, D(2026, 3, 30)),
        # 8 March 2026 is a Sunday; Monday 9 is off instead.
        (D(2026, 3, 6), 1, D(2026, 3, 10)),
        # Independence Day, Wednesday 16 December 2026.
        (D(2026, 12, 15), 1, D(2026, 12, 17)),
        (D(2026, 12, 15), 3, D(2026, 12, 21)),
        # Over the new year: 1 Jan, 2 Jan (Saturday, moved to Mon 4), 7 Jan (Orthodox Christmas).
        (D(2026, 12, 30), 3, D(2027, 1, 6)),
        (D(2026, 12, 30), 4, D(2027, 1, 8)),
        # May 2026: 1 May (Fri), 7 May (Thu), 9 May (Saturday, moved to Mon 11).
        (D(2026, 4, 30), 3, D(2026, 5, 6)),
        (D(2026, 4, 30), 4, D(2026, 5, 8)),
        (D(2026, 4, 30), 5, D(2026, 5, 12)),
        # Nauryz 2027: Sun 21 - Tue 23, Sunday moved to Wed 24.
        (D(2027, 3, 19), 1, D(2027, 3, 25)),
        (D(2027, 3, 19), 3, D(2027, 3, 29)),
    ],
)
def test_kazakhstan_holidays_and_days_moved_from_weekends(start, days, due):
    assert add_working_days(start, days) == due


@pytest.mark.parametrize(
    "day",
    [D(2026, 3, 23), D(2026, 3, 24), D(2026, 3, 25), D(2026, 12, 16), D(2027, 1, 4), D(2026, 3, 21)],
)
def test_holidays_and_moved_days_are_not_working_days(day):
    assert not is_working_day(day)


def test_is_working_day_agrees_with_the_holiday_data_for_two_whole_years():
    kz = holidays.country_holidays("KZ", years=[2026, 2027])
    day = D(2026, 1, 1)
    while day <= D(2027, 12, 31):
        assert is_working_day(day) == (day.weekday() < 5 and day not in kz), day
        day += dt.timedelta(days=1)


@given(
    start=st.dates(min_value=D(2026, 1, 1), max_value=D(2027, 12, 1)),
    days=st.integers(min_value=0, max_value=10),
)
def test_exactly_n_working_days_lie_between_start_and_due(start, days):
    due = add_working_days(start, days)
    between = [start + dt.timedelta(days=k) for k in range(1, (due - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == days
    if days:
        assert is_working_day(due)
    assert (due - start).days <= days * 3 + 7  # no runaway over a long holiday
