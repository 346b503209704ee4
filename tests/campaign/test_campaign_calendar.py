"""The campaign's calendar: windows (§11), notice deadline (§13), results due (§27), test days."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from central_scorer.campaign import calendar as cal
from common.domain.calendar import is_working_day, previous_working_day, working_days

D = dt.date


def test_schools_in_april_colleges_in_november():
    assert cal.window(2026, "4") == (D(2026, 4, 1), D(2026, 4, 30))
    assert cal.window(2026, "9") == (D(2026, 4, 1), D(2026, 4, 30))
    assert cal.window(2026, "college-2") == (D(2026, 11, 1), D(2026, 11, 30))
    with pytest.raises(cal.CalendarError, match="grade '11'"):
        cal.window(2026, "11")


def test_test_days_are_the_working_days_of_the_window():
    days = cal.available_days(2026, "4")
    assert days[0] == D(2026, 4, 1) and days[-1] == D(2026, 4, 30)
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 22  # April 2026: 22 weekdays, no public holiday
    nov = cal.available_days(2026, "college-3")
    assert len(nov) == 21  # November 2026: 21 weekdays
    with pytest.raises(cal.CalendarError, match="outside the window"):
        cal.available_days(2026, "4", first=D(2026, 5, 4))
    with pytest.raises(cal.CalendarError, match="no working day"):
        cal.available_days(2026, "4", first=D(2026, 4, 4), last=D(2026, 4, 5))  # a weekend


def test_the_notice_goes_out_one_month_before_on_a_working_day():
    assert cal.notice_deadline(D(2026, 4, 13)) == D(2026, 3, 13)  # a Friday: kept
    # 22 March 2026 is a Sunday inside Nauryz (21-25 March): back to Friday 20 March.
    assert cal.notice_deadline(D(2026, 4, 22)) == D(2026, 3, 20)
    assert cal.notice_deadline(D(2026, 11, 2)) == D(2026, 10, 2)
    assert cal.months_before(D(2026, 3, 31), 1) == D(2026, 2, 28)  # clamped to the month's end
    assert cal.months_before(D(2027, 1, 15), 1) == D(2026, 12, 15)


def test_results_are_due_three_working_days_after_the_test():
    # Thu 30 April 2026 → 1 May holiday, weekend, then Mon 4, Tue 5, Wed 6 May.
    assert cal.results_due(D(2026, 4, 30)) == D(2026, 5, 6)
    assert cal.results_due(D(2026, 4, 13)) == D(2026, 4, 16)


def test_a_transferred_working_saturday_counts():
    # 4 May 2024 was a Saturday made a working day (the `holidays` data for Kazakhstan says so).
    assert D(2024, 5, 4).weekday() == 5
    assert is_working_day(D(2024, 5, 4))
    assert not is_working_day(D(2024, 5, 11))  # an ordinary Saturday


def test_working_day_helpers():
    assert previous_working_day(D(2026, 3, 25)) == D(2026, 3, 20)
    assert previous_working_day(D(2026, 3, 20)) == D(2026, 3, 20)
    assert working_days(D(2026, 3, 19), D(2026, 3, 27)) == [D(2026, 3, 19), D(2026, 3, 20),
                                                             D(2026, 3, 26), D(2026, 3, 27)]


def test_a_test_day_must_be_a_working_day_in_the_window():
    assert cal.check_test_day(D(2026, 4, 14), 2026, "4") == D(2026, 4, 14)
    with pytest.raises(cal.CalendarError, match="not a working day"):
        cal.check_test_day(D(2026, 4, 18), 2026, "4")
    with pytest.raises(cal.CalendarError, match="outside the window"):
        cal.check_test_day(D(2026, 4, 14), 2026, "college-2")


def test_organisations_are_spread_evenly_and_in_order():
    days = [D(2026, 4, 13), D(2026, 4, 14), D(2026, 4, 15)]
    keys = [f"k{i:02d}" for i in range(10)]
    plan = cal.spread(keys, days)
    assert sorted(Counter(plan.values()).values()) == [3, 3, 4]
    assert [plan[k] for k in keys] == sorted(plan[k] for k in keys)  # neighbours stay together
    assert cal.spread([], days) == {}
    assert set(cal.spread(["a"], days).values()) == {days[0]}
