"""The campaign's calendar: test windows (§11), the notice deadline (§13), test days, results due (§27).

* Schools (grades 4 and 9) are tested in April, colleges (2nd and 3rd year) in November (§11).
* Participants are told one month ahead (§13): the notice deadline is the same day of the month one
  month before the first test day (clamped to the month's last day), moved back to a working day.
* Results reach the organisation within three working days after its test day (§27), counted on
  Kazakhstan's calendar (``common.domain.calendar``: weekends, holidays, transferred days off).
"""

from __future__ import annotations

import calendar as _months
import datetime as dt
from collections.abc import Sequence

from common.domain.calendar import add_working_days, is_working_day, previous_working_day, working_days

SCHOOL_GRADES = ("4", "9")
COLLEGE_GRADES = ("college-2", "college-3")
GRADES = SCHOOL_GRADES + COLLEGE_GRADES
RESULTS_DUE_WORKING_DAYS = 3
NOTICE_MONTHS = 1


class CalendarError(ValueError):
    """A date or grade that the rules do not allow; the message says which rule."""


def check_grade(grade: str) -> str:
    if grade not in GRADES:
        raise CalendarError(f"grade {grade!r} is not one of {', '.join(GRADES)}")
    return grade


def window(year: int, grade: str) -> tuple[dt.date, dt.date]:
    """The month the rules set for ``grade``: April for schools, November for colleges (§11)."""
    month = 4 if check_grade(grade) in SCHOOL_GRADES else 11
    return dt.date(year, month, 1), dt.date(year, month, _months.monthrange(year, month)[1])


def available_days(year: int, grade: str, first: dt.date | None = None,
              last: dt.date | None = None) -> list[dt.date]:
    """The working days on which ``grade`` may be tested: the window, narrowed to ``first``..``last``."""
    start, end = window(year, grade)
    first = first or start
    last = last or end
    for label, day in (("first day", first), ("last day", last)):
        if not start <= day <= end:
            raise CalendarError(f"{label} {day.isoformat()} is outside the window "
                                f"{start.isoformat()}..{end.isoformat()} for grade {grade} (§11)")
    if first > last:
        raise CalendarError(f"first day {first.isoformat()} is after last day {last.isoformat()}")
    days = working_days(first, last)
    if not days:
        raise CalendarError(f"no working day between {first.isoformat()} and {last.isoformat()}")
    return days


def check_test_day(day: dt.date, year: int, grade: str) -> dt.date:
    start, end = window(year, grade)
    if not start <= day <= end:
        raise CalendarError(f"{day.isoformat()} is outside the window {start.isoformat()}.."
                            f"{end.isoformat()} for grade {grade} (§11)")
    if not is_working_day(day):
        raise CalendarError(f"{day.isoformat()} is not a working day in Kazakhstan")
    return day


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def notice_deadline(first_test_day: dt.date) -> dt.date:
    """The last day on which the notice may go out: one month before, on a working day (§13)."""
    return previous_working_day(months_before(first_test_day, NOTICE_MONTHS))


def results_due(test_day: dt.date) -> dt.date:
    """Results reach the organisation by this day (§27)."""
    return add_working_days(test_day, RESULTS_DUE_WORKING_DAYS)


def spread(keys: Sequence[str], days: Sequence[dt.date]) -> dict[str, dt.date]:
    """Give each key (in the given order) a day so that the days carry equal loads (±1), in order.

    Callers sort organisations by region, district and code, so neighbours share a day or the next,
    which keeps the representatives' travel short.
    """
    if not days:
        raise CalendarError("no test days to spread the organisations over")
    n = len(keys)
    return {key: days[i * len(days) // n] for i, key in enumerate(keys)}
